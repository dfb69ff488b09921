//! A privacyIDEA whose user policy lacks `delete`: the kiosk could neither
//! remove the lost Authenticator nor take back a token the person starts
//! and leaves, so it offers neither, shows no QR, and says who can help.
//! The release binary in tmux, the real server, a realm of this test's own
//! (so the tests running alongside keep their policies).
//!
//! Run like `tests/e2e_kiosk.rs` (`MFA_ASSIST_BIN`, under
//! `scripts/privacyidea/with-server.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/privacyidea/mod.rs"]
mod pi;
#[path = "e2e/screen.rs"]
mod screen;
#[path = "e2e/tmux.rs"]
mod tmux;

use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use tmux::Tmux;

const REALM: &str = "nodeleterealm";
/// The resolver seed.py makes (scripts/privacyidea/seed.py).
const RESOLVER: &str = "localusers";

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

/// The realm with the README's policies except the user's `delete`. Values
/// are seed.py's: privacyIDEA refuses to choose between policies giving one
/// action different values, even across realms.
async fn realm_without_delete(server: &pi::PiServer) -> pi::PiServer {
    realm_with_rights(
        server,
        REALM,
        "nodel",
        "enrollTOTP, enrollPUSH, setdescription",
    )
    .await
}

/// A realm of its own (`realm`, policies prefixed `prefix`) whose user
/// policy grants `rights`, the other policies as the README gives them.
async fn realm_with_rights(
    server: &pi::PiServer,
    realm: &str,
    prefix: &str,
    rights: &str,
) -> pi::PiServer {
    server
        .admin_call(
            Method::POST,
            &format!("/realm/{realm}"),
            &[],
            Some(&json!({ "resolvers": RESOLVER })),
        )
        .await;
    for (name, scope, action) in [
        ("login", "webui", "login_mode=privacyIDEA"),
        ("verify", "enrollment", "verify_enrollment=totp hotp"),
        (
            "tap",
            "enrollment",
            "registration.length=12, registration.contents=-s",
        ),
        ("user", "user", rights),
    ] {
        server
            .set_policy(
                &format!("{prefix}_{name}"),
                json!({"scope": scope, "action": action, "realm": realm, "active": true}),
            )
            .await;
    }
    let mut there = server.via(&server.url);
    there.realm = realm.into();
    there
}

/// Test: signed in where the policy lacks `delete`, the person sees their
/// tokens but neither `d` nor `a` does anything (no QR, no token made on
/// the server), and the screen sends them to the service desk.
#[test]
fn without_the_delete_right_the_kiosk_changes_nothing_and_says_who_can() {
    let server = pi::PiServer::from_env();
    let (there, user, code, old) = block_on(async {
        let there = realm_without_delete(&server).await;
        let user = server.create_user("e2enodel").await;
        let (old, _) = there.enroll_totp_for(&user, "old phone").await;
        let code = there.issue_registration(&user, None).await;
        (there, user, code, old)
    });
    let config = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{REALM}\"\n\n\
         [kiosk]\nenabled = true\n",
        server.url
    );
    let t = Tmux::start_with_config("pinodel", 120, 50, &config, &[]);
    t.wait_for("Recover your sign-in");
    t.keys(&["Enter"]);
    t.wait_for("Username");
    t.type_text(&user);
    t.keys(&["Enter"]);
    t.type_text(&code);
    t.keys(&["Enter"]);
    t.wait_until("signed in", Duration::from_secs(30), |s| {
        s.contains("Signed in as")
    });
    let screen = t.wait_gone("Loading");
    t.expect(&screen, "old phone");
    t.expect_flat(&screen, "cannot change your sign-in methods");
    t.expect_flat(&screen, "the service desk can");
    t.expect_not(&screen, "a  Add method", "the footer must not offer a");
    t.expect_not(&screen, "d  Delete", "the footer must not offer d");

    t.keys(&["d"]);
    t.keys(&["a"]);
    std::thread::sleep(Duration::from_millis(500));
    let screen = t.screen();
    t.expect_not(&screen, "Delete “", "d must not offer to delete");
    t.expect_not(&screen, "Which method", "a must not lead to a QR");
    t.expect(&screen, "Signed in as");

    let tokens = block_on(there.tokens(&user));
    let serials: Vec<&str> = tokens.iter().filter_map(|t| t["serial"].as_str()).collect();
    assert_eq!(serials, vec![old.as_str()], "nothing made, nothing deleted");
}

/// Signed in on the kiosk (release binary, tmux) as `user` of `realm` with
/// a registration code; returns the terminal on the methods list.
fn kiosk_signed_in(server: &pi::PiServer, realm: &str, user: &str, code: &str, name: &str) -> Tmux {
    let config = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{realm}\"\n\n\
         [kiosk]\nenabled = true\n",
        server.url
    );
    let t = Tmux::start_with_config(name, 120, 50, &config, &[]);
    t.wait_for("Recover your sign-in");
    t.keys(&["Enter"]);
    t.wait_for("Username");
    t.type_text(user);
    t.keys(&["Enter"]);
    t.type_text(code);
    t.keys(&["Enter"]);
    t.wait_until("signed in", Duration::from_secs(30), |s| {
        s.contains("Signed in as")
    });
    t.wait_gone("Loading");
    t
}

/// Test: where the user policy allows `enrollTOTP` but not `enrollPUSH`,
/// the Add screen offers only the 6-digit code app: the push app, which the
/// server would refuse after the person got their phone ready, is not
/// listed. Nothing is made on the server by looking.
#[test]
fn without_the_push_right_only_the_code_app_is_offered() {
    const REALM: &str = "nopushrealm";
    let server = pi::PiServer::from_env();
    let (there, user, code, old) = block_on(async {
        let there = realm_with_rights(
            &server,
            REALM,
            "nopush",
            "enrollTOTP, delete, setdescription",
        )
        .await;
        let user = server.create_user("e2enopush").await;
        let (old, _) = there.enroll_totp_for(&user, "old phone").await;
        let code = there.issue_registration(&user, None).await;
        (there, user, code, old)
    });
    let t = kiosk_signed_in(&server, REALM, &user, &code, "pinopush");
    t.keys(&["a"]);
    let screen = t.wait_for("Which method");
    t.expect(&screen, "Authenticator app (6-digit code)");
    t.expect_not(
        &screen,
        "Authenticator app (notification)",
        "the push app must not be offered without enrollPUSH",
    );
    t.keys(&["Escape"]);
    t.wait_for("Signed in as");
    let tokens = block_on(there.tokens(&user));
    let serials: Vec<&str> = tokens.iter().filter_map(|t| t["serial"].as_str()).collect();
    assert_eq!(serials, vec![old.as_str()], "nothing made, nothing deleted");
}

/// Test: with `delete` but neither enroll right, the kiosk could remove the
/// lost Authenticator yet never add its replacement: it changes nothing
/// and sends the person to the service desk, as without `delete`.
#[test]
fn without_any_enroll_right_the_kiosk_changes_nothing_and_says_who_can() {
    const REALM: &str = "noenrollrealm";
    let server = pi::PiServer::from_env();
    let (there, user, code, old) = block_on(async {
        let there = realm_with_rights(&server, REALM, "noenroll", "delete, setdescription").await;
        let user = server.create_user("e2enoenroll").await;
        let (old, _) = there.enroll_totp_for(&user, "old phone").await;
        let code = there.issue_registration(&user, None).await;
        (there, user, code, old)
    });
    let t = kiosk_signed_in(&server, REALM, &user, &code, "pinoenroll");
    let screen = t.screen();
    t.expect(&screen, "old phone");
    t.expect_flat(&screen, "cannot change your sign-in methods");
    t.expect_not(&screen, "a  Add method", "the footer must not offer a");
    t.expect_not(&screen, "d  Delete", "the footer must not offer d");
    t.keys(&["d"]);
    t.keys(&["a"]);
    std::thread::sleep(Duration::from_millis(500));
    let screen = t.screen();
    t.expect_not(&screen, "Which method", "a must not lead to a QR");
    let tokens = block_on(there.tokens(&user));
    let serials: Vec<&str> = tokens.iter().filter_map(|t| t["serial"].as_str()).collect();
    assert_eq!(serials, vec![old.as_str()], "nothing made, nothing deleted");
}
