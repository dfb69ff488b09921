//! End-to-end, the release binary in tmux on the training tenant (issue 10
//! items 1 and 4): after the caller registers a new Authenticator, deleting
//! the old one leaves the script and the cursor off the new one; typing on
//! the account screen switches nothing, and the case file is in the agent's
//! language with the caller's language as a field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use std::path::Path;
use tmux::{Tmux, flat};

fn config(dir: &Path) -> String {
    format!(
        "[ui]\nlanguages = [\"en\", \"sv\", \"fi\"]\n\n[training]\ndelay_ms = 50\n\n[helpdesk]\n\
         agent = \"e2e-agent\"\nrequired_checks = 2\ncase_dir = \"{}\"\naudit_log = \"{}\"\n",
        dir.join("cases").display(),
        dir.join("audit.jsonl").display()
    )
}

fn look_up_and_verify(t: &Tmux, who: &str) {
    t.wait_for("Who is calling?");
    t.type_text(who);
    t.keys(&["Enter"]);
    t.wait_for("Registered sign-in methods");
    t.keys(&["v"]);
    t.wait_for("must pass before anything can change");
    t.keys(&["Space", "Down", "Space"]);
    t.wait_for("enough. Press Enter");
    t.keys(&["Enter"]);
    t.wait_for("Identity verified: changes are unlocked.");
}

/// The script panel's words (right of the table at 110 columns and up),
/// unwrapped.
fn panel(screen: &str) -> String {
    let words: Vec<&str> = screen
        .lines()
        .filter_map(|l| {
            let last = l.rfind('│')?;
            let before = l[..last].rfind('│')?;
            Some(&l[before + '│'.len_utf8()..last])
        })
        .collect();
    flat(&words.join(" "))
}

/// The table row the cursor (▶) is on.
fn cursor_row(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.contains("│▶"))
        .map(str::to_string)
}

#[test]
fn deleting_the_old_authenticator_never_points_at_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_with_config(
        "desk-old-new",
        120,
        40,
        &config(dir.path()),
        &["--helpdesk"],
    );
    look_up_and_verify(&t, "alex");
    // The caller registers their new phone while the agent watches.
    t.keys(&["w"]);
    t.wait_for("Checking every");
    t.keys(&["t"]);
    t.wait_for("New: Authenticator app");
    t.keys(&["Escape"]);
    let screen = t.wait_for("Registered sign-in methods");
    let script = panel(&screen);
    assert!(
        script.contains("The old Authenticator on “Authenticator app (iPhone 11)”"),
        "{script}"
    );
    // The rows: the default phone, the iPhone 11, the new phone. The
    // confirmation below names the row the cursor was on.
    t.keys(&["Down"]);
    t.keys(&["d"]);
    t.wait_for("Delete “Authenticator app (iPhone 11)”");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Deleted “Authenticator app (iPhone 11)”");
    let screen = if screen.contains("Loading") {
        t.wait_gone("Loading")
    } else {
        screen
    };
    let script = panel(&screen);
    if script.contains("still registered: delete it first") {
        t.fail(&format!(
            "the script advises deleting the new Authenticator: {script}"
        ));
    }
    assert!(
        script.contains("“Authenticator app (new phone)” is registered."),
        "{script}"
    );
    if cursor_row(&screen).is_some_and(|row| row.contains("new phone")) {
        t.fail("after the delete the cursor sits on the new Authenticator");
    }
    t.keys(&["C-c"]);
    t.wait_for("EXITED:0");
}

#[test]
fn typing_on_the_account_screen_switches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_with_config("desk-typing", 120, 40, &config(dir.path()), &["--helpdesk"]);
    look_up_and_verify(&t, "alex");
    // The agent thinks they are on the lookup field and types a name.
    t.type_text("alice");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let screen = t.screen();
    t.expect(&screen, "Script · iPhone · en");
    t.expect(&screen, "Registered sign-in methods");
    t.expect_not(&screen, "Registrerade", "the interface switched to Swedish");
    // Every key on this screen is in the footer, settings on F-keys.
    for key in ["F2", "F3", "F4", "g  Refresh", "f  Finish call"] {
        t.expect(&screen, key);
    }
    // The caller speaks Swedish: F3; the agent's own screen stays English.
    t.keys(&["F3"]);
    t.wait_for("Script · iPhone · sv");
    t.keys(&["f"]);
    t.wait_for("Finish the call with Alex Lindqvist?");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Saved to ");
    let line = screen.lines().find(|l| l.contains("Saved to ")).unwrap();
    let path = line.split("Saved to ").nth(1).unwrap().trim().to_string();
    let case = std::fs::read_to_string(&path).unwrap();
    assert!(case.contains("Caller's language: sv"), "{case}");
    assert!(case.contains("Registered now:"), "not in English:\n{case}");
    t.keys(&["q"]);
    t.wait_for("EXITED:0");
}
