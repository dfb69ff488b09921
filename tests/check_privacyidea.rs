//! `mfa-assist check` against a real privacyIDEA 3.14 (run it with
//! `scripts/privacyidea/with-server.sh`): a realm of its own gets every
//! policy the README lists, then each is removed in turn and the check
//! must name exactly that one, with the fix.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

use mfa_assist::check::{self, Report};
use mfa_assist::config::{self, ConfigSource};
use pi::PiServer;
use reqwest::Method;
use serde_json::json;
use std::path::PathBuf;

const REALM: &str = "checkrealm";
/// The resolver seed.py makes (scripts/privacyidea/seed.py).
const RESOLVER: &str = "localusers";

/// The README's table, one policy per action so each can go alone. Values
/// match seed.py's: privacyIDEA refuses to pick between policies that give
/// the same action different values, even across realms (the push poll
/// has no realm), and other test crates share this server.
fn policies(server: &PiServer) -> Vec<(String, &'static str, String)> {
    check_required()
        .into_iter()
        .map(|(scope, action, value)| {
            let name = format!("chk_{}", action.replace('.', "_"));
            let action = match value {
                Some(v) => format!("{action}={v}"),
                None if scope == "user" => action.to_string(),
                None => format!("{action}={}", default_value(server, action)),
            };
            (name, scope, action)
        })
        .collect()
}

fn check_required() -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    vec![
        ("webui", "login_mode", Some("privacyIDEA")),
        ("enrollment", "verify_enrollment", Some("totp hotp")),
        ("enrollment", "registration.length", None),
        ("enrollment", "registration.contents", None),
        (
            "enrollment",
            "push_firebase_configuration",
            Some("poll only"),
        ),
        ("enrollment", "push_registration_url", None),
        ("enrollment", "push_ttl", None),
        ("user", "enrollTOTP", None),
        ("user", "enrollPUSH", None),
        ("user", "delete", None),
        ("user", "setdescription", None),
    ]
}

fn default_value(server: &PiServer, action: &str) -> String {
    match action {
        "registration.length" => "12".into(),
        "registration.contents" => "-s".into(),
        "push_registration_url" => format!("{}/ttype/push", server.url),
        _ => "10".into(),
    }
}

async fn set(server: &PiServer, name: &str, scope: &str, action: &str) {
    server
        .admin_call(
            Method::POST,
            &format!("/policy/{name}"),
            &[],
            Some(&json!({"scope": scope, "action": action, "realm": REALM, "active": true})),
        )
        .await;
}

async fn run(server: &PiServer) -> Report {
    let var = "MFA_ASSIST_TEST_CHECK_PI_PW";
    // SAFETY: this crate's only test sets it.
    unsafe { std::env::set_var(var, server.admin_password()) };
    let text = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{REALM}\"\nadmin_user = \"{}\"\nadmin_password_env = \"{var}\"\n",
        server.url, server.admin
    );
    let path = PathBuf::from("/etc/mfa-assist/config.toml");
    let cfg = config::parse(&text, &path).unwrap();
    let report = check::run(Ok((cfg, ConfigSource::Flag(path))), false).await;
    assert!(!report.text().contains(server.admin_password()));
    report
}

#[tokio::test]
async fn every_policy_is_checked_and_each_missing_one_is_named() {
    let server = PiServer::from_env();
    server
        .admin_call(
            Method::POST,
            &format!("/realm/{REALM}"),
            &[],
            Some(&json!({"resolvers": RESOLVER})),
        )
        .await;
    let all = policies(&server);
    for (name, scope, action) in &all {
        set(&server, name, scope, action).await;
    }
    let report = run(&server).await;
    assert!(report.ok, "{}", report.text());
    let version = &report
        .checks
        .iter()
        .find(|l| l.check == "privacyIDEA")
        .unwrap()
        .found;
    assert!(version.contains("privacyIDEA 3."), "{version}");

    for (name, scope, action) in &all {
        server
            .admin_call(Method::DELETE, &format!("/policy/{name}"), &[], None)
            .await;
        let report = run(&server).await;
        let failed: Vec<_> = report.checks.iter().filter(|l| !l.ok).collect();
        let key = action.split('=').next().unwrap();
        assert_eq!(failed.len(), 1, "{name}: {}", report.text());
        assert_eq!(failed[0].check, format!("policy {scope}: {key}"));
        assert!(failed[0].found.starts_with("missing"), "{}", report.text());
        if *scope == "user" && key == "delete" {
            // What the kiosk does without it, for the administrator.
            assert!(
                failed[0].found.contains("deletes and adds nothing"),
                "{}",
                report.text()
            );
        }
        assert!(
            failed[0]
                .fix
                .as_deref()
                .unwrap()
                .contains(&format!("\"scope\":\"{scope}\"")),
            "{}",
            report.text()
        );
        set(&server, name, scope, action).await;
    }
    // A wrong value is named too.
    set(&server, "chk_login_mode", "webui", "login_mode=userstore").await;
    let report = run(&server).await;
    let l = report
        .checks
        .iter()
        .find(|l| l.check == "policy webui: login_mode")
        .unwrap();
    assert!(!l.ok && l.found.contains("userstore"), "{}", report.text());
    // Leave the shared server as it was for the crates that run next.
    for (name, _, _) in &all {
        server
            .admin_call(Method::DELETE, &format!("/policy/{name}"), &[], None)
            .await;
    }
}
