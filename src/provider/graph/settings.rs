//! Where the Graph provider connects and how long it waits.

use crate::provider::Wait;
use crate::provider::http::{self, HttpConfig, RetryPolicy};
use reqwest::Url;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
pub const DEFAULT_GRAPH: &str = "https://graph.microsoft.com/v1.0";
pub const DEFAULT_SECURITY_INFO: &str = "https://mysignins.microsoft.com/security-info";

/// Poll the Authenticator list every 5 s (about 1 resource unit a call, far
/// below Graph's limits) for up to 15 minutes, about as long as a pass
/// usually lives.
pub const DEFAULT_REGISTRATION_WAIT: Wait = Wait {
    poll_every: Duration::from_secs(5),
    timeout: Duration::from_secs(15 * 60),
};

/// Configuration of the Graph provider and the helpdesk client. The bases
/// can point at a local server (tests); anything but loopback must be https.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphSettings {
    /// Directory (tenant) id or a verified domain. `common` would work for
    /// device-code sign-in but not for app-only access.
    pub tenant: String,
    /// Application (client) id of the app registration.
    pub client_id: String,
    pub authority_base: String,
    pub graph_base: String,
    /// Per request; the app gives up on a whole provider call after 30 s.
    pub timeout: Duration,
    /// Extra trusted CA certificates (PEM), e.g. for a TLS-inspecting proxy.
    pub ca_bundle: Option<PathBuf>,
    /// Shown as the QR code while the person adds the Authenticator.
    pub my_security_info_url: String,
    pub registration_wait: Wait,
}

impl GraphSettings {
    /// Settings for Microsoft's public cloud.
    pub fn new(tenant: impl Into<String>, client_id: impl Into<String>) -> Self {
        GraphSettings {
            tenant: tenant.into(),
            client_id: client_id.into(),
            authority_base: DEFAULT_AUTHORITY.into(),
            graph_base: DEFAULT_GRAPH.into(),
            timeout: http::DEFAULT_TIMEOUT,
            ca_bundle: None,
            my_security_info_url: DEFAULT_SECURITY_INFO.into(),
            registration_wait: DEFAULT_REGISTRATION_WAIT,
        }
    }
}

/// The settings checked and turned into URLs once, at start-up.
#[derive(Clone, Debug)]
pub(crate) struct Endpoints {
    pub graph: Url,
    pub device_code: Url,
    pub token: Url,
}

impl Endpoints {
    pub fn from_settings(settings: &GraphSettings) -> Result<Endpoints, String> {
        let tenant = settings.tenant.trim();
        if tenant.is_empty() || !tenant.chars().all(is_tenant_char) {
            return Err(format!(
                "graph tenant `{tenant}` must be a directory (tenant) id or a domain name"
            ));
        }
        let client_id = settings.client_id.trim();
        if client_id.is_empty()
            || !client_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(format!(
                "graph client id `{client_id}` must be the application (client) id, a GUID"
            ));
        }
        let graph = http::check_base_url(&settings.graph_base)?;
        let authority = http::check_base_url(&settings.authority_base)?;
        http::check_base_url(&settings.my_security_info_url)?;
        if settings.timeout.is_zero() {
            return Err("graph timeout must be more than zero".into());
        }
        if settings.registration_wait.poll_every.is_zero() {
            return Err("graph registration poll interval must be more than zero".into());
        }
        Ok(Endpoints {
            device_code: join(&authority, &[tenant, "oauth2", "v2.0", "devicecode"]),
            token: join(&authority, &[tenant, "oauth2", "v2.0", "token"]),
            graph,
        })
    }
}

fn is_tenant_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

/// `base` with `segments` appended, each percent-encoded as one path segment
/// (a UPN like `a#EXT#@b` must not turn into a fragment).
pub(crate) fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        for s in segments {
            path.push(s);
        }
    }
    url
}

pub(crate) fn http_config(settings: &GraphSettings, endpoints: &Endpoints) -> HttpConfig {
    HttpConfig {
        timeout: settings.timeout,
        ca_bundle: settings.ca_bundle.clone(),
        direct: http::is_loopback(&endpoints.graph) && http::is_loopback(&endpoints.token),
        ..HttpConfig::default()
    }
}

pub(crate) fn retry_policy(settings: &GraphSettings) -> RetryPolicy {
    RetryPolicy {
        attempt_timeout: Some(settings.timeout),
        ..RetryPolicy::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_from_defaults() {
        let e = Endpoints::from_settings(&GraphSettings::new(
            "contoso.onmicrosoft.com",
            "00000000-0000-0000-0000-000000000001",
        ))
        .unwrap();
        assert_eq!(
            e.device_code.as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
        );
        assert_eq!(
            e.token.as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        let me = join(&e.graph, &["users", "a#EXT#@b.example", "authentication"]);
        assert_eq!(
            me.as_str(),
            "https://graph.microsoft.com/v1.0/users/a%23EXT%23@b.example/authentication"
        );
    }

    #[test]
    fn bad_settings_are_explained() {
        let mut s = GraphSettings::new("contoso/../x", "id");
        assert!(Endpoints::from_settings(&s).unwrap_err().contains("tenant"));
        s.tenant = "contoso".into();
        s.graph_base = "http://graph.example".into();
        assert!(Endpoints::from_settings(&s).unwrap_err().contains("https"));
    }
}
