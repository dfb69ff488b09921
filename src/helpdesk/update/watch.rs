//! Watching the account while the caller registers a new method.

use super::*;

pub(super) fn start_watch(desk: &mut Desk) -> Vec<DeskEffect> {
    let every = desk.settings.watch_every_ms;
    let deadline = desk.now.plus_ms(desk.settings.watch_timeout_ms);
    let req = desk.next_req();
    let Some(case) = desk.case.as_mut() else {
        return Vec::new();
    };
    case.watch = Some(Watch {
        req,
        started: desk.now,
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

pub(super) fn on_watched(
    desk: &mut Desk,
    req: ReqId,
    answer: Answer<CallerState>,
) -> Vec<DeskEffect> {
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
                        label: crate::provider::phone::label_for_records(m.kind, &m.label),
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

pub(super) fn watch(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
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
