//! Device-code sign-in (RFC 8628) against the Microsoft identity platform:
//! the kiosk shows a code, the person signs in on their phone with their
//! Temporary Access Pass, the kiosk polls the token endpoint.

use super::id_token;
use super::oauth::{self, TokenReply};
use crate::provider::{Account, DeviceCode, DevicePoll, ProviderError, Session};
use crate::secret::Secret;
use reqwest::{Client, Url};
use serde_json::Value;
use std::time::Duration;

const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.5: after `slow_down` the interval grows by 5 seconds.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// RFC 8628 §3.2: 5 seconds when the server names no interval.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// Microsoft's default lifetime of a device code (15 minutes).
const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(900);

/// The delegated scopes: the person's own methods only. No
/// `offline_access`: without a refresh token nothing outlives the access
/// token, which itself dies with the pass. `openid profile` bring the ID
/// token that names the account.
pub(crate) fn scopes(resource: &str) -> String {
    format!("{resource}/UserAuthenticationMethod.ReadWrite openid profile")
}

pub(crate) async fn begin(
    client: &Client,
    url: &Url,
    client_id: &str,
    scope: &str,
) -> Result<DeviceCode, ProviderError> {
    let (status, headers, mut body) =
        oauth::post_form(client, url, &[("client_id", client_id), ("scope", scope)]).await?;
    if !status.is_success() {
        if let Some(e) = crate::provider::http::throttled_error(status, &headers) {
            return Err(e);
        }
        return Err(oauth::refusal(status, &body).to_provider_error());
    }
    let field = |body: &Value, name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .map(|s| super::errors::clean(s, 200))
            .filter(|s| !s.is_empty())
    };
    let seconds = |body: &Value, name: &str| match body.get(name) {
        Some(Value::Number(n)) => n.as_u64().map(Duration::from_secs),
        Some(Value::String(s)) => s.trim().parse().ok().map(Duration::from_secs),
        _ => None,
    };
    let unreadable = || ProviderError::Protocol("the sign-in service sent no sign-in code".into());
    let user_code = field(&body, "user_code").ok_or_else(unreadable)?;
    let verification_uri = field(&body, "verification_uri")
        // The older v1 endpoint wrote `verification_url`.
        .or_else(|| field(&body, "verification_url"))
        .ok_or_else(unreadable)?;
    let device_code = match body.get_mut("device_code").map(Value::take) {
        Some(Value::String(s)) if !s.is_empty() => Secret::new(s),
        _ => return Err(unreadable()),
    };
    Ok(DeviceCode {
        user_code,
        verification_uri,
        expires_in: seconds(&body, "expires_in").unwrap_or(DEFAULT_EXPIRES_IN),
        interval: seconds(&body, "interval")
            .unwrap_or(DEFAULT_INTERVAL)
            .clamp(Duration::from_secs(1), Duration::from_secs(60)),
        device_code,
    })
}

pub(crate) async fn poll(
    client: &Client,
    url: &Url,
    client_id: &str,
    code: &DeviceCode,
) -> Result<DevicePoll, ProviderError> {
    let form = [
        ("grant_type", GRANT_TYPE),
        ("client_id", client_id),
        ("device_code", code.device_code.expose()),
    ];
    let (status, headers, body) = oauth::post_form(client, url, &form).await?;
    match oauth::token_reply(status, &headers, body)? {
        TokenReply::Issued(tokens) => {
            let account = tokens
                .id_token
                .as_ref()
                .and_then(id_token::account)
                .unwrap_or_else(|| Account {
                    username: String::new(),
                    display_name: String::new(),
                    // Graph says at the DELETE whether it may; the kiosk
                    // makes no method there that it must take back.
                    can_delete: true,
                    cannot_add: Vec::new(),
                });
            Ok(DevicePoll::Done(Session::new(account, tokens.access_token)))
        }
        TokenReply::Refused(refusal) => match refusal.error.as_str() {
            // AADSTS70016 / 70019 are the numbers Microsoft documents for
            // these two; trust them should the word ever differ. Expiry is
            // seen in practice as `code_expired` with AADSTS70020.
            _ if refusal.codes.contains(&70_016) => Ok(DevicePoll::Pending),
            _ if refusal.codes.contains(&70_019) || refusal.codes.contains(&70_020) => {
                Err(ProviderError::SignInExpired)
            }
            "authorization_pending" => Ok(DevicePoll::Pending),
            "slow_down" => Ok(DevicePoll::SlowDown(SLOW_DOWN_STEP)),
            "expired_token" | "code_expired" => Err(ProviderError::SignInExpired),
            "authorization_declined" | "access_denied" => Err(ProviderError::SignInDeclined),
            "bad_verification_code" => Err(ProviderError::Protocol(
                "the sign-in service did not recognise this sign-in code".into(),
            )),
            _ => Err(refusal.to_provider_error()),
        },
    }
}
