//! privacyIDEA's transport failures, as a reverse proxy or a sick server
//! gives them (these cannot be had from a healthy privacyIDEA, so a local
//! socket answers them, byte for byte): each one, from the HTTP answer to
//! the words on the kiosk's screen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::flow::{Field, Flow, Notice, Op, Screen, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::provider::http::HttpConfig;
use mfa_assist::provider::privacyidea::{PiSettings, PrivacyIdea};
use mfa_assist::provider::{Provider, ProviderError};
use mfa_assist::secret::Secret;
use mfa_assist::ui::{self, Branding, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `answer` (a whole HTTP response; `None`: never answers) to every
/// request on a fresh loopback port; returns its base URL.
async fn serve(answer: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // Read the head and the body the Content-Length announces.
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                match answer {
                    Some(a) => {
                        let _ = socket.write_all(a.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    url
}

fn kiosk_at(url: &str) -> PrivacyIdea {
    PrivacyIdea::new(PiSettings {
        base_url: url.into(),
        realm: "r".into(),
        http: HttpConfig {
            timeout: Duration::from_secs(2),
            ..HttpConfig::default()
        },
        ..PiSettings::default()
    })
    .unwrap()
}

async fn sign_in_through(answer: Option<&'static str>) -> ProviderError {
    let url = serve(answer).await;
    kiosk_at(&url)
        .sign_in("alice", &Secret::new("ABCD1234EFGH"))
        .await
        .unwrap_err()
}

/// What the person reads on the sign-in screen for `error`.
fn words(error: ProviderError) -> String {
    let mut flow = Flow::new(Settings::default());
    flow.screen = Screen::SignIn {
        username: "alice".into(),
        pass: Secret::empty(),
        field: Field::Pass,
        reveal: false,
    };
    flow.notice = Some(Notice::Failed {
        op: Op::SignIn,
        error,
    });
    let guide = Guide::built_in();
    let branding = Branding {
        helpdesk: "Call 555-0100.".into(),
        ..Branding::default()
    };
    let view = View {
        flow: &flow,
        guide: &guide,
        branding: &branding,
        qr: None,
        qr_style: Default::default(),
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| ui::draw(f, &view)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn a_429_with_retry_after_says_how_long_to_wait() {
    // A wait past the two minutes a refused call is sent again within
    // (`throttle::THROTTLED_BUDGET`): handed back at once, with its wait.
    let e = sign_in_through(Some(
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 700\r\nContent-Length: 0\r\n\r\n",
    ))
    .await;
    assert_eq!(
        e,
        ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(700))
        }
    );
    assert!(
        words(e).contains("The service is busy right now. Try again in 700 s."),
        "429 + Retry-After"
    );
}

#[tokio::test]
async fn a_429_without_retry_after_says_wait_a_moment() {
    // The words once the server's refusals outlast the budget for sending
    // the write again. With the real two minutes the gate's back-off (10,
    // 20, 40 s) made this test take 70 s; sending again within the budget
    // is `throttled_calls`' and `http_errors`' to show.
    let url = serve(Some(
        "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n",
    ))
    .await;
    let kiosk = PrivacyIdea::new(PiSettings {
        base_url: url,
        realm: "r".into(),
        write_budget: Duration::ZERO,
        ..PiSettings::default()
    })
    .unwrap();
    let e = kiosk
        .sign_in("alice", &Secret::new("ABCD1234EFGH"))
        .await
        .unwrap_err();
    assert_eq!(e, ProviderError::RateLimited { retry_after: None });
    assert!(words(e).contains("The service is busy right now. Wait a moment and try again."));
}

#[tokio::test]
async fn a_500_with_an_html_page_is_a_server_failure_to_report() {
    let e = sign_in_through(Some(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: 52\r\n\r\n\
         <html><body><h1>Internal Server Error</h1></body></html>",
    ))
    .await;
    assert!(
        matches!(e, ProviderError::Server { status: 500, .. }),
        "{e:?}"
    );
    let w = words(e);
    assert!(w.contains("refused the request"), "{w}");
    assert!(w.contains("Call 555-0100."), "{w}");
    assert!(!w.contains("<html>"), "{w}");
}

#[tokio::test]
async fn a_502_with_an_empty_body_is_a_server_failure_to_report() {
    let e = sign_in_through(Some(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n",
    ))
    .await;
    assert!(
        matches!(e, ProviderError::Server { status: 502, .. }),
        "{e:?}"
    );
    assert!(words(e).contains("Try again; if it keeps happening: Call 555-0100."));
}

/// 503 is the server saying "not now": the person is told to wait, not to
/// call anyone.
#[tokio::test]
async fn a_503_with_html_or_empty_says_busy() {
    for answer in [
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n<html>down</html>\r\n",
    ] {
        let e = sign_in_through(Some(answer)).await;
        assert_eq!(e, ProviderError::RateLimited { retry_after: None });
        assert!(words(e).contains("busy right now"));
    }
}

#[tokio::test]
async fn a_200_that_is_not_json_is_an_unreadable_answer() {
    let e = sign_in_through(Some(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 27\r\n\r\n<html>Captive portal</html>",
    ))
    .await;
    assert!(matches!(e, ProviderError::Protocol(_)), "{e:?}");
    let w = words(e);
    assert!(w.contains("gave an answer we could not read"), "{w}");
    assert!(!w.contains("Captive"), "{w}");
}

/// A server that takes the request and never answers: the request timeout
/// (2 s here, `request_timeout_secs`) ends it.
#[tokio::test]
async fn a_stalled_answer_times_out() {
    let started = std::time::Instant::now();
    let e = sign_in_through(None).await;
    assert_eq!(e, ProviderError::Timeout);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(words(e).contains("The service took too long to answer. Try again."));
}
