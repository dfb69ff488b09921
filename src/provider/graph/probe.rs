//! Read-only probes `mfa-assist check` runs against a tenant before the
//! first caller: does the tenant exist, does the identity platform hand out
//! a device code to this app, and may it poll for it as a public client.

use super::device_code;
use super::oauth;
use super::settings::{self, Endpoints, GraphSettings, join};
use crate::provider::http;
use crate::provider::{DevicePoll, ProviderError};
use serde_json::Value;

/// `GET {authority}/{tenant}/v2.0/.well-known/openid-configuration`: the
/// tenant's OpenID Connect metadata. `Ok` with its issuer.
pub async fn tenant_metadata(s: &GraphSettings) -> Result<String, ProviderError> {
    let endpoints = Endpoints::from_settings(s).map_err(ProviderError::Protocol)?;
    let client = http::build_client(&settings::http_config(s, &endpoints))
        .map_err(ProviderError::Protocol)?;
    let authority = http::check_base_url(&s.authority_base).map_err(ProviderError::Protocol)?;
    let url = join(
        &authority,
        &[
            s.tenant.trim(),
            "v2.0",
            ".well-known",
            "openid-configuration",
        ],
    );
    let response = http::send_once(client.get(url)).await?;
    let status = response.status();
    let body = http::read_body(response, http::MAX_BODY).await?;
    let value: Value = serde_json::from_slice(&body).map_err(|_| {
        ProviderError::Protocol("the sign-in service sent metadata we could not read".into())
    })?;
    if !status.is_success() {
        return Err(oauth::refusal(status, &value).to_provider_error());
    }
    Ok(value
        .get("issuer")
        .and_then(Value::as_str)
        .map(|s| super::errors::clean(s, 200))
        .unwrap_or_default())
}

/// Asks for a device code and polls once at once. A tenant that lets this
/// app sign people in answers `authorization_pending`; one where "Allow
/// public client flows" is off answers AADSTS7000218.
pub async fn device_code_round(s: &GraphSettings) -> Result<(), ProviderError> {
    let endpoints = Endpoints::from_settings(s).map_err(ProviderError::Protocol)?;
    let client = http::build_client(&settings::http_config(s, &endpoints))
        .map_err(ProviderError::Protocol)?;
    let scope = device_code::scopes(&oauth::resource(&endpoints.graph));
    let code =
        device_code::begin(&client, &endpoints.device_code, s.client_id.trim(), &scope).await?;
    match device_code::poll(&client, &endpoints.token, s.client_id.trim(), &code).await? {
        DevicePoll::Pending | DevicePoll::SlowDown(_) => Ok(()),
        DevicePoll::Done(_) => Err(ProviderError::Protocol(
            "the sign-in service signed someone in without them".into(),
        )),
    }
}
