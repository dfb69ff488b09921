//! "Check the network cable" only when the network is the problem (issue 13,
//! item 5): a server that is down or drops the connection is told apart
//! from a network that cannot carry the request, and only the latter's
//! words mention the cable or Wi-Fi.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;

use mfa_assist::flow::{EventKind, Notice, Op};
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::provider::ProviderError;
use mfa_assist::provider::http::{self, HttpConfig};
use mfa_assist::ui::qr::QrStyle;
use mfa_assist::ui::{self, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

fn client() -> reqwest::Client {
    http::build_client(&HttpConfig {
        timeout: Duration::from_secs(3),
        direct: true,
        ..HttpConfig::default()
    })
    .unwrap()
}

#[tokio::test]
async fn nothing_listening_at_the_servers_address_is_the_server_being_down() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = http::send_once(client().get(format!("http://127.0.0.1:{port}/x")))
        .await
        .unwrap_err();
    assert_eq!(e, ProviderError::ServerDown);
}

#[tokio::test]
async fn a_server_that_drops_the_connection_unanswered_is_down_too() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(1) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            // Closed without a word.
        }
    });
    let e = http::send_once(client().get(format!("http://127.0.0.1:{port}/x")))
        .await
        .unwrap_err();
    assert_eq!(e, ProviderError::ServerDown);
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_the_network() {
    // `.invalid` never resolves (RFC 6761).
    let e = http::send_once(client().get("http://mfa-assist-test.invalid/x"))
        .await
        .unwrap_err();
    assert_eq!(e, ProviderError::Unreachable);
}

fn sign_in_error_text(lang: &str, error: ProviderError) -> String {
    let mut s = settings(false);
    s.languages = vec![lang.into()];
    let mut d = Drive::with(s);
    d.key(Key::Enter);
    d.type_text(USER);
    d.key(Key::Tab);
    d.type_text(PASS);
    let r = req(&d.key(Key::Enter));
    d.answer(EventKind::SignedIn {
        req: r,
        answer: Err(error.clone()),
    });
    assert_eq!(
        d.flow.notice,
        Some(Notice::Failed {
            op: Op::SignIn,
            error
        })
    );
    let guide = Guide::built_in();
    let branding = branding();
    let view = View {
        flow: &d.flow,
        guide: &guide,
        branding: &branding,
        qr: None,
        qr_style: QrStyle::HalfBlock,
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| ui::draw(f, &view)).unwrap();
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
        .map(|(x, y)| buf[(x, y)].symbol().to_string())
        .collect::<String>()
        .to_lowercase()
}

fn mentions_the_cable(text: &str) -> bool {
    ["cable", "wi-fi", "wifi", "kabel", "kaapeli"]
        .iter()
        .any(|w| text.contains(w))
}

#[test]
fn only_a_network_failure_says_check_the_cable() {
    for lang in ["en", "sv", "fi"] {
        assert!(
            mentions_the_cable(&sign_in_error_text(lang, ProviderError::Unreachable)),
            "{lang}: a network failure should point at the cable"
        );
        for error in [
            ProviderError::ServerDown,
            ProviderError::Timeout,
            ProviderError::Server {
                status: 502,
                code: "http-502".into(),
                reference: None,
            },
            ProviderError::RateLimited { retry_after: None },
        ] {
            let text = sign_in_error_text(lang, error.clone());
            assert!(
                !mentions_the_cable(&text),
                "{lang}: {error:?} sends people to the cable:\n{text}"
            );
        }
    }
}
