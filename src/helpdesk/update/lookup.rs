//! Finding the caller: the username typed, the account found, and its first
//! state read.

use super::*;

pub(super) fn lookup(desk: &mut Desk, action: Action, username: &str) -> Vec<DeskEffect> {
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

pub(super) fn on_looked_up(desk: &mut Desk, req: ReqId, answer: Answer<Caller>) -> Vec<DeskEffect> {
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

pub(super) fn on_state(
    desk: &mut Desk,
    req: ReqId,
    answer: Answer<CallerState>,
) -> Vec<DeskEffect> {
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
pub(super) fn take_state(case: &mut Case, state: CallerState, wall: u64) {
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
