//! The transition function: one event in, the new state and effects out.

use super::*;
use crate::keymap::{self, Key};
use crate::provider::{Approval, Confirm, PhoneAction, SignInKind, Wait};
use std::time::Duration;

// One file per step, named like its view in `ui/`; this file routes events
// and keys to them and holds what every step shares (typing, ticks,
// signing out).
mod add;
mod delete;
mod device;
mod done;
mod methods;
mod prove;
mod scan;
mod sign_in;
mod welcome;
use delete::*;
use device::*;
use methods::*;
use sign_in::*;
use welcome::*;

use add::*;
use done::*;
use prove::*;
use scan::*;

pub fn update(flow: &mut Flow, event: Event) -> Vec<Effect> {
    // Whether "Still there?" was on screen when the person acted: then their
    // key answers it and does nothing else.
    let warned = flow.idle_warning().is_some();
    // Time only moves forward, even if events arrive out of order.
    flow.now = flow.now.max(event.at);
    match event.kind {
        EventKind::Key(_) | EventKind::Paste(_) if warned => {
            flow.last_input = flow.now;
            Vec::new()
        }
        EventKind::Key(key) => {
            flow.last_input = flow.now;
            on_key(flow, key)
        }
        EventKind::Paste(text) => {
            flow.last_input = flow.now;
            // Help covers the fields; a paste there would land unseen.
            if !flow.help_open {
                on_paste(flow, &text);
            }
            Vec::new()
        }
        EventKind::Tick => on_tick(flow),
        EventKind::CleanupFailed => {
            // Only someone still signed in is told; after sign-out the
            // next person at the kiosk has nothing to do with it.
            if flow.account.is_some() {
                flow.notice = Some(Notice::CleanupFailed);
            }
            Vec::new()
        }
        EventKind::Interrupt => quit(flow),
        EventKind::SignedIn { req, answer } => on_signed_in(flow, req, answer),
        EventKind::DeviceCodeIssued { req, answer } => on_device_code(flow, req, answer),
        EventKind::MethodsLoaded { req, answer } => {
            if !take_pending(flow, req, Op::LoadMethods) {
                return Vec::new();
            }
            if let Some(effects) = expired(flow, Op::LoadMethods, &answer) {
                return effects;
            }
            on_methods(flow, answer);
            Vec::new()
        }
        EventKind::Deleted { req, answer } => on_deleted(flow, req, answer),
        EventKind::DefaultSet { req, answer } => on_default_set(flow, req, answer),
        EventKind::EnrollmentReady { req, answer } => on_enrollment(flow, req, answer),
        EventKind::CodeChecked { req, answer } => on_code_checked(flow, req, answer),
        EventKind::CodeOffClock { req, seconds } => {
            super::clock::explain(on_code_checked(flow, req, Ok(false)), flow, seconds)
        }
        EventKind::Held { req, wait } => {
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            crate::kernel::note_held(&flow.pending, &mut flow.held, req, flow.now, wait_ms);
            Vec::new()
        }
        EventKind::ApprovalSent { req, number } => on_approval_sent(flow, req, number),
        EventKind::ApprovalPolled { req, answer } => on_approval(flow, req, answer),
        EventKind::RegistrationPolled { req, answer } => on_registration(flow, req, answer),
    }
}

/// A provider that says the session is gone means the person must start
/// again; everything of theirs is cleared on the way out.
fn expired<T>(flow: &mut Flow, op: Op, answer: &Answer<T>) -> Option<Vec<Effect>> {
    match answer {
        // A fresh sign-in is asked for: start the sign-in again (the notice
        // says to use the same pass while it lasts).
        Err(error @ (ProviderError::SessionExpired | ProviderError::ReauthRequired))
            if flow.account.is_some() =>
        {
            Some(sign_out(
                flow,
                Some(Notice::Failed {
                    op,
                    error: error.clone(),
                }),
            ))
        }
        _ => None,
    }
}

fn take_pending(flow: &mut Flow, req: ReqId, op: Op) -> bool {
    let taken = crate::kernel::take_pending(&mut flow.pending, req, op);
    // "One moment" was about this request: left up, it has the person wait
    // for work that is no longer going on (their key was not kept).
    if taken && flow.notice == Some(Notice::Busy) {
        flow.notice = None;
    }
    taken
}

fn start(flow: &mut Flow, op: Op) -> ReqId {
    crate::kernel::start(&mut flow.pending, &mut flow.next_req, flow.now, op)
}

fn on_key(flow: &mut Flow, key: Key) -> Vec<Effect> {
    let context = flow.context();
    match keymap::lookup(context, key) {
        Some(action) if flow.action_available(action) => on_action(flow, action),
        Some(_) => Vec::new(),
        None => {
            if let (Key::Char(c), false) = (key, flow.help_open) {
                type_char(flow, c);
            }
            Vec::new()
        }
    }
}

fn on_action(flow: &mut Flow, action: Action) -> Vec<Effect> {
    if flow.help_open {
        flow.help_open = false;
        return Vec::new();
    }
    match action {
        Action::Help => {
            flow.help_open = true;
            return Vec::new();
        }
        Action::Quit => return quit(flow),
        _ => {}
    }
    // A new request while one is in flight would race it; say so instead.
    if flow.pending.is_some() && starts_request(&flow.screen, action) {
        flow.notice = Some(Notice::Busy);
        return Vec::new();
    }
    match flow.screen.clone() {
        Screen::Welcome => welcome(flow, action),
        Screen::DeviceSignIn { .. } => device_sign_in(flow, action),
        Screen::SignIn { .. } => sign_in(flow, action),
        Screen::Methods => methods(flow, action),
        Screen::ConfirmDelete { method, .. } => confirm_delete(flow, action, method),
        Screen::DeleteBlocked { .. } => {
            flow.screen = Screen::Methods;
            Vec::new()
        }
        Screen::AddMethod { choice } => add_method(flow, action, choice),
        Screen::Platform => platform(flow, action),
        Screen::Prepare => prepare(flow, action),
        Screen::Scan { manual } => scan(flow, action, manual),
        Screen::ProveCode { .. } => prove_code(flow, action),
        Screen::ProveApproval { .. } => prove_approval(flow, action),
        Screen::Done { .. } => done(flow, action),
    }
}

fn starts_request(screen: &Screen, action: Action) -> bool {
    match screen {
        Screen::SignIn { .. } | Screen::Prepare | Screen::ProveCode { .. } => {
            action == Action::Next
        }
        Screen::Methods => matches!(action, Action::MakeDefault | Action::Delete),
        Screen::ConfirmDelete { .. } => action == Action::Confirm,
        Screen::ProveApproval { .. } => action == Action::Resend,
        _ => false,
    }
}

fn type_char(flow: &mut Flow, c: char) {
    match &mut flow.screen {
        Screen::SignIn {
            username,
            pass,
            field,
            ..
        } => {
            if c.is_control() {
                return;
            }
            match field {
                Field::Username if username.chars().count() < MAX_FIELD_CHARS => username.push(c),
                Field::Pass if pass.char_count() < MAX_FIELD_CHARS => pass.push(c),
                _ => flow.notice = Some(Notice::FieldFull),
            }
        }
        // The training phone's number field: two digits, as Microsoft's.
        Screen::ProveApproval { .. }
            if flow.settings.capabilities.simulated_phone
                && flow.approval_number.is_some()
                && c.is_ascii_digit()
                && flow.phone_typed.len() < 2 =>
        {
            flow.phone_typed.push(c);
            flow.notice = None;
        }
        Screen::ProveCode { code, .. } => {
            let digits = code_digits(flow.enrollment.as_ref());
            if c.is_ascii_digit() {
                if code.len() < usize::from(digits) {
                    code.push(c);
                    flow.notice = None;
                }
            } else if c != ' ' && c != '-' {
                flow.notice = Some(Notice::DigitsOnly);
            }
        }
        _ => {}
    }
}

fn on_paste(flow: &mut Flow, text: &str) {
    // Pasted pass or code usually ends with a newline; inner control
    // characters are never meant.
    let clean: String = text
        .trim_end_matches(['\r', '\n'])
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    match &mut flow.screen {
        Screen::SignIn {
            username,
            pass,
            field,
            ..
        } => {
            let existing = match field {
                Field::Username => username.chars().count(),
                Field::Pass => pass.char_count(),
            };
            if !crate::kernel::paste_fits(existing, &clean, MAX_FIELD_CHARS) {
                flow.notice = Some(Notice::PasteTooLong);
                return;
            }
            for c in clean.chars() {
                match field {
                    Field::Username => username.push(c),
                    Field::Pass => pass.push(c),
                }
            }
        }
        Screen::ProveCode { .. } => {
            let digits: String = clean.chars().filter(|c| *c != ' ' && *c != '-').collect();
            let want = code_digits(flow.enrollment.as_ref());
            if !digits.chars().all(|c| c.is_ascii_digit()) {
                flow.notice = Some(Notice::DigitsOnly);
            } else if digits.len() > usize::from(want) {
                // Digits, just too many of them: say how many a code has.
                flow.notice = Some(Notice::CodeLength { digits: want });
            } else if let Screen::ProveCode { code, .. } = &mut flow.screen {
                *code = digits;
                flow.notice = None;
            }
        }
        _ => {}
    }
}

fn code_digits(enrollment: Option<&Enrollment>) -> u8 {
    match enrollment.map(|e| e.confirm) {
        Some(Confirm::Code { digits }) => digits,
        _ => 6,
    }
}

fn on_tick(flow: &mut Flow) -> Vec<Effect> {
    if flow.idle_deadline().is_some_and(|t| flow.now >= t) {
        return sign_out(flow, Some(Notice::SignedOutIdle));
    }
    if let Some(watch) = flow.device.as_mut()
        && flow.now >= watch.deadline
        && watch.state.is_open()
    {
        watch.state = DeviceState::TimedOut;
        return vec![Effect::StopPolling];
    }
    if let Screen::DeviceSignIn { code: Some(code) } = &flow.screen
        && flow.now >= code.expires_at
        && flow.is_busy(Op::SignIn)
    {
        flow.pending = None;
        flow.screen = Screen::DeviceSignIn { code: None };
        flow.notice = Some(Notice::Failed {
            op: Op::SignIn,
            error: ProviderError::SignInExpired,
        });
        // The idle clock runs from the end of that wait (see `idle_deadline`).
        flow.last_input = flow.now;
        return vec![Effect::CancelRequests];
    }
    match &mut flow.screen {
        Screen::Done { sign_out_at } if flow.now >= *sign_out_at => sign_out(flow, None),
        Screen::ProveApproval {
            deadline, state, ..
        } if flow.now >= *deadline && state.is_open() => {
            *state = ApprovalState::TimedOut;
            vec![Effect::StopPolling]
        }
        _ => Vec::new(),
    }
}

/// Back to Welcome with nothing of this person left: account, methods, any
/// half-made enrollment, typed text, and the screen itself.
fn sign_out(flow: &mut Flow, notice: Option<Notice>) -> Vec<Effect> {
    let mut effects = vec![Effect::StopPolling, Effect::CancelRequests];
    if let Some(e) = flow.enrollment.take() {
        effects.push(Effect::CancelEnrollment {
            enrollment_id: e.id,
        });
    }
    if flow.account.take().is_some() {
        effects.push(Effect::SignOut);
    }
    effects.push(Effect::WipeScreen);
    let settings = flow.settings.clone();
    let lang = flow.lang;
    let (now, next_req) = (flow.now, flow.next_req);
    *flow = Flow::new(settings);
    flow.lang = lang;
    flow.now = now;
    flow.last_input = now;
    flow.next_req = next_req;
    flow.notice = notice;
    effects
}

fn quit(flow: &mut Flow) -> Vec<Effect> {
    let mut effects = sign_out(flow, None);
    effects.push(Effect::Quit);
    effects
}
