//! A panic in the release binary still leaves the terminal as the shell
//! expects it and, on a kiosk, wipes the screen and its scrollback: the
//! panic hook (src/terminal.rs) restores before anything else, which with
//! `panic = "abort"` (Cargo.toml) is the only code that runs after a panic.
//!
//! The panic is real and comes from outside: `e2e/clock_fails.c`, loaded
//! with `LD_PRELOAD`, makes the monotonic clock fail on a cue, and Rust's
//! std panics on the next `Instant::now`. The app has no switch for this.
//!
//! ```sh
//! cargo build --release
//! MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e_panic
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::Command;
use tmux::{Launch, SENTINEL, Tmux};

const WELCOME: &str = "Recover your sign-in";
const TRAINING: &str = "[training]\ndelay_ms = 50\n\n[kiosk]\ndone_countdown_secs = 3\n";

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Builds `e2e/clock_fails.c` into `dir` with the system C compiler (the
/// one Rust links with).
fn clock_fails_library(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/clock_fails.c");
    let library = dir.join("clock_fails.so");
    let out = Command::new("cc")
        .args(["-shared", "-fPIC", "-O1", "-o"])
        .arg(&library)
        .arg(&source)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cc to build {}: {e}", source.display()));
    assert!(
        out.status.success(),
        "cc failed to build {}:\n{}",
        source.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    library
}

/// The kiosk half-way through signing in, the clock broken, a key pressed:
/// the app panics; afterwards the terminal is back in cooked mode on the
/// normal screen with the cursor shown, and nothing of the session (nor what
/// was on the screen before it) is left on the screen or in the scrollback.
#[test]
fn a_panic_restores_the_terminal_and_wipes_the_kiosk_screen() {
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "mfa-e2e-panic-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    )));
    std::fs::create_dir_all(&scratch.0).unwrap();
    let library = clock_fails_library(&scratch.0);
    let cue = scratch.0.join("clock-fails-now");
    let launch = Launch {
        sentinel_lines: Some(80),
        env: vec![
            ("LD_PRELOAD".into(), library.to_string_lossy().into_owned()),
            (
                "MFA_TEST_CLOCK_FAILS_WHEN".into(),
                cue.to_string_lossy().into_owned(),
            ),
        ],
        ..Launch::default()
    };
    let t = Tmux::launch("panic", (100, 45), TRAINING, &["--kiosk"], &launch);
    t.wait_for(WELCOME);
    t.expect(&t.screen_and_scrollback(), SENTINEL);
    t.keys(&["Enter"]);
    t.wait_for("Step 2 of 9");
    t.type_text("alex");
    t.wait_for("alex");

    std::fs::write(&cue, "").unwrap();
    // The app is idle until a key arrives; handling it reads the clock.
    t.type_text("x");
    t.wait_for("EXITED:");
    let screen = t.wait_for("STTY:");
    let field = |prefix: &str| {
        screen
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };

    let mut problems = Vec::new();
    let stderr = t.app_stderr();
    if !stderr.contains("panicked") {
        problems.push(format!(
            "the app did not panic (status {}), so this test proved nothing",
            field("EXITED:")
        ));
    }
    let stty = field("STTY:");
    for flag in ["icanon", "echo", "isig", "opost"] {
        if !stty.split_whitespace().any(|f| f == flag) {
            problems.push(format!("terminal left in raw mode: stty {stty:?}"));
            break;
        }
    }
    if t.display("#{alternate_on}") != "0" {
        problems.push("the alternate screen is still on".into());
    }
    if t.display("#{cursor_flag}") != "1" {
        problems.push("the cursor is still hidden".into());
    }
    let all = t.screen_and_scrollback();
    for needle in [SENTINEL, WELCOME, "alex", "TRAINING"] {
        if all.contains(needle) {
            problems.push(format!("the pane still shows {needle:?}"));
        }
    }
    if !problems.is_empty() {
        t.fail(&format!("after a panic:\n  - {}", problems.join("\n  - ")));
    }
}
