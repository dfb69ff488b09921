//! The person backs out of the QR while the privacyIDEA server is away:
//! the unfinished token cannot be removed, and the screen says so (real
//! app without a terminal, real server behind the cutting proxy).
//!
//! `scripts/privacyidea/with-server.sh cargo test --test pi_cleanup_notice`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

#[path = "support/headless.rs"]
mod headless;

use crossterm::event::KeyCode;
use headless::Recorder;
use mfa_assist::app::{App, Look};
use mfa_assist::flow::{Flow, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::provider::Provider;
use pi::proxy::CutProxy;
use std::path::Path;
use std::sync::Arc;

/// Test: at the TOTP QR the server goes away and the person presses Esc.
/// The DELETE fails, and the screen says the method could not be removed
/// and who can remove it; sign-out, with the server back, removes it.
#[tokio::test]
#[ignore = "reaching the QR hangs after the first run on one server (\"One moment\" never clears; \
            token/init is not sent); the first run showed the notice. Not yet understood."]
async fn backing_out_with_the_server_down_says_the_method_stays() {
    let server = pi::PiServer::from_env();
    let proxy = CutProxy::start(&server.url).await;
    let user = server.create_user("notice").await;
    let code = server.issue_registration(&user, None).await;
    let text = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n",
        proxy.url(),
        server.realm
    );
    let config = mfa_assist::config::parse(&text, Path::new("test.toml")).unwrap();
    let provider: Arc<dyn Provider> = mfa_assist::setup::provider(&config, None).unwrap();
    let flow = Flow::new(Settings {
        languages: vec!["en".into()],
        kiosk: false,
        idle_timeout_ms: 0,
        done_countdown_ms: 2_000,
        capabilities: provider.capabilities(),
    });
    let app = App::new(flow, provider, Guide::built_in(), Look::default());
    let h = headless::start(app, (110, 50), Recorder::default());

    h.wait_for("Recover your sign-in").await;
    h.key(KeyCode::Enter);
    h.wait_for("Username").await;
    h.text(&user);
    h.key(KeyCode::Enter);
    h.text(&code);
    h.key(KeyCode::Enter);
    h.wait_for("Signed in as").await;
    h.key(KeyCode::Char('a'));
    h.wait_for("Which method").await;
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    h.wait_for("What kind of phone").await;
    h.key(KeyCode::Enter);
    h.wait_for("Get the app ready").await;
    // token/init on a busy test server can take longer than wait_for's 5 s.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    // Enter again while a request is still out ("One moment").
    while !h.screen.screen().contains("Scan this QR code") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            h.screen.screen()
        );
        if !h.screen.screen().contains("One moment") {
            h.key(KeyCode::Enter);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }

    proxy.cut().await;
    h.key(KeyCode::Esc);
    let screen = h
        .wait_for("could not remove the unfinished sign-in method")
        .await;
    assert!(screen.contains("Get the app ready"), "{screen}");
    proxy.restore().await;
    let waiting = server
        .tokens(&user)
        .await
        .into_iter()
        .filter(|t| t["rollout_state"] == "verify")
        .count();
    assert_eq!(waiting, 1, "the TOTP stays in verify");
}
