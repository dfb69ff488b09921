//! An HTTP proxy in front of the test server that can make the client's JWT
//! expire: told to, it rewrites the `Authorization` JWT of the next
//! requests to the same claims with `exp` in the past, signed with the
//! server's own `SECRET_KEY` (from `$MFA_ASSIST_PI_RUN_DIR/pi.cfg`). The
//! server then answers exactly as it does for a JWT that ran out (401,
//! error 4305 "Your token has expired"), and nothing in the app needs a
//! test hook.
//!
//! Include it next to the support module:
//!
//! ```ignore
//! #[path = "support/privacyidea/expiring_proxy.rs"]
//! mod expiring_proxy;
//! ```
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::task::JoinHandle;

struct Shared {
    upstream: String,
    client: reqwest::Client,
    secret_key: Vec<u8>,
    /// How many of the next requests that carry a JWT get it expired.
    expire_next: AtomicU32,
    /// `POST /auth` requests seen (sign-ins).
    sign_ins: AtomicU32,
    /// Requests sent on with an expired JWT.
    expired: AtomicU32,
}

pub struct ExpiringProxy {
    url: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for ExpiringProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ExpiringProxy {
    /// Forwards 127.0.0.1:<free port> to `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> ExpiringProxy {
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            client: super::pi::http_client(),
            secret_key: server_secret_key(),
            expire_next: AtomicU32::new(0),
            sign_ins: AtomicU32::new(0),
            expired: AtomicU32::new(0),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(forward).with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        ExpiringProxy { url, shared, task }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The next `n` requests that carry a JWT arrive with it expired.
    pub fn expire_next(&self, n: u32) {
        self.shared.expire_next.store(n, Ordering::SeqCst);
    }

    pub fn sign_ins(&self) -> u32 {
        self.shared.sign_ins.load(Ordering::SeqCst)
    }

    pub fn expired_sent(&self) -> u32 {
        self.shared.expired.load(Ordering::SeqCst)
    }
}

/// `SECRET_KEY` of the running test server: it signs the JWTs (HS256).
fn server_secret_key() -> Vec<u8> {
    let dir = std::env::var("MFA_ASSIST_PI_RUN_DIR")
        .expect("MFA_ASSIST_PI_RUN_DIR must be set (scripts/privacyidea/with-server.sh sets it)");
    let cfg = std::fs::read_to_string(format!("{dir}/pi.cfg"))
        .unwrap_or_else(|e| panic!("reading {dir}/pi.cfg: {e}"));
    let line = cfg
        .lines()
        .find(|l| l.trim_start().starts_with("SECRET_KEY"))
        .unwrap_or_else(|| panic!("no SECRET_KEY in {dir}/pi.cfg"));
    let value = line.split_once('=').unwrap().1.trim();
    value
        .trim_matches(|c| c == '\'' || c == '"')
        .as_bytes()
        .to_vec()
}

async fn forward(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
    if method == Method::POST && uri.path() == "/auth" {
        shared.sign_ins.fetch_add(1, Ordering::SeqCst);
    }
    let mut request = shared
        .client
        .request(method, format!("{}{path_and_query}", shared.upstream))
        .body(body);
    if let Some(kind) = headers.get("content-type") {
        request = request.header("content-type", kind.clone());
    }
    if let Some(jwt) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        let expire = shared
            .expire_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let jwt = if expire {
            shared.expired.fetch_add(1, Ordering::SeqCst);
            expired_copy(jwt, &shared.secret_key)
        } else {
            jwt.to_string()
        };
        request = request.header("authorization", jwt);
    }
    let answer = request.send().await.expect("forwarding to the server");
    let mut response = Response::builder().status(answer.status());
    if let Some(kind) = answer.headers().get("content-type") {
        response = response.header("content-type", kind.clone());
    }
    response
        .body(Body::from(answer.bytes().await.unwrap()))
        .unwrap()
}

/// The same claims with `exp` a minute ago, signed like the server signs.
fn expired_copy(jwt: &str, key: &[u8]) -> String {
    let mut parts = jwt.split('.');
    let (header, payload) = (parts.next().unwrap(), parts.next().unwrap());
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap())
        .expect("the JWT payload is JSON");
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    claims["exp"] = (now.as_secs() - 60).into();
    let signed = format!(
        "{header}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
    );
    let signature = URL_SAFE_NO_PAD.encode(hmac_sha256(key, signed.as_bytes()));
    format!("{signed}.{signature}")
}

/// HMAC-SHA256 (RFC 2104), the HS256 of JWTs.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

#[test]
fn hmac_matches_rfc_4231() {
    // Test case 2.
    let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
    assert_eq!(
        data_encoding::HEXLOWER.encode(&mac),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}
