//! `[entra]`: Microsoft Entra ID, and the keys that must never hold a secret.

use super::*;

/// Microsoft Entra ID: the kiosk signs people in by device code.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntraConfig {
    /// Directory (tenant) id or a verified domain.
    pub tenant: String,
    /// Application (client) id of the app registration (a public client).
    pub client_id: String,
    pub request_timeout_secs: u64,
    /// How long the person may take to add the Authenticator.
    pub registration_timeout_secs: u64,
    /// Overrides for national clouds, or a local test server.
    pub authority_base: String,
    pub graph_base: String,
    /// Helpdesk mode: the environment variable holding the app's client
    /// secret (never the command line: other users can read a process's
    /// arguments).
    pub client_secret_env: String,
    /// Helpdesk mode: a file holding the client secret instead; when set,
    /// it is used and the variable is not read. A relative path has been
    /// resolved against the config file's directory.
    pub client_secret_file: Option<PathBuf>,
    /// Never set: present only to refuse a secret written into the file
    /// with words that say where it belongs. Holds nothing of the value.
    #[serde(default)]
    pub client_secret: Option<Refused>,
}

/// A key whose value must not be in the config file. Reading it keeps
/// nothing of the value, so no copy of a secret outlives parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refused;

impl<'de> Deserialize<'de> for Refused {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Refused)
    }
}

/// The variable helpdesk mode reads the Entra app's client secret from,
/// unless `entra.client_secret_env` names another.
pub const DEFAULT_CLIENT_SECRET_ENV: &str = "MFA_ASSIST_ENTRA_CLIENT_SECRET";

impl Default for EntraConfig {
    fn default() -> Self {
        EntraConfig {
            tenant: String::new(),
            client_id: String::new(),
            request_timeout_secs: 20,
            registration_timeout_secs: 900,
            authority_base: "https://login.microsoftonline.com".into(),
            graph_base: "https://graph.microsoft.com/v1.0".into(),
            client_secret_env: DEFAULT_CLIENT_SECRET_ENV.into(),
            client_secret_file: None,
            client_secret: None,
        }
    }
}

impl EntraConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        for (key, value, example) in [
            (
                "entra.tenant",
                &self.tenant,
                "contoso.onmicrosoft.com or the directory id",
            ),
            (
                "entra.client_id",
                &self.client_id,
                "the app registration's Application (client) ID",
            ),
        ] {
            if value.trim().is_empty() {
                return Err(ConfigError::invalid(
                    key,
                    format!("`{key}` is not set, but `provider.kind` is \"entra\""),
                )
                .with_hint(example));
            }
        }
        for (key, url) in [
            ("entra.authority_base", &self.authority_base),
            ("entra.graph_base", &self.graph_base),
        ] {
            crate::provider::http::check_base_url(url)
                .map_err(|why| ConfigError::invalid(key, why))?;
        }
        check_secs(
            "entra.request_timeout_secs",
            self.request_timeout_secs,
            REQUEST_TIMEOUT_SECS,
        )?;
        check_secs(
            "entra.registration_timeout_secs",
            self.registration_timeout_secs,
            PHONE_WAIT_SECS,
        )?;
        self.validate_client_secret()
    }

    /// Where helpdesk mode finds the client secret. Checked here for its
    /// form only: whether the variable is set or the file readable matters
    /// only when helpdesk mode starts, and is reported then.
    fn validate_client_secret(&self) -> Result<(), ConfigError> {
        self.refuse_written_secret()?;
        let name = &self.client_secret_env;
        if !is_env_var_name(name) {
            return Err(ConfigError::invalid(
                "entra.client_secret_env",
                format!(
                    "`entra.client_secret_env` is {}, which is not the name of an environment \
                     variable",
                    quoted_redacted(name)
                ),
            )
            .with_hint(format!(
                "give the variable's name (letters, digits and _), not the secret itself; \
                 e.g. {DEFAULT_CLIENT_SECRET_ENV}"
            )));
        }
        if let Some(file) = &self.client_secret_file
            && file.as_os_str().is_empty()
        {
            return Err(ConfigError::invalid(
                "entra.client_secret_file",
                "`entra.client_secret_file` is an empty path",
            )
            .with_hint("leave the key out to read the secret from the environment variable"));
        }
        Ok(())
    }

    /// A secret in the config file is refused whichever provider is chosen:
    /// config files get copied, backed up and shared.
    pub(super) fn refuse_written_secret(&self) -> Result<(), ConfigError> {
        if self.client_secret.is_some() {
            return Err(ConfigError::invalid(
                "entra.client_secret",
                "the client secret must not be written in the config file",
            )
            .with_hint(format!(
                "delete this line; put the secret in the environment variable named by \
                 `entra.client_secret_env` (default {DEFAULT_CLIENT_SECRET_ENV}) or in a file \
                 only this account can read, named by `entra.client_secret_file`"
            )));
        }
        Ok(())
    }
}

/// A portable environment variable name: a letter or `_`, then letters,
/// digits and `_`; at most 128 characters.
pub(super) fn is_env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 128
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A value that may be a secret pasted into the wrong key: quoted only when
/// it is short and looks like a name, otherwise described, never echoed.
pub(super) fn quoted_redacted(value: &str) -> String {
    let name_like = value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ');
    if name_like && !value.trim().is_empty() {
        quoted(value)
    } else if value.trim().is_empty() {
        "empty".to_string()
    } else {
        format!(
            "a value of {} characters (not shown)",
            value.chars().count()
        )
    }
}
