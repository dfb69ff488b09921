//! The helpdesk transition function: one event in, the new state and the
//! effects out.

use super::*;
use crate::keymap;

pub fn update(desk: &mut Desk, event: DeskEvent) -> Vec<DeskEffect> {
    desk.now = desk.now.max(event.at);
    desk.wall = desk.wall.max(event.wall);
    match event.kind {
        DeskEventKind::Key(key) => on_key(desk, key),
        DeskEventKind::Paste(text) => {
            if !desk.help_open {
                on_paste(desk, &text);
            }
            Vec::new()
        }
        DeskEventKind::Tick => on_tick(desk),
        DeskEventKind::Interrupt => quit(desk),
        DeskEventKind::LookedUp { req, answer } => on_looked_up(desk, req, answer),
        DeskEventKind::StateLoaded { req, answer } => on_state(desk, req, answer),
        DeskEventKind::Deleted { req, answer } => on_deleted(desk, req, answer),
        DeskEventKind::PassIssued { req, answer } => on_pass(desk, req, answer),
        DeskEventKind::Revoked { req, answer } => on_revoked(desk, req, answer),
        DeskEventKind::Watched { req, answer } => on_watched(desk, req, answer),
        DeskEventKind::CaseSaved(result) => {
            if let Some(case) = &mut desk.case {
                if let Err(why) = &result {
                    desk.notice = Some(DeskNotice::SaveFailed(why.clone()));
                }
                case.saved = Some(result);
            }
            Vec::new()
        }
        DeskEventKind::RecordFailed(why) => {
            desk.notice = Some(DeskNotice::SaveFailed(why));
            Vec::new()
        }
        DeskEventKind::Copied => {
            desk.notice = Some(DeskNotice::Copied);
            Vec::new()
        }
        DeskEventKind::CopyFailed => {
            desk.notice = Some(DeskNotice::CopyFailed);
            Vec::new()
        }
    }
}

fn take_pending(desk: &mut Desk, req: ReqId, op: DeskOp) -> bool {
    crate::kernel::take_pending(&mut desk.pending, req, op)
}

fn start(desk: &mut Desk, op: DeskOp) -> ReqId {
    crate::kernel::start(&mut desk.pending, &mut desk.next_req, desk.now, op)
}

/// A record of `change` now, for the case and the audit log.
fn record(desk: &mut Desk, change: Change) -> Vec<DeskEffect> {
    let Some(case) = &mut desk.case else {
        return Vec::new();
    };
    let entry = Entry {
        wall: desk.wall,
        change,
    };
    case.entries.push(entry.clone());
    vec![DeskEffect::Audit {
        caller: case.caller.username.clone(),
        entry,
    }]
}

fn load(desk: &mut Desk) -> Vec<DeskEffect> {
    let Some(caller) = desk.case.as_ref().map(|c| c.caller.clone()) else {
        return Vec::new();
    };
    let req = start(desk, DeskOp::Load);
    vec![DeskEffect::LoadState { req, caller }]
}

fn quit(desk: &mut Desk) -> Vec<DeskEffect> {
    let mut effects = leave_pass(desk);
    if desk.case.as_ref().is_some_and(|c| c.closed.is_none()) {
        effects.extend(record(desk, Change::CaseClosed));
    }
    effects.push(DeskEffect::StopWatch);
    effects.push(DeskEffect::Quit);
    effects
}

/// Dropping a shown pass also wipes the screen it was on.
fn leave_pass(desk: &mut Desk) -> Vec<DeskEffect> {
    if matches!(desk.screen, DeskScreen::PassShown { .. }) {
        desk.screen = DeskScreen::Account;
        desk.notice = Some(DeskNotice::PassHidden);
        return vec![DeskEffect::WipeScreen];
    }
    Vec::new()
}

fn on_tick(desk: &mut Desk) -> Vec<DeskEffect> {
    if let DeskScreen::PassShown { hide_at, .. } = &desk.screen
        && desk.now >= *hide_at
    {
        return leave_pass(desk);
    }
    let now = desk.now;
    if let Some(watch) = desk.case.as_mut().and_then(|c| c.watch.as_mut())
        && watch.found.is_empty()
        && !watch.timed_out
        && now >= watch.deadline
    {
        watch.timed_out = true;
        desk.notice = Some(DeskNotice::WatchTimedOut);
        return vec![DeskEffect::StopWatch];
    }
    Vec::new()
}

fn on_key(desk: &mut Desk, key: Key) -> Vec<DeskEffect> {
    let context = desk.context();
    match keymap::lookup(context, key) {
        Some(action) if desk.action_available(action) => on_action(desk, action),
        Some(_) => Vec::new(),
        None => {
            if let (Key::Char(c), false) = (key, desk.help_open)
                && let DeskScreen::Lookup { username } = &mut desk.screen
            {
                desk.notice = None;
                if username.chars().count() < MAX_USERNAME_CHARS && !c.is_control() {
                    username.push(c);
                }
            }
            Vec::new()
        }
    }
}

fn on_paste(desk: &mut Desk, text: &str) {
    let DeskScreen::Lookup { username } = &mut desk.screen else {
        return;
    };
    let clean: String = text.trim().chars().filter(|c| !c.is_control()).collect();
    if !crate::kernel::paste_fits(username.chars().count(), &clean, MAX_USERNAME_CHARS) {
        desk.notice = Some(DeskNotice::PasteTooLong);
        return;
    }
    username.push_str(&clean);
}

/// Actions that start a provider request and so must wait for the one in flight.
fn starts_request(action: Action) -> bool {
    matches!(
        action,
        Action::Next | Action::Confirm | Action::Refresh | Action::Delete | Action::Watch
    )
}

fn on_action(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
    if desk.help_open {
        desk.help_open = false;
        return Vec::new();
    }
    match action {
        Action::Help => {
            desk.help_open = true;
            return Vec::new();
        }
        Action::Quit => return quit(desk),
        Action::Language => {
            desk.lang = (desk.lang + 1) % desk.settings.languages.len().max(1);
            return Vec::new();
        }
        Action::CallerLanguage => {
            desk.caller_lang = (desk.caller_lang + 1) % desk.settings.languages.len().max(1);
            return Vec::new();
        }
        Action::Platform => {
            desk.platform = match desk.platform {
                Platform::IPhone => Platform::Android,
                Platform::Android => Platform::IPhone,
            };
            return Vec::new();
        }
        _ => {}
    }
    if desk.pending.is_some() && starts_request(action) {
        desk.notice = Some(DeskNotice::Busy);
        return Vec::new();
    }
    desk.notice = None;
    match desk.screen.clone() {
        DeskScreen::Lookup { username } => lookup(desk, action, &username),
        DeskScreen::Account => account(desk, action),
        DeskScreen::Checks { cursor } => checks(desk, action, cursor),
        DeskScreen::Escalate => escalate(desk, action),
        DeskScreen::IssuePass { lifetime, one_time } => issue(desk, action, lifetime, one_time),
        DeskScreen::PassShown { .. } => match action {
            Action::Hide => leave_pass(desk),
            _ => Vec::new(),
        },
        DeskScreen::Confirm(what) => confirm(desk, action, what),
        DeskScreen::Privileged => {
            if matches!(action, Action::Back | Action::Next) {
                desk.screen = DeskScreen::Account;
            }
            Vec::new()
        }
        DeskScreen::Watch => watch(desk, action),
        DeskScreen::Summary => summary_screen(desk, action),
    }
}

fn lookup(desk: &mut Desk, action: Action, username: &str) -> Vec<DeskEffect> {
    match action {
        Action::Next => {
            let username = username.trim();
            if username.is_empty() {
                desk.notice = Some(DeskNotice::EmptyUsername);
                return Vec::new();
            }
            let req = start(desk, DeskOp::Lookup);
            vec![DeskEffect::Lookup {
                req,
                username: username.to_string(),
            }]
        }
        Action::Erase => {
            if let DeskScreen::Lookup { username } = &mut desk.screen {
                username.pop();
            }
            Vec::new()
        }
        Action::Back => {
            desk.screen = DeskScreen::Lookup {
                username: String::new(),
            };
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn on_looked_up(desk: &mut Desk, req: ReqId, answer: Answer<Caller>) -> Vec<DeskEffect> {
    if !take_pending(desk, req, DeskOp::Lookup) {
        return Vec::new();
    }
    match answer {
        Ok(caller) => {
            desk.case = Some(Case::new(caller, desk.wall, desk.settings.checks.len()));
            desk.screen = DeskScreen::Account;
            let mut effects = record(desk, Change::LookedUp);
            effects.extend(load(desk));
            effects
        }
        Err(error) => {
            desk.notice = Some(DeskNotice::Failed {
                op: DeskOp::Lookup,
                error,
            });
            Vec::new()
        }
    }
}

fn on_state(desk: &mut Desk, req: ReqId, answer: Answer<CallerState>) -> Vec<DeskEffect> {
    if !take_pending(desk, req, DeskOp::Load) {
        return Vec::new();
    }
    let Some(case) = &mut desk.case else {
        return Vec::new();
    };
    let closing = std::mem::take(&mut case.closing);
    match answer {
        Ok(state) => {
            take_state(case, state, desk.wall);
            if closing {
                case.final_read = Some(FinalRead::Fresh);
            }
        }
        Err(error) => {
            if closing {
                case.final_read = Some(FinalRead::Failed {
                    error: error.clone(),
                    last_read: case.read_at,
                });
            }
            desk.notice = Some(DeskNotice::Failed {
                op: DeskOp::Load,
                error,
            });
        }
    }
    if closing {
        vec![DeskEffect::SaveCase]
    } else {
        Vec::new()
    }
}

/// A fresh read of the account: the first one sets what counts as "there
/// before the call", and the cursor follows its method.
fn take_state(case: &mut Case, state: CallerState, wall: u64) {
    let before = case
        .selected
        .and_then(|i| case.methods().get(i).map(|m| (i, m.id.clone())));
    if case.baseline.is_none() {
        case.baseline = Some(state.methods.iter().map(|m| m.id.clone()).collect());
    }
    case.state = Some(state);
    case.read_at = Some(wall);
    super::novelty::settle_cursor(case, before);
}

/// Deletes and passes are refused for callers with administrative rights,
/// and for callers whose rights could not be read, unless the organisation
/// allows it. The refusal is shown and audited.
fn privilege_refusal(desk: &mut Desk, what: &str) -> Option<Vec<DeskEffect>> {
    if desk.settings.allow_privileged {
        return None;
    }
    let privilege = desk.case.as_ref()?.privilege().cloned();
    let reason = match privilege {
        Some(p) if p.allows_changes() => return None,
        Some(Privilege::Privileged(roles)) => roles.join(", "),
        Some(Privilege::CheckFailed(why)) => format!("rights could not be read: {why}"),
        Some(Privilege::Unchecked) | None => "rights not known".to_string(),
        Some(Privilege::Ordinary) => return None,
    };
    desk.screen = DeskScreen::Privileged;
    Some(record(
        desk,
        Change::RefusedPrivileged {
            attempted: what.to_string(),
            reason,
        },
    ))
}

/// The gate: changes need a passed checklist. Says why when they don't.
fn gate(desk: &mut Desk) -> bool {
    match desk.case.as_ref().map(|c| &c.verification) {
        Some(Verification::Passed(_)) => true,
        Some(Verification::Failed) => {
            desk.notice = Some(DeskNotice::VerificationFailed);
            false
        }
        _ => {
            desk.notice = Some(DeskNotice::VerifyFirst);
            false
        }
    }
}

fn account(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
    let Some(case) = desk.case.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Up => {
            case.selected = Some(case.selected.map_or(0, |i| i.saturating_sub(1)));
            Vec::new()
        }
        Action::Down => {
            let last = case.methods().len().saturating_sub(1);
            case.selected = Some(case.selected.map_or(0, |i| (i + 1).min(last)));
            Vec::new()
        }
        Action::Verify => {
            if matches!(case.verification, Verification::Failed) {
                desk.notice = Some(DeskNotice::VerificationFailed);
                return Vec::new();
            }
            desk.screen = DeskScreen::Checks { cursor: 0 };
            Vec::new()
        }
        Action::Refresh => load(desk),
        Action::IssuePass => {
            if !gate(desk) {
                return Vec::new();
            }
            if let Some(refused) = privilege_refusal(desk, "issue_pass") {
                return refused;
            }
            {
                desk.screen = DeskScreen::IssuePass {
                    lifetime: 0,
                    one_time: desk.settings.capabilities.one_time_default
                        || !desk.settings.capabilities.one_time_choice,
                };
            }
            Vec::new()
        }
        Action::Delete => {
            if !gate(desk) {
                return Vec::new();
            }
            if let Some(refused) = privilege_refusal(desk, "delete") {
                return refused;
            }
            match desk.case.as_ref().and_then(Case::selected_method).cloned() {
                Some(method) => desk.screen = DeskScreen::Confirm(Pending::Delete(method)),
                None => desk.notice = Some(DeskNotice::NothingToDelete),
            }
            Vec::new()
        }
        Action::ResetAll => {
            if !gate(desk) {
                return Vec::new();
            }
            if let Some(refused) = privilege_refusal(desk, "reset") {
                return refused;
            }
            let plan = desk.reset_plan();
            if plan.is_empty() {
                desk.notice = Some(DeskNotice::NothingToReset);
            } else {
                desk.screen = DeskScreen::Confirm(Pending::Reset(plan));
            }
            Vec::new()
        }
        Action::Revoke => {
            if gate(desk) {
                desk.screen = DeskScreen::Confirm(Pending::Revoke);
            }
            Vec::new()
        }
        Action::Watch => start_watch(desk),
        Action::FinishCall => {
            desk.screen = DeskScreen::Confirm(Pending::Finish);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn checks(desk: &mut Desk, action: Action, cursor: usize) -> Vec<DeskEffect> {
    let count = desk.settings.checks.len();
    let required = desk.settings.required_checks;
    let Some(case) = desk.case.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Up => {
            desk.screen = DeskScreen::Checks {
                cursor: cursor.saturating_sub(1),
            }
        }
        Action::Down => {
            desk.screen = DeskScreen::Checks {
                cursor: (cursor + 1).min(count.saturating_sub(1)),
            }
        }
        Action::Toggle => {
            if let Some(t) = case.ticked.get_mut(cursor) {
                *t = !*t;
            }
        }
        Action::Next => {
            let ticked = case.ticked_count();
            if ticked < required {
                desk.notice = Some(DeskNotice::NotEnoughChecks { ticked });
                return Vec::new();
            }
            let used: Vec<usize> = (0..count)
                .filter(|i| case.ticked.get(*i).copied().unwrap_or(false))
                .collect();
            let texts = used
                .iter()
                .filter_map(|i| desk.settings.checks.get(*i).cloned())
                .collect();
            case.verification = Verification::Passed(used);
            desk.screen = DeskScreen::Account;
            return record(
                desk,
                Change::Verified {
                    checks: texts,
                    required,
                },
            );
        }
        Action::CannotVerify => {
            desk.screen = DeskScreen::Confirm(Pending::CannotVerify);
        }
        Action::Back => desk.screen = DeskScreen::Account,
        _ => {}
    }
    Vec::new()
}

/// The agent confirmed that the caller cannot be verified.
fn cannot_verify(desk: &mut Desk) -> Vec<DeskEffect> {
    let count = desk.settings.checks.len();
    let Some(case) = desk.case.as_mut() else {
        return Vec::new();
    };
    let ticked = (0..count)
        .filter(|i| case.ticked.get(*i).copied().unwrap_or(false))
        .filter_map(|i| desk.settings.checks.get(i).cloned())
        .collect();
    case.verification = Verification::Failed;
    desk.screen = DeskScreen::Escalate;
    record(desk, Change::VerificationFailed { ticked })
}

fn escalate(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
    match action {
        Action::FinishCall | Action::Next => finish(desk),
        Action::Back => {
            desk.screen = DeskScreen::Account;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn issue(desk: &mut Desk, action: Action, lifetime: usize, one_time: bool) -> Vec<DeskEffect> {
    let choices = desk.settings.capabilities.pass_lifetimes.len();
    match action {
        Action::Left => {
            desk.screen = DeskScreen::IssuePass {
                lifetime: lifetime.saturating_sub(1),
                one_time,
            }
        }
        Action::Right => {
            desk.screen = DeskScreen::IssuePass {
                lifetime: (lifetime + 1).min(choices.saturating_sub(1)),
                one_time,
            }
        }
        Action::OneTime => {
            desk.screen = DeskScreen::IssuePass {
                lifetime,
                one_time: !one_time,
            }
        }
        Action::Next => {
            if !gate(desk) {
                return Vec::new();
            }
            if let Some(refused) = privilege_refusal(desk, "issue_pass") {
                return refused;
            }
            let Some(caller) = desk.case.as_ref().map(|c| c.caller.clone()) else {
                return Vec::new();
            };
            let minutes = desk
                .settings
                .capabilities
                .pass_lifetimes
                .get(lifetime)
                .copied()
                .unwrap_or(60);
            let request = PassRequest {
                lifetime_minutes: minutes,
                one_time: one_time || !desk.settings.capabilities.one_time_choice,
            };
            if let Some(case) = desk.case.as_mut() {
                case.pass_request = Some(request);
            }
            let req = start(desk, DeskOp::Issue);
            return vec![DeskEffect::IssuePass {
                req,
                caller,
                request,
            }];
        }
        Action::Back => desk.screen = DeskScreen::Account,
        _ => {}
    }
    Vec::new()
}

fn on_pass(desk: &mut Desk, req: ReqId, answer: Answer<NewPass>) -> Vec<DeskEffect> {
    if !take_pending(desk, req, DeskOp::Issue) {
        return Vec::new();
    }
    let minutes = desk
        .case
        .as_mut()
        .and_then(|c| c.pass_request.take())
        .map_or(0, |r| r.lifetime_minutes);
    match answer {
        Ok(new) => {
            let mut effects = record(
                desk,
                Change::PassIssued {
                    lifetime_minutes: minutes,
                    one_time: new.one_time,
                    expires: new.expires.clone(),
                },
            );
            desk.screen = DeskScreen::PassShown {
                pass: new.pass,
                expires: new.expires,
                one_time: new.one_time,
                hide_at: desk.now.plus_ms(PASS_SHOWN_MS),
            };
            effects.extend(load(desk));
            effects
        }
        Err(error) => {
            let effects = record(
                desk,
                Change::PassFailed {
                    error: error.to_string(),
                },
            );
            desk.notice = Some(DeskNotice::Failed {
                op: DeskOp::Issue,
                error,
            });
            effects
        }
    }
}

fn confirm(desk: &mut Desk, action: Action, what: Pending) -> Vec<DeskEffect> {
    match action {
        Action::Confirm if what == Pending::Finish => finish(desk),
        Action::Confirm if what == Pending::CannotVerify => cannot_verify(desk),
        Action::Cancel if what == Pending::CannotVerify => {
            desk.screen = DeskScreen::Checks { cursor: 0 };
            Vec::new()
        }
        Action::Cancel if what == Pending::Finish => {
            let watching = desk.case.as_ref().is_some_and(|c| c.watch.is_some());
            desk.screen = if watching {
                DeskScreen::Watch
            } else {
                DeskScreen::Account
            };
            Vec::new()
        }
        Action::Confirm => {
            if !gate(desk) {
                return Vec::new();
            }
            // The account may have been re-read since the question was put.
            let what_for = match &what {
                Pending::Delete(_) => Some("delete"),
                Pending::Reset(_) => Some("reset"),
                _ => None,
            };
            if let Some(what_for) = what_for
                && let Some(refused) = privilege_refusal(desk, what_for)
            {
                return refused;
            }
            let Some(caller) = desk.case.as_ref().map(|c| c.caller.clone()) else {
                return Vec::new();
            };
            desk.screen = DeskScreen::Account;
            match what {
                Pending::Delete(method) => {
                    if let Some(case) = desk.case.as_mut() {
                        case.reset_queue = vec![method];
                    }
                    next_delete(desk, caller)
                }
                Pending::Reset(plan) => {
                    if let Some(case) = desk.case.as_mut() {
                        case.reset_queue = plan;
                    }
                    next_delete(desk, caller)
                }
                Pending::Revoke => {
                    let req = start(desk, DeskOp::Revoke);
                    vec![DeskEffect::Revoke { req, caller }]
                }
                Pending::Finish | Pending::CannotVerify => Vec::new(),
            }
        }
        Action::Cancel => {
            desk.screen = DeskScreen::Account;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Deletes run one at a time, in the planned order, so the default goes last.
fn next_delete(desk: &mut Desk, caller: Caller) -> Vec<DeskEffect> {
    let Some(method_id) = desk
        .case
        .as_ref()
        .and_then(|c| c.reset_queue.first())
        .map(|m| m.id.clone())
    else {
        return load(desk);
    };
    let req = start(desk, DeskOp::Delete);
    vec![DeskEffect::Delete {
        req,
        caller,
        method_id,
    }]
}

fn on_deleted(desk: &mut Desk, req: ReqId, answer: Answer<()>) -> Vec<DeskEffect> {
    if !take_pending(desk, req, DeskOp::Delete) {
        return Vec::new();
    }
    let Some(case) = desk.case.as_mut() else {
        return Vec::new();
    };
    if case.reset_queue.is_empty() {
        return Vec::new();
    }
    let method = case.reset_queue.remove(0);
    let caller = case.caller.clone();
    match answer {
        // Already gone (deleted elsewhere, or a retried delete): done.
        Ok(()) | Err(ProviderError::NotFound) => {
            desk.notice = Some(DeskNotice::Deleted {
                label: method.label.clone(),
            });
            let mut effects = record(
                desk,
                Change::Deleted {
                    kind: method.kind,
                    label: method.label,
                },
            );
            effects.extend(next_delete(desk, caller));
            effects
        }
        Err(error) => {
            if let Some(case) = desk.case.as_mut() {
                case.reset_queue.clear();
            }
            let mut effects = record(
                desk,
                Change::DeleteFailed {
                    kind: method.kind,
                    label: method.label,
                    error: error.to_string(),
                },
            );
            desk.notice = Some(DeskNotice::Failed {
                op: DeskOp::Delete,
                error,
            });
            effects.extend(load(desk));
            effects
        }
    }
}

fn on_revoked(desk: &mut Desk, req: ReqId, answer: Answer<()>) -> Vec<DeskEffect> {
    if !take_pending(desk, req, DeskOp::Revoke) {
        return Vec::new();
    }
    match answer {
        Ok(()) => {
            desk.notice = Some(DeskNotice::Revoked);
            record(desk, Change::SessionsRevoked)
        }
        Err(error) => {
            let effects = record(
                desk,
                Change::RevokeFailed {
                    error: error.to_string(),
                },
            );
            desk.notice = Some(DeskNotice::Failed {
                op: DeskOp::Revoke,
                error,
            });
            effects
        }
    }
}

fn start_watch(desk: &mut Desk) -> Vec<DeskEffect> {
    let every = desk.settings.watch_every_ms;
    let deadline = desk.now.plus_ms(desk.settings.watch_timeout_ms);
    let req = desk.next_req();
    let Some(case) = desk.case.as_mut() else {
        return Vec::new();
    };
    case.watch = Some(Watch {
        req,
        known: case.methods().iter().map(|m| m.id.clone()).collect(),
        deadline,
        found: Vec::new(),
        last_error: None,
        timed_out: false,
    });
    desk.screen = DeskScreen::Watch;
    vec![DeskEffect::Watch {
        req,
        caller: case.caller.clone(),
        every_ms: every,
    }]
}

fn on_watched(desk: &mut Desk, req: ReqId, answer: Answer<CallerState>) -> Vec<DeskEffect> {
    let Some(case) = desk.case.as_mut() else {
        return Vec::new();
    };
    let Some(watch) = case.watch.as_mut() else {
        return Vec::new();
    };
    if watch.req != req || !watch.found.is_empty() || watch.timed_out {
        return Vec::new();
    }
    match answer {
        Ok(state) => {
            watch.last_error = None;
            // Only a method that works for sign-in counts as registered:
            // one still being added (`state.adding`) or switched off is not.
            let found: Vec<Method> = state
                .methods
                .iter()
                .filter(|m| {
                    !watch.known.contains(&m.id) && m.kind.is_sign_in_factor() && m.used_for.sign_in
                })
                .cloned()
                .collect();
            if !found.is_empty() {
                watch.found = found.clone();
            }
            take_state(case, state, desk.wall);
            if found.is_empty() {
                return Vec::new();
            }
            let mut effects = vec![DeskEffect::StopWatch];
            for m in found {
                effects.extend(record(
                    desk,
                    Change::NewMethodSeen {
                        kind: m.kind,
                        label: m.label,
                    },
                ));
            }
            effects
        }
        Err(error) => {
            // The poller keeps going; the screen says the last try failed.
            watch.last_error = Some(error);
            Vec::new()
        }
    }
}

fn watch(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
    match action {
        Action::SimCaller => match desk.case.as_ref() {
            Some(case) => vec![DeskEffect::SimulateCaller {
                caller: case.caller.clone(),
            }],
            None => Vec::new(),
        },
        Action::Next | Action::Back => {
            let Some(case) = desk.case.as_mut() else {
                return Vec::new();
            };
            let open = case
                .watch
                .as_ref()
                .is_some_and(|w| w.found.is_empty() && !w.timed_out);
            case.watch = None;
            desk.screen = DeskScreen::Account;
            let mut effects = Vec::new();
            if open {
                effects.push(DeskEffect::StopWatch);
            }
            effects
        }
        Action::FinishCall => {
            desk.screen = DeskScreen::Confirm(Pending::Finish);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn finish(desk: &mut Desk) -> Vec<DeskEffect> {
    let mut effects = Vec::new();
    if desk.case.as_ref().and_then(|c| c.watch.as_ref()).is_some() {
        effects.push(DeskEffect::StopWatch);
    }
    let Some(case) = desk.case.as_mut() else {
        return effects;
    };
    case.watch = None;
    case.reset_queue.clear();
    if case.closed.is_none() {
        case.closed = Some(desk.wall);
        effects.extend(record(desk, Change::CaseClosed));
        // What is registered now, read now: the summary must not pass off
        // an old read as current. The save follows the answer.
        effects.extend(load(desk));
        if let Some(case) = desk.case.as_mut() {
            case.closing = true;
        }
    }
    desk.screen = DeskScreen::Summary;
    effects
}

fn summary_screen(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
    match action {
        Action::Copy => vec![DeskEffect::CopyCase],
        Action::NextCaller => {
            desk.case = None;
            desk.pending = None;
            desk.screen = DeskScreen::Lookup {
                username: String::new(),
            };
            // The last caller's details leave the screen and scrollback.
            vec![DeskEffect::WipeScreen]
        }
        _ => Vec::new(),
    }
}
