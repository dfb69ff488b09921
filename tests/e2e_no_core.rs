//! A crash never writes the app's memory to the disk: the release binary
//! switches off core dumps for itself, even when the shell that started it
//! allowed them (`ulimit -c unlimited`).
//!
//! ```sh
//! cargo build --release
//! MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e_no_core
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/screen.rs"]
#[allow(dead_code)]
mod screen;
#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use tmux::{Launch, Tmux};

const TRAINING: &str = "[training]\ndelay_ms = 50\n";

/// The soft and hard "Max core file size" of a process, as /proc shows them.
fn core_limits(pid: u32) -> (String, String) {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap_or_else(|| panic!("no core limit in /proc/{pid}/limits:\n{limits}"));
    let fields: Vec<&str> = line["Max core file size".len()..]
        .split_whitespace()
        .collect();
    (fields[0].to_string(), fields[1].to_string())
}

#[test]
fn the_kiosk_allows_no_core_file_even_when_its_shell_does() {
    let launch = Launch {
        shell_before: vec!["ulimit -c unlimited".into()],
        ..Launch::default()
    };
    let tmux = Tmux::launch("nocore", (100, 40), TRAINING, &["--kiosk"], &launch);
    tmux.wait_for("Recover your sign-in");
    let shell: u32 = tmux.display("#{pane_pid}").parse().unwrap();
    // The test can only fail if the shell really allowed core files.
    assert_eq!(
        core_limits(shell).0,
        "unlimited",
        "the shell that starts the app should allow core files"
    );
    assert_eq!(
        core_limits(tmux.app_pid()),
        ("0".to_string(), "0".to_string()),
        "the app must switch core files off for itself"
    );
}
