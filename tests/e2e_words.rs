//! Issue 13.6 end to end: the real binary in tmux at 80×24, used as a
//! person would. A network failure on sign-in keeps the typed pass, so Enter
//! alone tries again; Esc from the push check goes back to getting the app
//! ready, not to the QR the app already used.
//!
//! `cargo build --release && MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e_words`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/screen.rs"]
#[allow(dead_code)]
mod screen;
#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use tmux::{Tmux, flat};

/// Every second call to the training tenant fails like a broken network.
const FLAKY: &str = r#"
issuer = "MFA Training"
domain = "training.example"
delay_ms = 50
unreachable_every = 2

[[accounts]]
username = "alex"
display_name = "Alex Lindqvist"
pass = "Tap-Alex-4821"
note = "flaky network"

[[accounts.methods]]
kind = "authenticator_push"
label = "Authenticator app (iPhone 11)"
is_default = true
"#;

#[test]
fn a_network_failure_on_sign_in_keeps_the_typed_pass() {
    let dir = std::env::temp_dir().join(format!("mfa-e2e-words-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("flaky.toml");
    std::fs::write(&scenario, FLAKY).unwrap();
    let t = Tmux::start(
        "keeppass",
        80,
        24,
        &["--scenario", scenario.to_str().unwrap()],
    );
    t.wait_for("Recover your sign-in");
    t.keys(&["Enter"]);
    t.wait_for("Step 2 of 9");
    t.type_text("alex");
    t.keys(&["Enter"]);
    // Call 1 goes through: a wrong pass is judged, and cleared.
    t.type_text("Tap-Wrong-0000");
    t.keys(&["Enter"]);
    t.wait_for_flat("That pass is not right");
    // Call 2 fails on the way: the typed pass must stay.
    t.type_text("Tap-Alex-4821");
    t.keys(&["Enter"]);
    let s = t.wait_for_flat("We can't reach the sign-in service");
    t.expect(&s, &"•".repeat("Tap-Alex-4821".len()));
    // Enter alone tries again (call 3) and signs in.
    t.keys(&["Enter"]);
    t.wait_for("Step 3 of 9");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn esc_from_the_push_check_goes_back_to_getting_the_app_ready() {
    let t = Tmux::start("escpush", 80, 24, &[]);
    t.sign_in("alex", "Tap-Alex-4821");
    t.wait_for("Step 3 of 9");
    t.wait_gone("Loading");
    t.keys(&["a"]);
    t.wait_for("Step 4 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 5 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 6 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 7 of 9");
    t.keys(&["Enter"]);
    let s = t.wait_for("Step 8 of 9");
    t.expect(&s, "Start over");
    t.keys(&["Escape"]);
    let s = t.wait_for("Step 6 of 9");
    t.expect_not(&s, "Scan this QR code", "the used QR is not shown again");
    // A fresh QR, a fresh notification, and the phone approves it.
    t.keys(&["Enter"]);
    t.wait_for("Step 7 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 8 of 9");
    let number = t.shown_number();
    t.type_text(&number);
    t.keys(&["a"]);
    let done = t.wait_for("Step 9 of 9");
    t.expect_flat(&done, "your new method works");
    let _ = flat(&done);
}
