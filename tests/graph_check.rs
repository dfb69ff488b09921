//! `mfa-assist check` against the fake Graph, each failure injected in turn:
//! wrong tenant, no public client flows, a missing application permission,
//! a wrong client secret. The report never holds the secret.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

use fake_graph::{CLIENT_ID, CLIENT_SECRET, FakeGraph, TENANT};
use mfa_assist::check::{self, Report};
use mfa_assist::config::{self, ConfigSource};
use std::path::{Path, PathBuf};

fn config_text(fake: &FakeGraph, tenant: &str, secret_env: &str, dir: &Path) -> String {
    format!(
        r#"
[provider]
kind = "entra"

[entra]
tenant = "{tenant}"
client_id = "{CLIENT_ID}"
authority_base = "{}"
graph_base = "{}"
client_secret_env = "{secret_env}"

[helpdesk]
audit_log = "{}/audit.jsonl"
case_dir = "{}/cases"
"#,
        fake.authority_base(),
        fake.graph_base(),
        dir.display(),
        dir.display()
    )
}

async fn run(fake: &FakeGraph, tenant: &str, helpdesk: bool, secret: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    // A variable per run: tests run in parallel.
    let var = format!("MFA_ASSIST_TEST_CHECK_{}", fake.addr.port());
    // SAFETY: the variable is this test's own.
    unsafe { std::env::set_var(&var, secret) };
    let path = PathBuf::from("/etc/mfa-assist/config.toml");
    let cfg = config::parse(&config_text(fake, tenant, &var, dir.path()), &path).unwrap();
    let report = check::run(Ok((cfg, ConfigSource::Flag(path))), helpdesk).await;
    assert!(!report.text().contains(CLIENT_SECRET), "{}", report.text());
    assert!(!report.json().contains(CLIENT_SECRET), "{}", report.json());
    report
}

fn line<'a>(r: &'a Report, check: &str) -> &'a check::Line {
    r.checks
        .iter()
        .find(|l| l.check.starts_with(check))
        .unwrap_or_else(|| panic!("no line {check}: {}", r.text()))
}

#[tokio::test]
async fn a_good_kiosk_and_desk_pass() {
    let fake = FakeGraph::start().await;
    let kiosk = run(&fake, TENANT, false, CLIENT_SECRET).await;
    assert!(kiosk.ok, "{}", kiosk.text());
    assert!(
        line(&kiosk, "kiosk app")
            .found
            .contains("authorization_pending")
    );
    let desk = run(&fake, TENANT, true, CLIENT_SECRET).await;
    assert!(desk.ok, "{}", desk.text());
    // The README shows these two.
    println!("{}", kiosk.text());
    println!("{}", desk.text());
    assert!(
        line(&desk, "helpdesk app permissions")
            .found
            .contains("User.RevokeSessions.All")
    );
    assert!(
        line(&desk, "Temporary Access Pass policy")
            .found
            .contains("not readable")
    );
    assert!(desk.json().contains("\"ok\": true"));
}

#[tokio::test]
async fn a_wrong_tenant_is_named() {
    let fake = FakeGraph::start().await;
    let r = run(&fake, "fabrikam.onmicrosoft.com", false, CLIENT_SECRET).await;
    assert!(!r.ok);
    let l = line(&r, "Entra tenant");
    assert!(!l.ok && l.found.contains("fabrikam"), "{}", r.text());
    assert!(l.fix.as_deref().unwrap().contains("entra.tenant"));
}

#[tokio::test]
async fn public_client_flows_off_is_found_with_the_fix() {
    let fake = FakeGraph::start().await;
    fake.state().public_client = false;
    let r = run(&fake, TENANT, false, CLIENT_SECRET).await;
    let l = line(&r, "kiosk app");
    assert!(!l.ok, "{}", r.text());
    assert!(
        l.fix
            .as_deref()
            .unwrap()
            .contains("Allow public client flows: Yes")
    );
}

#[tokio::test]
async fn a_missing_application_permission_is_named() {
    let fake = FakeGraph::start().await;
    fake.grant_app_roles(&["UserAuthenticationMethod.ReadWrite.All", "User.Read.All"]);
    let r = run(&fake, TENANT, true, CLIENT_SECRET).await;
    let l = line(&r, "helpdesk app permissions");
    assert!(!l.ok, "{}", r.text());
    assert_eq!(l.found, "missing: User.RevokeSessions.All");
    println!("{}", r.text());
    assert!(l.fix.as_deref().unwrap().contains("Grant admin consent"));
}

#[tokio::test]
async fn a_wrong_secret_is_found_and_not_printed() {
    let fake = FakeGraph::start().await;
    let r = run(&fake, TENANT, true, "not~the~secret~value").await;
    let l = line(&r, "helpdesk app");
    assert!(!l.ok, "{}", r.text());
    assert!(l.fix.as_deref().unwrap().contains("New client secret"));
    assert!(!r.text().contains("not~the~secret~value"));
}

#[tokio::test]
async fn the_tap_policy_is_read_when_allowed() {
    let fake = FakeGraph::start().await;
    fake.grant_app_roles(&[
        "UserAuthenticationMethod.ReadWrite.All",
        "User.Read.All",
        "User.RevokeSessions.All",
        "Policy.Read.All",
    ]);
    fake.state().tap_policy.is_usable_once = true;
    let r = run(&fake, TENANT, true, CLIENT_SECRET).await;
    let l = line(&r, "Temporary Access Pass policy");
    assert!(!l.ok, "{}", r.text());
    assert!(l.found.contains("one-time only: yes"), "{}", l.found);
}

#[test]
fn a_report_prints_one_line_per_check() {
    let mut r = Report::default();
    r.checks.push(check::Line::pass("a", "fine"));
    r.checks.push(check::Line::fail("b", "broken", "mend it"));
    assert_eq!(
        r.text(),
        "✓ a: fine\n✗ b: broken\n    fix: mend it\n1 of 2 checks failed.\n"
    );
}
