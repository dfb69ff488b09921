//! Over 400 lines only with its unit tests; the code is about 300 lines.
//!
//! Graph error bodies (`{"error":{"code","message","innerError":{"request-id"}}}`)
//! turned into [`ProviderError`]s the UI can explain. The request id goes
//! along as the reference an administrator can look up.

use crate::provider::ProviderError;
use crate::provider::http;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;

/// Who is calling: the signed-in person (kiosk) or the app itself (helpdesk).
/// The permission an administrator has to grant differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    Delegated,
    App,
}

/// What was being done, for the words of a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    ListMethods,
    DeleteMethod,
    AddPhone,
    LookupUser,
    CreatePass,
    RevokeSessions,
    ReadPolicy,
}

#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    // The documentation writes `innerError`; some services send `innererror`.
    #[serde(default, rename = "innerError", alias = "innererror")]
    inner: Option<Inner>,
}

#[derive(Deserialize)]
struct Inner {
    #[serde(default, rename = "request-id")]
    request_id: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

/// A Graph error answer, read leniently: an unreadable body still yields the
/// status and, from the `request-id` header, the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GraphError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    /// `innerError.date`: Microsoft support asks for it with the request id.
    pub date: Option<String>,
    /// The `WWW-Authenticate` of a 401 asks for a fresh sign-in
    /// (`error="insufficient_claims"`, a claims challenge).
    pub claims_challenge: bool,
}

impl GraphError {
    pub fn parse(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> GraphError {
        let parsed = serde_json::from_slice::<Envelope>(body)
            .ok()
            .map(|e| e.error);
        let header_id = headers
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let date_header = headers
            .get("date")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (code, message, body_id, body_date) = match parsed {
            Some(b) => {
                let (id, date) = b.inner.map_or((None, None), |i| (i.request_id, i.date));
                (
                    b.code.unwrap_or_default(),
                    b.message.unwrap_or_default(),
                    id,
                    date,
                )
            }
            None => (String::new(), String::new(), None, None),
        };
        let claims_challenge = status == StatusCode::UNAUTHORIZED
            && headers
                .get_all("www-authenticate")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.contains("insufficient_claims"));
        GraphError {
            status: status.as_u16(),
            code: clean(&code, 80),
            message: clean(&message, 300),
            request_id: body_id.or(header_id).map(|id| clean(&id, 80)),
            date: body_date.or(date_header).map(|d| clean(&d, 40)),
            claims_challenge,
        }
    }

    /// What support needs to find the request: its id and when it was made.
    fn reference_text(&self) -> Option<String> {
        match (&self.request_id, &self.date) {
            (Some(id), Some(date)) => Some(format!("request-id {id}, date {date}")),
            (Some(id), None) => Some(format!("request-id {id}")),
            (None, Some(date)) => Some(format!("date {date}")),
            (None, None) => None,
        }
    }

    fn reference(&self) -> String {
        match self.reference_text() {
            Some(r) => format!(" (reference {r})"),
            None => String::new(),
        }
    }

    fn server(&self) -> ProviderError {
        ProviderError::Server {
            status: self.status,
            code: if self.code.is_empty() {
                format!("http-{}", self.status)
            } else {
                self.code.clone()
            },
            reference: self.reference_text(),
        }
    }

    /// The documented answers to deleting the default method while others
    /// exist: "Cannot delete default method with other methods configured…"
    /// and "…matches the user's current default authentication method, and
    /// cannot be deleted…". Graph gives them no code of their own, so the
    /// message is the only tell.
    fn is_default_method(&self) -> bool {
        let m = self.message.to_ascii_lowercase();
        m.contains("default method") || m.contains("default authentication method")
    }

    pub fn to_provider_error(&self, headers: &HeaderMap, op: Op, caller: Caller) -> ProviderError {
        let Some(status) = StatusCode::from_u16(self.status).ok() else {
            return self.server();
        };
        if let Some(throttled) = http::throttled_error(status, headers) {
            return throttled;
        }
        match (status.as_u16(), op) {
            (401, _) if self.claims_challenge => ProviderError::ReauthRequired,
            (401, _) => ProviderError::SessionExpired,
            (403, _) => ProviderError::NotAllowed(format!(
                "Microsoft Graph refused this{}: {}{}",
                if self.code.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", self.code)
                },
                refusal_hint(op, caller),
                self.reference()
            )),
            (400, Op::DeleteMethod) if self.is_default_method() => ProviderError::DefaultMethod,
            (400, Op::CreatePass) if self.message.to_ascii_lowercase().contains("guest") => {
                ProviderError::NotAllowed(format!(
                    "a Temporary Access Pass cannot be issued to an external guest account. \
                     Their sign-in methods for our services are registered with us: delete the \
                     lost one (or Reset all), and they set up a new one at their next sign-in{}",
                    self.reference()
                ))
            }
            (400, Op::CreatePass) if self.message.contains("UserCredentialPolicy") => {
                ProviderError::NotAllowed(format!(
                    "Entra's Temporary Access Pass policy refused this pass: the caller is not in \
                     a group the policy targets, the policy is off, or it allows one-time passes \
                     only and this one was for more than one use. An administrator adds the \
                     caller to a targeted group (Entra admin center → Protection → \
                     Authentication methods → Policies → Temporary Access Pass → Enable and \
                     target){}",
                    self.reference()
                ))
            }
            (400, Op::CreatePass) if self.message.contains("LifetimeInMinutes") => {
                ProviderError::Conflict(format!(
                    "the lifetime is outside the tenant's Temporary Access Pass policy: {}",
                    self.message
                ))
            }
            (400 | 409, Op::AddPhone) => ProviderError::Conflict(format!(
                "{}{}",
                phone_refusal(&self.message),
                self.reference()
            )),
            (404, Op::LookupUser) => ProviderError::UnknownUser,
            (404, _) => ProviderError::NotFound,
            (409, _) => ProviderError::Conflict(if self.message.is_empty() {
                format!("the directory refused the change{}", self.reference())
            } else {
                format!("{}{}", self.message, self.reference())
            }),
            _ => self.server(),
        }
    }
}

/// Graph's reasons for refusing a phone number, in words the agent can act
/// on. The rules are documented (authentication-post-phonemethods.md: one
/// phone per type, a mobile before an alternate mobile, the number's
/// format); the exact wording of the refusals is not, so the words are
/// matched loosely and anything else gets all three rules.
fn phone_refusal(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("already exist") {
        "the caller already has a number of this type (Entra keeps one per type): delete it \
         first, or choose another type"
    } else if m.contains("must exist before") || m.contains("alternate") {
        "Entra needs a mobile number before an alternate mobile one: add the mobile first"
    } else if m.contains("format") || m.contains("invalid phone") {
        "Entra did not accept the number: write it as +country code, a space and the number, \
         e.g. +1 2065555555"
    } else {
        "Entra refused the number: it keeps one per type, needs a mobile before an alternate \
         mobile, and numbers look like +1 2065555555"
    }
}

/// What an administrator has to grant, per operation and kind of caller.
fn refusal_hint(op: Op, caller: Caller) -> &'static str {
    match (caller, op) {
        (Caller::Delegated, Op::ListMethods) => {
            "the app registration needs the delegated permission \
             UserAuthenticationMethod.ReadWrite (or .Read) with admin consent"
        }
        (Caller::Delegated, Op::DeleteMethod) => {
            "the app registration needs the delegated permission \
             UserAuthenticationMethod.ReadWrite with admin consent"
        }
        (Caller::Delegated, Op::AddPhone) => {
            "the app registration needs the delegated permission \
             UserAuthenticationMethod.ReadWrite with admin consent; some tenants let only \
             administrators add phone numbers"
        }
        (Caller::Delegated, Op::LookupUser) => {
            "looking up other users needs User.Read.All and a directory role"
        }
        (Caller::Delegated, Op::CreatePass) => {
            "issuing a Temporary Access Pass needs UserAuthenticationMethod.ReadWrite.All and \
             the Authentication Administrator role; nobody can issue one to themselves"
        }
        (_, Op::ReadPolicy) => {
            "reading the Temporary Access Pass policy needs the permission Policy.Read.All \
             (or Policy.Read.AuthenticationMethod) with admin consent"
        }
        (_, Op::RevokeSessions) => {
            "the app registration needs the permission User.RevokeSessions.All with admin consent"
        }
        (Caller::App, Op::ListMethods) => {
            "the app registration needs the application permission \
             UserAuthenticationMethod.Read.All (or .ReadWrite.All) with admin consent"
        }
        (Caller::App, Op::DeleteMethod | Op::AddPhone) => {
            "the app registration needs the application permission \
             UserAuthenticationMethod.ReadWrite.All with admin consent; Entra may also protect \
             administrator accounts"
        }
        (Caller::App, Op::LookupUser) => {
            "the app registration needs the application permission User.Read.All with admin \
             consent"
        }
        (Caller::App, Op::CreatePass) => {
            "the app registration needs the application permission \
             UserAuthenticationMethod.ReadWrite.All (or UserAuthMethod-TAP.ReadWrite.All) with \
             admin consent"
        }
    }
}

/// Server text made safe to show in a terminal: no control characters (an
/// escape sequence from a server must not reach the screen), no bidi
/// overrides, at most `max` characters.
pub(crate) fn clean(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .take(max)
        .collect();
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.trim_start().to_string()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_refusals_say_which_rule() {
        assert!(phone_refusal("Invalid phone number format.").contains("+country code"));
        assert!(
            phone_refusal(
                "A phone authentication method of this type already exists for the user."
            )
            .contains("already has a number of this type")
        );
        assert!(
            phone_refusal(
                "A mobile phone method must exist before an alternate mobile phone method is added."
            )
            .contains("mobile number before")
        );
        assert!(phone_refusal("Something else.").contains("one per type"));
    }

    fn parse(status: u16, body: &str) -> GraphError {
        GraphError::parse(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn request_id_from_body_or_header() {
        let e = parse(
            500,
            r#"{"error":{"code":"generalException","message":"x","innerError":{"date":"d","request-id":"rid-1","client-request-id":"c"}}}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("rid-1"));
        let e = parse(
            500,
            r#"{"error":{"code":"x","innererror":{"request-id":"rid-2"}}}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("rid-2"));
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "rid-3".parse().unwrap());
        let e = GraphError::parse(StatusCode::BAD_GATEWAY, &headers, b"<html>");
        assert_eq!(e.request_id.as_deref(), Some("rid-3"));
        assert_eq!(
            e.to_provider_error(&headers, Op::ListMethods, Caller::Delegated),
            ProviderError::Server {
                status: 502,
                code: "http-502".into(),
                reference: Some("request-id rid-3".into())
            }
        );
    }

    #[test]
    fn default_method_only_on_delete() {
        let body = r#"{"error":{"code":"badRequest","message":"Cannot delete default method with other methods configured. Please change default method before deletion."}}"#;
        let e = parse(400, body);
        let h = HeaderMap::new();
        assert_eq!(
            e.to_provider_error(&h, Op::DeleteMethod, Caller::Delegated),
            ProviderError::DefaultMethod
        );
        assert!(matches!(
            e.to_provider_error(&h, Op::ListMethods, Caller::Delegated),
            ProviderError::Server { status: 400, .. }
        ));
    }

    fn mapped(status: u16, body: &str, headers: &HeaderMap, op: Op) -> ProviderError {
        GraphError::parse(
            StatusCode::from_u16(status).unwrap(),
            headers,
            body.as_bytes(),
        )
        .to_provider_error(headers, op, Caller::App)
    }

    fn with_ref(code: &str, message: &str) -> String {
        format!(
            r#"{{"error":{{"code":"{code}","message":"{message}","innerError":{{"date":"2026-11-23T10:00:00","request-id":"rid-9"}}}}}}"#
        )
    }

    const REF: &str = " (reference request-id rid-9, date 2026-11-23T10:00:00)";

    #[test]
    fn a_fresh_sign_in_only_for_a_401_with_a_claims_challenge() {
        let none = HeaderMap::new();
        let mut claims = HeaderMap::new();
        claims.insert(
            "www-authenticate",
            r#"Bearer realm="", error="insufficient_claims", claims="e30=""#
                .parse()
                .unwrap(),
        );
        let body = with_ref("InvalidAuthenticationToken", "x");
        assert_eq!(
            mapped(401, &body, &none, Op::DeleteMethod),
            ProviderError::SessionExpired
        );
        assert_eq!(
            mapped(401, &body, &claims, Op::DeleteMethod),
            ProviderError::ReauthRequired
        );
        // Only a 401 asks for a sign-in: the same header on a 403 is a refusal.
        assert!(matches!(
            mapped(403, &body, &claims, Op::DeleteMethod),
            ProviderError::NotAllowed(_)
        ));
    }

    #[test]
    fn refusals_and_conflicts_carry_the_reference_support_asks_for() {
        let h = HeaderMap::new();
        let ProviderError::NotAllowed(why) = mapped(
            403,
            &with_ref("Authorization_RequestDenied", "x"),
            &h,
            Op::DeleteMethod,
        ) else {
            panic!("not a refusal")
        };
        assert!(why.ends_with(REF), "{why}");
        assert!(why.contains("(Authorization_RequestDenied)"), "{why}");
        assert!(
            why.contains("UserAuthenticationMethod.ReadWrite.All"),
            "{why}"
        );
        // Without a code, no empty brackets.
        let ProviderError::NotAllowed(why) = mapped(403, "{}", &h, Op::LookupUser) else {
            panic!("not a refusal")
        };
        assert!(
            why.starts_with("Microsoft Graph refused this: the app registration"),
            "{why}"
        );
        assert_eq!(
            mapped(
                409,
                &with_ref("conflict", "it exists"),
                &h,
                Op::DeleteMethod
            ),
            ProviderError::Conflict(format!("it exists{REF}"))
        );
        assert_eq!(
            mapped(409, &with_ref("conflict", ""), &h, Op::DeleteMethod),
            ProviderError::Conflict(format!("the directory refused the change{REF}"))
        );
        let ProviderError::Conflict(why) =
            mapped(400, &with_ref("badRequest", "x"), &h, Op::AddPhone)
        else {
            panic!("not a conflict")
        };
        assert!(why.ends_with(REF), "{why}");
        let ProviderError::NotAllowed(why) = mapped(
            400,
            &with_ref("badRequest", "Guest users are not supported"),
            &h,
            Op::CreatePass,
        ) else {
            panic!("not a refusal")
        };
        assert!(why.ends_with(REF), "{why}");
        let ProviderError::NotAllowed(why) = mapped(
            400,
            &with_ref("badRequest", "UserCredentialPolicy denied"),
            &h,
            Op::CreatePass,
        ) else {
            panic!("not a refusal")
        };
        assert!(why.ends_with(REF), "{why}");
    }

    #[test]
    fn a_reference_with_only_a_date_or_nothing() {
        let mut h = HeaderMap::new();
        h.insert("date", "Mon, 23 Nov 2026 10:00:00 GMT".parse().unwrap());
        let e = GraphError::parse(StatusCode::INTERNAL_SERVER_ERROR, &h, b"");
        assert_eq!(
            e.reference_text().as_deref(),
            Some("date Mon, 23 Nov 2026 10:00:00 GMT")
        );
        let e = parse(500, "");
        assert_eq!(e.reference_text(), None);
        assert_eq!(e.reference(), "");
    }

    #[test]
    fn a_bad_request_the_product_has_no_words_for_is_a_server_error() {
        let h = HeaderMap::new();
        for op in [Op::DeleteMethod, Op::CreatePass] {
            assert_eq!(
                mapped(400, &with_ref("badRequest", "something else"), &h, op),
                ProviderError::Server {
                    status: 400,
                    code: "badRequest".into(),
                    reference: Some("request-id rid-9, date 2026-11-23T10:00:00".into()),
                },
                "{op:?}"
            );
        }
        // The lifetime outside the policy is the agent's to change.
        assert!(matches!(
            mapped(
                400,
                &with_ref("badRequest", "LifetimeInMinutes out of range"),
                &h,
                Op::CreatePass
            ),
            ProviderError::Conflict(_)
        ));
        // Not found: the user when looking up, the thing otherwise.
        assert_eq!(
            mapped(404, "{}", &h, Op::LookupUser),
            ProviderError::UnknownUser
        );
        assert_eq!(
            mapped(404, "{}", &h, Op::DeleteMethod),
            ProviderError::NotFound
        );
    }

    #[test]
    fn clean_strips_escapes() {
        assert_eq!(clean("  a\u{1b}[31mb\nc\u{202e}d  ", 100), "a[31mb cd");
        assert_eq!(clean("abcdef", 3), "abc");
    }
}
