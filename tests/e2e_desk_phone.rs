//! End-to-end, the release binary in tmux on the training tenant: the
//! agent adds the phone number a caller reads out. A number without a
//! country code is stopped before anything is sent, a type already taken
//! is refused in plain words with the number kept, the number lands on the
//! account, and the audit log keeps only its last two digits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use std::path::Path;
use tmux::Tmux;

fn config(dir: &Path) -> String {
    format!(
        "[ui]\nlanguages = [\"en\", \"sv\", \"fi\"]\n\n[training]\ndelay_ms = 50\n\n[helpdesk]\n\
         agent = \"e2e-agent\"\nrequired_checks = 2\ncase_dir = \"{}\"\naudit_log = \"{}\"\n",
        dir.join("cases").display(),
        dir.join("audit.jsonl").display()
    )
}

#[test]
fn the_agent_adds_the_number_the_caller_reads_out() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_with_config("desk-phone", 120, 40, &config(dir.path()), &["--helpdesk"]);
    t.wait_for("Who is calling?");
    // Kim has an office phone and no mobile.
    t.type_text("kim");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Registered sign-in methods");
    t.expect(&screen, "n  Add phone number");
    // Before the checks: locked, like every other change.
    t.keys(&["n"]);
    t.wait_for("Verify the caller's identity first");
    t.keys(&["v"]);
    t.wait_for("must pass before anything can change");
    t.keys(&["Space", "Down", "Space"]);
    t.wait_for("enough. Press Enter");
    t.keys(&["Enter"]);
    t.wait_for("Identity verified: changes are unlocked.");

    t.keys(&["n"]);
    let screen = t.wait_for("Add a phone number for Kim Berg");
    t.expect(&screen, "Please read me the phone number");
    t.type_text("070-123 45 67");
    t.keys(&["Enter"]);
    t.wait_for("Start with + and the country code");
    for _ in 0.."070-123 45 67".len() {
        t.keys(&["BSpace"]);
    }
    t.type_text("+46 70-123 45 67");
    // Office first: Kim has one, and the refusal says so.
    t.keys(&["Tab", "Tab"]);
    t.keys(&["Enter"]);
    t.wait_for("Add +46 701234567 as Kim Berg's office number?");
    t.keys(&["Enter"]);
    let screen = t.wait_for("The phone number was not added: the caller already has a number of");
    // The number stays, as it will be sent, to pick another type.
    t.expect(&screen, "Number:  +46 701234567");
    // Back to mobile (Tab goes round), and it goes through.
    t.keys(&["Tab"]);
    t.keys(&["Enter"]);
    t.wait_for("Add +46 701234567 as Kim Berg's mobile number?");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Added “Mobile +46 701234567”");
    t.expect(&screen, "ending in 67");
    let screen = t.wait_for("Mobile +46 701234567 (new)");
    t.expect(&screen, "Identity verified");
    t.keys(&["C-c"]);
    t.wait_for("EXITED:0");

    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"action\":\"phone_added\""), "{audit}");
    assert!(audit.contains("\"action\":\"phone_add_failed\""), "{audit}");
    assert!(audit.contains("+** *******67"), "{audit}");
    assert!(
        !audit.contains("701234567"),
        "the audit log holds the whole number: {audit}"
    );
}
