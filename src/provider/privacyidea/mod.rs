//! Over 400 lines because every kiosk call to privacyIDEA shares its pending-enrolment state.
//!
//! privacyIDEA (self-hosted, open source) as the identity provider.
//!
//! The helpdesk's registration code plays the Temporary Access Pass: `POST
//! /auth` with it (webui policy `login_mode=privacyIDEA`) gives a user JWT,
//! and the server deletes the code after that first success. Tokens are the
//! methods. TOTP is confirmed with verify-enrollment; push (poll-only) is
//! registered by the phone, then proven by a real challenge:
//! `/validate/check` → `/validate/polltransaction` → finalize.
//!
//! [`PiAdmin`] is the helpdesk's side: an administrator's JWT, acting for
//! the caller.

mod admin;
mod api;
mod tokens;
mod validity;

pub use admin::{PiAdmin, PiConnectError};

use super::http::{self, HttpConfig};
use super::{
    Account, Approval, Capabilities, Confirm, Enrollment, Method, MethodKind, Provider,
    ProviderError, PushApp, Reply, Session, SignInKind, Wait,
};
use crate::secret::Secret;
use api::{Answer, Api};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Pages of tokens read at most; 50 tokens each is far beyond any person.
const MAX_PAGES: u64 = 20;
const PAGE_SIZE: &str = "50";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiSettings {
    /// `https://mfa.example.edu` (plain http only to loopback).
    pub base_url: String,
    /// The realm users sign in to; empty uses the server's default realm.
    pub realm: String,
    pub http: HttpConfig,
    /// Kinds offered on the Add screen, in order.
    pub add_kinds: Vec<MethodKind>,
    /// How long the phone may take to register a push token after the scan.
    pub registration_wait: Wait,
    /// How long the test notification may take. privacyIDEA's challenges
    /// live 120 s by default and polltransaction never says "expired", so
    /// this deadline is ours.
    pub approval_wait: Wait,
    /// The token description new tokens get (shown in privacyIDEA's UI).
    pub description: String,
    /// How long a write the server refused with 429 (too many requests) is
    /// sent again after its wait: two minutes.
    pub write_budget: Duration,
}

impl Default for PiSettings {
    fn default() -> Self {
        PiSettings {
            base_url: String::new(),
            realm: String::new(),
            http: HttpConfig::default(),
            add_kinds: vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode],
            registration_wait: Wait {
                poll_every: Duration::from_secs(2),
                timeout: Duration::from_secs(300),
            },
            approval_wait: Wait {
                poll_every: Duration::from_secs(2),
                timeout: Duration::from_secs(120),
            },
            description: "Added with mfa-assist".into(),
            write_budget: crate::throttle::WRITE_BUDGET,
        }
    }
}

/// A token being added: what it still needs before it counts.
#[derive(Debug)]
struct Pending {
    /// TOTP in `verify`: the first code goes to the verify step.
    verify: bool,
    /// The open test challenge of a push token.
    transaction: Option<String>,
    /// Proven: walking away no longer deletes it.
    proven: bool,
    /// A code token's key, kept only while it is pending, to tell a wrong
    /// code from a phone with a wrong clock.
    key: Option<OtpKey>,
}

/// Keeps the key out of `Debug`. Boxed so it is wiped where it lies: the
/// map of pending tokens moves its entries when it grows.
struct OtpKey(Box<totp_rs::Totp>);

impl std::fmt::Debug for OtpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OtpKey(..)")
    }
}

pub struct PrivacyIdea {
    settings: PiSettings,
    api: Api,
    pending: Mutex<HashMap<String, Pending>>,
}

impl PrivacyIdea {
    /// The error is a sentence for whoever wrote the configuration.
    pub fn new(settings: PiSettings) -> Result<Self, String> {
        Ok(PrivacyIdea {
            api: api_for(&settings)?,
            settings,
            pending: Mutex::new(HashMap::new()),
        })
    }

    fn pending(&self) -> MutexGuard<'_, HashMap<String, Pending>> {
        // A panic while holding the lock cannot leave the map half-written
        // (every change is one insert or remove), so the data is still good.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn realm_field(&self, body: &mut Value) {
        if !self.settings.realm.is_empty()
            && let Some(map) = body.as_object_mut()
        {
            map.insert("realm".into(), Value::String(self.settings.realm.clone()));
        }
    }

    async fn sign_in_inner(&self, username: &str, pass: &Secret) -> Result<Session, ProviderError> {
        let mut body = json!({ "username": username, "password": pass.expose() });
        self.realm_field(&mut body);
        let answer = self.api.post("auth", &body, None).await;
        wipe_strings(&mut body);
        let answer = answer?;
        if answer.envelope.result.authentication.as_deref() == Some("CHALLENGE") {
            // The pass matched no registration code but woke a
            // challenge-response token (a PIN): not what this screen takes.
            return Err(ProviderError::PassRejected);
        }
        if answer.ok() {
            return session_from(username, &answer);
        }
        Err(sign_in_error(answer))
    }

    async fn list(&self, session: &Session) -> Result<Vec<Method>, ProviderError> {
        let tokens = self.tokens_of(session).await?;
        Ok(tokens.into_iter().map(tokens::Token::into_method).collect())
    }

    /// Deletes what this kiosk started and nobody finished: tokens with our
    /// description still waiting for the phone (`clientwait`) or the first
    /// code (`verify`). A `token/init` that timed out may have been carried
    /// out after all, and a clean-up may have failed while the server was
    /// down; this finds both. `keep_current` spares the enrollment on
    /// screen now (every one the person has not left yet).
    async fn sweep(&self, session: &Session, keep_current: bool) -> Result<(), ProviderError> {
        let tokens = self.tokens_of(session).await?;
        let mut failed = None;
        for token in tokens {
            let unfinished = matches!(token.rollout_state.as_str(), "clientwait" | "verify");
            let ours = token.description == self.settings.description;
            let current = keep_current && self.pending().contains_key(&token.serial);
            if !(unfinished && ours) || current {
                continue;
            }
            match self.delete(session, &token.serial).await {
                Ok(()) | Err(ProviderError::NotFound) => {
                    self.pending().remove(&token.serial);
                }
                Err(e) => failed = Some(e),
            }
        }
        failed.map_or(Ok(()), Err)
    }

    async fn tokens_of(&self, session: &Session) -> Result<Vec<tokens::Token>, ProviderError> {
        all_tokens(|page| async move {
            let answer = self
                .api
                .get(
                    "token/",
                    &[("page", &page), ("pagesize", PAGE_SIZE)],
                    session.token(),
                )
                .await?;
            if answer.ok() {
                Ok(answer.envelope.result.value)
            } else {
                Err(answer.into_error())
            }
        })
        .await
    }

    async fn token_state(&self, session: &Session, serial: &str) -> Result<String, ProviderError> {
        let answer = self
            .api
            .get("token/", &[("serial", serial)], session.token())
            .await?;
        if !answer.ok() {
            return Err(answer.into_error());
        }
        let (tokens, _) = tokens::parse_page(answer.envelope.result.value)?;
        tokens
            .into_iter()
            .find(|t| t.serial == serial)
            .map(|t| t.rollout_state)
            .ok_or(ProviderError::NotFound)
    }

    async fn delete(&self, session: &Session, serial: &str) -> Result<(), ProviderError> {
        let path = token_path(serial)?;
        let answer = self.api.delete(&path, &[], session.token()).await?;
        if answer.ok() {
            return Ok(());
        }
        Err(answer.into_error())
    }

    async fn enroll(
        &self,
        session: &Session,
        kind: MethodKind,
    ) -> Result<Enrollment, ProviderError> {
        let tokentype = match kind {
            MethodKind::AuthenticatorCode => "totp",
            MethodKind::AuthenticatorPush => "push",
            _ => {
                return Err(ProviderError::NotAllowed(
                    "this method cannot be added here".into(),
                ));
            }
        };
        if !session.account.can_delete {
            // The token could not be removed again if the person left it
            // unfinished; the flow does not offer adding then either.
            return Err(ProviderError::NotAllowed(
                "the server's policy does not let this kiosk remove methods".into(),
            ));
        }
        let body = json!({
            "type": tokentype,
            "genkey": 1,
            "description": self.settings.description,
        });
        // An earlier try that timed out may have made a token after all:
        // it must not linger beside the new one (best effort; sign-out
        // sweeps again).
        let _ = self.sweep(session, true).await;
        let answer = self
            .api
            .post("token/init", &body, Some(session.token()))
            .await;
        let mut answer = match answer {
            Ok(answer) => answer,
            Err(e) => {
                if e.is_transient() {
                    let _ = self.sweep(session, true).await;
                }
                return Err(e);
            }
        };
        if !answer.ok() {
            return Err(answer.into_error());
        }
        let made = self.enrollment_from(kind, &answer.envelope.detail);
        // `detail` holds the otpkey and googleurl (or the pushurl): the
        // copies worth keeping are in the enrollment's secrets now.
        wipe_strings(&mut answer.envelope.detail);
        let (serial, rollout, key, enrollment) = made?;
        self.pending().insert(
            serial,
            Pending {
                verify: rollout == "verify",
                transaction: None,
                proven: false,
                key,
            },
        );
        Ok(enrollment)
    }

    fn enrollment_from(
        &self,
        kind: MethodKind,
        detail: &Value,
    ) -> Result<(String, String, Option<OtpKey>, Enrollment), ProviderError> {
        let serial = text(detail, &["serial"])?;
        let rollout = detail
            .get("rollout_state")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut key = None;
        let enrollment = match kind {
            MethodKind::AuthenticatorPush => {
                let uri = Secret::new(text(detail, &["pushurl", "value"])?);
                let issuer = query_value(uri.expose(), "issuer").unwrap_or_default();
                Enrollment {
                    id: serial.clone(),
                    kind,
                    qr_payload: uri,
                    // The phone needs the whole pipush URI; nobody can type it.
                    manual_key: Secret::empty(),
                    account_name: serial.clone(),
                    issuer,
                    confirm: Confirm::Approval {
                        poll_every: self.settings.approval_wait.poll_every,
                        timeout: self.settings.approval_wait.timeout,
                    },
                    registration: (rollout == "clientwait")
                        .then_some(self.settings.registration_wait),
                }
            }
            _ => {
                let uri = Secret::new(text(detail, &["googleurl", "value"])?);
                let manual = Secret::new(text(detail, &["otpkey", "value_b32"])?);
                // What the phone will show, read the way an authenticator reads it.
                let totp = totp_rs::Totp::from_url_unchecked(uri.expose()).map_err(|_| {
                    ProviderError::Protocol("the new token's otpauth URI is unreadable".into())
                })?;
                let digits = totp.digits();
                let account_name = totp.account_name().to_string();
                let issuer = totp.issuer().unwrap_or_default().to_string();
                key = Some(OtpKey(Box::new(totp)));
                Enrollment {
                    id: serial.clone(),
                    kind,
                    account_name,
                    issuer,
                    qr_payload: uri,
                    manual_key: manual,
                    confirm: Confirm::Code { digits },
                    registration: None,
                }
            }
        };
        Ok((serial, rollout, key, enrollment))
    }

    async fn check(
        &self,
        session: &Session,
        serial: &str,
        code: &str,
    ) -> Result<bool, ProviderError> {
        let verify = self.pending().get(serial).is_none_or(|p| p.verify);
        let good = if verify {
            let body = json!({ "type": "totp", "serial": serial, "verify": code });
            let answer = self
                .api
                .post("token/init", &body, Some(session.token()))
                .await?;
            if answer.ok() {
                true
            } else if answer.status == StatusCode::BAD_REQUEST && answer.error_code() == 905 {
                // "Verification of the new token failed": the token stays in
                // `verify`, so the person can type the next code.
                false
            } else {
                return Err(answer.into_error());
            }
        } else {
            // No verify-enrollment policy: the token is live already; a real
            // authentication proves it.
            let answer = self
                .api
                .post(
                    "validate/check",
                    &json!({ "serial": serial, "pass": code }),
                    None,
                )
                .await?;
            if !answer.status.is_success() {
                return Err(answer.into_error());
            }
            answer.envelope.result.value.as_bool().unwrap_or(false)
        };
        if good && let Some(p) = self.pending().get_mut(serial) {
            p.proven = true;
            p.key = None;
        }
        Ok(good)
    }

    /// Sends the test notification. With the `push_require_presence` policy
    /// (privacyIDEA 3.10+), the challenge in `detail.multi_challenge` carries
    /// `presence_answer`: the one of the app's choices the person must tap,
    /// which the sign-in screen shows (`pushtoken.py`, `create_challenge`).
    async fn trigger(&self, serial: &str) -> Result<Option<String>, ProviderError> {
        // By serial, so only the new token is challenged, not an old phone too.
        let answer = self
            .api
            .post(
                "validate/check",
                &json!({ "serial": serial, "pass": "" }),
                None,
            )
            .await?;
        if !answer.status.is_success() {
            return Err(answer.into_error());
        }
        let transaction = answer
            .envelope
            .detail
            .get("transaction_id")
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some(transaction) = transaction else {
            return Err(ProviderError::Protocol(
                "the server sent no challenge for the new token".into(),
            ));
        };
        let presence = answer
            .envelope
            .detail
            .get("multi_challenge")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|c| {
                c.get("serial")
                    .and_then(Value::as_str)
                    .is_none_or(|s| s == serial)
            })
            .find_map(|c| c.get("presence_answer").and_then(Value::as_str))
            .filter(|a| !a.trim().is_empty())
            .map(str::to_string);
        if let Some(p) = self.pending().get_mut(serial) {
            p.transaction = Some(transaction);
        }
        Ok(presence)
    }

    async fn poll(&self, serial: &str) -> Result<Approval, ProviderError> {
        let Some(transaction) = self
            .pending()
            .get(serial)
            .and_then(|p| p.transaction.clone())
        else {
            return Err(ProviderError::NotFound);
        };
        let answer = self
            .api
            .get_public(
                "validate/polltransaction",
                &[("transaction_id", &transaction)],
            )
            .await?;
        if !answer.status.is_success() {
            return Err(answer.into_error());
        }
        let status = answer
            .envelope
            .detail
            .get("challenge_status")
            .and_then(Value::as_str)
            .unwrap_or("pending");
        match status {
            "accept" => self.finalize(serial, &transaction).await,
            "declined" => Ok(Approval::Rejected),
            // Also what an unknown or expired transaction looks like: the
            // caller's deadline ends the wait.
            _ => Ok(Approval::Pending),
        }
    }

    /// polltransaction only reports; this completes the authentication.
    async fn finalize(&self, serial: &str, transaction: &str) -> Result<Approval, ProviderError> {
        let body = json!({ "serial": serial, "pass": "", "transaction_id": transaction });
        let answer = self.api.post("validate/check", &body, None).await?;
        if !answer.status.is_success() {
            return Err(answer.into_error());
        }
        if answer.envelope.result.value.as_bool() == Some(true) {
            if let Some(p) = self.pending().get_mut(serial) {
                p.proven = true;
            }
            Ok(Approval::Approved)
        } else {
            Ok(Approval::Rejected)
        }
    }

    async fn cancel(&self, session: &Session, serial: &str) -> Result<(), ProviderError> {
        let unproven = match self.pending().remove(serial) {
            Some(p) => !p.proven,
            None => false,
        };
        if unproven {
            // A half-made token would otherwise linger on the account.
            match self.delete(session, serial).await {
                Ok(()) | Err(ProviderError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

impl Provider for PrivacyIdea {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            add_kinds: self.settings.add_kinds.clone(),
            can_delete: true,
            // privacyIDEA tries every token; there is no default to choose.
            can_set_default: false,
            simulated_phone: false,
            training_accounts: None,
            sign_in: SignInKind::Pass,
            push_app: PushApp::PrivacyIdeaAuthenticator,
            last_used: Default::default(),
        }
    }

    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session> {
        Box::pin(self.sign_in_inner(username, pass))
    }

    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        Box::pin(self.list(session))
    }

    fn delete_method<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            self.delete(session, method_id).await?;
            self.pending().remove(method_id);
            Ok(())
        })
    }

    fn set_default<'a>(&'a self, _session: &'a Session, _method_id: &'a str) -> Reply<'a, ()> {
        Box::pin(async {
            Err(ProviderError::NotAllowed(
                "privacyIDEA has no default method".into(),
            ))
        })
    }

    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment> {
        Box::pin(self.enroll(session, kind))
    }

    fn check_code<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
        code: &'a str,
    ) -> Reply<'a, bool> {
        Box::pin(self.check(session, enrollment_id, code))
    }

    fn clock_drift(&self, _session: &Session, enrollment_id: &str, code: &str) -> Option<i64> {
        let pending = self.pending();
        let key = pending.get(enrollment_id)?.key.as_ref()?;
        crate::clock_drift::drift_seconds(&key.0, code, std::time::SystemTime::now())
    }

    fn poll_registration<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, bool> {
        Box::pin(async move {
            let state = self.token_state(session, enrollment_id).await?;
            Ok(state == "enrolled")
        })
    }

    fn request_approval<'a>(
        &'a self,
        _session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Option<String>> {
        Box::pin(self.trigger(enrollment_id))
    }

    fn poll_approval<'a>(
        &'a self,
        _session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Approval> {
        Box::pin(self.poll(enrollment_id))
    }

    fn cancel_enrollment<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()> {
        Box::pin(self.cancel(session, enrollment_id))
    }

    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()> {
        // The last chance to remove what this person started and did not
        // finish, including a clean-up that failed while the server was
        // down. privacyIDEA JWTs cannot be revoked; the session's copy is
        // wiped when it is dropped, and the JWT expires on its own (1 h).
        Box::pin(self.sweep(session, false))
    }
}

impl std::fmt::Debug for PrivacyIdea {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivacyIdea")
            .field("base_url", &self.settings.base_url)
            .field("realm", &self.settings.realm)
            .finish_non_exhaustive()
    }
}

/// The server's API client, for the kiosk and the helpdesk alike. The error
/// is a sentence for whoever wrote the configuration.
fn api_for(settings: &PiSettings) -> Result<Api, String> {
    let base =
        http::check_base_url(&settings.base_url).map_err(|e| format!("provider.base_url: {e}"))?;
    // A server on this machine is never reached through a proxy.
    let http_config = HttpConfig {
        direct: settings.http.direct || http::is_loopback(&base),
        ..settings.http.clone()
    };
    Ok(Api::new(http::build_client(&http_config)?, base).with_write_budget(settings.write_budget))
}

/// Every token of a `GET /token/` listing, following `next` page by page.
/// `fetch` asks for one page (its number) and gives `result.value`.
async fn all_tokens<F, Fut>(mut fetch: F) -> Result<Vec<tokens::Token>, ProviderError>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<Value, ProviderError>>,
{
    let mut all = Vec::new();
    let mut page = 1u64;
    loop {
        let (tokens, next) = tokens::parse_page(fetch(page.to_string()).await?)?;
        all.extend(tokens);
        match next {
            Some(n) if n > page && n <= MAX_PAGES => page = n,
            _ => return Ok(all),
        }
    }
}

/// What a failed `POST /auth` means for the person at the kiosk. privacyIDEA
/// says why in `detail.message`; the texts below are 3.14's.
fn sign_in_error(answer: Answer) -> ProviderError {
    if answer.status != StatusCode::UNAUTHORIZED {
        return answer.into_error();
    }
    let why = answer.detail_message().to_ascii_lowercase();
    if why.contains("outside validity period") {
        ProviderError::PassExpired
    } else if why.contains("failcounter exceeded") {
        ProviderError::Locked
    } else if why.contains("no tokens assigned") {
        // The code was deleted by its first use, or never issued.
        ProviderError::PassUsed
    } else if why.is_empty() {
        // 3.14 answers an unknown user with a bare "Authentication failed."
        // and an empty detail; a known user always gets a reason.
        ProviderError::UnknownUser
    } else {
        // "wrong otp pin" / "wrong otp value": a typo, or a code that was
        // already used while other tokens remain; privacyIDEA cannot tell.
        ProviderError::PassRejected
    }
}

fn session_from(username: &str, answer: &Answer) -> Result<Session, ProviderError> {
    let value = &answer.envelope.result.value;
    if value.get("role").and_then(Value::as_str) != Some("user") {
        return Err(ProviderError::NotAllowed(
            "administrator accounts cannot be recovered here".into(),
        ));
    }
    let Some(token) = value.get("token").and_then(Value::as_str) else {
        return Err(ProviderError::Protocol(
            "the sign-in gave no session".into(),
        ));
    };
    let name = value
        .get("username")
        .and_then(Value::as_str)
        .unwrap_or(username)
        .to_string();
    Ok(Session::new(
        Account {
            username: name.clone(),
            display_name: name,
            can_delete: may_delete(value),
            cannot_add: cannot_enroll(value),
        },
        Secret::new(token),
    ))
}

/// `rights` is what the user policies allow this person (every action when
/// the server has no user policy at all). A server that sends no list is
/// taken at its word later, at the DELETE.
fn may_delete(value: &Value) -> bool {
    match value.get("rights") {
        Some(Value::Array(rights)) => rights.iter().any(|r| r.as_str() == Some("delete")),
        _ => true,
    }
}

/// The kinds whose enroll right (`enrollPUSH`, `enrollTOTP`) the `rights`
/// list lacks: `/token/init` would refuse them after the person had got
/// their phone ready. No list: nothing known to be refused.
fn cannot_enroll(value: &Value) -> Vec<MethodKind> {
    let Some(Value::Array(rights)) = value.get("rights") else {
        return Vec::new();
    };
    let has = |right: &str| rights.iter().any(|r| r.as_str() == Some(right));
    [
        (MethodKind::AuthenticatorPush, "enrollPUSH"),
        (MethodKind::AuthenticatorCode, "enrollTOTP"),
    ]
    .into_iter()
    .filter(|(_, right)| !has(right))
    .map(|(kind, _)| kind)
    .collect()
}

/// `token/<serial>` for a serial privacyIDEA could have made. Anything else
/// cannot name a token, so it is "not found" rather than a path to escape.
fn token_path(serial: &str) -> Result<String, ProviderError> {
    let plain = !serial.is_empty()
        && serial.len() <= 64
        && serial
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        Ok(format!("token/{serial}"))
    } else {
        Err(ProviderError::NotFound)
    }
}

fn text(value: &Value, path: &[&str]) -> Result<String, ProviderError> {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| ProviderError::Protocol(format!("the answer lacks {}", path.join("."))))
}

fn query_value(uri: &str, key: &str) -> Option<String> {
    let url = reqwest::Url::parse(uri).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The request body held the pass; wipe its strings once sent.
fn wipe_strings(value: &mut Value) {
    use zeroize::Zeroize;
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe_strings),
        Value::Object(map) => map.values_mut().for_each(wipe_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delete_right_is_read_from_the_sign_in_answer() {
        let rights = |r: Value| may_delete(&json!({ "role": "user", "rights": r }));
        assert!(rights(json!(["enrollTOTP", "delete", "setdescription"])));
        assert!(!rights(json!([
            "enrollTOTP",
            "enrollPUSH",
            "setdescription"
        ])));
        assert!(!rights(json!([])));
        // No list at all: the DELETE itself will say.
        assert!(may_delete(&json!({ "role": "user" })));
    }

    #[test]
    fn a_refused_write_is_sent_again_for_two_minutes_unless_set_otherwise() {
        // The budget became a setting so one test could skip the real
        // back-off; everything else keeps the two minutes of the write gate.
        assert_eq!(PiSettings::default().write_budget, Duration::from_secs(120));
        assert_eq!(
            PiSettings::default().write_budget,
            crate::throttle::WRITE_BUDGET
        );
    }

    #[test]
    fn the_enroll_rights_missing_name_the_kinds_not_offered() {
        let refused = |r: Value| cannot_enroll(&json!({ "role": "user", "rights": r }));
        assert_eq!(
            refused(json!(["enrollTOTP", "enrollPUSH", "delete"])),
            vec![]
        );
        assert_eq!(
            refused(json!(["enrollTOTP", "delete"])),
            vec![MethodKind::AuthenticatorPush]
        );
        assert_eq!(
            refused(json!(["enrollPUSH"])),
            vec![MethodKind::AuthenticatorCode]
        );
        assert_eq!(
            refused(json!(["delete"])),
            vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode]
        );
        assert!(cannot_enroll(&json!({ "role": "user" })).is_empty());
    }

    #[test]
    fn only_plain_serials_make_a_path() {
        assert_eq!(token_path("TOTP0000FE14").unwrap(), "token/TOTP0000FE14");
        assert_eq!(token_path("../policy/x"), Err(ProviderError::NotFound));
        assert_eq!(token_path(""), Err(ProviderError::NotFound));
    }
}
