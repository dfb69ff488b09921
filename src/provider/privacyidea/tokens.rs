//! privacyIDEA tokens as the app's methods. Only the fields the app shows
//! are read: a push token's `info` also holds key material, which serde
//! skips without keeping.

use super::validity;
use crate::provider::admin::PassInfo;
use crate::provider::{Method, MethodKind, ProviderError, UsedFor};
use serde::Deserialize;
use serde_json::Value;
use std::time::SystemTime;

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
    pub failcount: u32,
    #[serde(default)]
    pub maxfail: u32,
    /// The owner, as the admin's listing names them; empty if unassigned.
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub user_realm: String,
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
    #[serde(default)]
    pub validity_period_start: Option<String>,
    #[serde(default)]
    pub validity_period_end: Option<String>,
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
    /// A registration code: the helpdesk's pass, not a method.
    pub fn is_pass(&self) -> bool {
        kind_of(&self.tokentype) == MethodKind::TemporaryPass
    }

    /// A registration code as the agent sees it. Its value is not in the
    /// listing (the server keeps only a hash).
    pub fn into_pass(self, now: SystemTime) -> PassInfo {
        let started = self
            .info
            .validity_period_start
            .as_deref()
            .map(|t| validity::parse(t).map(|start| start <= now));
        let ended = self
            .info
            .validity_period_end
            .as_deref()
            .map(|t| validity::parse(t).map(|end| end <= now));
        // An unreadable start or end leaves the answer open rather than
        // guessing; everything the listing states plainly still counts.
        let blocked = !self.active
            || self.revoked
            || self.locked
            || !self.is_enrolled()
            || (self.maxfail > 0 && self.failcount >= self.maxfail)
            || started == Some(Some(false))
            || ended == Some(Some(true));
        let unknown = started == Some(None) || ended == Some(None);
        PassInfo {
            id: self.serial,
            created: self.info.creation_date.or(self.info.assignment_date),
            expires: self
                .info
                .validity_period_end
                .as_deref()
                .map(validity::for_people),
            // privacyIDEA deletes a registration token on its first success.
            one_time: Some(true),
            usable: if blocked {
                Some(false)
            } else if unknown {
                None
            } else {
                Some(true)
            },
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, UNIX_EPOCH};

    fn pass(info: Value, extra: Value) -> Token {
        let mut v = json!({
            "serial": "REG0001", "tokentype": "registration", "active": true,
            "rollout_state": "enrolled", "failcount": 0, "maxfail": 10, "info": info,
        });
        if let (Some(map), Some(more)) = (v.as_object_mut(), extra.as_object()) {
            map.extend(more.clone());
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_pass_is_usable_until_its_end() {
        // 2026-11-23T15:52Z
        let end = UNIX_EPOCH + Duration::from_secs(1_795_449_120);
        let info = json!({"validity_period_end": "2026-11-23T15:52+0000",
                          "creation_date": "2026-11-23T14:52:00+00:00"});
        let p = pass(info.clone(), json!({})).into_pass(end - Duration::from_secs(1));
        assert_eq!(p.id, "REG0001");
        assert_eq!(p.expires.as_deref(), Some("2026-11-23 15:52 UTC"));
        assert_eq!(p.created.as_deref(), Some("2026-11-23T14:52:00+00:00"));
        assert_eq!((p.one_time, p.usable), (Some(true), Some(true)));
        assert_eq!(
            pass(info.clone(), json!({})).into_pass(end).usable,
            Some(false)
        );
        let too_many = pass(info.clone(), json!({"failcount": 10}));
        assert_eq!(
            too_many.into_pass(end - Duration::from_secs(60)).usable,
            Some(false)
        );
        let off = pass(info, json!({"active": false}));
        assert_eq!(
            off.into_pass(end - Duration::from_secs(60)).usable,
            Some(false)
        );
    }

    #[test]
    fn unreadable_times_leave_usable_open() {
        let now = UNIX_EPOCH + Duration::from_secs(1_795_449_120);
        let p = pass(json!({"validity_period_end": "next week"}), json!({}));
        assert_eq!(p.into_pass(now).usable, None);
        let later = pass(
            json!({"validity_period_start": "2026-11-23T16:00+0000"}),
            json!({}),
        );
        assert_eq!(later.into_pass(now).usable, Some(false));
        assert_eq!(pass(json!({}), json!({})).into_pass(now).usable, Some(true));
    }
}
