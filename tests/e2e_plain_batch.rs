//! Screen-reader mode with the release binary in tmux: text sent together
//! with the Enter that acts on it (`send-keys alex Enter`, as a fast typist
//! or a password manager's auto-type does) is still echoed, so the listener
//! hears what was sent. Before the fix the transcript had "Username: " and
//! then the next field, with nothing typed between.
//!
//! Runs `$MFA_ASSIST_BIN` if set, else the binary cargo builds for the tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "e2e/screen.rs"]
mod screen;
#[path = "e2e/tmux.rs"]
mod tmux;

use std::time::{Duration, Instant};
use tmux::{DELAY_MS, Launch, TIMEOUT, Tmux};

fn transcript(t: &Tmux) -> String {
    String::from_utf8_lossy(&t.transcript()).into_owned()
}

fn heard(t: &Tmux, text: &str, from: usize) -> usize {
    let start = Instant::now();
    loop {
        let all = transcript(t);
        if let Some(i) = all.get(from..).and_then(|rest| rest.find(text)) {
            return from + i + text.len();
        }
        if start.elapsed() > TIMEOUT {
            t.fail(&format!(
                "{text:?} was not written after byte {from}:\n{all}"
            ));
        }
        std::thread::sleep(Duration::from_millis(40));
    }
}

#[test]
fn text_and_enter_sent_together_are_both_heard() {
    let config = format!("[training]\ndelay_ms = {DELAY_MS}\n");
    let launch = Launch {
        transcript: true,
        ..Launch::default()
    };
    let t = Tmux::launch(
        "plain-batch",
        (100, 40),
        &config,
        &["--kiosk", "--plain"],
        &launch,
    );
    let mut at = heard(&t, "Keys: Enter", 0);
    t.keys(&["Enter"]);
    at = heard(&t, "Username: ", at);
    // One tmux command: the characters and the Enter reach the app at once.
    t.keys(&["alex", "Enter"]);
    at = heard(&t, "Temporary Access Pass: ", at);
    let all = transcript(&t);
    assert!(
        all.contains("Username: alex\r\n"),
        "the username was not echoed:\n{all}"
    );
    t.keys(&["Tap-Alex-4821", "Enter"]);
    heard(&t, "Step 3 of 9", at);
    let all = transcript(&t);
    assert!(
        all.contains(&format!("Temporary Access Pass: {}\r\n", "*".repeat(13))),
        "the pass's marks were not heard:\n{all}"
    );
}
