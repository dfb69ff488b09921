//! Who signed in, read from the ID token's claims (`preferred_username`,
//! `name`; the `profile` scope asks for them).
//!
//! The signature is not checked: the token came straight from the token
//! endpoint over TLS (OpenID Connect Core §3.1.3.7 allows TLS to stand in
//! for it) and it only names the account on screen. Nothing is authorised
//! on the strength of these claims; Graph checks the access token.

use super::errors::clean;
use crate::provider::Account;
use crate::secret::Secret;
use serde_json::Value;
use zeroize::Zeroize;

/// The claims of a JWT (ID token or Graph access token), unverified.
pub(crate) fn claims(token: &Secret) -> Option<Value> {
    let payload = token.expose().split('.').nth(1)?;
    let mut bytes = base64url_decode(payload)?;
    let claims = serde_json::from_slice::<Value>(&bytes).ok();
    bytes.zeroize();
    claims.filter(Value::is_object)
}

/// The account an ID token names; `None` if it cannot be read.
pub(crate) fn account(id_token: &Secret) -> Option<Account> {
    let claims = claims(id_token)?;
    let claim = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .map(|s| clean(s, 120))
            .filter(|s| !s.is_empty())
    };
    let username = claim("preferred_username")
        .or_else(|| claim("upn"))
        .or_else(|| claim("email"))?;
    let display_name = claim("name").unwrap_or_else(|| username.clone());
    Some(Account {
        username,
        display_name,
        can_delete: true,
        cannot_add: Vec::new(),
    })
}

/// Base64url without padding (RFC 4648 §5), as JWTs use; padding tolerated.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for b in text.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64url() {
        assert_eq!(base64url_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64url_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert!(base64url_decode("a b").is_none());
    }

    #[test]
    fn reads_the_claims() {
        // {"preferred_username":"kim@contoso.example","name":"Kim Akers"}
        let token = Secret::new(
            "eyJhbGciOiJub25lIn0.eyJwcmVmZXJyZWRfdXNlcm5hbWUiOiJraW1AY29udG9zby5leGFtcGxlIiwibmFtZSI6IktpbSBBa2VycyJ9.sig",
        );
        let a = account(&token).unwrap();
        assert_eq!(a.username, "kim@contoso.example");
        assert_eq!(a.display_name, "Kim Akers");
        assert!(account(&Secret::new("garbage")).is_none());
    }
}
