//! privacyIDEA tokens as the app's methods. Only the fields the app shows
//! are read: a push token's `info` also holds key material, which serde
//! skips without keeping.

use crate::provider::{Method, MethodKind, ProviderError, UsedFor};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Token {
    pub serial: String,
    #[serde(default)]
    pub tokentype: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub rollout_state: String,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub info: Info,
}

/// The few `info` keys worth showing. Everything else in `info` is ignored.
#[derive(Debug, Default, Deserialize)]
pub struct Info {
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub assignment_date: Option<String>,
    #[serde(default)]
    pub last_auth: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    tokens: Vec<Token>,
    #[serde(default)]
    next: Option<u64>,
}

/// One page of `GET /token/`: its tokens and the next page number, if any.
pub fn parse_page(value: Value) -> Result<(Vec<Token>, Option<u64>), ProviderError> {
    let page: Page = serde_json::from_value(value)
        .map_err(|_| ProviderError::Protocol("the token list has an unexpected shape".into()))?;
    Ok((page.tokens, page.next))
}

pub fn kind_of(tokentype: &str) -> MethodKind {
    match tokentype.to_ascii_lowercase().as_str() {
        "push" => MethodKind::AuthenticatorPush,
        "totp" | "hotp" | "daypassword" => MethodKind::AuthenticatorCode,
        "sms" | "voice" => MethodKind::Phone,
        "email" => MethodKind::Email,
        "webauthn" | "u2f" | "yubikey" | "yubico" => MethodKind::SecurityKey,
        "passkey" => MethodKind::Passkey,
        "registration" => MethodKind::TemporaryPass,
        "spass" | "password" | "pw" => MethodKind::Password,
        _ => MethodKind::Other,
    }
}

impl Token {
    /// Finished enrolling: a push token waits in `clientwait` until the phone
    /// answers, a verified TOTP in `verify` until its first code.
    pub fn is_enrolled(&self) -> bool {
        matches!(self.rollout_state.as_str(), "" | "enrolled")
    }

    pub fn into_method(self) -> Method {
        let kind = kind_of(&self.tokentype);
        let works = self.active && !self.revoked && !self.locked && self.is_enrolled();
        let name = if self.description.trim().is_empty() {
            self.tokentype.to_ascii_uppercase()
        } else {
            self.description.trim().to_string()
        };
        Method {
            label: format!("{name} · {}", self.serial),
            id: self.serial,
            kind,
            added: self.info.creation_date.or(self.info.assignment_date),
            last_used: self.info.last_auth,
            // privacyIDEA has no default method: every token is tried.
            is_default: false,
            used_for: UsedFor {
                sign_in: works && kind.is_sign_in_factor(),
                password_reset: false,
            },
        }
    }
}
