//! Issue 16 item 3 (and 13.6), end to end: robin deletes the only sign-in
//! method. The real binary in tmux at 80×24, read as a person would: Done
//! must warn that the next sign-in needs a new pass and name a key that
//! works, not "press a" on a screen where a does nothing.
//!
//! `cargo build --release && MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e_last_method`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/screen.rs"]
#[allow(dead_code)]
mod screen;
#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use tmux::{Tmux, flat};

#[test]
fn deleting_the_last_method_ends_with_a_warning_and_keys_that_work() {
    let t = Tmux::start("lastmethod", 80, 24, &[]);
    t.sign_in("robin", "Tap-Robin-6614");
    t.wait_for("old iPhone SE");
    t.keys(&["d"]);
    let s = t.wait_until("the last-method warning", tmux::TIMEOUT, |s| {
        flat(s).contains("Press y to delete")
    });
    t.expect_flat(&s, "last way to sign in");
    t.keys(&["y"]);
    t.wait_for_flat("Deleted “Authenticator app (old iPhone SE)”");
    t.wait_gone("Loading");
    t.keys(&["f"]);
    let done = t.wait_for("Step 9 of 9");
    t.expect_flat(&done, "Your next sign-in needs a new Temporary Access Pass");
    t.expect_flat(&done, "Press m to go back");
    t.expect_not(&done, "Press a to add", "a does nothing on Done");
    // The helpdesk line is on the screen itself (issue 16 item 8).
    t.expect(&done, "Service desk");
    // a really does nothing here; m really goes back, where a adds.
    t.keys(&["a"]);
    t.keys(&["m"]);
    t.wait_for("Step 3 of 9");
    t.keys(&["a"]);
    t.wait_for("Step 4 of 9");
}
