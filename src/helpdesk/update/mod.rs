//! The helpdesk transition function: one event in, the new state and the
//! effects out.

use super::*;
use crate::keymap;

// One file per step, named like its view in `ui/desk/`; this file routes
// events and keys to them and holds what every step shares.
mod account;
mod checks;
mod confirm;
mod lookup;
mod pass;
mod phone;
mod summary;
mod watch;

use account::*;
use checks::*;
use confirm::*;
use lookup::*;
use pass::*;
use summary::*;
use watch::*;

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
        DeskEventKind::Held { req, wait } => {
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            crate::kernel::note_held(&desk.pending, &mut desk.held, req, desk.now, wait_ms);
            Vec::new()
        }
        DeskEventKind::PhoneAdded { req, answer } => phone::on_phone_added(desk, req, answer),
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
    let taken = crate::kernel::take_pending(&mut desk.pending, req, op);
    // "Busy" was about this request; left up, the agent waits for nothing.
    if taken && desk.notice == Some(DeskNotice::Busy) {
        desk.notice = None;
    }
    taken
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
            let (Key::Char(c), false) = (key, desk.help_open) else {
                return Vec::new();
            };
            match &mut desk.screen {
                DeskScreen::Lookup { username } => {
                    desk.notice = None;
                    if username.chars().count() < MAX_USERNAME_CHARS && !c.is_control() {
                        username.push(c);
                    }
                }
                DeskScreen::AddPhone { number, .. } => {
                    desk.notice = None;
                    phone::type_char(number, c);
                }
                _ => {}
            }
            Vec::new()
        }
    }
}

fn on_paste(desk: &mut Desk, text: &str) {
    let (field, max) = match &mut desk.screen {
        DeskScreen::Lookup { username } => (username, MAX_USERNAME_CHARS),
        DeskScreen::AddPhone { number, .. } => (number, MAX_PHONE_CHARS),
        _ => return,
    };
    let clean: String = text.trim().chars().filter(|c| !c.is_control()).collect();
    if !crate::kernel::paste_fits(field.chars().count(), &clean, max) {
        desk.notice = Some(DeskNotice::PasteTooLong);
        return;
    }
    field.push_str(&clean);
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
        DeskScreen::AddPhone { number, phone_type } => {
            phone::phone(desk, action, &number, phone_type)
        }
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
