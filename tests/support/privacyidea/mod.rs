//! Test support for a real privacyIDEA 3.14 server (see scripts/privacyidea/).
//!
//! Include it per test crate, so each crate stays independent:
//!
//! ```ignore
//! #[path = "support/privacyidea/mod.rs"]
//! mod pi;
//! ```
//!
//! The server comes from `scripts/privacyidea/with-server.sh`, which exports
//! `MFA_ASSIST_PI_*`; `./scripts/test.sh` wraps `cargo test` in it.
//!
//! Isolation: all tests of a run share one server. Give every test its own
//! users ([`PiServer::create_user`]); policies are server-wide, so a test that
//! needs a different one should restrict it to its own user (`"user": name`
//! in the policy body) instead of changing the seeded ones.
//!
//! Create one [`PiServer`] per test: its HTTP client's connections belong to
//! the tokio runtime of the test that made it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod phone;
pub mod proxy;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::OnceCell;

/// The internal (editable SQL) resolver that seed.py creates.
pub const RESOLVER: &str = "localusers";

/// A running privacyIDEA, as described by the `MFA_ASSIST_PI_*` variables.
pub struct PiServer {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub url: String,
    pub admin: String,
    pub realm: String,
    admin_password: String,
    http: reqwest::Client,
    admin_jwt: OnceCell<String>,
}

/// An HTTP client for 127.0.0.1 that ignores any `*_proxy` variables of the
/// machine (a package-registry proxy must not see loopback traffic).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("building the HTTP client")
}

impl PiServer {
    /// Reads the server from the environment; panics (never skips) without it.
    pub fn from_env() -> PiServer {
        let Ok(url) = std::env::var("MFA_ASSIST_PI_URL") else {
            panic!(
                "MFA_ASSIST_PI_URL is not set: these tests need a real privacyIDEA server. \
                 Run them with ./scripts/test.sh, or with \
                 `scripts/privacyidea/with-server.sh cargo test` (it installs and starts one)."
            );
        };
        let var =
            |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
        let pw_file = std::env::var("MFA_ASSIST_PI_ADMIN_PASSWORD_FILE")
            .expect("MFA_ASSIST_PI_ADMIN_PASSWORD_FILE must be set along with MFA_ASSIST_PI_URL");
        let admin_password = std::fs::read_to_string(&pw_file)
            .unwrap_or_else(|e| panic!("reading the admin password from {pw_file}: {e}"))
            .trim()
            .to_string();
        PiServer {
            url: url.trim_end_matches('/').to_string(),
            admin: var("MFA_ASSIST_PI_ADMIN", "admin"),
            realm: var("MFA_ASSIST_PI_REALM", "testrealm"),
            admin_password,
            http: http_client(),
            admin_jwt: OnceCell::new(),
        }
    }

    /// The same server and credentials reached through another base URL,
    /// e.g. a [`proxy::CutProxy`] in front of it.
    pub fn via(&self, url: &str) -> PiServer {
        PiServer {
            url: url.trim_end_matches('/').to_string(),
            admin: self.admin.clone(),
            realm: self.realm.clone(),
            admin_password: self.admin_password.clone(),
            http: http_client(),
            admin_jwt: OnceCell::new(),
        }
    }

    pub fn admin_password(&self) -> &str {
        &self.admin_password
    }

    /// One request with a JSON body (privacyIDEA URL-decodes form fields a
    /// second time, JSON it does not). Returns the status and the JSON body;
    /// a body that is not JSON panics with the text.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        jwt: Option<&str>,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.url));
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(jwt) = jwt {
            // The raw JWT: privacyIDEA rejects "Bearer <jwt>".
            req = req.header("Authorization", jwt);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{method} {path}: HTTP {status}, not JSON: {text}"));
        (status, value)
    }

    /// As [`Self::request`] with the admin JWT; panics unless `result.status` is true.
    pub async fn admin_call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Value {
        let jwt = self.admin_jwt().await;
        let (status, v) = self
            .request(method.clone(), path, Some(&jwt), query, body)
            .await;
        assert!(
            status.is_success() && v["result"]["status"] == true,
            "{method} {path} as admin: HTTP {status}: {v}"
        );
        v
    }

    /// The admin's JWT, fetched once (valid for an hour).
    pub async fn admin_jwt(&self) -> String {
        self.admin_jwt
            .get_or_init(|| async {
                let (status, v) = self.auth(&self.admin, &self.admin_password, None).await;
                assert!(status.is_success(), "admin login: HTTP {status}: {v}");
                jwt_of(&v)
            })
            .await
            .clone()
    }

    /// `POST /auth` with `username`/`password` (plus `realm` for users, and
    /// `transaction_id` to finalize a challenge), as the app sends it.
    pub async fn auth(
        &self,
        username: &str,
        password: &str,
        transaction_id: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut body = json!({"username": username, "password": password});
        if username != self.admin {
            body["realm"] = json!(self.realm);
        }
        if let Some(tid) = transaction_id {
            body["transaction_id"] = json!(tid);
        }
        self.request(Method::POST, "/auth", None, &[], Some(&body))
            .await
    }

    /// A user JWT from `POST /auth`; panics with the answer when it is refused.
    pub async fn user_jwt(&self, user: &str, password: &str) -> String {
        let (status, v) = self.auth(user, password, None).await;
        assert!(
            status.is_success() && v["result"]["authentication"] == "ACCEPT",
            "login of {user}: HTTP {status}: {v}"
        );
        jwt_of(&v)
    }

    /// Creates a user in the `localusers` resolver (so in the default realm)
    /// with a name unique to this call, and returns the name. The password is
    /// [`user_password`] of it, which only matters for `login_mode=userstore`.
    pub async fn create_user(&self, prefix: &str) -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        // Unique across the parallel tests of a crate (counter), the crates of
        // one run (pid) and reruns against a kept server (time).
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let name = format!(
            "{}-{:x}{:x}-{}",
            prefix.to_lowercase(),
            std::process::id(),
            secs & 0xfffff,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        assert!(
            name.len() <= 40,
            "user name {name} is longer than the resolver allows"
        );
        self.admin_call(
            Method::POST,
            "/user/",
            &[],
            Some(&json!({
                "user": name,
                "resolver": RESOLVER,
                "password": user_password(&name),
                "email": format!("{name}@example.test"),
                "givenname": prefix,
                "surname": "Test",
            })),
        )
        .await;
        name
    }

    /// Issues a registration code ("temporary access pass") to `user` as the
    /// admin and returns the code. `validity_end` is rounded down to the
    /// minute by the server.
    pub async fn issue_registration(&self, user: &str, validity_end: Option<SystemTime>) -> String {
        self.issue_registration_full(user, validity_end).await.1
    }

    /// As [`Self::issue_registration`], returning `(serial, code)`.
    pub async fn issue_registration_full(
        &self,
        user: &str,
        validity_end: Option<SystemTime>,
    ) -> (String, String) {
        let mut body = json!({
            "type": "registration",
            "user": user,
            "realm": self.realm,
            "description": format!("TAP for {user}"),
        });
        if let Some(end) = validity_end {
            body["validity_period_end"] = json!(pi_validity_time(end));
        }
        let v = self
            .admin_call(Method::POST, "/token/init", &[], Some(&body))
            .await;
        (
            str_at(&v, "/detail/serial"),
            str_at(&v, "/detail/registrationcode"),
        )
    }

    /// Gives `user` an enrolled TOTP token (SHA-1, 6 digits, 30 s) as the
    /// admin, the way an "old" authenticator would have been set up, and
    /// returns `(serial, base32 secret)`.
    ///
    /// The verify step (policy `verify_enrollment`) is answered with the
    /// code of the *previous* time step, so the current one has not been
    /// used yet and the test can log in with [`totp_now`] right away.
    pub async fn enroll_totp_for(&self, user: &str, description: &str) -> (String, String) {
        let v = self
            .admin_call(
                Method::POST,
                "/token/init",
                &[],
                Some(&json!({
                    "type": "totp",
                    "genkey": 1,
                    "user": user,
                    "realm": self.realm,
                    "description": description,
                })),
            )
            .await;
        let serial = str_at(&v, "/detail/serial");
        let secret = str_at(&v, "/detail/otpkey/value_b32");
        if v["detail"]["rollout_state"] == "verify" {
            let now = unix_now();
            let code = totp_at(&secret, now.saturating_sub(30));
            self.admin_call(
                Method::POST,
                "/token/init",
                &[],
                Some(&json!({
                    "type": "totp",
                    "serial": serial,
                    "verify": code,
                    "user": user,
                    "realm": self.realm,
                })),
            )
            .await;
        }
        (serial, secret)
    }

    /// The tokens of `user` as `GET /token/` lists them for the admin.
    pub async fn tokens(&self, user: &str) -> Vec<Value> {
        let v = self
            .admin_call(
                Method::GET,
                "/token/",
                &[("user", user), ("realm", &self.realm), ("pagesize", "100")],
                None,
            )
            .await;
        v["result"]["value"]["tokens"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// One token by serial, as the admin sees it; `None` if it does not exist.
    pub async fn token(&self, serial: &str) -> Option<Value> {
        let v = self
            .admin_call(Method::GET, "/token/", &[("serial", serial)], None)
            .await;
        v["result"]["value"]["tokens"]
            .as_array()
            .and_then(|t| t.first().cloned())
    }

    pub async fn delete_token(&self, serial: &str) {
        self.admin_call(Method::DELETE, &format!("/token/{serial}"), &[], None)
            .await;
    }

    /// Creates or replaces a policy, e.g.
    /// `json!({"scope": "webui", "action": "login_mode=userstore", "realm": "testrealm", "user": name, "active": true})`.
    pub async fn set_policy(&self, name: &str, body: Value) {
        self.admin_call(Method::POST, &format!("/policy/{name}"), &[], Some(&body))
            .await;
    }

    pub async fn delete_policy(&self, name: &str) {
        self.admin_call(Method::DELETE, &format!("/policy/{name}"), &[], None)
            .await;
    }

    /// Server-wide: affects every test running at the same time.
    pub async fn disable_policy(&self, name: &str) {
        self.admin_call(Method::POST, &format!("/policy/disable/{name}"), &[], None)
            .await;
    }

    pub async fn enable_policy(&self, name: &str) {
        self.admin_call(Method::POST, &format!("/policy/enable/{name}"), &[], None)
            .await;
    }

    /// `POST /validate/check` (no JWT), as an app or a VPN would.
    pub async fn validate_check(
        &self,
        user: &str,
        pass: &str,
        transaction_id: Option<&str>,
    ) -> Value {
        let mut body = json!({"user": user, "realm": self.realm, "pass": pass});
        if let Some(tid) = transaction_id {
            body["transaction_id"] = json!(tid);
        }
        let (status, v) = self
            .request(Method::POST, "/validate/check", None, &[], Some(&body))
            .await;
        assert!(status.is_success(), "/validate/check: HTTP {status}: {v}");
        v
    }

    /// `detail.challenge_status` of `GET /validate/polltransaction`:
    /// `pending`, `accept` or `declined`.
    pub async fn poll_transaction(&self, transaction_id: &str) -> String {
        let (status, v) = self
            .request(
                Method::GET,
                "/validate/polltransaction",
                None,
                &[("transaction_id", transaction_id)],
                None,
            )
            .await;
        assert!(
            status.is_success(),
            "/validate/polltransaction: HTTP {status}: {v}"
        );
        str_at(&v, "/detail/challenge_status")
    }
}

/// The password [`PiServer::create_user`] gives `user`.
pub fn user_password(user: &str) -> String {
    format!("{user}-pw")
}

/// `result.value.token` of an `/auth` answer.
pub fn jwt_of(v: &Value) -> String {
    str_at(v, "/result/value/token")
}

/// The string at a JSON pointer; panics with the whole value if missing.
pub fn str_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {v}"))
        .to_string()
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The 6-digit SHA-1 TOTP code (30 s steps) of a base32 secret at `unix_secs`.
pub fn totp_at(secret_b32: &str, unix_secs: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_b32)
        .unwrap_or_else(|e| panic!("TOTP secret {secret_b32} is not base32: {e:?}"));
    totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant()
        .generate(unix_secs)
        .to_string()
}

/// The current TOTP code of a base32 secret.
pub fn totp_now(secret_b32: &str) -> String {
    totp_at(secret_b32, unix_now())
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`); avoids a date crate for two formats.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (y, mo, d, h, mi, s, micros) in UTC; times before 1970 are not needed.
fn utc_parts(t: SystemTime) -> (i64, u32, u32, u64, u64, u64, u32) {
    let since = t.duration_since(UNIX_EPOCH).expect("time before 1970");
    let secs = since.as_secs();
    let (y, mo, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    (
        y,
        mo,
        d,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_micros(),
    )
}

/// `2026-11-23T16:54+0000`: the `validity_period_end` format privacyIDEA
/// documents (it drops seconds anyway).
pub fn pi_validity_time(t: SystemTime) -> String {
    let (y, mo, d, h, mi, _, _) = utc_parts(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}+0000")
}

/// `2026-11-23T15:52:51.745942Z`: ISO 8601 UTC with `Z`, because a `+00:00`
/// offset in a query string would arrive as a space.
pub fn iso_utc(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s, us) = utc_parts(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{us:06}Z")
}
