//! An emulated privacyIDEA Authenticator app for push tokens (poll-only, no
//! Firebase), speaking the phone side of `/ttype/push` as privacyIDEA 3.14
//! expects it:
//!
//! * registration: form POST of `enrollment_credential`, `serial`, `fbtoken`
//!   and `pubkey` = base64url(DER SubjectPublicKeyInfo), answered with the
//!   server's public key (PKCS#1, base64, no PEM lines);
//! * poll: `GET ?serial&timestamp&signature`, signature over `serial|timestamp`;
//! * answer: form POST of `serial`, `nonce`, `signature` over `nonce|serial`
//!   (declining adds `decline=1` and signs `nonce|serial|decline`).
//!
//! All signatures are RSA PKCS#1 v1.5 with SHA-256, base32 with padding. The
//! phone checks every challenge's server signature and panics if it does not
//! verify, as the real app would refuse it.

use super::{http_client, iso_utc};
use data_encoding::{BASE32, BASE64, BASE64URL};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant, SystemTime};

/// A registered phone holding one push token.
pub struct Phone {
    pub serial: String,
    /// The registration URL from the QR code; polls and answers go there.
    pub url: String,
    /// `sslverify` from the QR code (`false` for `sslverify=0`).
    pub sslverify: bool,
    key: RsaPrivateKey,
    server_key: RsaPublicKey,
    http: reqwest::Client,
}

/// A push challenge as the phone sees it, its signature already verified.
#[derive(Clone, Debug)]
pub struct Challenge {
    pub nonce: String,
    pub serial: String,
    pub question: String,
    pub title: String,
    pub url: String,
    pub sslverify: String,
    /// With `push_require_presence`: the buttons the app shows, one of
    /// which the sign-in screen names (`require_presence`, comma-separated).
    pub presence_options: Vec<String>,
    /// The challenge object as the server sent it.
    pub raw: Value,
}

fn sign(key: &RsaPrivateKey, msg: &str) -> String {
    let digest = Sha256::digest(msg.as_bytes());
    let sig = key
        .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
        .expect("RSA signing");
    BASE32.encode(&sig)
}

fn verify(key: &RsaPublicKey, msg: &[u8], sig_b32: &str) -> Result<(), String> {
    let sig = BASE32
        .decode(sig_b32.as_bytes())
        .map_err(|e| format!("signature is not base32: {e}"))?;
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(msg), &sig)
        .map_err(|e| format!("{e}"))
}

/// RFC 8785 (JCS) for the plain JSON privacyIDEA signs its capabilities
/// with: sorted keys, no whitespace. Numbers other than integers are not
/// expected there.
fn jcs(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            let items: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), jcs(&map[k])))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(jcs).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

fn parse_server_key(text: &str) -> Result<RsaPublicKey, String> {
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
        .split_whitespace()
        .collect();
    let der = BASE64
        .decode(body.as_bytes())
        .map_err(|e| format!("server public key is not base64: {e}"))?;
    RsaPublicKey::from_pkcs1_der(&der)
        .or_else(|_| RsaPublicKey::from_public_key_der(&der))
        .map_err(|e| format!("server public key is neither PKCS#1 nor SPKI: {e}"))
}

impl Phone {
    /// Scans `otpauth://pipush/...` (`detail.pushurl.value` of the token
    /// init) and registers a fresh RSA-2048 key with the server.
    pub async fn register(pipush_uri: &str) -> Result<Phone, String> {
        let uri = reqwest::Url::parse(pipush_uri).map_err(|e| format!("{pipush_uri}: {e}"))?;
        if uri.scheme() != "otpauth" || uri.host_str() != Some("pipush") {
            return Err(format!("not an otpauth://pipush/ URI: {pipush_uri}"));
        }
        let param = |name: &str| {
            uri.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .ok_or_else(|| format!("{name} missing in {pipush_uri}"))
        };
        let url = param("url")?;
        let serial = param("serial")?;
        let credential = param("enrollment_credential")?;
        let sslverify = param("sslverify").map(|v| v != "0").unwrap_or(true);

        // Key generation is seconds of CPU in a debug build of num-bigint;
        // keep it off the runtime's worker thread.
        let key = tokio::task::spawn_blocking(|| {
            RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("RSA key generation")
        })
        .await
        .map_err(|e| format!("key generation: {e}"))?;
        let spki = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| format!("encoding the public key: {e}"))?;
        // base64url, because the server URL-decodes form fields twice and a
        // `+` would become a space. 294 DER bytes need no `=` padding.
        let pubkey = BASE64URL.encode(spki.as_bytes());

        let http = http_client();
        let resp = http
            .post(&url)
            .form(&[
                ("enrollment_credential", credential.as_str()),
                ("serial", serial.as_str()),
                ("fbtoken", "poll-only-emulated-phone"),
                ("pubkey", pubkey.as_str()),
            ])
            .send()
            .await
            .map_err(|e| format!("POST {url}: {e}"))?;
        let status = resp.status();
        let v: Value = resp
            .json()
            .await
            .map_err(|e| format!("POST {url}: HTTP {status}, not JSON: {e}"))?;
        if !status.is_success() || v["result"]["status"] != true || v["result"]["value"] != true {
            return Err(format!("registration refused: HTTP {status}: {v}"));
        }
        let server_key = v["detail"]["public_key"]
            .as_str()
            .ok_or_else(|| format!("no detail.public_key in {v}"))
            .and_then(parse_server_key)?;
        Ok(Phone {
            serial,
            url,
            sslverify,
            key,
            server_key,
            http,
        })
    }

    /// Asks the server for open challenges. Panics if the server refuses the
    /// poll or a challenge's signature does not verify.
    pub async fn poll(&self) -> Vec<Challenge> {
        let timestamp = iso_utc(SystemTime::now());
        let signature = sign(&self.key, &format!("{}|{timestamp}", self.serial));
        let resp = self
            .http
            .get(&self.url)
            .query(&[
                ("serial", self.serial.as_str()),
                ("timestamp", timestamp.as_str()),
                ("signature", signature.as_str()),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("phone poll GET {}: {e}", self.url));
        let status = resp.status();
        let v: Value = resp
            .json()
            .await
            .unwrap_or_else(|e| panic!("phone poll: HTTP {status}, not JSON: {e}"));
        assert!(
            status.is_success() && v["result"]["status"] == true,
            "phone poll refused: HTTP {status}: {v}"
        );
        let list = v["result"]["value"]
            .as_array()
            .unwrap_or_else(|| panic!("phone poll: result.value is not a list: {v}"));
        list.iter().map(|c| self.check_challenge(c)).collect()
    }

    fn check_challenge(&self, c: &Value) -> Challenge {
        let field = |name: &str| -> String {
            c[name]
                .as_str()
                .unwrap_or_else(|| panic!("challenge without {name}: {c}"))
                .to_string()
        };
        let ch = Challenge {
            nonce: field("nonce"),
            serial: field("serial"),
            question: field("question"),
            title: field("title"),
            url: field("url"),
            sslverify: field("sslverify"),
            presence_options: c["require_presence"]
                .as_str()
                .map(|s| s.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            raw: c.clone(),
        };
        let mut signed = format!(
            "{}|{}|{}|{}|{}|{}",
            ch.nonce, ch.url, ch.serial, ch.question, ch.title, ch.sslverify
        );
        if let Some(presence) = c["require_presence"].as_str() {
            signed.push('|');
            signed.push_str(presence);
        }
        if let Err(e) = verify(&self.server_key, signed.as_bytes(), &field("signature")) {
            panic!("the server's signature of challenge {c} does not verify: {e}");
        }
        if let (Some(caps), Some(sig)) = (
            c["capabilities"].as_str(),
            c["capabilities_signature"].as_str(),
        ) {
            let caps: Value = serde_json::from_str(caps)
                .unwrap_or_else(|e| panic!("capabilities are not JSON ({e}): {c}"));
            let input = jcs(&serde_json::json!({"capabilities": caps, "nonce": ch.nonce}));
            if let Err(e) = verify(&self.server_key, input.as_bytes(), sig) {
                panic!("the server's capabilities signature does not verify ({e}) over {input}");
            }
        }
        assert_eq!(ch.serial, self.serial, "challenge for another token: {c}");
        ch
    }

    /// Approves or declines `challenge`. Err with the answer when the server
    /// does not take it (for example because it expired or was answered).
    pub async fn answer(&self, challenge: &Challenge, approve: bool) -> Result<(), String> {
        self.answer_with(challenge, approve, None).await
    }

    /// Approves `challenge` by tapping the button `presence` ("require
    /// presence": the person picks the one the sign-in screen shows). The
    /// answer goes in `presence_answer` and at the end of the signed string
    /// (privacyIDEA 3.14 `pushtoken.py`, `_handle_auth_response`).
    pub async fn approve_with_presence(
        &self,
        challenge: &Challenge,
        presence: &str,
    ) -> Result<(), String> {
        assert!(
            challenge.presence_options.iter().any(|o| o == presence),
            "{presence:?} is not one of the app's buttons {:?}",
            challenge.presence_options
        );
        self.answer_with(challenge, true, Some(presence)).await
    }

    async fn answer_with(
        &self,
        challenge: &Challenge,
        approve: bool,
        presence: Option<&str>,
    ) -> Result<(), String> {
        let mut signed = format!("{}|{}", challenge.nonce, self.serial);
        if !approve {
            signed.push_str("|decline");
        }
        if let Some(p) = presence {
            signed.push('|');
            signed.push_str(p);
        }
        let signature = sign(&self.key, &signed);
        let mut form = vec![
            ("serial", self.serial.as_str()),
            ("nonce", challenge.nonce.as_str()),
            ("signature", signature.as_str()),
        ];
        if !approve {
            form.push(("decline", "1"));
        }
        if let Some(p) = presence {
            form.push(("presence_answer", p));
        }
        let resp = self
            .http
            .post(&self.url)
            .form(&form)
            .send()
            .await
            .map_err(|e| format!("phone answer POST {}: {e}", self.url))?;
        let status = resp.status();
        let v: Value = resp
            .json()
            .await
            .map_err(|e| format!("phone answer: HTTP {status}, not JSON: {e}"))?;
        if status.is_success() && v["result"]["status"] == true && v["result"]["value"] == true {
            Ok(())
        } else {
            Err(format!("phone answer refused: HTTP {status}: {v}"))
        }
    }

    /// Polls until a challenge shows up (panics after `timeout`), approves
    /// it and returns it.
    pub async fn approve_next(&self, timeout: Duration) -> Challenge {
        self.answer_next(timeout, true).await
    }

    /// Polls until a challenge shows up (panics after `timeout`), declines
    /// it and returns it.
    pub async fn decline_next(&self, timeout: Duration) -> Challenge {
        self.answer_next(timeout, false).await
    }

    /// Polls until a challenge shows up; panics after `timeout`.
    pub async fn next_challenge(&self, timeout: Duration) -> Challenge {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(c) = self.poll().await.into_iter().next() {
                return c;
            }
            assert!(
                Instant::now() < deadline,
                "no push challenge for {} within {timeout:?}",
                self.serial
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn answer_next(&self, timeout: Duration, approve: bool) -> Challenge {
        let c = self.next_challenge(timeout).await;
        if let Err(e) = self.answer(&c, approve).await {
            panic!("{e}");
        }
        c
    }
}
