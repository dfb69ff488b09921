//! Writes (DELETE, POST) and throttling: a write answered 429 was not
//! carried out (Microsoft Graph: "the request was throttled"), so
//! `http::send_once` sends it again after `Retry-After`, or the gate's hold
//! when there is none, within `throttle::WRITE_BUDGET`; past that the 429
//! comes back and the person reads "busy, try again". Any other failure of
//! a write (500, 503) may come after the work was done and is never re-sent.
//! Against a scripted local server that records every request it receives.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::provider::ProviderError;
use mfa_assist::provider::http::{self, HttpConfig};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Server {
    base: String,
    /// Every request received: method, path and body.
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl Server {
    fn hits(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

fn answer(status: &str, headers: &[&str]) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for h in headers {
        text.push_str(h);
        text.push_str("\r\n");
    }
    text.push_str("Content-Length: 0\r\n\r\n");
    text.into_bytes()
}

/// Answers `replies` in order, one per connection; the last one repeats.
fn serve(replies: Vec<Vec<u8>>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let Some(request) = read_request(&stream) else {
                continue;
            };
            let n = {
                let mut log = log.lock().unwrap();
                log.push(request);
                log.len() - 1
            };
            let reply = replies.get(n).or(replies.last()).cloned().unwrap();
            std::thread::spawn(move || reply_with(stream, &reply));
        }
    });
    Server { base, seen }
}

fn read_request(mut stream: &TcpStream) -> Option<(String, String)> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&seen[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while seen.len() < head_end + length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    let line = head.lines().next().unwrap_or_default().to_string();
    let body = String::from_utf8_lossy(&seen[head_end..head_end + length]).to_string();
    Some((line, body))
}

fn reply_with(mut stream: TcpStream, reply: &[u8]) {
    let _ = stream.write_all(reply);
    let _ = stream.flush();
    std::thread::sleep(Duration::from_millis(50));
}

fn client() -> reqwest::Client {
    http::build_client(&HttpConfig {
        timeout: Duration::from_secs(5),
        direct: true,
        ..HttpConfig::default()
    })
    .unwrap()
}

#[tokio::test]
async fn a_delete_refused_with_retry_after_is_sent_again_after_the_wait() {
    let s = serve(vec![
        answer("429 Too Many Requests", &["Retry-After: 1"]),
        answer("204 No Content", &[]),
    ]);
    let started = Instant::now();
    let response = http::send_once(client().delete(format!("{}/methods/m1", s.base)))
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(s.hits(), 2, "sent exactly twice");
    // Not before the server's wait.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let seen = s.seen.lock().unwrap();
    assert!(
        seen.iter()
            .all(|(line, _)| line.starts_with("DELETE /methods/m1 "))
    );
}

#[tokio::test]
async fn a_post_refused_without_retry_after_is_sent_again_after_the_gates_hold() {
    let s = serve(vec![
        answer("429 Too Many Requests", &[]),
        answer("201 Created", &[]),
    ]);
    let started = Instant::now();
    let response = http::send_once(
        client()
            .post(format!("{}/pass", s.base))
            .json(&serde_json::json!({"lifetimeInMinutes": 60})),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(s.hits(), 2, "sent exactly twice");
    // The gate's first backoff without Retry-After is one 10 s window.
    assert!(started.elapsed() >= Duration::from_secs(10));
    let seen = s.seen.lock().unwrap();
    assert_eq!(seen[0], seen[1], "the same POST, body and all");
    assert!(seen[0].0.starts_with("POST /pass "));
    assert_eq!(seen[0].1, r#"{"lifetimeInMinutes":60}"#);
}

#[tokio::test]
async fn a_429_past_the_deadline_is_the_busy_error_not_another_send() {
    let s = serve(vec![
        answer("429 Too Many Requests", &["Retry-After: 600"]),
        answer("201 Created", &[]),
    ]);
    let started = Instant::now();
    let response = http::send_once(client().post(format!("{}/pass", s.base)))
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(s.hits(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        http::throttled_error(response.status(), response.headers()),
        Some(ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(600))
        })
    );
}

#[tokio::test]
async fn a_post_answered_500_or_503_is_not_sent_again() {
    for status in ["500 Internal Server Error", "503 Service Unavailable"] {
        let s = serve(vec![
            answer(status, &["Retry-After: 1"]),
            answer("201 Created", &[]),
        ]);
        let response = http::send_once(client().post(format!("{}/pass", s.base)))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16().to_string(), status[..3]);
        assert_eq!(s.hits(), 1, "{status} may come after the work was done");
    }
}
