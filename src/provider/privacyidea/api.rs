//! privacyIDEA's REST envelope: every answer is
//! `{"result": {"status", "value", "authentication"?, "error"?}, "detail": {...}}`
//! with an HTTP status. This module sends requests (JSON bodies only: form
//! fields are URL-decoded a second time by the server) and turns answers
//! into an [`Envelope`] or a [`ProviderError`]; it knows no endpoint.

use crate::provider::ProviderError;
use crate::provider::http::{self, RetryPolicy};
use crate::secret::Secret;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;
use zeroize::Zeroize;

/// Token lists are small; anything near this is not a privacyIDEA answer.
const MAX_BODY: usize = 2 * 1024 * 1024;

#[derive(Debug, Deserialize)]
pub struct Envelope {
    pub result: ResultPart,
    #[serde(default)]
    pub detail: Value,
}

#[derive(Debug, Deserialize)]
pub struct ResultPart {
    #[serde(default)]
    pub status: bool,
    #[serde(default)]
    pub value: Value,
    #[serde(default)]
    pub authentication: Option<String>,
    #[serde(default)]
    pub error: Option<ErrorPart>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorPart {
    #[serde(default)]
    pub code: i64,
    #[serde(default)]
    pub message: String,
}

/// An answer the server gave, successful or not.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub envelope: Envelope,
}

impl Answer {
    pub fn ok(&self) -> bool {
        self.status.is_success() && self.envelope.result.status
    }

    pub fn error_code(&self) -> i64 {
        self.envelope.result.error.as_ref().map_or(0, |e| e.code)
    }

    /// `detail.message`, where privacyIDEA says *why* an authentication failed.
    pub fn detail_message(&self) -> &str {
        self.envelope
            .detail
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn error_message(&self) -> &str {
        self.envelope
            .result
            .error
            .as_ref()
            .map_or("", |e| e.message.as_str())
    }

    /// The failure as the rest of the app knows it, for calls made with a
    /// user's JWT. Callers handle their own special cases first.
    pub fn into_error(self) -> ProviderError {
        let code = self.error_code();
        match self.status {
            // 4304/4305/4306: the JWT is missing, malformed or expired.
            StatusCode::UNAUTHORIZED => ProviderError::SessionExpired,
            StatusCode::FORBIDDEN => ProviderError::NotAllowed(policy_words(self.error_message())),
            StatusCode::NOT_FOUND => ProviderError::NotFound,
            s if s.is_server_error() => ProviderError::Server {
                status: s.as_u16(),
                code: code.to_string(),
                reference: None,
            },
            s => ProviderError::Protocol(format!("HTTP {} error {code}", s.as_u16())),
        }
    }
}

/// privacyIDEA's policy refusals are English sentences written for admins;
/// they are shown as the reason, trimmed of the error-number prefix.
fn policy_words(message: &str) -> String {
    let trimmed = message
        .strip_prefix("ERR303: ")
        .unwrap_or(message)
        .trim()
        .chars()
        .take(200)
        .collect::<String>();
    if trimmed.is_empty() {
        "the server's policy does not allow it".into()
    } else {
        trimmed
    }
}

/// One privacyIDEA server.
pub struct Api {
    client: reqwest::Client,
    base: Url,
    reads: RetryPolicy,
    /// How long a write the server refused with 429 is sent again.
    write_budget: Duration,
}

impl Api {
    pub fn new(client: reqwest::Client, base: Url) -> Self {
        Api {
            client,
            base,
            reads: RetryPolicy::default(),
            write_budget: crate::throttle::WRITE_BUDGET,
        }
    }

    /// 429'd writes sent again within `budget` instead of the default.
    pub fn with_write_budget(mut self, budget: Duration) -> Self {
        self.write_budget = budget;
        self
    }

    fn url(&self, path: &str) -> Result<Url, ProviderError> {
        // The base may sit under a prefix (`https://host/pi/`): join
        // relative to it rather than to the host root.
        let mut base = self.base.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        base.join(path.trim_start_matches('/'))
            .map_err(|_| ProviderError::Protocol("bad request path".into()))
    }

    /// A read, retried on network trouble and 429/503.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
        jwt: &Secret,
    ) -> Result<Answer, ProviderError> {
        let url = self.url(path)?;
        let auth = jwt_header(jwt)?;
        let response = http::send_idempotent(&self.reads, || {
            self.client
                .get(url.clone())
                .query(query)
                .header(AUTHORIZATION, auth.clone())
        })
        .await?;
        read(response).await
    }

    /// A write, sent exactly once: a POST that timed out may have happened.
    pub async fn post(
        &self,
        path: &str,
        body: &Value,
        jwt: Option<&Secret>,
    ) -> Result<Answer, ProviderError> {
        let mut request = self.client.post(self.url(path)?).json(body);
        if let Some(jwt) = jwt {
            request = request.header(AUTHORIZATION, jwt_header(jwt)?);
        }
        read(http::send_once_within(request, self.write_budget).await?).await
    }

    /// `query` narrows what the server may delete (an admin names the
    /// token's owner, so another user's token is never hit).
    pub async fn delete(
        &self,
        path: &str,
        query: &[(&str, &str)],
        jwt: &Secret,
    ) -> Result<Answer, ProviderError> {
        let request = self
            .client
            .delete(self.url(path)?)
            .query(query)
            .header(AUTHORIZATION, jwt_header(jwt)?);
        read(http::send_once_within(request, self.write_budget).await?).await
    }

    /// `/validate/polltransaction` needs no JWT; it is a read.
    pub async fn get_public(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Answer, ProviderError> {
        let url = self.url(path)?;
        let response =
            http::send_idempotent(&self.reads, || self.client.get(url.clone()).query(query))
                .await?;
        read(response).await
    }
}

/// privacyIDEA wants the bare JWT (`Bearer …` is refused), marked sensitive
/// so it never shows in debug output.
fn jwt_header(jwt: &Secret) -> Result<HeaderValue, ProviderError> {
    let mut value = HeaderValue::from_str(jwt.expose())
        .map_err(|_| ProviderError::Protocol("the session token is not usable".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

async fn read(response: reqwest::Response) -> Result<Answer, ProviderError> {
    let status = response.status();
    if let Some(busy) = http::throttled_error(status, response.headers()) {
        return Err(busy);
    }
    let mut body = http::read_body(response, MAX_BODY).await?;
    // The body may hold tokens and key material: parse, then wipe it.
    let parsed = serde_json::from_slice::<Envelope>(&body);
    body.zeroize();
    match parsed {
        Ok(envelope) => Ok(Answer { status, envelope }),
        Err(_) if status.is_server_error() => Err(ProviderError::Server {
            status: status.as_u16(),
            code: String::new(),
            reference: None,
        }),
        Err(_) => Err(ProviderError::Protocol(format!(
            "HTTP {} with a body that is not privacyIDEA's JSON",
            status.as_u16()
        ))),
    }
}

#[cfg(test)]
mod tests;
