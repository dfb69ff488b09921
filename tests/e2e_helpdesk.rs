//! End-to-end: helpdesk mode in the real binary, in a real pseudo-terminal
//! (tmux), a whole call as an agent makes it: look the caller up, find
//! changes locked, verify, reset, issue a pass and read it off the screen,
//! watch the caller register, finish, and check the case file and audit log
//! hold no secret. Once on the training tenant, once against the real
//! privacyIDEA test server with admin access.
//!
//! Runs `$MFA_ASSIST_BIN` if set, else the binary cargo builds for the tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use std::path::Path;
use tmux::{Tmux, flat};

fn desk_config(dir: &Path, provider: &str) -> String {
    format!(
        "{provider}\n[training]\ndelay_ms = 100\n\n[helpdesk]\nagent = \"e2e-agent\"\n\
         required_checks = 2\ncase_dir = \"{}\"\naudit_log = \"{}\"\n",
        dir.join("cases").display(),
        dir.join("audit.jsonl").display()
    )
}

/// The pass as the screen shows it: the line of spaced groups under the
/// title, spaces removed.
fn read_pass(t: &Tmux, screen: &str) -> String {
    let mut lines = screen.lines().skip_while(|l| !l.contains("Read this"));
    lines.next();
    let Some(line) = lines.find(|l| !l.trim().is_empty()) else {
        t.fail("no pass under the title");
    };
    let pass: String = line.split_whitespace().collect();
    if pass.len() < 8 {
        t.fail(&format!("the pass line {line:?} is too short"));
    }
    pass
}

/// Ticks the first two checks and confirms.
fn verify(t: &Tmux) {
    t.keys(&["v"]);
    t.wait_for("must pass before anything can change");
    t.keys(&["Space", "Down", "Space"]);
    t.wait_for("enough. Press Enter");
    t.keys(&["Enter"]);
    t.wait_for("Identity verified: changes are unlocked.");
}

/// Finishes the call; returns the case file's text and the audit log's lines.
fn finish(t: &Tmux, dir: &Path) -> (String, Vec<serde_json::Value>) {
    t.keys(&["f"]);
    t.wait_for("Finish the call with");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Saved to ");
    let line = screen.lines().find(|l| l.contains("Saved to ")).unwrap();
    let path = line.split("Saved to ").nth(1).unwrap().trim().to_string();
    assert!(
        path.starts_with(&dir.join("cases").display().to_string()),
        "case saved to {path}"
    );
    let case = std::fs::read_to_string(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the case file is readable by others");
    }
    let audit = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    let records = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:?}: {e}")))
        .collect();
    (case, records)
}

fn actions(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["action"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn assert_no_secret(t: &Tmux, what: &str, text: &str, secret: &str) {
    let squashed: String = text.split_whitespace().collect();
    if text.contains(secret) || squashed.contains(secret) {
        t.fail(&format!("{what} contains the pass:\n{text}"));
    }
}

#[test]
fn helpdesk_call_on_the_training_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_with_config(
        "desk",
        110,
        40,
        &desk_config(dir.path(), ""),
        &["--helpdesk"],
    );
    t.wait_for("Who is calling?");
    t.type_text("alex");
    t.keys(&["Enter"]);
    // The table shows the device; the kind is in its own column.
    t.wait_for("iPhone 11");

    // Locked until verified: d and p do nothing but say so.
    t.keys(&["d"]);
    t.wait_for_flat("Verify the caller's identity first");
    t.keys(&["p"]);
    t.expect_not(&t.screen(), "Issue a Temporary", "changes are locked");

    verify(&t);
    let screen = t.wait_for("delete it first");
    t.expect(&screen, "iPhone 11");

    // Reset all: both second factors, the default last.
    t.keys(&["r"]);
    let screen = t.wait_for("in this order");
    let app = screen.find("1. Authenticator app").unwrap_or(usize::MAX);
    let phone = screen.find("2. Phone: Mobile").unwrap_or(0);
    assert!(app < phone, "the default phone is not last:\n{screen}");
    t.keys(&["Enter"]);
    t.wait_for("No sign-in methods registered.");

    // A pass for 1 hour, shown once.
    t.keys(&["p"]);
    t.wait_for("Valid for:");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Read this Temporary Access Pass");
    let pass = read_pass(&t, &screen);
    t.expect(&screen, "one sign-in");
    t.keys(&["Enter"]);
    let screen = t.wait_for_flat("hidden for good");
    assert_no_secret(&t, "the screen after hiding", &screen, &pass);
    t.wait_for("Temporary Access Pass issued, valid until");

    // The caller registers while the agent watches.
    t.keys(&["w"]);
    t.wait_for("Checking every");
    t.keys(&["t"]);
    let screen = t.wait_for("New: Authenticator app");
    t.expect(
        &flat(&screen),
        "When Microsoft Authenticator asks, type the number",
    );

    let (case, records) = finish(&t, dir.path());
    assert_no_secret(&t, "the case file", &case, &pass);
    for needle in [
        "Agent: e2e-agent",
        "Caller: Alex Lindqvist (alex@training.example)",
        "Identity: verified (2 checks; 2 of 4 required)",
        "Deleted Authenticator app (notification): Authenticator app (iPhone 11)",
        "Deleted Phone: Mobile +* ***-**42",
        "Issued a pass: one use, 60 min",
        "Caller registered Authenticator app (notification): Authenticator app (new phone)",
    ] {
        assert!(case.contains(needle), "case file lacks {needle:?}:\n{case}");
    }
    let audit = serde_json::to_string(&records).unwrap();
    assert_no_secret(&t, "the audit log", &audit, &pass);
    // A phone number is personal data: records keep its last two digits.
    for (what, text) in [("the case file", &case), ("the audit log", &audit)] {
        assert!(
            !text.contains("555-0142"),
            "{what} holds the number:\n{text}"
        );
    }
    assert_eq!(
        actions(&records),
        [
            "looked_up",
            "verified",
            "deleted",
            "deleted",
            "pass_issued",
            "new_method_seen",
            "case_closed"
        ]
    );
    assert!(records.iter().all(|r| r["agent"] == "e2e-agent"
        && r["caller"] == "alex@training.example"
        && r["ts"].as_str().is_some_and(|ts| ts.ends_with('Z'))));

    // Next caller: the last one's details leave the screen.
    t.keys(&["Enter"]);
    let screen = t.wait_for("Who is calling?");
    t.expect_not(
        &screen,
        "Lindqvist",
        "the next caller must not see the last",
    );
    t.keys(&["C-c"]);
    t.wait_for("EXITED:0");
}

#[test]
fn helpdesk_escalation_when_the_caller_cannot_be_verified() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_with_config(
        "desk-esc",
        100,
        36,
        &desk_config(dir.path(), ""),
        &["--helpdesk"],
    );
    t.wait_for("Who is calling?");
    t.type_text("kim");
    t.keys(&["Enter"]);
    t.wait_for("Registered sign-in methods");
    t.keys(&["v"]);
    t.wait_for("must pass before anything can change");
    t.keys(&["Space", "x"]);
    t.wait_for("could not be verified?");
    t.keys(&["Enter"]);
    t.wait_for_flat("pass the ticket to the identity team");
    t.keys(&["Escape"]);
    t.wait_for("Registered sign-in methods");
    t.keys(&["r"]);
    t.wait_for_flat("could not be verified on this call");
    let (case, records) = finish(&t, dir.path());
    assert!(case.contains("could NOT be verified"), "{case}");
    assert!(case.contains("What changed:\n  nothing"), "{case}");
    assert_eq!(
        actions(&records),
        ["looked_up", "verification_failed", "case_closed"]
    );
}

#[path = "support/privacyidea/mod.rs"]
mod pi;

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

/// The caller, on their own: signs in at a kiosk with the registration code
/// the agent read out and adds a code app (the real kiosk provider, the
/// code computed from the key as a phone would).
fn caller_registers(server: &pi::PiServer, user: &str, code: &str) -> String {
    use mfa_assist::provider::privacyidea::{PiSettings, PrivacyIdea};
    use mfa_assist::provider::{MethodKind, Provider};
    use mfa_assist::secret::Secret;
    block_on(async {
        let kiosk = PrivacyIdea::new(PiSettings {
            base_url: server.url.clone(),
            realm: server.realm.clone(),
            ..PiSettings::default()
        })
        .unwrap();
        let session = kiosk
            .sign_in(user, &Secret::new(code.to_string()))
            .await
            .unwrap_or_else(|e| panic!("the code read off the screen did not sign in: {e}"));
        let enrollment = kiosk
            .begin_enrollment(&session, MethodKind::AuthenticatorCode)
            .await
            .unwrap();
        let key: String = enrollment.manual_key.expose().split_whitespace().collect();
        assert!(
            kiosk
                .check_code(&session, &enrollment.id, &pi::totp_now(&key))
                .await
                .unwrap(),
            "the new token did not accept its code"
        );
        enrollment.id
    })
}

#[test]
fn helpdesk_call_against_privacyidea_as_admin() {
    let server = pi::PiServer::from_env();
    let (user, old) = block_on(async {
        let user = server.create_user("desk").await;
        let (old, _) = server.enroll_totp_for(&user, "lost phone").await;
        (user, old)
    });
    let dir = tempfile::tempdir().unwrap();
    let provider = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n\
         admin_user = \"{}\"\nadmin_password_file = \"{}\"\n",
        server.url,
        server.realm,
        std::env::var("MFA_ASSIST_PI_ADMIN").unwrap_or_else(|_| "admin".into()),
        std::env::var("MFA_ASSIST_PI_ADMIN_PASSWORD_FILE").unwrap(),
    );
    let t = Tmux::start_with_config(
        "desk-pi",
        110,
        40,
        &desk_config(dir.path(), &provider),
        &["--helpdesk"],
    );
    let screen = t.wait_for("Who is calling?");
    t.expect_not(
        &screen,
        "TRAINING",
        "a real server is not the training tenant",
    );
    t.type_text(&user);
    t.keys(&["Enter"]);
    t.wait_for("lost phone");
    t.wait_for("No registration code issued.");
    t.keys(&["d"]);
    t.wait_for_flat("Verify the caller's identity first");
    verify(&t);

    // The old token goes.
    t.keys(&["d"]);
    t.wait_for("lost phone");
    t.wait_for("Delete “");
    t.keys(&["Enter"]);
    t.wait_for("No sign-in methods registered.");
    let left = block_on(server.tokens(&user));
    assert!(
        left.iter().all(|tok| tok["serial"] != old.as_str()),
        "the old token is still on the server: {left:?}"
    );

    // A registration code, read off the screen: privacyIDEA's are always one use.
    t.keys(&["p"]);
    let screen = t.wait_for("Valid for:");
    t.expect_not(&screen, "o  One use", "privacyIDEA codes work once only");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Read this registration code");
    let code = read_pass(&t, &screen);
    t.keys(&["Enter"]);
    t.wait_for("registration code issued, valid until");

    t.keys(&["w"]);
    t.wait_for("Checking every");
    let serial = caller_registers(&server, &user, &code);
    let screen = t.wait_for("New: Authenticator");
    t.expect(&screen, "New: Authenticator app (6-digit code)");
    let _ = serial;

    let (case, records) = finish(&t, dir.path());
    assert_no_secret(&t, "the case file", &case, &code);
    assert_no_secret(
        &t,
        "the audit log",
        &serde_json::to_string(&records).unwrap(),
        &code,
    );
    assert!(
        case.contains("Deleted Authenticator app (6-digit code): lost phone"),
        "{case}"
    );
    assert!(
        case.contains("System: privacyIDEA http://127.0.0.1"),
        "{case}"
    );
    assert_eq!(
        actions(&records),
        [
            "looked_up",
            "verified",
            "deleted",
            "pass_issued",
            "new_method_seen",
            "case_closed"
        ]
    );
}
