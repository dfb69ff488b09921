//! The helpdesk as built from the config (`setup::admin`: the sanitiser
//! around the privacyIDEA administrator) against the real privacyIDEA
//! server: a hostile username, full name and token description reach the
//! desk's state with U+202E and ESC replaced by U+FFFD.
//!
//! `scripts/privacyidea/with-server.sh cargo test --test pi_desk_sanitize`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

use mfa_assist::config::{Config, ProviderKind};
use mfa_assist::provider::admin::Admin;
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;

async fn desk(server: &pi::PiServer, dir: &std::path::Path) -> Arc<dyn Admin> {
    let mut config = Config::default();
    config.provider.kind = ProviderKind::Privacyidea;
    config.privacyidea.base_url = server.url.clone();
    config.privacyidea.realm = server.realm.clone();
    config.privacyidea.admin_user = server.admin.clone();
    let file = dir.join("pi-admin");
    std::fs::write(&file, format!("{}\n", server.admin_password())).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    config.privacyidea.admin_password_file = Some(file);
    mfa_assist::setup::admin(&config, None).await.unwrap()
}

fn clean(s: &str) -> bool {
    !s.contains('\u{202E}') && !s.contains('\u{1b}')
}

/// Test: a user whose username holds U+202E, whose given name holds an ESC
/// sequence and U+202E, with a token whose description holds both. The
/// lookup and the caller's state show them replaced by U+FFFD, and the
/// state is still read (the id goes to the server as it was).
#[tokio::test]
async fn hostile_names_and_descriptions_reach_the_desk_sanitised() {
    let server = pi::PiServer::from_env();
    let dir = tempfile::tempdir().unwrap();
    let plain = server.create_user("hx").await;
    // The same unique name with an override inside: the resolver stores it as is.
    let name = format!("hx\u{202E}{}", &plain[2..]);
    server
        .admin_call(
            Method::POST,
            "/user/",
            &[],
            Some(&json!({
                "user": name,
                "resolver": "localusers",
                "password": pi::user_password(&name),
                "givenname": "Eve\u{1b}[2J\u{202E}nimda",
                "surname": "Test",
            })),
        )
        .await;
    let hostile = "phone \u{202E}lmth.exe\u{1b}[2J";
    let _ = server.enroll_totp_for(&name, hostile).await;

    let desk = desk(&server, dir.path()).await;
    let caller = desk.lookup(&name).await.unwrap();
    assert!(clean(&caller.username), "{:?}", caller.username);
    assert!(clean(&caller.display_name), "{:?}", caller.display_name);
    assert!(
        caller.display_name.contains("Eve\u{FFFD}[2J\u{FFFD}nimda"),
        "{:?}",
        caller.display_name
    );
    assert_eq!(caller.username, format!("hx\u{FFFD}{}", &plain[2..]));

    let state = desk.caller_state(&caller).await.unwrap();
    let labels: Vec<&str> = state.methods.iter().map(|m| m.label.as_str()).collect();
    assert!(
        labels
            .iter()
            .any(|l| l.contains("phone \u{FFFD}lmth.exe\u{FFFD}[2J")),
        "{labels:?}"
    );
    for m in state.methods.iter().chain(&state.adding) {
        assert!(clean(&m.label), "{:?}", m.label);
    }
}
