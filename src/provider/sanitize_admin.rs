//! The helpdesk's side of the one sanitiser: [`SanitizedAdmin`] wraps an
//! [`Admin`] the way [`super::sanitize::Sanitized`] wraps the kiosk's
//! provider, so a privacyIDEA username, a user's full name or a token
//! description reaches the agent's screen, the case file and the audit log
//! with its controls and bidi overrides replaced by U+FFFD.
//!
//! Ids (the caller's, a method's, a pass's) are left as the provider gave
//! them: they go back to the provider, and a "cleaned" id would name
//! nothing there. No view draws them.

use super::admin::{
    Admin, AdminCapabilities, Caller, CallerState, NewPass, PassRequest, Privilege,
};
use super::phone::{PhoneNumber, PhoneType};
use super::sanitize::{cleaned, errors, method, text};
use super::{Method, Reply};

/// An [`Admin`] whose every displayed string has been through [`text`].
pub struct SanitizedAdmin<A: ?Sized>(pub Box<A>);

fn opt(s: Option<String>) -> Option<String> {
    s.as_deref().map(text)
}

fn caller(mut c: Caller) -> Caller {
    c.username = text(&c.username);
    c.display_name = text(&c.display_name);
    c
}

fn state(mut s: CallerState) -> CallerState {
    s.methods = s.methods.into_iter().map(method).collect();
    s.adding = s.adding.into_iter().map(method).collect();
    for p in &mut s.passes {
        p.created = opt(p.created.take());
        p.expires = opt(p.expires.take());
    }
    s.privilege = match s.privilege {
        Privilege::Privileged(why) => Privilege::Privileged(why.iter().map(|w| text(w)).collect()),
        Privilege::CheckFailed(why) => Privilege::CheckFailed(text(&why)),
        other => other,
    };
    s
}

impl<A: Admin + ?Sized> Admin for SanitizedAdmin<A> {
    fn capabilities(&self) -> AdminCapabilities {
        let mut caps = self.0.capabilities();
        caps.self_service_url = opt(caps.self_service_url.take());
        if let Some(callers) = caps.training_callers.as_mut() {
            for c in callers.iter_mut() {
                *c = text(c);
            }
        }
        caps
    }

    fn lookup<'a>(&'a self, username: &'a str) -> Reply<'a, Caller> {
        cleaned(self.0.lookup(username), caller)
    }

    fn caller_state<'a>(&'a self, caller: &'a Caller) -> Reply<'a, CallerState> {
        cleaned(self.0.caller_state(caller), state)
    }

    fn delete_method<'a>(&'a self, caller: &'a Caller, method_id: &'a str) -> Reply<'a, ()> {
        errors(self.0.delete_method(caller, method_id))
    }

    fn issue_pass<'a>(&'a self, caller: &'a Caller, request: PassRequest) -> Reply<'a, NewPass> {
        cleaned(self.0.issue_pass(caller, request), |mut p| {
            p.expires = opt(p.expires.take());
            p
        })
    }

    fn revoke_sessions<'a>(&'a self, caller: &'a Caller) -> Reply<'a, ()> {
        errors(self.0.revoke_sessions(caller))
    }

    fn add_phone<'a>(
        &'a self,
        caller: &'a Caller,
        number: &'a PhoneNumber,
        phone_type: PhoneType,
    ) -> Reply<'a, Method> {
        cleaned(self.0.add_phone(caller, number, phone_type), method)
    }

    fn simulate_caller_registers(&self, caller: &Caller) {
        self.0.simulate_caller_registers(caller);
    }
}
