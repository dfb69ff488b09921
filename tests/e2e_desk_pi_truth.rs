//! End-to-end against the real privacyIDEA 3.14 test server (issue 10 items
//! 2 and 3): the caller's kiosk shows a push QR nobody scans, so the token
//! sits in `clientwait`, not usable. The desk shows it as being added,
//! never as registered; and when tokens vanish behind the desk's back, the
//! case summary is read fresh rather than written from the old screen.
//!
//! Run with the server: `scripts/privacyidea/with-server.sh cargo test
//! --test e2e_desk_pi_truth` (and `MFA_ASSIST_BIN` for the release binary).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

#[path = "support/privacyidea/mod.rs"]
mod pi;

use mfa_assist::provider::privacyidea::{PiSettings, PrivacyIdea};
use mfa_assist::provider::{MethodKind, Provider};
use mfa_assist::secret::Secret;
use std::path::Path;
use std::time::Duration;
use tmux::{Tmux, flat};

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

fn config(server: &pi::PiServer, dir: &Path) -> String {
    format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n\
         admin_user = \"{}\"\nadmin_password_file = \"{}\"\n\n[helpdesk]\nagent = \"e2e-agent\"\n\
         required_checks = 2\ncase_dir = \"{}\"\naudit_log = \"{}\"\n",
        server.url,
        server.realm,
        std::env::var("MFA_ASSIST_PI_ADMIN").unwrap_or_else(|_| "admin".into()),
        std::env::var("MFA_ASSIST_PI_ADMIN_PASSWORD_FILE").unwrap(),
        dir.join("cases").display(),
        dir.join("audit.jsonl").display()
    )
}

/// The caller at a kiosk: signs in with a registration code and starts a
/// push enrollment whose QR nobody scans. Returns the token's serial.
fn push_left_unscanned(server: &pi::PiServer, user: &str) -> String {
    block_on(async {
        let code = server.issue_registration(user, None).await;
        let kiosk = PrivacyIdea::new(PiSettings {
            base_url: server.url.clone(),
            realm: server.realm.clone(),
            ..PiSettings::default()
        })
        .unwrap();
        let session = kiosk
            .sign_in(user, &Secret::new(code))
            .await
            .expect("the kiosk signs in");
        let enrollment = kiosk
            .begin_enrollment(&session, MethodKind::AuthenticatorPush)
            .await
            .expect("a push enrollment starts");
        enrollment.id
    })
}

#[test]
fn a_push_token_in_clientwait_is_being_added_and_the_summary_is_fresh() {
    let server = pi::PiServer::from_env();
    let (user, old) = block_on(async {
        let user = server.create_user("half").await;
        let (old, _) = server.enroll_totp_for(&user, "lost phone").await;
        (user, old)
    });
    let serial = push_left_unscanned(&server, &user);
    let token = block_on(server.token(&serial)).expect("the push token exists");
    assert_eq!(token["rollout_state"], "clientwait", "{token}");

    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start_with_config(
        "desk-pi-half",
        110,
        40,
        &config(&server, dir.path()),
        &["--helpdesk"],
    );
    t.wait_for("Who is calling?");
    t.type_text(&user);
    t.keys(&["Enter"]);
    let screen = t.wait_for("lost phone");
    t.expect_flat(&screen, "Being added, not usable yet");
    t.expect_flat(&screen, &serial);

    t.keys(&["v"]);
    t.wait_for("must pass before anything can change");
    t.keys(&["Space", "Down", "Space"]);
    t.wait_for("enough. Press Enter");
    t.keys(&["Enter"]);
    t.wait_for("Identity verified: changes are unlocked.");

    // Watching: several polls see the unscanned token; none calls it new.
    t.keys(&["w"]);
    t.wait_for("Checking every");
    std::thread::sleep(Duration::from_secs(7));
    let screen = t.screen();
    t.expect_not(
        &screen,
        "New:",
        "a token in clientwait was taken for registered",
    );
    t.expect_not(&flat(&screen), "It's there", "the script says it is there");
    t.expect_flat(&screen, "Being added, not usable yet");

    // Behind the desk's back: the kiosk deletes the unfinished token, and
    // the old one goes too (another agent, the caller's self-service).
    block_on(async {
        server.delete_token(&serial).await;
        server.delete_token(&old).await;
    });
    t.keys(&["Escape"]);
    t.wait_for("Registered sign-in methods");
    t.keys(&["f"]);
    t.wait_for("Finish the call with");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Saved to ");
    let line = screen.lines().find(|l| l.contains("Saved to ")).unwrap();
    let path = line.split("Saved to ").nth(1).unwrap().trim().to_string();
    let case = std::fs::read_to_string(&path).unwrap();
    let now = case
        .split("Registered now:")
        .nth(1)
        .unwrap_or_else(|| panic!("no fresh 'Registered now':\n{case}"));
    assert!(!now.contains(&serial), "a deleted token is listed:\n{case}");
    assert!(
        !now.contains("lost phone"),
        "a deleted token is listed:\n{case}"
    );
    assert!(now.contains("no methods"), "{case}");
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(
        !audit.contains("new_method_seen"),
        "a half-added token was audited as seen:\n{audit}"
    );
    t.keys(&["q"]);
    t.wait_for("EXITED:0");
}
