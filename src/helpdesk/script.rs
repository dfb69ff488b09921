//! The script panel: what the agent does next and what to tell the caller,
//! worked out from the account's live state. The lines are text ids; the
//! view fills them in, "say" lines in the caller's language and for their
//! phone.

use super::{Desk, DeskScreen, Verification};
use crate::flow::{OldPhone, Platform};
use crate::provider::MethodKind;
use crate::provider::admin::PassName;

/// Who a line is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// A note for the agent, in the agent's language.
    Agent,
    /// Words for the caller, in the caller's language.
    Caller,
}

/// A value to fill in: as it is, or another text in the line's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Plain(String),
    Text(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptLine {
    pub who: Who,
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

fn agent(id: &'static str) -> ScriptLine {
    ScriptLine {
        who: Who::Agent,
        id,
        args: Vec::new(),
    }
}

fn say(id: &'static str) -> ScriptLine {
    ScriptLine {
        who: Who::Caller,
        id,
        args: Vec::new(),
    }
}

impl ScriptLine {
    fn with(mut self, name: &'static str, value: impl Into<String>) -> ScriptLine {
        self.args.push((name, Arg::Plain(value.into())));
        self
    }

    fn with_text(mut self, name: &'static str, id: &'static str) -> ScriptLine {
        self.args.push((name, Arg::Text(id)));
        self
    }
}

fn by_platform(platform: Platform, iphone: &'static str, android: &'static str) -> &'static str {
    match platform {
        Platform::IPhone => iphone,
        Platform::Android => android,
    }
}

/// The script for this moment of the call.
pub fn script(desk: &Desk) -> Vec<ScriptLine> {
    let Some(case) = &desk.case else {
        return vec![agent("script.lookup_do"), say("script.lookup_say")];
    };
    match &case.verification {
        Verification::NotYet => {
            return vec![agent("script.verify_do"), say("script.verify_say")];
        }
        Verification::Failed => {
            return vec![agent("script.failed_do"), say("script.failed_say")];
        }
        Verification::Passed(_) => {}
    }
    if matches!(
        desk.screen,
        DeskScreen::AddPhone { .. } | DeskScreen::Confirm(super::Pending::AddPhone { .. })
    ) {
        return vec![agent("script.phone_do"), say("script.phone_say")];
    }
    let mut lines = phone_added(case);
    lines.extend(step(desk, case));
    lines
}

/// Right after a phone number was added: tell the caller what it is for.
fn phone_added(case: &super::Case) -> Vec<ScriptLine> {
    use super::Change;
    match case
        .entries
        .iter()
        .rev()
        .map(|e| &e.change)
        .find(|c| !matches!(c, Change::NewMethodSeen { .. } | Change::CaseClosed))
    {
        Some(Change::PhoneAdded { number, .. }) => {
            let last: String = number.chars().filter(char::is_ascii_digit).collect();
            vec![say("script.phone_added_say").with("last", last)]
        }
        _ => Vec::new(),
    }
}

/// The rest of the script: where the recovery stands.
fn step(desk: &Desk, case: &super::Case) -> Vec<ScriptLine> {
    let caps = &desk.settings.capabilities;
    let app = caps.push_app.name();
    let pass_id = match caps.pass_name {
        PassName::TemporaryAccessPass => "script.pass_tap",
        PassName::RegistrationCode => "script.pass_code",
    };
    // Only an Authenticator that was there before the call is "old": one
    // registered during the call is, in all likelihood, the caller's new
    // phone, and deleting it would undo their work.
    let is_app = |m: &&crate::provider::Method| {
        matches!(
            m.kind,
            MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode
        )
    };
    let old_apps: Vec<&str> = case
        .methods()
        .iter()
        .filter(is_app)
        .filter(|m| case.was_there_before(m))
        .map(|m| m.label.as_str())
        .collect();
    let watch = case.watch.as_ref();
    if let Some(found) = watch.and_then(|w| w.found.first()) {
        return found_lines(desk, case, found, old_apps.first().copied());
    }
    if matches!(desk.screen, DeskScreen::Watch) {
        return vec![
            agent("script.watch_do"),
            say(by_platform(
                desk.platform,
                "script.scan_say_iphone",
                "script.scan_say_android",
            ))
            .with("app", app),
        ];
    }
    let mut lines = Vec::new();
    if let Some(label) = old_apps.first() {
        match case.old_phone {
            // The answer decides the order, so it is asked before anything
            // is deleted; until it is recorded, the usual order stands.
            None | Some(OldPhone::Lost) => {
                if case.old_phone.is_none() {
                    lines.push(agent("script.ask_old_phone_do").with("label", *label));
                    lines.push(say("script.ask_old_phone_say"));
                }
                lines.push(agent("script.old_app_do").with("label", *label));
                lines.push(say("script.old_app_say").with("label", *label));
                lines.extend(sign_out_hint(desk, case));
                return lines;
            }
            // The old one stays until the new one works (below).
            Some(OldPhone::AtHand) => {
                lines.push(agent("script.keep_old_do").with("label", *label));
                lines.push(say("script.keep_old_say"));
            }
        }
    }
    // A phone number added by the desk is not the new app this script
    // leads to: the caller still registers one.
    let new_factor = case.methods().iter().find(|m| {
        case.added_during_call(m)
            && m.kind.is_sign_in_factor()
            && m.used_for.sign_in
            && m.kind != MethodKind::Phone
    });
    if let Some(found) = new_factor {
        return found_lines(desk, case, found, old_apps.first().copied());
    }
    let has_usable_pass = case
        .state
        .as_ref()
        .is_some_and(|s| s.passes.iter().any(|p| p.usable != Some(false)));
    if !has_usable_pass {
        lines.push(agent("script.pass_do").with_text("pass", pass_id));
        lines.push(say("script.pass_say").with_text("pass", pass_id));
        lines.extend(sign_out_hint(desk, case));
        return lines;
    }
    lines.push(
        say(by_platform(
            desk.platform,
            "script.install_say_iphone",
            "script.install_say_android",
        ))
        .with("app", app),
    );
    match &caps.self_service_url {
        Some(url) => lines.push(
            say("script.register_url_say")
                .with("url", url.clone())
                .with_text("pass", pass_id),
        ),
        None => lines.push(say("script.register_kiosk_say").with_text("pass", pass_id)),
    }
    lines.push(agent("script.watch_start_do"));
    lines
}

/// A new method is registered: test it; with the old phone at hand, now is
/// the time to delete its Authenticator.
fn found_lines(
    desk: &Desk,
    case: &super::Case,
    found: &crate::provider::Method,
    old_app: Option<&str>,
) -> Vec<ScriptLine> {
    let push_app = desk.settings.capabilities.push_app;
    let app = push_app.name();
    // Microsoft asks for a number to type; privacyIDEA (with "require
    // presence") for a button to pick.
    let test = match found.kind {
        MethodKind::AuthenticatorCode => "script.test_code_say",
        _ if push_app == crate::provider::PushApp::PrivacyIdeaAuthenticator => {
            "script.test_pipush_say"
        }
        _ => "script.test_push_say",
    };
    let mut lines = vec![
        agent("script.found_do").with("label", found.label.clone()),
        say(test).with("app", app),
    ];
    if let (Some(label), Some(OldPhone::AtHand)) = (old_app, case.old_phone) {
        lines.push(agent("script.delete_old_now_do").with("label", label));
        lines.push(say("script.delete_old_now_say").with("label", label));
    }
    // A lost phone may still be signed in; before the call ends is the
    // time to offer signing it out.
    lines.extend(sign_out_hint(desk, case));
    lines.push(agent("script.finish_do"));
    lines
}

/// A lost or stolen phone may still be signed in: deleting its Authenticator
/// does not end those sessions, signing out everywhere does. Offered while
/// an old Authenticator is (or was, this call) in play and until it is done.
fn sign_out_hint(desk: &Desk, case: &super::Case) -> Vec<ScriptLine> {
    use super::Change;
    let caps = &desk.settings.capabilities;
    let is_app = |k: MethodKind| {
        matches!(
            k,
            MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode
        )
    };
    let old_app_in_play = case
        .methods()
        .iter()
        .any(|m| is_app(m.kind) && case.was_there_before(m))
        || case
            .entries
            .iter()
            .any(|e| matches!(&e.change, Change::Deleted { kind, .. } if is_app(*kind)));
    let signed_out = case
        .entries
        .iter()
        .any(|e| e.change == Change::SessionsRevoked);
    // A phone the caller still holds is not in a stranger's hands.
    let at_hand = case.old_phone == Some(OldPhone::AtHand);
    if !caps.can_revoke_sessions || !old_app_in_play || signed_out || at_hand {
        return Vec::new();
    }
    vec![agent("script.sign_out_do"), say("script.sign_out_say")]
}
