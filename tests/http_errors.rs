//! The shared HTTP layer's promises, against a scripted local server that
//! answers byte for byte: transport failures become the errors the screens
//! explain, throttling carries the server's wait, reads are retried within
//! their tries and budget (writes never), oversized answers are refused,
//! redirects are not followed, and https is required except to this machine.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::provider::ProviderError;
use mfa_assist::provider::http::{
    self, HttpConfig, MAX_BODY, RetryPolicy, check_base_url, parse_http_date, parse_retry_after,
};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, UNIX_EPOCH};
use tracing::field::{Field, Visit};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// What the server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Write these bytes, then close.
    Raw(Vec<u8>),
    /// Read the request and close without a word.
    Close,
    /// Read the request and say nothing for a long while.
    Stall,
}

fn answer(status: &str, headers: &[&str], body: &str) -> Reply {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for h in headers {
        text.push_str(h);
        text.push_str("\r\n");
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    Reply::Raw(text.into_bytes())
}

struct Server {
    base: String,
    hits: Arc<AtomicUsize>,
}

/// Serves `replies` in order, one per connection; the last one repeats.
fn serve(replies: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let count = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let n = count.fetch_add(1, Ordering::SeqCst);
            let reply = replies
                .get(n)
                .or(replies.last())
                .cloned()
                .unwrap_or(Reply::Close);
            std::thread::spawn(move || handle(stream, reply));
        }
    });
    Server { base, hits }
}

fn handle(mut stream: TcpStream, reply: Reply) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
            let _ = stream.flush();
            // Let the client read before the close.
            std::thread::sleep(Duration::from_millis(50));
        }
        Reply::Close => {}
        Reply::Stall => std::thread::sleep(Duration::from_secs(10)),
    }
}

fn client(timeout: Duration) -> reqwest::Client {
    http::build_client(&HttpConfig {
        timeout,
        direct: true,
        ..HttpConfig::default()
    })
    .unwrap()
}

fn quick(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        first_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
        budget: Duration::from_secs(10),
        attempt_timeout: Some(Duration::from_secs(5)),
        throttled_budget: Duration::from_secs(15),
    }
}

async fn get(s: &Server, policy: &RetryPolicy) -> Result<reqwest::Response, ProviderError> {
    let c = client(Duration::from_secs(5));
    let url = format!("{}/x", s.base);
    http::send_idempotent(policy, || c.get(&url)).await
}

// ---------------------------------------------------------------------------
// Transport failures in the UI's words
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_stalled_server_is_a_timeout() {
    let s = serve(vec![Reply::Stall]);
    let c = client(Duration::from_millis(300));
    let e = http::send_once(c.get(format!("{}/x", s.base)))
        .await
        .unwrap_err();
    assert_eq!(e, ProviderError::Timeout);
}

#[tokio::test]
async fn nobody_listening_is_the_server_down() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = client(Duration::from_secs(2));
    let e = http::send_once(c.get(format!("http://127.0.0.1:{port}/x")))
        .await
        .unwrap_err();
    // The network carried it; nothing answered (tests/http_server_down.rs).
    assert_eq!(e, ProviderError::ServerDown);
}

#[tokio::test]
async fn an_answer_cut_off_midway_is_unreadable_not_unreachable() {
    let s = serve(vec![Reply::Raw(
        b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"only\":".to_vec(),
    )]);
    let c = client(Duration::from_secs(2));
    let response = http::send_once(c.get(format!("{}/x", s.base)))
        .await
        .unwrap();
    let e = http::read_body(response, 1000).await.unwrap_err();
    assert_eq!(
        e,
        ProviderError::Protocol("the answer was cut off or unreadable".into())
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let s = serve(vec![
        answer("302 Found", &["Location: /landed"], ""),
        answer("200 OK", &[], "followed"),
    ]);
    let c = client(Duration::from_secs(2));
    let response = http::send_once(c.get(format!("{}/x", s.base)))
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------
// Throttling
// ---------------------------------------------------------------------------

#[tokio::test]
async fn throttling_carries_the_servers_wait() {
    for (status, headers, wanted) in [
        (
            "429 Too Many Requests",
            // Longer than a write's budget: `send_once` hands it back at
            // once instead of sending again (tests/write_resend.rs).
            &["Retry-After: 600"][..],
            Some(ProviderError::RateLimited {
                retry_after: Some(Duration::from_secs(600)),
            }),
        ),
        (
            "503 Service Unavailable",
            &[][..],
            Some(ProviderError::RateLimited { retry_after: None }),
        ),
        ("500 Internal Server Error", &["Retry-After: 7"][..], None),
        ("200 OK", &[][..], None),
    ] {
        let s = serve(vec![answer(status, headers, "")]);
        let c = client(Duration::from_secs(2));
        let response = http::send_once(c.get(format!("{}/x", s.base)))
            .await
            .unwrap();
        assert_eq!(
            http::throttled_error(response.status(), response.headers()),
            wanted,
            "{status}"
        );
    }
}

// ---------------------------------------------------------------------------
// Retries: reads only, within tries and budget
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_busy_server_is_asked_again_until_it_answers() {
    let s = serve(vec![
        answer("503 Service Unavailable", &["Retry-After: 0"], ""),
        answer("429 Too Many Requests", &[], ""),
        answer("200 OK", &[], "ok"),
    ]);
    let response = get(&s, &quick(3)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn the_last_busy_answer_is_returned_when_the_tries_run_out() {
    let s = serve(vec![answer("503 Service Unavailable", &[], "")]);
    let response = get(&s, &quick(2)).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);

    let s = serve(vec![answer("503 Service Unavailable", &[], "")]);
    let response = get(&s, &RetryPolicy::none()).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
    assert_eq!(RetryPolicy::none().attempts, 1);
}

#[tokio::test]
async fn a_wait_longer_than_the_budget_is_not_waited_for() {
    let s = serve(vec![
        answer("429 Too Many Requests", &["Retry-After: 60"], ""),
        answer("200 OK", &[], "ok"),
    ]);
    let started = Instant::now();
    let response = get(&s, &quick(3)).await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn other_errors_are_answers_not_retries() {
    let s = serve(vec![
        answer("500 Internal Server Error", &[], ""),
        answer("200 OK", &[], "ok"),
    ]);
    let response = get(&s, &quick(3)).await.unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_dropped_connection_is_tried_again_then_reported() {
    let s = serve(vec![Reply::Close, answer("200 OK", &[], "ok")]);
    let response = get(&s, &quick(3)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);

    let s = serve(vec![Reply::Close]);
    let e = get(&s, &quick(3)).await.unwrap_err();
    assert_eq!(e, ProviderError::ServerDown);
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_transport_failure_is_not_retried_past_the_budget() {
    let s = serve(vec![Reply::Close]);
    let policy = RetryPolicy {
        first_backoff: Duration::from_secs(30),
        max_backoff: Duration::from_secs(30),
        ..quick(3)
    };
    let started = Instant::now();
    let e = get(&s, &policy).await.unwrap_err();
    assert_eq!(e, ProviderError::ServerDown);
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_spent_budget_is_a_timeout() {
    let s = serve(vec![Reply::Stall]);
    let policy = RetryPolicy {
        budget: Duration::from_millis(400),
        attempt_timeout: Some(Duration::from_secs(5)),
        ..quick(3)
    };
    let started = Instant::now();
    let e = get(&s, &policy).await.unwrap_err();
    assert_eq!(e, ProviderError::Timeout);
    // The try was cut to the budget, not the 5 s per try.
    assert!(started.elapsed() < Duration::from_secs(3));

    let policy = RetryPolicy {
        budget: Duration::ZERO,
        ..quick(3)
    };
    let s = serve(vec![answer("200 OK", &[], "ok")]);
    assert_eq!(get(&s, &policy).await.unwrap_err(), ProviderError::Timeout);
    assert_eq!(s.hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_write_is_never_sent_by_the_retrying_sender() {
    let s = serve(vec![answer("200 OK", &[], "ok")]);
    let c = client(Duration::from_secs(2));
    let url = format!("{}/x", s.base);
    let e = http::send_idempotent(&quick(3), || c.post(&url))
        .await
        .unwrap_err();
    assert!(matches!(e, ProviderError::Protocol(_)), "{e:?}");
    assert_eq!(s.hits.load(Ordering::SeqCst), 0);
}

// ---------------------------------------------------------------------------
// Answer size
// ---------------------------------------------------------------------------

async fn body_of(reply: Reply, limit: usize) -> Result<Vec<u8>, ProviderError> {
    let s = serve(vec![reply]);
    let c = client(Duration::from_secs(5));
    let response = http::send_once(c.get(format!("{}/x", s.base)))
        .await
        .unwrap();
    http::read_body(response, limit).await
}

fn chunked(body: &[u8]) -> Reply {
    let mut bytes = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    bytes.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
    bytes.extend_from_slice(body);
    bytes.extend_from_slice(b"\r\n0\r\n\r\n");
    Reply::Raw(bytes)
}

fn too_large() -> ProviderError {
    ProviderError::Protocol("the answer is too large".into())
}

#[tokio::test]
async fn an_answer_up_to_the_limit_is_read_whole() {
    let body = "x".repeat(100);
    assert_eq!(
        body_of(answer("200 OK", &[], &body), 100).await.unwrap(),
        body.as_bytes()
    );
    assert_eq!(
        body_of(chunked(body.as_bytes()), 100).await.unwrap(),
        body.as_bytes()
    );
}

#[tokio::test]
async fn an_answer_over_the_limit_is_refused() {
    let body = "x".repeat(101);
    assert_eq!(
        body_of(answer("200 OK", &[], &body), 100)
            .await
            .unwrap_err(),
        too_large()
    );
    assert_eq!(
        body_of(chunked(body.as_bytes()), 100).await.unwrap_err(),
        too_large()
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    // The server announces more than the limit and then stops: refused at
    // once by the header, never read (which would end as "cut off").
    let reply = Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\nxx".to_vec());
    assert_eq!(body_of(reply, 100).await.unwrap_err(), too_large());
}

#[tokio::test]
async fn the_shared_limit_takes_a_few_megabytes_and_no_more() {
    let body = "x".repeat(3 * 1024 * 1024);
    assert_eq!(
        body_of(answer("200 OK", &[], &body), MAX_BODY)
            .await
            .unwrap()
            .len(),
        body.len()
    );
    let body = "x".repeat(4 * 1024 * 1024 + 1);
    assert_eq!(
        body_of(chunked(body.as_bytes()), MAX_BODY)
            .await
            .unwrap_err(),
        too_large()
    );
}

// ---------------------------------------------------------------------------
// Base URLs and Retry-After dates
// ---------------------------------------------------------------------------

#[test]
fn a_url_with_any_credential_query_or_fragment_is_refused() {
    for bad in [
        "https://user@x.example",
        "https://:pw@x.example",
        "https://x.example/#frag",
        "https://x.example/?q",
        "http://10.0.0.1:8080",
        "http://[::2]:8080",
    ] {
        assert!(check_base_url(bad).is_err(), "{bad}");
    }
    for good in [
        "https://x.example/pi/",
        "http://127.0.0.2:5000",
        "http://LOCALHOST:1",
    ] {
        assert_eq!(
            check_base_url(good).unwrap().as_str().to_lowercase(),
            url_text(good),
            "{good}"
        );
    }
}

fn url_text(s: &str) -> String {
    let lower = s.to_lowercase();
    if lower.ends_with('/') {
        lower
    } else {
        format!("{lower}/")
    }
}

#[test]
fn http_dates_to_the_second() {
    let at = |s: &str| {
        parse_http_date(s)
            .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
            .unwrap_or(u64::MAX)
    };
    assert_eq!(at("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777);
    assert_eq!(at("Sunday, 06-Nov-94 08:49:37 GMT"), 784_111_777);
    assert_eq!(at("Sun Nov  6 08:49:37 1994"), 784_111_777);
    // Two-digit years: 70 and later are 19xx, earlier 20xx.
    assert_eq!(at("Thursday, 01-Jan-70 00:00:00 GMT"), 0);
    assert_eq!(at("Tuesday, 01-Jan-30 00:00:00 GMT"), 1_893_456_000);
    // Every month by name.
    for (i, m) in [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .enumerate()
    {
        let t = at(&format!("Thu, 01 {m} 2026 00:00:00 GMT"));
        let days = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][i];
        assert_eq!(t, 1_767_225_600 + days * 86_400, "{m}");
    }
    // The edges of the clock and the month.
    assert_eq!(
        at("Wed, 31 Dec 2025 23:59:60 GMT"),
        1_767_225_600,
        "a leap second"
    );
    for bad in [
        "Wed, 31 Dec 2025 24:00:00 GMT",
        "Wed, 31 Dec 2025 23:60:00 GMT",
        "Wed, 31 Dec 2025 23:59:61 GMT",
        "Wed, 00 Dec 2025 12:00:00 GMT",
        "Wed, 32 Dec 2025 12:00:00 GMT",
        "Wed, 31 Dec 2025 12:00:00:00 GMT",
        "Wednesday, 31-Dec-25-1 12:00:00 GMT",
        "Wed, 31 Dec 2025 12:00:00 UTC",
    ] {
        assert_eq!(at(bad), u64::MAX, "{bad}");
    }
}

/// A date that names no real day is not a time to wait for: a day the
/// month does not have (which would quietly become a day of the next
/// month), or a year the HTTP-date grammar does not allow (four digits;
/// one far beyond them overflowed the day count: a panic in a debug build,
/// a wrapped, meaningless time in a release build). Found 2026-12-04 while
/// running `parse_http_date` under cargo-mutants.
#[test]
fn a_date_that_names_no_real_day_is_not_trusted() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
    for bad in [
        "Sat, 29 Feb 2025 08:49:37 GMT",
        "Fri, 30 Feb 2024 08:49:37 GMT",
        "Thu, 31 Apr 2026 08:49:37 GMT",
        "Tue, 31 Jun 2026 08:49:37 GMT",
        "Thu, 31 Sep 2026 08:49:37 GMT",
        "Tue, 31 Nov 2026 08:49:37 GMT",
        "Monday, 29-Feb-99 08:49:37 GMT",
        "Sun Feb 30 08:49:37 2025",
        "Sun, 06 Nov 10000 08:49:37 GMT",
        "Sun, 06 Nov 99999999999999999 08:49:37 GMT",
        "Sun Nov  6 08:49:37 99999999999999999",
        "Sun, 06 Nov -1994 08:49:37 GMT",
    ] {
        assert_eq!(parse_http_date(bad), None, "{bad}");
        assert_eq!(parse_retry_after(bad, now), None, "{bad}");
    }
    // The last day of each month is still a day.
    for good in [
        "Thu, 29 Feb 2024 08:49:37 GMT",
        "Thu, 30 Apr 2026 08:49:37 GMT",
        "Tue, 29-Feb-00 08:49:37 GMT",
        "Fri Dec 31 08:49:37 9999",
    ] {
        assert!(parse_http_date(good).is_some(), "{good}");
    }
}

#[test]
fn retry_after_waits_are_capped_at_an_hour() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
    assert_eq!(
        parse_retry_after("3600", now),
        Some(Duration::from_secs(3600))
    );
    assert_eq!(
        parse_retry_after("3601", now),
        Some(Duration::from_secs(3600))
    );
    assert_eq!(
        parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", now),
        Some(Duration::from_secs(3600))
    );
}

/// A 503 whose `Retry-After` reaches past the budget is returned at once,
/// not slept on (the 429 case is the gate's, above). cargo-mutants
/// 2026-12-04: `elapsed + wait >= budget` → `elapsed - wait` passed every
/// test, since no 503 asked for a wait longer than the time already spent.
#[tokio::test]
async fn a_busy_answer_asking_longer_than_the_budget_is_returned_at_once() {
    let s = serve(vec![
        answer("503 Service Unavailable", &["Retry-After: 60"], ""),
        answer("200 OK", &[], "ok"),
    ]);
    let started = Instant::now();
    let response = get(&s, &quick(3)).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------
// What the operational log says (docs/kiosk.md, "Logs and the audit trail":
// reads sent again and why, 429/503 with the server's Retry-After)
// ---------------------------------------------------------------------------

/// The fields of each `mfa_assist::http` event, by name, as text.
#[derive(Clone, Default)]
struct HttpLog(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}"));
    }
}

impl<S: tracing::Subscriber> Layer<S> for HttpLog {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "mfa_assist::http" {
            let mut fields = BTreeMap::new();
            event.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().push(fields);
        }
    }
}

impl HttpLog {
    /// `keys` of every line whose message is `message`.
    fn lines(&self, message: &str, keys: &[&str]) -> Vec<Vec<String>> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|f| f.get("message").map(String::as_str) == Some(message))
            .map(|f| {
                keys.iter()
                    .map(|k| f.get(*k).cloned().unwrap_or_default())
                    .collect()
            })
            .collect()
    }
}

/// cargo-mutants 2026-12-04: `log_retry` emptied (no line for a read sent
/// again) and `-1` → `1` (a busy answer without `Retry-After` logged as
/// "wait 1 s") passed every test.
#[tokio::test]
async fn the_log_says_each_read_sent_again_and_the_servers_wait() {
    let log = HttpLog::default();
    let _log = tracing::subscriber::set_default(tracing_subscriber::registry().with(log.clone()));
    let s = serve(vec![
        answer("503 Service Unavailable", &["Retry-After: 1"], ""),
        answer("503 Service Unavailable", &[], ""),
        answer("200 OK", &[], "ok"),
    ]);
    assert_eq!(get(&s, &quick(3)).await.unwrap().status(), 200);
    assert_eq!(
        log.lines("http throttled", &["status", "retry_after_s"]),
        [["503", "1"], ["503", "-1"]]
    );
    let again = log.lines("read sent again", &["reason", "attempt", "wait_ms"]);
    assert_eq!(again.len(), 2, "{again:?}");
    assert_eq!(again[0], ["throttled", "2", "1000"]);
    // The second wait is the policy's own back-off, doubled to its cap
    // of 20 ms, and up to a quarter more.
    assert_eq!(again[1][..2], ["throttled", "3"]);
    let ms: u64 = again[1][2].parse().unwrap();
    assert!((20..=25).contains(&ms), "{again:?}");
}
