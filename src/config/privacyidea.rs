//! `[privacyidea]`: the server, its timeouts and what the Add screen offers.

use super::*;

/// Shortest and longest request timeout, in seconds.
pub const REQUEST_TIMEOUT_SECS: std::ops::RangeInclusive<u64> = 1..=120;
/// How long the phone may take to register or approve, in seconds.
pub const PHONE_WAIT_SECS: std::ops::RangeInclusive<u64> = 10..=1800;

/// Method kinds an admin can offer on the Add screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddKindConfig {
    /// Notification app (privacyIDEA Authenticator, Microsoft Authenticator).
    Push,
    /// Any authenticator app showing 6-digit codes (TOTP).
    Code,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyIdeaConfig {
    /// `https://mfa.example.edu`; plain http only to this machine.
    pub base_url: String,
    /// The realm people sign in to; empty = the server's default realm.
    pub realm: String,
    pub request_timeout_secs: u64,
    /// Extra CA certificates (PEM) for an on-premises server. A relative
    /// path has been resolved against the config file's directory.
    pub ca_bundle: Option<PathBuf>,
    /// What the Add screen offers, in this order.
    pub methods: Vec<AddKindConfig>,
    /// How long the phone may take to register a push token after the scan.
    pub registration_timeout_secs: u64,
    /// How long the test notification waits for an answer.
    pub approval_timeout_secs: u64,
    /// Helpdesk mode: the privacyIDEA administrator the agent acts as.
    /// Empty (the default): no helpdesk mode.
    pub admin_user: String,
    /// The environment variable holding that administrator's password.
    pub admin_password_env: String,
    /// A file holding the password instead (not readable by other users).
    /// A relative path has been resolved against the config file's
    /// directory. The password is never taken from the command line.
    pub admin_password_file: Option<PathBuf>,
    /// Helpdesk mode: realms whose users are administrators (of privacyIDEA
    /// or of other systems). The desk refuses deletes and passes for them
    /// unless `helpdesk.allow_privileged` is set.
    pub admin_realms: Vec<String>,
}

/// Where the privacyIDEA admin password is looked for by default.
pub const DEFAULT_PI_ADMIN_PASSWORD_ENV: &str = "MFA_ASSIST_PI_ADMIN_PASSWORD";

impl Default for PrivacyIdeaConfig {
    fn default() -> Self {
        PrivacyIdeaConfig {
            base_url: String::new(),
            realm: String::new(),
            request_timeout_secs: 20,
            ca_bundle: None,
            methods: vec![AddKindConfig::Push, AddKindConfig::Code],
            registration_timeout_secs: 300,
            approval_timeout_secs: 120,
            admin_user: String::new(),
            admin_password_env: DEFAULT_PI_ADMIN_PASSWORD_ENV.into(),
            admin_password_file: None,
            admin_realms: Vec::new(),
        }
    }
}

impl PrivacyIdeaConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.base_url.trim().is_empty() {
            return Err(ConfigError::invalid(
                "privacyidea.base_url",
                "`privacyidea.base_url` is not set, but `provider.kind` is \"privacyidea\"",
            )
            .with_hint("the address of your privacyIDEA server, e.g. base_url = \"https://mfa.example.edu\""));
        }
        if let Err(why) = crate::provider::http::check_base_url(&self.base_url) {
            return Err(ConfigError::invalid("privacyidea.base_url", why));
        }
        check_secs(
            "privacyidea.request_timeout_secs",
            self.request_timeout_secs,
            REQUEST_TIMEOUT_SECS,
        )?;
        check_secs(
            "privacyidea.registration_timeout_secs",
            self.registration_timeout_secs,
            PHONE_WAIT_SECS,
        )?;
        check_secs(
            "privacyidea.approval_timeout_secs",
            self.approval_timeout_secs,
            PHONE_WAIT_SECS,
        )?;
        if self.methods.is_empty() {
            return Err(ConfigError::invalid(
                "privacyidea.methods",
                "`privacyidea.methods` is empty",
            )
            .with_hint("list at least one of: \"push\", \"code\""));
        }
        if self.methods.len() == 2 && self.methods[0] == self.methods[1] {
            return Err(ConfigError::invalid(
                "privacyidea.methods",
                "`privacyidea.methods` lists the same method twice",
            ));
        }
        if let Some(bundle) = &self.ca_bundle
            && !bundle.is_file()
        {
            return Err(ConfigError::invalid(
                "privacyidea.ca_bundle",
                format!(
                    "`privacyidea.ca_bundle` names {}, which is not a readable file",
                    clean(&bundle.display().to_string())
                ),
            )
            .with_hint("a PEM file with your organisation's CA certificate(s)"));
        }
        self.validate_admin()
    }

    /// The helpdesk's administrator settings. Whether they are needed at
    /// all is known only when helpdesk mode starts; here only their form.
    fn validate_admin(&self) -> Result<(), ConfigError> {
        check_text("privacyidea.admin_user", &self.admin_user, false)?;
        let name = &self.admin_password_env;
        let env_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !env_name {
            return Err(ConfigError::invalid(
                "privacyidea.admin_password_env",
                // The value is not repeated: it may be the password itself,
                // typed into the wrong key.
                "`privacyidea.admin_password_env` is not an environment variable name",
            )
            .with_hint(format!(
                "letters, digits and _, e.g. \"{DEFAULT_PI_ADMIN_PASSWORD_ENV}\"; the password itself \
                 goes in that variable or in admin_password_file, never in this file"
            )));
        }
        if let Some(file) = &self.admin_password_file
            && file.as_os_str().is_empty()
        {
            return Err(ConfigError::invalid(
                "privacyidea.admin_password_file",
                "`privacyidea.admin_password_file` is an empty path",
            )
            .with_hint("leave the key out to read the password from admin_password_env"));
        }
        Ok(())
    }
}
