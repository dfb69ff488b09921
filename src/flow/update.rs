//! The transition function: one event in, the new state and effects out.

use super::*;
use crate::keymap::{self, Key};
use crate::provider::{Approval, Confirm, PhoneAction, SignInKind, Wait};
use std::time::Duration;

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
    crate::kernel::take_pending(&mut flow.pending, req, op)
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

fn welcome(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Next if flow.settings.capabilities.sign_in == SignInKind::DeviceCode => {
            return start_device_sign_in(flow);
        }
        Action::Next => {
            flow.notice = None;
            flow.screen = Screen::SignIn {
                username: String::new(),
                pass: Secret::empty(),
                field: Field::Username,
                reveal: false,
            };
        }
        Action::Language => {
            let n = flow.settings.languages.len().max(1);
            flow.lang = (flow.lang + 1) % n;
        }
        _ => {}
    }
    Vec::new()
}

fn start_device_sign_in(flow: &mut Flow) -> Vec<Effect> {
    flow.notice = None;
    flow.screen = Screen::DeviceSignIn { code: None };
    let req = start(flow, Op::SignIn);
    vec![Effect::BeginDeviceSignIn { req }]
}

fn device_sign_in(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        // A new code: only once the old one has failed or expired.
        Action::Next if flow.pending.is_none() => start_device_sign_in(flow),
        Action::Back => {
            flow.notice = None;
            flow.screen = Screen::Welcome;
            if flow.pending.take().is_some() {
                return vec![Effect::CancelRequests];
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn on_device_code(flow: &mut Flow, req: ReqId, answer: Answer<DeviceCodeInfo>) -> Vec<Effect> {
    if !flow.awaits(req, Op::SignIn) || !matches!(flow.screen, Screen::DeviceSignIn { .. }) {
        return Vec::new();
    }
    match answer {
        Ok(info) => {
            let expires_ms = u64::try_from(info.expires_in.as_millis()).unwrap_or(u64::MAX);
            flow.screen = Screen::DeviceSignIn {
                code: Some(DeviceCodeShown {
                    user_code: info.user_code,
                    verification_uri: info.verification_uri,
                    expires_at: flow.now.plus_ms(expires_ms),
                }),
            };
        }
        Err(error) => {
            flow.pending = None;
            flow.notice = Some(Notice::Failed {
                op: Op::SignIn,
                error,
            });
        }
    }
    Vec::new()
}

fn sign_in(flow: &mut Flow, action: Action) -> Vec<Effect> {
    let Screen::SignIn {
        username,
        pass,
        field,
        reveal,
    } = &mut flow.screen
    else {
        return Vec::new();
    };
    match action {
        Action::NextField | Action::PrevField => {
            *field = match field {
                Field::Username => Field::Pass,
                Field::Pass => Field::Username,
            };
        }
        Action::Reveal => *reveal = !*reveal,
        Action::Erase => {
            match field {
                Field::Username => {
                    username.pop();
                }
                Field::Pass => {
                    pass.pop();
                }
            }
            flow.notice = None;
        }
        Action::Back => {
            let was_pending = flow.pending.take().is_some();
            flow.notice = None;
            flow.screen = Screen::Welcome;
            if was_pending {
                return vec![Effect::CancelRequests];
            }
        }
        Action::Next => {
            let name = username.trim().to_string();
            if name.is_empty() {
                *field = Field::Username;
                flow.notice = Some(Notice::EmptyField(Field::Username));
            } else if pass.is_empty() {
                // Enter on the username is "go to the pass", not an error.
                if *field == Field::Pass {
                    flow.notice = Some(Notice::EmptyField(Field::Pass));
                }
                *field = Field::Pass;
            } else {
                let pass = pass.clone();
                flow.notice = None;
                let req = start(flow, Op::SignIn);
                return vec![Effect::SignIn {
                    req,
                    username: name,
                    pass,
                }];
            }
        }
        _ => {}
    }
    Vec::new()
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
                _ => flow.notice = Some(Notice::PasteTooLong),
            }
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
            if digits.chars().all(|c| c.is_ascii_digit())
                && digits.len() <= usize::from(code_digits(flow.enrollment.as_ref()))
            {
                if let Screen::ProveCode { code, .. } = &mut flow.screen {
                    *code = digits;
                }
            } else {
                flow.notice = Some(Notice::DigitsOnly);
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

fn on_signed_in(flow: &mut Flow, req: ReqId, answer: Answer<Account>) -> Vec<Effect> {
    if !take_pending(flow, req, Op::SignIn) {
        // The driver signs a stray session out itself (see `Flow::awaits`).
        return Vec::new();
    }
    match answer {
        Ok(account) => {
            flow.account = Some(account);
            flow.help_open = false;
            flow.screen = Screen::Methods;
            flow.notice = None;
            flow.added.clear();
            load_methods(flow)
        }
        Err(error) => {
            if let Screen::SignIn { pass, field, .. } = &mut flow.screen {
                pass.clear();
                *field = Field::Pass;
            }
            if let Screen::DeviceSignIn { code } = &mut flow.screen {
                *code = None;
            }
            flow.notice = Some(Notice::Failed {
                op: Op::SignIn,
                error,
            });
            Vec::new()
        }
    }
}

fn load_methods(flow: &mut Flow) -> Vec<Effect> {
    let req = start(flow, Op::LoadMethods);
    vec![Effect::LoadMethods { req }]
}

fn on_methods(flow: &mut Flow, answer: Answer<Vec<Method>>) {
    match answer {
        Ok(mut list) => {
            // Default first, then as the provider ordered them.
            list.sort_by_key(|m| !m.is_default);
            // The selection stays on the same method when the order changes.
            let kept = flow.selected_method().map(|m| m.id.clone());
            if !flow.methods_loaded {
                flow.initial_ids = list.iter().map(|m| m.id.clone()).collect();
                // Start on the Authenticator: the one a lost phone takes with it.
                flow.selected = list
                    .iter()
                    .position(|m| {
                        matches!(
                            m.kind,
                            MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode
                        )
                    })
                    .unwrap_or(0);
            }
            flow.methods = list;
            flow.methods_loaded = true;
            flow.selected = kept
                .and_then(|id| flow.methods.iter().position(|m| m.id == id))
                .unwrap_or(flow.selected)
                .min(flow.methods.len().saturating_sub(1));
        }
        Err(error) => {
            flow.notice = Some(Notice::Failed {
                op: Op::LoadMethods,
                error,
            })
        }
    }
}

fn methods(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Up => flow.selected = flow.selected.saturating_sub(1),
        Action::Down if flow.selected + 1 < flow.methods.len() => flow.selected += 1,
        Action::Delete => {
            let Some(method) = flow.selected_method().cloned() else {
                flow.notice = Some(Notice::NothingSelected);
                return Vec::new();
            };
            flow.notice = None;
            flow.screen = if method.is_default && flow.methods.len() > 1 {
                Screen::DeleteBlocked { method }
            } else {
                let other_sign_in = flow
                    .methods
                    .iter()
                    .any(|m| m.id != method.id && m.kind.is_sign_in_factor());
                Screen::ConfirmDelete {
                    last_sign_in: method.kind.is_sign_in_factor() && !other_sign_in,
                    method,
                }
            };
        }
        Action::MakeDefault => {
            let Some(method) = flow.selected_method().cloned() else {
                flow.notice = Some(Notice::NothingSelected);
                return Vec::new();
            };
            let req = start(flow, Op::SetDefault);
            flow.notice = None;
            flow.target = Some(method.clone());
            return vec![Effect::SetDefault {
                req,
                method_id: method.id,
            }];
        }
        Action::Add => {
            flow.notice = None;
            flow.screen = Screen::AddMethod { choice: 0 };
        }
        Action::Finish => finish(flow),
        _ => {}
    }
    Vec::new()
}

fn finish(flow: &mut Flow) {
    flow.notice = None;
    flow.screen = Screen::Done {
        sign_out_at: flow.now.plus_ms(flow.settings.done_countdown_ms),
    };
}

fn confirm_delete(flow: &mut Flow, action: Action, method: Method) -> Vec<Effect> {
    flow.screen = Screen::Methods;
    match action {
        Action::Confirm => {
            let req = start(flow, Op::Delete);
            flow.target = Some(method.clone());
            vec![Effect::DeleteMethod {
                req,
                method_id: method.id,
            }]
        }
        _ => Vec::new(),
    }
}

fn on_deleted(flow: &mut Flow, req: ReqId, answer: Answer<()>) -> Vec<Effect> {
    if !take_pending(flow, req, Op::Delete) {
        return Vec::new();
    }
    if let Some(effects) = expired(flow, Op::Delete, &answer) {
        return effects;
    }
    let target = flow.target.take();
    let label = target.as_ref().map(|m| m.label.clone()).unwrap_or_default();
    match answer {
        // Already gone (a retry after a timeout, another session): done all the same.
        Ok(()) | Err(ProviderError::NotFound) => {
            flow.notice = Some(Notice::Deleted { label });
        }
        Err(ProviderError::DefaultMethod) => match target {
            Some(method) if flow.screen == Screen::Methods => {
                flow.screen = Screen::DeleteBlocked { method };
            }
            _ => {
                flow.notice = Some(Notice::Failed {
                    op: Op::Delete,
                    error: ProviderError::DefaultMethod,
                })
            }
        },
        Err(error) => {
            flow.notice = Some(Notice::Failed {
                op: Op::Delete,
                error,
            })
        }
    }
    load_methods(flow)
}

fn on_default_set(flow: &mut Flow, req: ReqId, answer: Answer<()>) -> Vec<Effect> {
    if !take_pending(flow, req, Op::SetDefault) {
        return Vec::new();
    }
    if let Some(effects) = expired(flow, Op::SetDefault, &answer) {
        return effects;
    }
    match answer {
        Ok(()) => {
            let label = flow.target.take().map(|m| m.label).unwrap_or_default();
            flow.notice = Some(Notice::DefaultChanged { label });
            load_methods(flow)
        }
        Err(error) => {
            flow.notice = Some(Notice::Failed {
                op: Op::SetDefault,
                error,
            });
            Vec::new()
        }
    }
}

fn add_method(flow: &mut Flow, action: Action, choice: usize) -> Vec<Effect> {
    let kinds = &flow.settings.capabilities.add_kinds;
    match action {
        Action::Up => {
            flow.screen = Screen::AddMethod {
                choice: choice.saturating_sub(1),
            }
        }
        Action::Down => {
            flow.screen = Screen::AddMethod {
                choice: (choice + 1).min(kinds.len().saturating_sub(1)),
            }
        }
        Action::Next => {
            if let Some(kind) = kinds.get(choice) {
                flow.add_kind = *kind;
                flow.screen = Screen::Platform;
            }
        }
        Action::Back => flow.screen = Screen::Methods,
        _ => {}
    }
    Vec::new()
}

fn platform(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Up => flow.platform = Platform::IPhone,
        Action::Down => flow.platform = Platform::Android,
        Action::Next => flow.screen = Screen::Prepare,
        Action::Back => {
            let choice = flow
                .settings
                .capabilities
                .add_kinds
                .iter()
                .position(|k| *k == flow.add_kind)
                .unwrap_or(0);
            flow.screen = Screen::AddMethod { choice };
        }
        _ => {}
    }
    Vec::new()
}

fn prepare(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Next => {
            flow.notice = None;
            let req = start(flow, Op::Enroll);
            vec![Effect::BeginEnrollment {
                req,
                kind: flow.add_kind,
            }]
        }
        Action::Back => {
            let cancel = flow.pending.take().is_some();
            flow.screen = Screen::Platform;
            flow.notice = None;
            if cancel {
                vec![Effect::CancelRequests]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

fn on_enrollment(flow: &mut Flow, req: ReqId, answer: Answer<Enrollment>) -> Vec<Effect> {
    if !take_pending(flow, req, Op::Enroll) {
        // The person left before it arrived: do not leave it half-made.
        return match answer {
            Ok(e) => vec![Effect::CancelEnrollment {
                enrollment_id: e.id,
            }],
            Err(_) => Vec::new(),
        };
    }
    if let Some(effects) = expired(flow, Op::Enroll, &answer) {
        return effects;
    }
    match answer {
        Ok(enrollment) => {
            let watch = enrollment
                .registration
                .map(|wait| (enrollment.id.clone(), wait));
            flow.enrollment = Some(enrollment);
            flow.screen = Screen::Scan { manual: false };
            if let Some((id, wait)) = watch {
                return watch_registration(flow, &id, wait);
            }
        }
        Err(error) => {
            flow.notice = Some(Notice::Failed {
                op: Op::Enroll,
                error,
            })
        }
    }
    Vec::new()
}

fn scan(flow: &mut Flow, action: Action, manual: bool) -> Vec<Effect> {
    let Some(enrollment) = flow.enrollment.clone() else {
        return Vec::new();
    };
    match action {
        Action::CantScan => flow.screen = Screen::Scan { manual: !manual },
        Action::Next if flow.device.is_some() => {
            // The phone registers itself; Enter cannot hurry it, but it can
            // start watching again after a timeout or failure.
            let open = flow.device.as_ref().is_some_and(|d| d.state.is_open());
            if open {
                flow.notice = Some(Notice::NotRegisteredYet);
            } else if let Some(wait) = enrollment.registration {
                return watch_registration(flow, &enrollment.id, wait);
            }
        }
        Action::Next => match enrollment.confirm {
            Confirm::Code { .. } => {
                flow.notice = None;
                flow.screen = Screen::ProveCode {
                    code: String::new(),
                    wrong: 0,
                }
            }
            Confirm::Approval {
                poll_every,
                timeout,
            } => {
                return start_approval(flow, &enrollment.id, poll_every, timeout);
            }
            // Proven by appearing; `registration` polling finishes it.
            Confirm::Appears => {}
        },
        Action::Back => {
            flow.enrollment = None;
            flow.screen = Screen::Prepare;
            let mut effects = Vec::new();
            if flow.device.take().is_some() {
                effects.push(Effect::StopPolling);
            }
            effects.push(Effect::CancelEnrollment {
                enrollment_id: enrollment.id,
            });
            return effects;
        }
        _ => {}
    }
    Vec::new()
}

fn prove_code(flow: &mut Flow, action: Action) -> Vec<Effect> {
    let Some(enrollment) = flow.enrollment.clone() else {
        return Vec::new();
    };
    let Screen::ProveCode { code, .. } = &mut flow.screen else {
        return Vec::new();
    };
    match action {
        Action::Erase => {
            code.pop();
        }
        Action::Back => {
            let cancel = flow.pending.take().is_some();
            flow.notice = None;
            flow.screen = Screen::Scan { manual: false };
            if cancel {
                return vec![Effect::CancelRequests];
            }
        }
        Action::Next => {
            let digits = code_digits(Some(&enrollment));
            if code.len() != usize::from(digits) {
                flow.notice = Some(Notice::CodeLength { digits });
                return Vec::new();
            }
            let code = code.clone();
            flow.notice = None;
            let req = start(flow, Op::CheckCode);
            return vec![Effect::CheckCode {
                req,
                enrollment_id: enrollment.id,
                code,
            }];
        }
        _ => {}
    }
    Vec::new()
}

fn on_code_checked(flow: &mut Flow, req: ReqId, answer: Answer<bool>) -> Vec<Effect> {
    if !take_pending(flow, req, Op::CheckCode) {
        return Vec::new();
    }
    if let Some(effects) = expired(flow, Op::CheckCode, &answer) {
        return effects;
    }
    match answer {
        Ok(true) => proven(flow),
        Ok(false) => {
            if let Screen::ProveCode { code, wrong } = &mut flow.screen {
                code.clear();
                *wrong += 1;
                flow.notice = Some(Notice::WrongCode { tries: *wrong });
            }
            Vec::new()
        }
        Err(error) => {
            flow.notice = Some(Notice::Failed {
                op: Op::CheckCode,
                error,
            });
            Vec::new()
        }
    }
}

/// The new method works: remember it, show Done, refresh the list for it.
fn proven(flow: &mut Flow) -> Vec<Effect> {
    if let Some(e) = flow.enrollment.take() {
        flow.added.push(e.kind);
    }
    finish(flow);
    load_methods(flow)
}

fn start_approval(
    flow: &mut Flow,
    enrollment_id: &str,
    every: Duration,
    timeout: Duration,
) -> Vec<Effect> {
    let req = flow.next_req();
    let timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
    flow.notice = None;
    flow.screen = Screen::ProveApproval {
        req,
        started: flow.now,
        deadline: flow.now.plus_ms(timeout_ms),
        state: ApprovalState::Sending,
    };
    vec![
        Effect::StopPolling,
        Effect::StartApproval {
            req,
            enrollment_id: enrollment_id.to_string(),
            every,
            timeout,
        },
    ]
}

fn watch_registration(flow: &mut Flow, enrollment_id: &str, wait: Wait) -> Vec<Effect> {
    let req = flow.next_req();
    let timeout_ms = u64::try_from(wait.timeout.as_millis()).unwrap_or(u64::MAX);
    flow.notice = None;
    flow.device = Some(DeviceWatch {
        req,
        deadline: flow.now.plus_ms(timeout_ms),
        state: DeviceState::Waiting,
    });
    vec![
        Effect::StopPolling,
        Effect::WatchRegistration {
            req,
            enrollment_id: enrollment_id.to_string(),
            every: wait.poll_every,
            timeout: wait.timeout,
        },
    ]
}

/// The phone has registered: go on to whatever proves the method.
fn on_registration(flow: &mut Flow, req: ReqId, answer: Answer<bool>) -> Vec<Effect> {
    let current = flow
        .device
        .as_ref()
        .is_some_and(|d| d.req == req && d.state.is_open());
    if !current {
        return Vec::new();
    }
    if let Some(effects) = expired(flow, Op::Enroll, &answer) {
        return effects;
    }
    let (Some(watch), Some(enrollment)) = (flow.device.as_mut(), flow.enrollment.clone()) else {
        return Vec::new();
    };
    match answer {
        Ok(false) => watch.state = DeviceState::Waiting,
        Err(error) if error.is_transient() => watch.state = DeviceState::Trouble(error),
        Err(error) => {
            watch.state = DeviceState::Failed(error);
            return vec![Effect::StopPolling];
        }
        Ok(true) => {
            flow.device = None;
            flow.notice = None;
            let next = match enrollment.confirm {
                Confirm::Code { .. } => {
                    flow.screen = Screen::ProveCode {
                        code: String::new(),
                        wrong: 0,
                    };
                    Vec::new()
                }
                Confirm::Approval {
                    poll_every,
                    timeout,
                } => start_approval(flow, &enrollment.id, poll_every, timeout),
                Confirm::Appears => proven(flow),
            };
            return [vec![Effect::StopPolling], next].concat();
        }
    }
    Vec::new()
}

fn prove_approval(flow: &mut Flow, action: Action) -> Vec<Effect> {
    let Some(enrollment) = flow.enrollment.clone() else {
        return Vec::new();
    };
    match action {
        Action::Resend => {
            if let Confirm::Approval {
                poll_every,
                timeout,
            } = enrollment.confirm
            {
                return start_approval(flow, &enrollment.id, poll_every, timeout);
            }
            Vec::new()
        }
        Action::SimApprove | Action::SimDeny => vec![Effect::SimulatePhone {
            enrollment_id: enrollment.id,
            action: if action == Action::SimApprove {
                PhoneAction::Approve
            } else {
                PhoneAction::Deny
            },
        }],
        Action::Cancel => {
            flow.screen = Screen::Scan { manual: false };
            vec![Effect::StopPolling]
        }
        _ => Vec::new(),
    }
}

fn on_approval(flow: &mut Flow, req: ReqId, answer: Answer<Approval>) -> Vec<Effect> {
    let current = matches!(&flow.screen,
        Screen::ProveApproval { req: current, state, .. } if *current == req && state.is_open());
    if !current {
        return Vec::new();
    }
    if let Some(effects) = expired(flow, Op::Approval, &answer) {
        return effects;
    }
    let Screen::ProveApproval { state, .. } = &mut flow.screen else {
        return Vec::new();
    };
    match answer {
        Ok(Approval::Pending) => *state = ApprovalState::Waiting,
        Ok(Approval::Approved) => return [vec![Effect::StopPolling], proven(flow)].concat(),
        Ok(Approval::Rejected) => {
            *state = ApprovalState::Denied;
            return vec![Effect::StopPolling];
        }
        Ok(Approval::Expired) => {
            *state = ApprovalState::TimedOut;
            return vec![Effect::StopPolling];
        }
        Err(error) if error.is_transient() => *state = ApprovalState::Trouble(error),
        Err(error) => {
            *state = ApprovalState::Failed(error);
            return vec![Effect::StopPolling];
        }
    }
    Vec::new()
}

fn done(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Finish => sign_out(flow, None),
        Action::BackToMethods => {
            flow.screen = Screen::Methods;
            Vec::new()
        }
        _ => Vec::new(),
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
