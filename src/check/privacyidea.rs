//! privacyIDEA: reachable over TLS with a certificate this machine trusts,
//! its version, and, with the administrator's account, every policy the
//! README lists for the kiosk's realm.

use super::Line;
use crate::config::Config;
use crate::provider::http::{self, HttpConfig};
use crate::provider::secret_source::SecretSource;
use reqwest::Client;
use serde_json::{Value, json};
use std::error::Error as _;
use std::time::Duration;

/// `(scope, action, what the value must contain)`: the README's policy
/// table ("Point a kiosk at privacyIDEA").
pub const REQUIRED: &[(&str, &str, Option<&str>)] = &[
    ("webui", "login_mode", Some("privacyIDEA")),
    ("enrollment", "verify_enrollment", Some("totp")),
    ("enrollment", "registration.length", None),
    ("enrollment", "registration.contents", None),
    (
        "enrollment",
        "push_firebase_configuration",
        Some("poll only"),
    ),
    ("enrollment", "push_registration_url", None),
    ("enrollment", "push_ttl", None),
    ("user", "enrollTOTP", None),
    ("user", "enrollPUSH", None),
    ("user", "delete", None),
    ("user", "setdescription", None),
];

pub async fn checks(config: &Config) -> Vec<Line> {
    let pi = &config.privacyidea;
    let base = pi.base_url.trim().trim_end_matches('/').to_string();
    let client = match http::build_client(&HttpConfig {
        timeout: Duration::from_secs(pi.request_timeout_secs),
        ca_bundle: pi.ca_bundle.clone(),
        ..HttpConfig::default()
    }) {
        Ok(c) => c,
        Err(e) => return vec![Line::fail("privacyIDEA", e, "fix privacyidea.ca_bundle")],
    };
    // An unauthenticated /auth answers with privacyIDEA's JSON and version.
    let reached = client
        .post(format!("{base}/auth"))
        .json(&json!({"username": "", "password": ""}))
        .send()
        .await;
    let answer = match reached {
        Ok(r) => r.json::<Value>().await.unwrap_or(Value::Null),
        Err(e) => return vec![unreachable(&base, &e)],
    };
    let Some(version) = answer.get("version").and_then(Value::as_str) else {
        return vec![Line::fail(
            "privacyIDEA",
            format!("{base} answers, but not as privacyIDEA"),
            "set privacyidea.base_url to the server's address (without /auth)",
        )];
    };
    let tls = if base.starts_with("https://") {
        "certificate trusted"
    } else {
        "plain http on this machine"
    };
    let mut lines = vec![Line::pass(
        "privacyIDEA",
        format!("{base} reachable ({tls}), {}", clean(version)),
    )];
    lines.extend(policies(config, &client, &base).await);
    lines
}

fn unreachable(base: &str, e: &reqwest::Error) -> Line {
    let mut chain = String::new();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(&s.to_string().to_ascii_lowercase());
        source = s.source();
    }
    if chain.contains("certificate") || chain.contains("unknownissuer") {
        return Line::fail(
            "privacyIDEA",
            format!("{base}: its TLS certificate is not trusted here"),
            "set privacyidea.ca_bundle to the PEM file of the CA that issued the server's \
             certificate",
        );
    }
    Line::fail(
        "privacyIDEA",
        format!("{base}: cannot be reached"),
        "check privacyidea.base_url, the network and any proxy (*_proxy variables)",
    )
}

async fn policies(config: &Config, client: &Client, base: &str) -> Vec<Line> {
    let pi = &config.privacyidea;
    const CHECK: &str = "privacyIDEA policies";
    if pi.admin_user.trim().is_empty() {
        return vec![Line::pass(
            CHECK,
            "not checked: set privacyidea.admin_user (and its password) to check them",
        )];
    }
    let source = match &pi.admin_password_file {
        Some(f) => SecretSource::File(f.clone()),
        None => SecretSource::Env(pi.admin_password_env.clone()),
    };
    let password = match source.load() {
        Ok(p) => p,
        Err(why) => {
            return vec![Line::fail(
                CHECK,
                format!("the administrator's password: {why}"),
                "put it in privacyidea.admin_password_env's variable or admin_password_file",
            )];
        }
    };
    let auth = client
        .post(format!("{base}/auth"))
        .json(&json!({"username": pi.admin_user.trim(), "password": password.expose()}))
        .send()
        .await;
    let jwt = match auth {
        Ok(r) => r.json::<Value>().await.ok().and_then(|v| {
            v.pointer("/result/value/token")
                .and_then(Value::as_str)
                .map(str::to_string)
        }),
        Err(_) => None,
    };
    let Some(jwt) = jwt else {
        return vec![Line::fail(
            CHECK,
            format!(
                "the administrator {} could not sign in",
                pi.admin_user.trim()
            ),
            "check privacyidea.admin_user and the administrator's password",
        )];
    };
    let listed = client
        .get(format!("{base}/policy/"))
        .header("Authorization", jwt)
        .send()
        .await;
    let list = match listed {
        Ok(r) => r.json::<Value>().await.ok(),
        Err(_) => None,
    };
    let Some(Value::Array(list)) = list.and_then(|v| v.pointer("/result/value").cloned()) else {
        return vec![Line::fail(
            CHECK,
            "the policy list could not be read",
            "give the administrator the right to read policies",
        )];
    };
    let realm = pi.realm.trim();
    REQUIRED
        .iter()
        .map(|(scope, action, want)| policy_line(&list, realm, scope, action, *want))
        .collect()
}

fn policy_line(list: &[Value], realm: &str, scope: &str, action: &str, want: Option<&str>) -> Line {
    let check = format!("policy {scope}: {action}");
    let found = list
        .iter()
        .filter(|p| applies(p, realm, scope))
        .find_map(|p| {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            action_value(p, action).map(|v| (name.to_string(), v))
        });
    let example = match want {
        Some(w) => format!("{action}={w}"),
        None => action.to_string(),
    };
    let realm_json = if realm.is_empty() {
        String::new()
    } else {
        format!(",\"realm\":\"{realm}\"")
    };
    let fix = format!(
        "as admin: POST /policy/kiosk_{} with {{\"scope\":\"{scope}\",\"action\":\"{example}\"{realm_json},\"active\":true}} (or Config → Policies in the web UI; see the README)",
        action.replace('.', "_")
    );
    match found {
        Some((name, value)) => match want {
            Some(w) if !value.to_ascii_lowercase().contains(&w.to_ascii_lowercase()) => {
                Line::fail(&check, format!("{action}={value} in policy {name}"), fix)
            }
            _ => Line::pass(&check, format!("in policy {name}")),
        },
        None => Line::fail(&check, missing(scope, action), fix),
    }
}

/// "missing", and for the policy without which the kiosk cannot keep its
/// promise, what the people at the kiosk get instead.
fn missing(scope: &str, action: &str) -> String {
    if (scope, action) == ("user", "delete") {
        "missing: the kiosk then deletes and adds nothing (it could not remove a token \
         left unfinished) and sends people to the service desk"
            .into()
    } else {
        "missing".into()
    }
}

/// An active policy of this scope for the realm (or for every realm).
fn applies(p: &Value, realm: &str, scope: &str) -> bool {
    let active = p.get("active").and_then(Value::as_bool).unwrap_or(true);
    let realms: Vec<&str> = match p.get("realm") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) if !s.is_empty() => s.split(',').map(str::trim).collect(),
        _ => Vec::new(),
    };
    active
        && p.get("scope").and_then(Value::as_str) == Some(scope)
        && (realms.is_empty() || realm.is_empty() || realms.contains(&realm))
}

/// The value of `action` in a policy: privacyIDEA lists actions as an
/// object (`{"delete": true, "push_ttl": "10"}`) or as text.
fn action_value(p: &Value, action: &str) -> Option<String> {
    match p.get("action")? {
        Value::Object(map) => map.get(action).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        Value::String(s) => s.split(',').map(str::trim).find_map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, "true"));
            (k.trim() == action).then(|| v.trim().to_string())
        }),
        _ => None,
    }
}

fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(80).collect()
}
