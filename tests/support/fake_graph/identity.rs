//! `/{tenant}/oauth2/v2.0/devicecode` and `/{tenant}/oauth2/v2.0/token`
//! (device code and client credentials), answering as graph.md §3 shows.

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
        DeviceStep::Expired => reply::oauth_error(
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
            let upn = state.device_user.clone();
            let token = issue(state, Principal::User(upn.clone()));
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
            // A refresh token only comes with offline_access (graph.md §3.1).
            if scope.contains("offline_access") {
                body["refresh_token"] = json!(format!("fake-refresh-{}", state.next_number()));
            }
            reply::json(state, 200, &body)
        }
    }
}

fn client_credentials(state: &mut State, form: &HashMap<String, String>) -> Response {
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
    let token = issue(state, Principal::App);
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

fn issue(state: &mut State, who: Principal) -> String {
    let n = state.next_number();
    let token = format!("eyJ0eXAiOiJKV1QiLCJub25jZSI6ImZha2UifQ.fake-access-{n}.sig");
    state.tokens.insert(token.clone(), who);
    token
}
