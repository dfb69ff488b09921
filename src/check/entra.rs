//! Microsoft Entra ID: the tenant, the kiosk's app registration (device
//! code, public client flows) and the helpdesk's (client credentials, the
//! application permissions in its token, the Temporary Access Pass policy).

use super::Line;
use crate::config::Config;
use crate::provider::ProviderError;
use crate::provider::graph::{self, GraphAdmin, REQUIRED_APP_ROLES, probe};
use crate::setup;

pub async fn checks(config: &Config, helpdesk: bool) -> Vec<Line> {
    let settings = setup::graph_settings(&config.entra);
    let tenant = settings.tenant.trim().to_string();
    let app = settings.client_id.trim().to_string();
    let mut lines = Vec::new();
    match probe::tenant_metadata(&settings).await {
        Ok(issuer) => lines.push(Line::pass(
            "Entra tenant",
            format!("{tenant} exists (issuer {issuer})"),
        )),
        Err(e) => {
            let fix = if e.is_transient() {
                "check the network, any proxy (*_proxy variables) and entra.authority_base"
            } else {
                "set entra.tenant to the directory (tenant) id or a verified domain of your \
                 tenant (Entra admin center → Overview)"
            };
            lines.push(Line::fail("Entra tenant", format!("{tenant}: {e}"), fix));
            return lines;
        }
    }
    if !helpdesk {
        lines.push(kiosk_app(&settings, &app).await);
        return lines;
    }
    lines.extend(desk_app(config, settings, &app).await);
    lines
}

async fn kiosk_app(settings: &graph::GraphSettings, app: &str) -> Line {
    const CHECK: &str = "kiosk app (device-code sign-in)";
    match probe::device_code_round(settings).await {
        Ok(()) => Line::pass(
            CHECK,
            format!("app {app} gets a device code and may poll for it (authorization_pending)"),
        ),
        Err(e) => {
            let found = format!("app {app}: {e}");
            let text = e.to_string();
            let fix = if text.contains("public client") {
                format!(
                    "App registrations → {app} → Authentication → Allow public client flows: Yes"
                )
            } else if text.contains("not registered") {
                "set entra.client_id to the app registration's Application (client) ID in \
                 this tenant"
                    .to_string()
            } else if text.contains("Conditional Access") {
                "allow device-code sign-in for the kiosk in Conditional Access (for example \
                 from the kiosk's named location)"
                    .to_string()
            } else {
                "see the message; the reference is for Microsoft support".to_string()
            };
            Line::fail(CHECK, found, fix)
        }
    }
}

async fn desk_app(config: &Config, settings: graph::GraphSettings, app: &str) -> Vec<Line> {
    const CHECK: &str = "helpdesk app (client credentials)";
    let source = setup::client_secret_source(&config.entra);
    let secret = match source.load() {
        Ok(s) => s,
        Err(why) => {
            return vec![Line::fail(
                CHECK,
                format!("no client secret: {why}"),
                "put the app's client secret Value in entra.client_secret_env's variable or \
                 entra.client_secret_file (chmod 600)",
            )];
        }
    };
    let admin = match GraphAdmin::connect(settings, secret).await {
        Ok(a) => a,
        Err(e) => {
            let text = e.to_string();
            let fix = if text.contains("client secret") {
                format!(
                    "App registrations → {app} → Certificates & secrets → New client secret; \
                     store its Value where the config says"
                )
            } else {
                "set entra.client_id to the helpdesk app's Application (client) ID".to_string()
            };
            return vec![Line::fail(CHECK, format!("app {app}: {text}"), fix)];
        }
    };
    let mut lines = vec![Line::pass(CHECK, format!("app {app} signed in as itself"))];
    lines.push(match admin.granted_roles().await {
        Ok(roles) => roles_line(&roles, app),
        Err(e) => Line::fail("helpdesk app permissions", e.to_string(), "see the message"),
    });
    lines.push(match admin.tap_policy().await {
        Ok(p) => {
            let found = format!(
                "{}, {} target group(s), lifetime {}–{} min (default {}), one-time only: {}",
                if p.enabled { "enabled" } else { "disabled" },
                p.targets,
                minutes(p.minimum_minutes),
                minutes(p.maximum_minutes),
                minutes(p.default_minutes),
                if p.is_usable_once { "yes" } else { "no" },
            );
            if !p.enabled || p.targets == 0 {
                Line::fail(
                    "Temporary Access Pass policy",
                    found,
                    "Protection → Authentication methods → Policies → Temporary Access Pass: \
                     enable it and target the groups the helpdesk serves",
                )
            } else if p.is_usable_once {
                Line::fail(
                    "Temporary Access Pass policy",
                    found,
                    "turn off \"Require one-time use\": the caller signs in twice with the pass \
                     (the device-code page, then Microsoft Authenticator)",
                )
            } else {
                Line::pass("Temporary Access Pass policy", found)
            }
        }
        Err(ProviderError::NotAllowed(_)) => Line::pass(
            "Temporary Access Pass policy",
            "not readable (optional): grant Policy.Read.All to see it here",
        ),
        Err(e) => Line::fail(
            "Temporary Access Pass policy",
            e.to_string(),
            "see the message",
        ),
    });
    lines
}

fn roles_line(roles: &[String], app: &str) -> Line {
    let missing: Vec<&str> = REQUIRED_APP_ROLES
        .iter()
        .filter(|(_, any)| !any.iter().any(|r| roles.iter().any(|g| g == r)))
        .map(|(name, _)| *name)
        .collect();
    if missing.is_empty() {
        return Line::pass(
            "helpdesk app permissions",
            format!("granted: {}", roles.join(", ")),
        );
    }
    Line::fail(
        "helpdesk app permissions",
        format!("missing: {}", missing.join(", ")),
        format!(
            "App registrations → {app} → API permissions → Microsoft Graph → Application: add \
             {}, then Grant admin consent",
            missing.join(", ")
        ),
    )
}

fn minutes(m: Option<u64>) -> String {
    m.map_or_else(|| "?".into(), |m| m.to_string())
}
