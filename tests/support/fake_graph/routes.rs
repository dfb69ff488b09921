//! One handler for every request: log it, apply a scripted fault, then
//! answer as Graph or the identity platform would.

use super::state::{FaultReply, Logged, Principal, State, authenticator, collection_of};
use super::{Shared, identity, permissions, reply};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::response::Response;
use serde_json::{Value, json};

pub fn router(state: Shared) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(
    Extract(shared): Extract<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or_default().to_string();
    let slow = {
        let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
        s.log.push(Logged {
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            authorized: headers.contains_key("authorization"),
        });
        match take_fault(&mut s, method.as_str(), &path) {
            Some(FaultReply::Slow(wait)) => Some(wait),
            Some(fault) => return fault_reply(&mut s, fault),
            None => None,
        }
    };
    if let Some(wait) = slow {
        tokio::time::sleep(wait).await;
    }
    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
    let segments: Vec<String> = path
        .split('/')
        .filter(|p| !p.is_empty())
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method.as_str(), segs.as_slice()) {
        ("POST", [tenant, "oauth2", "v2.0", "devicecode"]) => {
            identity::device_code(&mut s, tenant, &body)
        }
        ("POST", [tenant, "oauth2", "v2.0", "token"]) => identity::token(&mut s, tenant, &body),
        ("GET", [tenant, "v2.0", ".well-known", "openid-configuration"]) => {
            identity::openid_configuration(&mut s, tenant)
        }
        (_, ["v1.0", rest @ ..]) => graph(&mut s, method.as_str(), rest, &query, &headers, &body),
        _ => reply::raw(&mut s, 404, "text/plain", "not found"),
    }
}

fn take_fault(s: &mut State, method: &str, path: &str) -> Option<FaultReply> {
    let fault = s.faults.iter_mut().find(|f| {
        f.remaining > 0 && (f.method == "*" || f.method == method) && path.contains(&f.path_part)
    })?;
    fault.remaining -= 1;
    Some(fault.reply.clone())
}

fn with_retry_after(mut r: Response, retry_after: Option<String>) -> Response {
    if let Some(v) = retry_after {
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_str(&v).unwrap());
    }
    r
}

fn fault_reply(s: &mut State, fault: FaultReply) -> Response {
    match fault {
        FaultReply::TooMany { retry_after } => with_retry_after(
            reply::graph_error_with(
                s,
                429,
                "activityLimitReached",
                "The request has been throttled",
                Some(json!({"code": "throttledRequest", "innerError": {"code": "quota"}})),
            ),
            retry_after,
        ),
        FaultReply::Unavailable { retry_after } => with_retry_after(
            reply::graph_error(s, 503, "serviceNotAvailable", "Service Unavailable"),
            retry_after,
        ),
        FaultReply::Forbidden => forbidden(s),
        FaultReply::Unauthorized => reply::graph_error(
            s,
            401,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        ),
        FaultReply::Malformed => reply::raw(
            s,
            200,
            "application/json",
            r##"{"value":[{"@odata.type":"#microsoft.graph.phoneAuthentic"##,
        ),
        FaultReply::HtmlError => reply::raw(
            s,
            500,
            "text/html",
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
        ),
        FaultReply::Slow(_) => reply::raw(s, 500, "text/plain", "unreachable"),
        FaultReply::Error {
            status,
            code,
            message,
        } => reply::graph_error(s, status, code, message),
    }
}

fn forbidden(s: &mut State) -> Response {
    reply::graph_error(
        s,
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_value(query: &str, key: &str) -> Option<String> {
    let url = reqwest::Url::parse(&format!("http://x/?{query}")).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn graph(
    s: &mut State,
    method: &str,
    path: &[&str],
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    if token.is_empty() {
        return reply::graph_error(
            s,
            401,
            "InvalidAuthenticationToken",
            "Access token is empty.",
        );
    }
    let Some(principal) = s.tokens.get(&token).cloned() else {
        return reply::graph_error(
            s,
            401,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        );
    };
    if let Some(refusal) = content_type_refusal(s, method, headers, body) {
        return refusal;
    }
    if let [
        "policies",
        "authenticationMethodsPolicy",
        "authenticationMethodConfigurations",
        which,
    ] = path
    {
        return tap_policy(s, &token, &principal, method, which);
    }
    if let ["users", who, ..] = path
        && who.starts_with('$')
    {
        // user-get.md: a UPN that starts with `$` goes in `/users('$x@y')`;
        // after a slash, OData reads `$…` as a system segment.
        return reply::graph_error(
            s,
            400,
            "BadRequest",
            &format!("Resource not found for the segment '{who}'."),
        );
    }
    let quoted = path.first().and_then(|p| quoted_user(p));
    let path: Vec<&str> = match &quoted {
        Some(who) => ["users", who.as_str()]
            .into_iter()
            .chain(path[1..].iter().copied())
            .collect(),
        None => path.to_vec(),
    };
    let path = path.as_slice();
    let (subject, rest) = match path {
        ["me", rest @ ..] => match &principal {
            Principal::User(upn) => (upn.clone(), rest),
            Principal::App => {
                return reply::graph_error(
                    s,
                    400,
                    "BadRequest",
                    "/me request is only valid with delegated authentication flow.",
                );
            }
        },
        ["users", who, rest @ ..] => {
            if let Principal::User(upn) = &principal {
                let is_self = s.user(who).is_some_and(|u| u.upn.eq_ignore_ascii_case(upn));
                if !is_self {
                    return forbidden(s);
                }
            }
            (who.to_string(), rest)
        }
        _ => {
            let segment = path.first().copied().unwrap_or_default().to_string();
            return reply::graph_error(
                s,
                400,
                "BadRequest",
                &format!("Resource not found for the segment '{segment}'."),
            );
        }
    };
    let delegated = matches!(principal, Principal::User(_));
    if let Some(needs) = permissions::needs(method, rest) {
        let granted = s.grants.get(&token).cloned().unwrap_or_default();
        if !permissions::allows(&needs, delegated, &granted) {
            return missing_permission(s, rest);
        }
    }
    if delegated
        && matches!(method, "POST" | "DELETE")
        && rest.first() == Some(&"authentication")
        && sign_in_too_old(s, &token)
    {
        return reauthenticate(s);
    }
    let Some(user) = s.user(&subject).cloned() else {
        return reply::graph_error(
            s,
            404,
            "Request_ResourceNotFound",
            &format!(
                "Resource '{subject}' does not exist or one of its queried reference-property objects are not present."
            ),
        );
    };
    let path_text = path.join("/");
    match (method, rest) {
        ("GET", []) => {
            let context = "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,displayName,userType,accountEnabled)/$entity";
            reply::json(
                s,
                200,
                &json!({
                    "@odata.context": context,
                    "id": user.id,
                    "userPrincipalName": user.upn,
                    "displayName": user.display_name,
                    "userType": user.user_type,
                    "accountEnabled": user.account_enabled
                }),
            )
        }
        ("GET", ["transitiveMemberOf"]) => super::roles::transitive_member_of(s, &user.id),
        ("POST", ["revokeSignInSessions"]) => {
            if principal != Principal::App {
                return forbidden(s);
            }
            s.user_mut(&subject).unwrap().revocations += 1;
            reply::json(
                s,
                200,
                &json!({
                    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean",
                    "value": true
                }),
            )
        }
        ("GET", ["authentication", "methods"]) => {
            list(s, &user.methods, &path_text, query, &user.id, "methods")
        }
        ("DELETE", ["authentication", "methods", id]) => reply::graph_error(
            s,
            400,
            "badRequest",
            &format!(
                "No HTTP resource was found that matches the request URI 'https://mface.windowsazure.com/odata/users('{}')/authentication/methods('{id}')'.",
                user.id
            ),
        ),
        ("GET", ["authentication", collection]) => {
            if *collection == "microsoftAuthenticatorMethods" {
                appear_if_due(s, &subject);
            }
            let user = s.user(&subject).cloned().unwrap();
            let typed: Vec<Value> = user
                .methods
                .iter()
                .filter(|m| type_collection(m) == Some(*collection))
                .cloned()
                .collect();
            list(s, &typed, &path_text, query, &user.id, collection)
        }
        ("GET", ["authentication", collection, id]) => {
            match user
                .methods
                .iter()
                .find(|m| m["id"] == *id && type_collection(m) == Some(*collection))
            {
                Some(m) => {
                    let m = m.clone();
                    reply::json(s, 200, &m)
                }
                None => not_found(s),
            }
        }
        ("DELETE", ["authentication", "qrCodePinMethod"]) => {
            if delegated {
                // Only `/users/{id}/…` is documented, for administrators.
                return missing_permission(s, rest);
            }
            delete_qr_code_pin(s, &subject)
        }
        ("DELETE", ["authentication", "externalAuthenticationMethods", _]) if delegated => {
            // externalauthenticationmethod: no self-service management.
            reply::graph_error(
                s,
                403,
                "accessDenied",
                "External authentication methods cannot be managed by the user. Contact your administrator.",
            )
        }
        ("DELETE", ["authentication", collection, id]) => delete(s, &subject, collection, id),
        ("POST", ["authentication", "phoneMethods"]) => add_phone(s, &subject, body),
        ("POST", ["authentication", "temporaryAccessPassMethods"]) => {
            create_pass(s, &principal, &subject, body)
        }
        _ => reply::graph_error(
            s,
            400,
            "BadRequest",
            &format!(
                "Resource not found for the segment '{}'.",
                rest.last().unwrap_or(&"")
            ),
        ),
    }
}

/// `users('$x@y')` (one segment) → the UPN inside, `''` unescaped.
fn quoted_user(segment: &str) -> Option<String> {
    let inner = segment.strip_prefix("users('")?.strip_suffix("')")?;
    Some(inner.replace("''", "'"))
}

/// graph errors seen in practice: a JSON body without
/// `Content-Type: application/json` is not read.
fn content_type_refusal(
    s: &mut State,
    method: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response> {
    if !matches!(method, "POST" | "PATCH" | "PUT") || body.is_empty() {
        return None;
    }
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if json {
        return None;
    }
    Some(reply::graph_error(
        s,
        400,
        "BadRequest",
        "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    ))
}

/// The token lacks every permission the endpoint's table accepts. Graph's
/// authentication-method service answers `accessDenied`; the directory
/// (users, sessions) `Authorization_RequestDenied` (concepts/errors.md,
/// Q&A 2155798).
fn missing_permission(s: &mut State, rest: &[&str]) -> Response {
    if rest.first() == Some(&"authentication") {
        reply::graph_error(s, 403, "accessDenied", "Request Authorization failed")
    } else {
        forbidden(s)
    }
}

fn sign_in_too_old(s: &State, token: &str) -> bool {
    s.signed_in_at
        .get(token)
        .is_some_and(|at| at.elapsed() > s.reauth_window)
}

/// Self-service writes more than 10 minutes after sign-in: a claims
/// challenge (claims-challenge.md: 401 with `WWW-Authenticate: …
/// error="insufficient_claims", claims="…"`), asking for a fresh sign-in.
fn reauthenticate(s: &mut State) -> Response {
    let mut r = reply::graph_error(
        s,
        401,
        "InvalidAuthenticationToken",
        "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: LocationConditionEvaluationSatisfied",
    );
    r.headers_mut().insert(
        "www-authenticate",
        HeaderValue::from_static(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19""#,
        ),
    );
    r
}

/// `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass`.
fn tap_policy(
    s: &mut State,
    token: &str,
    principal: &Principal,
    method: &str,
    which: &str,
) -> Response {
    let delegated = matches!(principal, Principal::User(_));
    let granted = s.grants.get(token).cloned().unwrap_or_default();
    if !permissions::allows(&permissions::policy_needs(), delegated, &granted) {
        return forbidden(s);
    }
    if method != "GET" || !which.eq_ignore_ascii_case("TemporaryAccessPass") {
        return reply::graph_error(
            s,
            400,
            "BadRequest",
            &format!("Resource not found for the segment '{which}'."),
        );
    }
    let p = s.tap_policy.clone();
    let (min, max) = s.tap_policy_minutes;
    let default = s.tap_default_minutes;
    reply::json(
        s,
        200,
        &json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity",
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
            "id": "TemporaryAccessPass",
            "state": if p.enabled { "enabled" } else { "disabled" },
            "defaultLifetimeInMinutes": default,
            "defaultLength": 8,
            "minimumLifetimeInMinutes": min,
            "maximumLifetimeInMinutes": max,
            "isUsableOnce": p.is_usable_once,
            "includeTargets": [{"targetType": "group", "id": p.include_group, "isRegistrationRequired": false}],
            "excludeTargets": []
        }),
    )
}

fn delete_qr_code_pin(s: &mut State, subject: &str) -> Response {
    let user = s.user_mut(subject).unwrap();
    let before = user.methods.len();
    user.methods
        .retain(|m| type_collection(m) != Some("qrCodePinMethod"));
    if user.methods.len() == before {
        return not_found(s);
    }
    reply::no_content(s)
}

fn type_collection(method: &Value) -> Option<&'static str> {
    method["@odata.type"].as_str().and_then(collection_of)
}

fn not_found(s: &mut State) -> Response {
    reply::graph_error(
        s,
        404,
        "itemNotFound",
        "The requested authentication method was not found.",
    )
}

fn appear_if_due(s: &mut State, subject: &str) {
    let due = match s
        .user_mut(subject)
        .and_then(|u| u.authenticator_after.as_mut())
    {
        Some((0, device)) => Some(device.clone()),
        Some((n, _)) => {
            *n -= 1;
            None
        }
        None => None,
    };
    if let Some(device) = due {
        let id = s.new_guid();
        let user = s.user_mut(subject).unwrap();
        user.authenticator_after = None;
        user.methods.push(authenticator(&id, &device));
    }
}

/// A collection answer, paged when a page size is set.
fn list(
    s: &mut State,
    all: &[Value],
    path: &str,
    query: &str,
    user_id: &str,
    what: &str,
) -> Response {
    let context = format!(
        "https://graph.microsoft.com/v1.0/$metadata#users('{user_id}')/authentication/{what}"
    );
    let skip: usize = query_value(query, "$skiptoken")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = json!({"@odata.context": context});
    match s.page_size {
        Some(size) => {
            let page: Vec<Value> = all.iter().skip(skip).take(size).cloned().collect();
            body["value"] = Value::Array(page);
            if skip + size < all.len() {
                body["@odata.nextLink"] =
                    json!(format!("{}/v1.0/{path}?$skiptoken={}", s.base, skip + size));
            }
        }
        None => body["value"] = Value::Array(all.to_vec()),
    }
    reply::json(s, 200, &body)
}

fn delete(s: &mut State, subject: &str, collection: &str, id: &str) -> Response {
    let user = s.user(subject).cloned().unwrap();
    let Some(target) = user
        .methods
        .iter()
        .find(|m| m["id"] == *id && type_collection(m) == Some(collection))
        .cloned()
    else {
        return not_found(s);
    };
    if collection == "passwordMethods" {
        return reply::graph_error(
            s,
            400,
            "badRequest",
            "Deleting the password authentication method is not supported.",
        );
    }
    let others = user
        .methods
        .iter()
        .filter(|m| m["id"] != *id && type_collection(m) != Some("passwordMethods"))
        .count();
    if user.default_method.as_deref() == Some(id) && others > 0 {
        // The two wordings seen in the wild (docs/graph-facts.md).
        let message = if collection == "phoneMethods" {
            format!(
                "The requested authentication method id of [{id}] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed"
            )
        } else {
            "Cannot delete default method with other methods configured. Please change default method before deletion.".to_string()
        };
        return reply::graph_error(s, 400, "badRequest", &message);
    }
    let user = s.user_mut(subject).unwrap();
    user.methods.retain(|m| m != &target);
    if user.default_method.as_deref() == Some(id) {
        user.default_method = None;
    }
    reply::no_content(s)
}

fn add_phone(s: &mut State, subject: &str, body: &[u8]) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return reply::graph_error(s, 400, "BadRequest", "Unable to read JSON request payload.");
    };
    let number = request["phoneNumber"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let phone_type = request["phoneType"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let id = match phone_type.as_str() {
        "mobile" => super::MOBILE_ID,
        "alternateMobile" => super::ALT_MOBILE_ID,
        "office" => super::OFFICE_ID,
        _ => return reply::graph_error(s, 400, "badRequest", "Invalid phone type."),
    };
    if !graph_phone_format(&number) {
        return reply::graph_error(s, 400, "badRequest", "Invalid phone number format.");
    }
    let user = s.user(subject).cloned().unwrap();
    let phones: Vec<&Value> = user
        .methods
        .iter()
        .filter(|m| type_collection(m) == Some("phoneMethods"))
        .collect();
    if phones.iter().any(|p| p["phoneType"] == phone_type.as_str()) {
        return reply::graph_error(
            s,
            400,
            "badRequest",
            "A phone authentication method of this type already exists for the user.",
        );
    }
    if phone_type == "alternateMobile" && !phones.iter().any(|p| p["phoneType"] == "mobile") {
        return reply::graph_error(
            s,
            400,
            "badRequest",
            "A mobile phone method must exist before an alternate mobile phone method is added.",
        );
    }
    let method = json!({
        "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
        "id": id,
        "phoneNumber": number,
        "phoneType": phone_type,
        "smsSignInState": "notAllowedByPolicy"
    });
    s.user_mut(subject).unwrap().methods.push(method.clone());
    let mut answer = method;
    answer["@odata.context"] = json!(format!(
        "https://graph.microsoft.com/v1.0/$metadata#users('{}')/authentication/phoneMethods/$entity",
        user.id
    ));
    reply::json(s, 201, &answer)
}

/// `+{country code} {number}` with an optional `x{extension}`.
fn graph_phone_format(n: &str) -> bool {
    let Some(rest) = n.strip_prefix('+') else {
        return false;
    };
    let Some((cc, number)) = rest.split_once(' ') else {
        return false;
    };
    let (number, ext) = match number.split_once('x') {
        Some((n, e)) => (n, Some(e)),
        None => (number, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(cc) && cc.len() <= 3 && digits(number) && ext.is_none_or(digits)
}

fn create_pass(s: &mut State, principal: &Principal, subject: &str, body: &[u8]) -> Response {
    if *principal != Principal::App {
        return forbidden(s);
    }
    let user = s.user(subject).cloned().unwrap();
    let policy = s.tap_policy.clone();
    if user.user_type == "Guest" {
        return reply::graph_error(
            s,
            400,
            "badRequest",
            "Temporary Access Pass cannot be added to an external guest user.",
        );
    }
    let request: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => {
                return reply::graph_error(
                    s,
                    400,
                    "BadRequest",
                    "Unable to read JSON request payload.",
                );
            }
        }
    };
    let (min, max) = s.tap_policy_minutes;
    let lifetime = request["lifetimeInMinutes"]
        .as_u64()
        .map_or(s.tap_default_minutes, |m| m as u32);
    if lifetime < min || lifetime > max {
        return reply::graph_error(
            s,
            400,
            "badRequest",
            &format!(
                "Invalid LifetimeInMinutes specified. The valid range between {min} and {max}."
            ),
        );
    }
    let once = request["isUsableOnce"]
        .as_bool()
        .unwrap_or(policy.is_usable_once);
    // Issue #111778 in MicrosoftDocs/azure-docs quotes this refusal for a
    // user outside the policy's targets; the same for a multi-use pass
    // when the policy forces one-time use, or with the policy off.
    if !policy.enabled || !user.in_tap_policy || (policy.is_usable_once && !once) {
        return reply::graph_error(
            s,
            400,
            "badRequest",
            "Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].",
        );
    }
    let n = s.next_number();
    let pass = format!("Qz{n:02}+dRk");
    let id = s.new_guid();
    let stored = json!({
        "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        "id": id,
        "temporaryAccessPass": null,
        "createdDateTime": "2026-11-23T10:00:00.765173Z",
        "startDateTime": "2026-11-23T10:00:00Z",
        "lifetimeInMinutes": lifetime,
        "isUsableOnce": once,
        "isUsable": true,
        "methodUsabilityReason": "EnabledByPolicy"
    });
    let user = s.user_mut(subject).unwrap();
    // One pass per user: a new one replaces the old (docs/graph-facts.md).
    user.methods
        .retain(|m| type_collection(m) != Some("temporaryAccessPassMethods"));
    user.methods.push(stored.clone());
    user.issued_passes.push(pass.clone());
    let mut answer = stored;
    answer["temporaryAccessPass"] = json!(pass);
    reply::json(s, 201, &answer)
}
