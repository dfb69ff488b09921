//! Screen-reader mode (`--plain`) end to end: the release binary in tmux,
//! every byte it writes recorded (`tmux pipe-pane`) and checked as a screen
//! reader would get it: no control sequences but the wipe, each screen
//! written once and in reading order, the pass never echoed, the key to type
//! spelled out instead of a QR code. A whole training recovery at the kiosk,
//! and a helpdesk call.
//!
//! Runs `$MFA_ASSIST_BIN` if set, else the binary cargo builds for the tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "e2e/screen.rs"]
mod screen;
#[path = "e2e/tmux.rs"]
mod tmux;

use screen::{oathtool_code, wrong_code};
use std::path::Path;
use std::time::{Duration, Instant};
use tmux::{DELAY_MS, DONE_COUNTDOWN_SECS, Launch, TIMEOUT, Tmux};

/// The wipe, exactly as written: clear screen, clear scrollback, home.
const WIPE: &str = "\x1b[2J\x1b[3J\x1b[1;1H";
/// The only other wipe form: the driver's scrollback clear after a wipe.
const PURGE: &str = "\x1b[3J";

const ALEX_PASS: &str = "Tap-Alex-4821";

fn start(tag: &str, config: &str, args: &[&str]) -> Tmux {
    let launch = Launch {
        transcript: true,
        ..Launch::default()
    };
    Tmux::launch(tag, (100, 40), config, args, &launch)
}

/// The transcript as text, cut where the wrapper script takes over.
fn transcript(t: &Tmux) -> String {
    let bytes = t.transcript();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    match text.find("\r\nEXITED:").or_else(|| text.find("\nEXITED:")) {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Waits until the transcript holds `text` after byte `from`; returns the
/// byte just after it, so the next wait checks what follows (reading order).
fn heard(t: &Tmux, text: &str, from: usize) -> usize {
    heard_within(t, text, from, TIMEOUT)
}

fn heard_within(t: &Tmux, text: &str, from: usize, timeout: Duration) -> usize {
    let start = Instant::now();
    loop {
        let all = transcript(t);
        if let Some(i) = all.get(from..).and_then(|rest| rest.find(text)) {
            return from + i + text.len();
        }
        if start.elapsed() > timeout {
            let tail: String = all
                .get(from..)
                .unwrap_or("")
                .chars()
                .rev()
                .take(3000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            t.fail(&format!(
                "{text:?} was not written after byte {from}; what came after:\n{tail}"
            ));
        }
        std::thread::sleep(Duration::from_millis(40));
    }
}

/// No control character but line ends, and no escape sequence but the wipe.
fn assert_only_the_wipe(t: &Tmux, text: &str) {
    let rest = text.replace(WIPE, "").replace(PURGE, "");
    let odd: Vec<(usize, char)> = rest
        .char_indices()
        .filter(|(_, c)| c.is_control() && *c != '\r' && *c != '\n')
        .collect();
    if let Some((i, _)) = odd.first() {
        let from = i.saturating_sub(60);
        t.fail(&format!(
            "control characters other than the wipe: {} of them, first at {i}: {:?}",
            odd.len(),
            rest.get(from..(i + 60).min(rest.len())).unwrap_or("")
        ));
    }
    for glyph in ['█', '▀', '▄', '│', '─', '┌', '▶', '⠋'] {
        assert!(!rest.contains(glyph), "plain mode drew {glyph:?}");
    }
}

/// The `Step N of 9` headers in the order they were written.
fn steps(text: &str) -> Vec<u32> {
    text.match_indices("Step ")
        .filter_map(|(i, _)| {
            let rest = &text[i + 5..];
            let (n, tail) = rest.split_once(' ')?;
            tail.starts_with("of 9").then(|| n.parse().ok()).flatten()
        })
        .collect()
}

/// `J B S W, Y 3 D P, …` back to the key.
fn unspell(line: &str) -> String {
    line.chars().filter(char::is_ascii_alphanumeric).collect()
}

#[test]
fn a_whole_training_recovery_at_the_kiosk_reads_in_order() {
    let config = format!(
        "[training]\ndelay_ms = {DELAY_MS}\n\n[kiosk]\ndone_countdown_secs = {DONE_COUNTDOWN_SECS}\n\
         \n[organisation]\nhelpdesk = \"Helpdesk: call 555-0100\"\n"
    );
    let t = start("plain", &config, &["--kiosk", "--plain"]);
    let mut at = heard(&t, "Step 1 of 9: Welcome", 0);
    at = heard(&t, "Recover your sign-in", at);
    at = heard(&t, "Keys: Enter", at);
    t.keys(&["Enter"]);
    at = heard(&t, "Step 2 of 9: Sign in", at);
    at = heard(&t, "never shown or read out", at);
    at = heard(&t, "Username: ", at);
    t.type_text("alex");
    // Echoed as typed, on the prompt's line, so it is spoken.
    at = heard(&t, "alex", at);
    t.keys(&["Enter"]);
    at = heard(&t, "Temporary Access Pass: ", at);
    t.type_text(ALEX_PASS);
    at = heard(&t, &"*".repeat(ALEX_PASS.len()), at);
    t.keys(&["Enter"]);
    at = heard(&t, "Step 3 of 9", at);
    at = heard(&t, "Signed in as Alex Lindqvist", at);
    // The lost app is selected from the start.
    at = heard(&t, "> Authenticator app,", at);
    at = heard(&t, "Authenticator app (iPhone 11)", at);

    // The selection is said when it moves, also back to a row said before.
    t.keys(&["Up"]);
    at = heard(&t, "> ★ Phone,", at);
    t.keys(&["Down"]);
    at = heard(&t, "> Authenticator app,", at);
    t.keys(&["d"]);
    at = heard(&t, "Press y to delete", at);
    t.keys(&["y"]);
    at = heard(&t, "Deleted “Authenticator app (iPhone 11)”", at);

    t.keys(&["a"]);
    at = heard(&t, "Step 4 of 9", at);
    t.keys(&["Down"]);
    at = heard(&t, "> Authenticator app (6-digit code)", at);
    t.keys(&["Enter"]);
    at = heard(&t, "Step 5 of 9", at);
    t.keys(&["Enter"]);
    at = heard(&t, "Step 6 of 9", at);
    t.keys(&["Enter"]);
    at = heard(&t, "Step 7 of 9", at);
    // The key instead of the QR: grouped, then spelled, then the helpdesk.
    at = heard(
        &t,
        "The key, one character at a time, in groups of four:\r\n",
        at,
    );
    let end = heard(&t, "\r\n", at);
    let spelled = transcript(&t)[at..end].trim().to_string();
    let key = unspell(&spelled);
    assert!(key.len() >= 16, "spelled key {spelled:?}");
    assert!(
        spelled.split(", ").all(|g| g.split(' ').count() <= 4),
        "{spelled:?} is not in groups of four"
    );
    at = heard(&t, "the helpdesk can help: Helpdesk: call 555-0100", end);
    t.keys(&["Enter"]);
    at = heard(&t, "Step 8 of 9", at);
    at = heard(&t, "Code: ", at);
    let wrong = wrong_code(&oathtool_code(&key));
    t.type_text(&wrong);
    at = heard(&t, &wrong, at);
    t.keys(&["Enter"]);
    at = heard(&t, "didn't match", at);
    // Written again only once the check is over (the busy line went).
    std::thread::sleep(Duration::from_millis(DELAY_MS * 3));
    let code = oathtool_code(&key);
    t.type_text(&code);
    at = heard(&t, &code, at);
    t.keys(&["Enter"]);
    at = heard(&t, "Step 9 of 9", at);
    at = heard(&t, "All done", at);
    // The countdown signs out: wiped, and Welcome afresh.
    let wiped = heard_within(&t, WIPE, at, Duration::from_secs(DONE_COUNTDOWN_SECS + 8));
    heard(&t, "Step 1 of 9: Welcome", wiped);
    std::thread::sleep(Duration::from_millis(300));

    // Ended from outside, as a session manager would.
    let pid = t.app_pid();
    std::process::Command::new("kill")
        .arg(pid.to_string())
        .status()
        .unwrap();
    t.wait_for("EXITED:");
    let all = transcript(&t);
    assert_only_the_wipe(&t, &all);
    assert!(all.trim_end().ends_with(WIPE), "the exit must wipe last");

    let session = &all[..wiped];
    // Each screen once, in order: no redraws while typing, counting down
    // or polling. Step 3 three times: the list, the confirmation (also
    // step 3), the list after the delete.
    assert_eq!(
        steps(session),
        [1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9],
        "{session}"
    );
    assert_eq!(session.matches("Signed in as Alex Lindqvist").count(), 2);
    // The pass only in the training table on Welcome, never typed or echoed.
    let signing_in = session.find("Step 2 of 9").unwrap();
    assert!(!session[signing_in..].contains(ALEX_PASS), "{session}");
    // The key is not left behind: after the sign-out nothing of it is written.
    let after = &all[wiped..];
    assert!(!after.contains(&spelled) && !after.contains("Alex Lindqvist"));
}

fn desk_config(dir: &Path) -> String {
    format!(
        "[training]\ndelay_ms = 100\n\n[helpdesk]\nagent = \"e2e-agent\"\n\
         required_checks = 2\ncase_dir = \"{}\"\naudit_log = \"{}\"\n\n[ui]\nmode = \"plain\"\n",
        dir.join("cases").display(),
        dir.join("audit.jsonl").display()
    )
}

#[test]
fn a_helpdesk_call_reads_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let t = start("pdesk", &desk_config(dir.path()), &["--helpdesk"]);
    let mut at = heard(&t, "Who is calling?", 0);
    at = heard(&t, "Username: ", at);
    t.type_text("alex");
    at = heard(&t, "alex", at);
    t.keys(&["Enter"]);
    at = heard(&t, "iPhone 11", at);

    t.keys(&["d"]);
    at = heard(&t, "Verify the caller's identity first", at);
    t.keys(&["v"]);
    at = heard(&t, "must pass before anything can change", at);
    t.keys(&["Space"]);
    t.keys(&["Down"]);
    at = heard(&t, "> ", at);
    t.keys(&["Space"]);
    at = heard(&t, "enough. Press Enter", at);
    t.keys(&["Enter"]);
    at = heard(&t, "Identity verified: changes are unlocked.", at);

    t.keys(&["p"]);
    at = heard(&t, "Valid for:", at);
    t.keys(&["Enter"]);
    at = heard(&t, "Read this Temporary Access Pass", at);
    std::thread::sleep(Duration::from_millis(300));
    t.keys(&["Enter"]);
    // Leaving the pass wipes it from the screen and the scrollback.
    let wiped = heard(&t, WIPE, at);
    at = heard(&t, "hidden for good", wiped);

    t.keys(&["w"]);
    at = heard(&t, "Checking every", at);
    t.keys(&["t"]);
    at = heard(&t, "New: Authenticator app", at);
    t.keys(&["f"]);
    at = heard(&t, "Finish the call with", at);
    t.keys(&["Enter"]);
    at = heard(&t, "Saved to ", at);
    t.keys(&["Enter"]);
    heard(&t, "Who is calling?", at);
    std::thread::sleep(Duration::from_millis(300));
    t.keys(&["C-c"]);
    t.wait_for("EXITED:0");

    let all = transcript(&t);
    assert_only_the_wipe(&t, &all);
    // The pass was written once, before the wipe, and never after it.
    let shown = &all[..wiped];
    let pass_line = shown
        .split("\r\n")
        .skip_while(|l| !l.contains("Read this Temporary Access Pass"))
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let after = &all[wiped..];
    let pass: String = pass_line.split_whitespace().collect();
    assert!(pass.len() >= 8, "pass line {pass_line:?} in:\n{shown}");
    let squashed: String = after.split_whitespace().collect();
    assert!(!squashed.contains(&pass), "the pass outlived its screen");
    // The lookup prompt is written once per visit, not redrawn per key.
    assert_eq!(all.matches("Who is calling?").count(), 2, "{all}");
}
