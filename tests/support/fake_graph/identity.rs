//! `/{tenant}/oauth2/v2.0/devicecode` and `/{tenant}/oauth2/v2.0/token`
//! (device code and client credentials), answering as docs/graph-facts.md shows.

use super::reply;
use super::state::{DeviceStep, Principal, State};
use axum::response::Response;
use data_encoding::BASE64URL_NOPAD;
use serde_json::json;
use std::collections::HashMap;
use std::time::Instant;

pub fn parse_form(body: &[u8]) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(body);
    // Url's query parser is the form decoder (`+` for space included).
    let url = reqwest::Url::parse(&format!("http://x/?{text}")).unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn check_tenant_and_client(
    state: &mut State,
    tenant: &str,
    form: &HashMap<String, String>,
) -> Option<Response> {
    if !tenant.eq_ignore_ascii_case(&state.tenant) {
        let text = format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        );
        return Some(reply::oauth_error(
            state,
            400,
            "invalid_tenant",
            Some(90002),
            &text,
        ));
    }
    if form.get("client_id").map(String::as_str) != Some(state.client_id.as_str()) {
        let text = "Application with identifier was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant.";
        return Some(reply::oauth_error(
            state,
            400,
            "unauthorized_client",
            Some(700016),
            text,
        ));
    }
    None
}

pub fn device_code(state: &mut State, tenant: &str, body: &[u8]) -> Response {
    let form = parse_form(body);
    if let Some(refusal) = check_tenant_and_client(state, tenant, &form) {
        return refusal;
    }
    let Some(scope) = form.get("scope").cloned() else {
        return reply::oauth_error(
            state,
            400,
            "invalid_request",
            Some(900144),
            "The request body must contain the following parameter: 'scope'.",
        );
    };
    state.device_scope = Some(scope);
    let n = state.next_number();
    let device_code = format!("DAQABAAEAAAD--DLA3VO7QrddgJg7WevrFAKE{n:04}");
    state.device_codes.push(device_code.clone());
    let user_code = format!("F7KQ{n:04}");
    state
        .user_codes
        .push((user_code.clone(), device_code.clone()));
    reply::json(
        state,
        200,
        &json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900,
            "interval": state.device_interval,
            "message": format!("To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code {user_code} to authenticate.")
        }),
    )
}

pub fn token(state: &mut State, tenant: &str, body: &[u8]) -> Response {
    let form = parse_form(body);
    if let Some(refusal) = check_tenant_and_client(state, tenant, &form) {
        return refusal;
    }
    match form.get("grant_type").map(String::as_str) {
        Some("urn:ietf:params:oauth:grant-type:device_code") => device_poll(state, &form),
        Some("client_credentials") => client_credentials(state, &form),
        _ => reply::oauth_error(
            state,
            400,
            "unsupported_grant_type",
            Some(70003),
            "The app requested an unsupported grant type.",
        ),
    }
}

fn device_poll(state: &mut State, form: &HashMap<String, String>) -> Response {
    state.device_polls.push(Instant::now());
    if !state.public_client && !form.contains_key("client_secret") {
        // A confidential client must prove itself; reference-error-codes.md.
        return reply::oauth_error(
            state,
            400,
            "invalid_client",
            Some(7000218),
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
    }
    let known = form
        .get("device_code")
        .is_some_and(|c| state.device_codes.contains(c));
    if !known || form.contains_key("client_secret") {
        return reply::oauth_error(
            state,
            400,
            "bad_verification_code",
            Some(70018),
            "The provided value for the input parameter 'device_code' is not valid.",
        );
    }
    let approved = form
        .get("device_code")
        .is_some_and(|c| state.device_approved.contains(c));
    let step = if approved {
        DeviceStep::Success
    } else {
        state
            .device_script
            .pop_front()
            .unwrap_or(DeviceStep::Pending)
    };
    match step {
        DeviceStep::Pending => reply::oauth_error(
            state,
            400,
            "authorization_pending",
            Some(70016),
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        DeviceStep::SlowDown => {
            state.device_interval += 5;
            reply::oauth_error(
                state,
                400,
                "slow_down",
                None,
                "Polling too fast; slow down.",
            )
        }
        // Seen in practice (azure-cli #22251, azure-sdk-for-python #32375;
        // MSAL.NET names the error `code_expired`).
        DeviceStep::Expired => reply::oauth_error(
            state,
            400,
            "code_expired",
            Some(70020),
            "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
        ),
        // As v2-oauth2-device-code.md and reference-error-codes.md write it.
        DeviceStep::ExpiredAsDocumented => reply::oauth_error(
            state,
            400,
            "expired_token",
            Some(70019),
            "Verification code expired.",
        ),
        DeviceStep::Declined => reply::oauth_error(
            state,
            400,
            "authorization_declined",
            None,
            "The end user denied the authorization request.",
        ),
        DeviceStep::BadCode => reply::oauth_error(
            state,
            400,
            "bad_verification_code",
            Some(70018),
            "The provided value for the input parameter 'device_code' is not valid.",
        ),
        DeviceStep::Success => {
            if let Some(refusal) = refuse_sign_in(state) {
                return refusal;
            }
            let upn = state.device_user.clone();
            let scopes = granted_scopes(state);
            let token = issue(state, Principal::User(upn.clone()), scopes);
            let user = state.user(&upn).cloned().unwrap();
            let claims = json!({
                "aud": state.client_id,
                "iss": format!("https://login.microsoftonline.com/{}/v2.0", state.tenant),
                "oid": user.id,
                "tid": state.tenant,
                "preferred_username": user.upn,
                "name": user.display_name,
                "ver": "2.0"
            });
            let id_token = format!(
                "{}.{}.{}",
                BASE64URL_NOPAD.encode(br#"{"typ":"JWT","alg":"RS256","kid":"fake"}"#),
                BASE64URL_NOPAD.encode(claims.to_string().as_bytes()),
                BASE64URL_NOPAD.encode(b"not-a-real-signature")
            );
            let scope = state.device_scope.clone().unwrap_or_default();
            let mut body = json!({
                "token_type": "Bearer",
                "scope": scope,
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": token,
                "id_token": id_token
            });
            // A refresh token only comes with offline_access (docs/graph-facts.md).
            if scope.contains("offline_access") {
                body["refresh_token"] = json!(format!("fake-refresh-{}", state.next_number()));
            }
            reply::json(state, 200, &body)
        }
    }
}

fn client_credentials(state: &mut State, form: &HashMap<String, String>) -> Response {
    if state.client_secret_expired
        && form.get("client_secret").map(String::as_str) == Some(state.client_secret.as_str())
    {
        return reply::oauth_error(
            state,
            401,
            "invalid_client",
            Some(7000222),
            "The provided client secret keys for app are expired. Visit the Azure portal to create new keys for your app.",
        );
    }
    if form.get("client_secret").map(String::as_str) != Some(state.client_secret.as_str()) {
        return reply::oauth_error(
            state,
            401,
            "invalid_client",
            Some(7000215),
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
    }
    if !form.get("scope").is_some_and(|s| s.ends_with("/.default")) {
        return reply::oauth_error(
            state,
            400,
            "invalid_scope",
            Some(70011),
            "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid.",
        );
    }
    let roles = state.app_roles.clone();
    let token = issue(state, Principal::App, roles);
    let lifetime = state.app_token_lifetime.as_secs();
    reply::json(
        state,
        200,
        &json!({
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": token
        }),
    )
}

/// An access token shaped like Microsoft's (a JWT whose payload carries
/// `scp` for a person, `roles` for the app), so a client can read which
/// permissions it was given, as `mfa-assist check` does.
fn issue(state: &mut State, who: Principal, permissions: Vec<String>) -> String {
    let n = state.next_number();
    let mut claims = json!({
        "aud": "https://graph.microsoft.com",
        "iss": format!("https://sts.windows.net/{}/", state.tenant),
        "appid": state.client_id,
        "uti": format!("fake-{n}"),
        "ver": "1.0"
    });
    match &who {
        Principal::User(upn) => {
            claims["scp"] = json!(permissions.join(" "));
            claims["upn"] = json!(upn);
            claims["idtyp"] = json!("user");
        }
        Principal::App => {
            claims["roles"] = json!(permissions);
            claims["idtyp"] = json!("app");
        }
    }
    let token = format!(
        "{}.{}.{}",
        BASE64URL_NOPAD.encode(br#"{"typ":"JWT","nonce":"fake","alg":"RS256"}"#),
        BASE64URL_NOPAD.encode(claims.to_string().as_bytes()),
        BASE64URL_NOPAD.encode(format!("sig-{n}").as_bytes())
    );
    state.tokens.insert(token.clone(), who.clone());
    state.grants.insert(token.clone(), permissions);
    if matches!(who, Principal::User(_)) {
        state.signed_in_at.insert(token.clone(), Instant::now());
    }
    token
}

/// The Graph permissions the device-code request asked for (`{resource}/X`).
fn requested_graph_scopes(state: &State) -> Vec<String> {
    state
        .device_scope
        .clone()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|s| s.rsplit_once('/').map(|(_, p)| p.to_string()))
        .collect()
}

fn granted_scopes(state: &State) -> Vec<String> {
    requested_graph_scopes(state)
        .into_iter()
        .filter(|s| state.delegated_consented.contains(s))
        .collect()
}

/// What stops a finished device-code sign-in from getting tokens.
fn refuse_sign_in(state: &mut State) -> Option<Response> {
    if state.device_code_blocked {
        return Some(reply::oauth_error(
            state,
            400,
            "invalid_grant",
            Some(53003),
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        ));
    }
    let missing = requested_graph_scopes(state)
        .into_iter()
        .any(|s| !state.delegated_consented.contains(&s));
    if missing {
        let text = format!(
            "The user or administrator has not consented to use the application with ID '{}' named 'mfa-assist kiosk'. Send an interactive authorization request for this user and resource.",
            state.client_id
        );
        return Some(reply::oauth_error(
            state,
            400,
            "invalid_grant",
            Some(65001),
            &text,
        ));
    }
    None
}

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`: the tenant's
/// OpenID Connect metadata (v2-protocols-oidc.md), or AADSTS90002.
pub fn openid_configuration(state: &mut State, tenant: &str) -> Response {
    if !tenant.eq_ignore_ascii_case(&state.tenant) {
        let text = format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        );
        return reply::oauth_error(state, 400, "invalid_tenant", Some(90002), &text);
    }
    let base = format!("{}/{}", state.base, state.tenant);
    reply::json(
        state,
        200,
        &json!({
            "token_endpoint": format!("{base}/oauth2/v2.0/token"),
            "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
            "issuer": format!("https://login.microsoftonline.com/{}/v2.0", state.tenant),
            "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
            "jwks_uri": format!("{base}/discovery/v2.0/keys"),
            "tenant_region_scope": "EU",
            "cloud_instance_name": "microsoftonline.com"
        }),
    )
}
