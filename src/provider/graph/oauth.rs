//! The Microsoft identity platform's OAuth 2.0 endpoints (`/devicecode`,
//! `/token`): form posts, token answers and AADSTS error answers.
//!
//! Posts here are never retried: a device-code poll is repeated by its
//! caller anyway, and a client-credentials request is cheap to ask again.

use super::errors::clean;
use crate::provider::ProviderError;
use crate::provider::http::{self, MAX_BODY};
use crate::secret::Secret;
use reqwest::header::{ACCEPT, HeaderMap};
use reqwest::{Client, StatusCode, Url};
use serde_json::Value;
use std::time::Duration;
use zeroize::Zeroize;

/// What a token request gave: tokens, or a refusal (`{"error": …}`).
pub(crate) enum TokenReply {
    Issued(Tokens),
    Refused(Refusal),
}

pub(crate) struct Tokens {
    pub access_token: Secret,
    pub id_token: Option<Secret>,
    pub expires_in: Option<Duration>,
}

/// An OAuth error answer. `error` is the RFC 6749/8628 code; the AADSTS
/// numbers say more; the trace id is what Microsoft support asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub status: u16,
    pub error: String,
    pub codes: Vec<u64>,
    pub trace_id: Option<String>,
}

impl Refusal {
    fn has_code(&self, code: u64) -> bool {
        self.codes.contains(&code)
    }

    fn code_text(&self) -> String {
        match self.codes.first() {
            Some(c) => format!("{} (AADSTS{c})", self.error),
            None => self.error.clone(),
        }
    }

    fn reference(&self) -> String {
        match &self.trace_id {
            Some(id) => format!(" (reference {id})"),
            None => String::new(),
        }
    }

    /// The refusals an administrator can fix, in words that say what to
    /// change; the rest as a server error with the trace id.
    pub fn to_provider_error(&self) -> ProviderError {
        let admin = |why: &str| {
            ProviderError::NotAllowed(format!("{why} [{}]{}", self.code_text(), self.reference()))
        };
        if self.has_code(7_000_218) {
            return admin(
                "the app registration does not allow public client flows; an administrator \
                 must turn on \"Allow public client flows\"",
            );
        }
        if self.has_code(7_000_215) || self.has_code(7_000_222) {
            return admin("the client secret is wrong or has expired");
        }
        if self.has_code(700_016) {
            return admin("the application (client) id is not registered in this tenant");
        }
        if self.has_code(65_001) {
            return admin("an administrator has not yet consented to this app's permissions");
        }
        if self.has_code(53_003) {
            return admin(
                "Conditional Access blocked this sign-in; an administrator must allow \
                 device-code sign-in from this kiosk",
            );
        }
        if self.has_code(90_002) {
            return admin("the configured tenant does not exist");
        }
        match self.error.as_str() {
            "invalid_client" | "unauthorized_client" => {
                admin("the app registration refused this client")
            }
            "invalid_scope" => admin("the app registration lacks a requested permission"),
            "temporarily_unavailable" => ProviderError::RateLimited { retry_after: None },
            _ => ProviderError::Server {
                status: self.status,
                code: self.code_text(),
                reference: self.trace_id.clone(),
            },
        }
    }
}

/// Posts a form to an identity-platform endpoint once and reads the answer.
/// `form` may hold a device code or a client secret: it is never logged.
pub(crate) async fn post_form(
    client: &Client,
    url: &Url,
    form: &[(&str, &str)],
) -> Result<(StatusCode, HeaderMap, Value), ProviderError> {
    let request = client
        .post(url.clone())
        .header(ACCEPT, "application/json")
        .form(form);
    let response = http::send_once(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let mut body = http::read_body(response, MAX_BODY).await?;
    let parsed = serde_json::from_slice::<Value>(&body);
    body.zeroize();
    match parsed {
        Ok(value) if value.is_object() => Ok((status, headers, value)),
        _ => {
            if let Some(e) = http::throttled_error(status, &headers) {
                return Err(e);
            }
            Err(
                if status.is_success() || status == StatusCode::BAD_REQUEST {
                    ProviderError::Protocol(
                        "the sign-in service sent an answer we could not read".into(),
                    )
                } else {
                    ProviderError::Server {
                        status: status.as_u16(),
                        code: format!("http-{}", status.as_u16()),
                        reference: None,
                    }
                },
            )
        }
    }
}

/// Reads a token endpoint answer.
pub(crate) fn token_reply(
    status: StatusCode,
    headers: &HeaderMap,
    mut body: Value,
) -> Result<TokenReply, ProviderError> {
    if status.is_success() {
        let access = take_secret(&mut body, "access_token").ok_or_else(|| {
            ProviderError::Protocol("the sign-in service sent no access token".into())
        })?;
        let id_token = take_secret(&mut body, "id_token");
        // Microsoft sends a number; some proxies and older docs a string.
        let expires_in = match body.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .map(Duration::from_secs);
        return Ok(TokenReply::Issued(Tokens {
            access_token: access,
            id_token,
            expires_in,
        }));
    }
    if let Some(e) = http::throttled_error(status, headers) {
        return Err(e);
    }
    Ok(TokenReply::Refused(refusal(status, &body)))
}

pub(crate) fn refusal(status: StatusCode, body: &Value) -> Refusal {
    let error = body
        .get("error")
        .and_then(Value::as_str)
        .map(|s| clean(s, 60))
        .unwrap_or_default();
    let codes = body
        .get("error_codes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    let trace_id = body
        .get("trace_id")
        .and_then(Value::as_str)
        .map(|s| clean(s, 80))
        .filter(|s| !s.is_empty());
    Refusal {
        status: status.as_u16(),
        error,
        codes,
        trace_id,
    }
}

/// Moves a string out of the document into a [`Secret`] (which wipes the
/// moved-out buffer).
fn take_secret(body: &mut Value, field: &str) -> Option<Secret> {
    match body.get_mut(field).map(Value::take) {
        Some(Value::String(s)) if !s.is_empty() => Some(Secret::new(s)),
        Some(Value::String(mut s)) => {
            s.zeroize();
            None
        }
        _ => None,
    }
}

/// The resource part of a scope: Graph's origin (`https://graph.microsoft.com`),
/// so a national cloud's Graph gets its own scopes.
pub(crate) fn resource(graph_base: &Url) -> String {
    graph_base.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refusal_words() {
        let r = refusal(
            StatusCode::BAD_REQUEST,
            &json!({"error":"invalid_client","error_description":"AADSTS7000218: ...",
                    "error_codes":[7000218],"trace_id":"t-1","correlation_id":"c-1"}),
        );
        match r.to_provider_error() {
            ProviderError::NotAllowed(why) => {
                assert!(why.contains("public client flows"), "{why}");
                assert!(why.contains("t-1"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        let r = refusal(StatusCode::BAD_REQUEST, &json!({"error":"weird"}));
        assert_eq!(
            r.to_provider_error(),
            ProviderError::Server {
                status: 400,
                code: "weird".into(),
                reference: None
            }
        );
    }

    #[test]
    fn token_is_taken_as_secret() {
        let reply = token_reply(
            StatusCode::OK,
            &HeaderMap::new(),
            json!({"token_type":"Bearer","expires_in":"3599","access_token":"at-secret","extra":1}),
        )
        .unwrap();
        let TokenReply::Issued(t) = reply else {
            panic!()
        };
        assert_eq!(t.access_token.expose(), "at-secret");
        assert_eq!(t.expires_in, Some(Duration::from_secs(3599)));
        assert!(t.id_token.is_none());
    }
}
