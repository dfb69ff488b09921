//! privacyIDEA's envelope and statuses mapped to the app's errors, against a
//! scripted local server: what each HTTP status and body becomes, that the
//! JWT goes bare in `Authorization`, and that paths stay under the base.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn answer(status: u16, body: Value) -> Answer {
    Answer {
        status: StatusCode::from_u16(status).unwrap(),
        envelope: serde_json::from_value(body).unwrap(),
    }
}

fn failed(code: i64, message: &str) -> Value {
    json!({"result": {"status": false, "error": {"code": code, "message": message}}})
}

#[test]
fn statuses_become_the_errors_the_screens_explain() {
    assert_eq!(
        answer(401, failed(4304, "JWT expired")).into_error(),
        ProviderError::SessionExpired
    );
    assert_eq!(
        answer(403, failed(303, "ERR303: enrollTOTP is not allowed ")).into_error(),
        ProviderError::NotAllowed("enrollTOTP is not allowed".into())
    );
    assert_eq!(
        answer(403, failed(303, "")).into_error(),
        ProviderError::NotAllowed("the server's policy does not allow it".into())
    );
    assert_eq!(
        answer(404, failed(601, "no such token")).into_error(),
        ProviderError::NotFound
    );
    for status in [500, 502] {
        assert_eq!(
            answer(status, failed(601, "boom")).into_error(),
            ProviderError::Server {
                status,
                code: "601".into(),
                reference: None
            }
        );
    }
    assert_eq!(
        answer(400, failed(905, "bad parameter")).into_error(),
        ProviderError::Protocol("HTTP 400 error 905".into())
    );
    assert_eq!(
        answer(400, json!({"result": {"status": false}})).into_error(),
        ProviderError::Protocol("HTTP 400 error 0".into())
    );
}

#[test]
fn a_policy_refusal_is_shown_in_at_most_200_characters() {
    let long = format!("ERR303: {}", "x".repeat(500));
    let ProviderError::NotAllowed(words) = answer(403, failed(303, &long)).into_error() else {
        panic!("not NotAllowed");
    };
    assert_eq!(words, "x".repeat(200));
}

#[test]
fn ok_needs_both_the_status_and_the_envelope() {
    let good = json!({"result": {"status": true, "value": true}});
    assert!(answer(200, good.clone()).ok());
    assert!(!answer(200, json!({"result": {"status": false}})).ok());
    assert!(!answer(400, good).ok());
}

#[test]
fn codes_and_messages_are_read_where_privacyidea_puts_them() {
    let a = answer(
        400,
        json!({
            "result": {"status": false, "error": {"code": 905, "message": "ERR905: missing"}},
            "detail": {"message": "wrong otp value"}
        }),
    );
    assert_eq!(a.error_code(), 905);
    assert_eq!(a.error_message(), "ERR905: missing");
    assert_eq!(a.detail_message(), "wrong otp value");
    let bare = answer(200, json!({"result": {"status": true}}));
    assert_eq!(bare.error_code(), 0);
    assert_eq!(bare.error_message(), "");
    assert_eq!(bare.detail_message(), "");
}

#[test]
fn paths_join_under_the_base_with_or_without_its_slash() {
    for base in ["https://mfa.example/pi", "https://mfa.example/pi/"] {
        let api = Api::new(reqwest::Client::new(), Url::parse(base).unwrap());
        assert_eq!(
            api.url("/auth").unwrap().as_str(),
            "https://mfa.example/pi/auth",
            "{base}"
        );
        assert_eq!(
            api.url("token/").unwrap().as_str(),
            "https://mfa.example/pi/token/"
        );
    }
}

/// Answers each connection with `reply` and keeps the request it got.
fn serve(reply: Vec<u8>) -> (Url, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let keep = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buf = [0u8; 65536];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            *keep.lock().unwrap() = String::from_utf8_lossy(&request).into_owned();
            let _ = stream.write_all(&reply);
            let _ = stream.flush();
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    (url, seen)
}

fn http(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn api(url: Url) -> Api {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut api = Api::new(client, url);
    api.reads = RetryPolicy::none();
    api
}

#[tokio::test]
async fn the_jwt_goes_bare_and_the_answer_is_parsed() {
    let (url, seen) = serve(http(
        "200 OK",
        "Content-Type: application/json\r\n",
        r#"{"result": {"status": true, "value": [1, 2]}}"#,
    ));
    let a = api(url)
        .get("/token/", &[("user", "alice")], &Secret::new("jwt-abc"))
        .await
        .unwrap();
    assert!(a.ok());
    assert_eq!(a.envelope.result.value, json!([1, 2]));
    let request = seen.lock().unwrap().to_lowercase();
    assert!(request.starts_with("get /token/?user=alice "), "{request}");
    assert!(
        request.contains("\r\nauthorization: jwt-abc\r\n"),
        "{request}"
    );
}

#[tokio::test]
async fn busy_answers_are_rate_limits_with_the_wait() {
    let (url, _) = serve(http("429 Too Many Requests", "Retry-After: 9\r\n", ""));
    let e = api(url).get_public("/x", &[]).await.unwrap_err();
    assert_eq!(
        e,
        ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(9))
        }
    );
    let (url, _) = serve(http("503 Service Unavailable", "", "<html>busy</html>"));
    let e = api(url).post("/x", &json!({}), None).await.unwrap_err();
    assert_eq!(e, ProviderError::RateLimited { retry_after: None });
}

#[tokio::test]
async fn a_server_error_page_is_a_server_error() {
    for status in ["500 Internal Server Error", "502 Bad Gateway"] {
        let (url, _) = serve(http(status, "", "<html><h1>Oops</h1></html>"));
        let e = api(url)
            .delete("/token/X", &[], &Secret::new("jwt"))
            .await
            .unwrap_err();
        let code: u16 = status[..3].parse().unwrap();
        assert_eq!(
            e,
            ProviderError::Server {
                status: code,
                code: String::new(),
                reference: None
            }
        );
    }
}

#[tokio::test]
async fn a_page_that_is_not_privacyideas_json_is_a_protocol_error() {
    for (status, code) in [("200 OK", 200), ("404 Not Found", 404)] {
        let (url, _) = serve(http(status, "", "<html>not here</html>"));
        let e = api(url).get_public("/x", &[]).await.unwrap_err();
        assert_eq!(
            e,
            ProviderError::Protocol(format!(
                "HTTP {code} with a body that is not privacyIDEA's JSON"
            ))
        );
    }
}

#[tokio::test]
async fn a_large_token_list_is_still_read() {
    // 1.5 MB of tokens: well inside the limit of this module.
    let value: Vec<Value> = (0..15_000)
        .map(|i| json!({"serial": format!("TOTP{i:08}"), "description": "x".repeat(64)}))
        .collect();
    let body = json!({"result": {"status": true, "value": value}}).to_string();
    assert!(body.len() > 1_500_000, "{}", body.len());
    let (url, _) = serve(http("200 OK", "", &body));
    let a = api(url).get_public("/x", &[]).await.unwrap();
    assert_eq!(a.envelope.result.value.as_array().unwrap().len(), 15_000);
}
