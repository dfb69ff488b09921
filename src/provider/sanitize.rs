//! One sanitiser for every string a provider hands the app to show.
//!
//! A username, a token description, a server's error sentence: all are
//! written by someone else and end up on a terminal. A raw ESC there is a
//! terminal command; U+202E and its kin reorder what the person reads
//! ("\u{202E}moc.elpmaxe" shows as "example.com"). privacyIDEA passes such text
//! through untouched, and a training scenario can hold anything.
//!
//! [`text`] replaces each such character with U+FFFD, so the damage shows
//! instead of vanishing (a dropped character could turn "ad\u{202E}min"
//! into a plausible "admin"). [`Sanitized`] wraps a [`Provider`] and cleans
//! everything it returns for display; ids and secrets are left as the
//! provider gave them, because they go back to the provider, never to the
//! screen as text.

use super::{
    Account, Approval, Capabilities, DeviceCode, DevicePoll, Enrollment, Method, MethodKind,
    PhoneAction, Provider, ProviderError, Reply, Session, TrainingAccount,
};
use crate::secret::Secret;

/// Shown in place of a character that must not reach the terminal.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Characters that act on the terminal or on the reading order rather than
/// being read: C0/C1 controls and DEL, the bidirectional embeddings,
/// overrides, isolates and marks, and the invisible format characters
/// that hide text (zero-width spaces, the BOM, the interlinear and tag
/// characters).
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}'                // Arabic letter mark
            | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202A}'..='\u{202E}' // LRE, RLE, PDF, LRO, RLO
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // LRI, RLI, FSI, PDI
            | '\u{206A}'..='\u{206F}' // deprecated format characters
            | '\u{FEFF}'              // BOM / zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

/// `s` with every [`is_hostile`] character replaced by U+FFFD.
pub fn text(s: &str) -> String {
    s.chars()
        .map(|c| if is_hostile(c) { REPLACEMENT } else { c })
        .collect()
}

fn in_place(s: &mut String) {
    if s.chars().any(is_hostile) {
        *s = text(s);
    }
}

fn opt(s: &mut Option<String>) {
    if let Some(s) = s {
        in_place(s);
    }
}

pub fn account(mut a: Account) -> Account {
    in_place(&mut a.username);
    in_place(&mut a.display_name);
    a
}

pub fn method(mut m: Method) -> Method {
    in_place(&mut m.label);
    opt(&mut m.added);
    opt(&mut m.last_used);
    m
}

pub fn error(e: ProviderError) -> ProviderError {
    match e {
        ProviderError::NotAllowed(why) => ProviderError::NotAllowed(text(&why)),
        ProviderError::Conflict(why) => ProviderError::Conflict(text(&why)),
        ProviderError::Protocol(why) => ProviderError::Protocol(text(&why)),
        ProviderError::Server {
            status,
            code,
            reference,
        } => ProviderError::Server {
            status,
            code: text(&code),
            reference: reference.as_deref().map(text),
        },
        other => other,
    }
}

fn session(mut s: Session) -> Session {
    in_place(&mut s.account.username);
    in_place(&mut s.account.display_name);
    s
}

fn enrollment(mut e: Enrollment) -> Enrollment {
    in_place(&mut e.account_name);
    in_place(&mut e.issuer);
    e
}

/// `reply` with its answer through `f` and its error through [`error`]:
/// how both wrappers (this one and the desk's) clean a call.
pub(super) fn cleaned<'a, T: 'a>(
    reply: Reply<'a, T>,
    f: impl FnOnce(T) -> T + Send + 'a,
) -> Reply<'a, T> {
    Box::pin(async move { reply.await.map(f).map_err(error) })
}

/// `reply` with only its error cleaned: the answer holds nothing drawn.
pub(super) fn errors<'a, T: 'a>(reply: Reply<'a, T>) -> Reply<'a, T> {
    Box::pin(async move { reply.await.map_err(error) })
}

/// A provider whose every displayed string has been through [`text`].
pub struct Sanitized<P: ?Sized>(pub Box<P>);

impl<P: Provider + ?Sized> Provider for Sanitized<P> {
    fn capabilities(&self) -> Capabilities {
        let mut caps = self.0.capabilities();
        if let Some(accounts) = caps.training_accounts.as_mut() {
            for TrainingAccount {
                username,
                pass,
                note,
                notes,
            } in accounts.iter_mut()
            {
                in_place(username);
                in_place(pass);
                in_place(note);
                for (_, note) in notes.iter_mut() {
                    in_place(note);
                }
            }
        }
        caps
    }

    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session> {
        cleaned(self.0.sign_in(username, pass), session)
    }

    fn begin_device_sign_in(&self) -> Reply<'_, DeviceCode> {
        cleaned(self.0.begin_device_sign_in(), |mut c| {
            in_place(&mut c.user_code);
            in_place(&mut c.verification_uri);
            c
        })
    }

    fn poll_device_sign_in<'a>(&'a self, code: &'a DeviceCode) -> Reply<'a, DevicePoll> {
        cleaned(self.0.poll_device_sign_in(code), |p| match p {
            DevicePoll::Done(s) => DevicePoll::Done(session(s)),
            other => other,
        })
    }

    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        cleaned(self.0.list_methods(session), |list| {
            list.into_iter().map(method).collect()
        })
    }

    fn delete_method<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        errors(self.0.delete_method(session, method_id))
    }

    fn set_default<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        errors(self.0.set_default(session, method_id))
    }

    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment> {
        cleaned(self.0.begin_enrollment(session, kind), enrollment)
    }

    fn check_code<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
        code: &'a str,
    ) -> Reply<'a, bool> {
        errors(self.0.check_code(session, enrollment_id, code))
    }

    fn poll_registration<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, bool> {
        errors(self.0.poll_registration(session, enrollment_id))
    }

    fn request_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Option<String>> {
        // The character to match comes from the server and is drawn large.
        cleaned(self.0.request_approval(session, enrollment_id), |x| {
            x.map(|s| text(&s))
        })
    }

    fn poll_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Approval> {
        errors(self.0.poll_approval(session, enrollment_id))
    }

    fn cancel_enrollment<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()> {
        errors(self.0.cancel_enrollment(session, enrollment_id))
    }

    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()> {
        errors(self.0.sign_out(session))
    }

    fn simulate_phone(&self, enrollment_id: &str, action: PhoneAction) {
        self.0.simulate_phone(enrollment_id, action);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible_replacements() {
        assert_eq!(text("ad\u{202E}nimda"), "ad\u{FFFD}nimda");
        assert_eq!(text("\u{1b}[2Jalex"), "\u{FFFD}[2Jalex");
        assert_eq!(
            text("a\u{2066}b\u{2069}\u{200F}\u{9b}"),
            "a\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(text("Åsa Öberg 山田 🙂"), "Åsa Öberg 山田 🙂");
    }
}
