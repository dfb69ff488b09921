//! Confirmed changes: deleting methods one at a time, and revoking a pass.

use super::*;
use crate::provider::phone::label_for_records;

pub(super) fn confirm(desk: &mut Desk, action: Action, what: Pending) -> Vec<DeskEffect> {
    match action {
        Action::Confirm if what == Pending::Finish => finish(desk),
        Action::Confirm if what == Pending::CannotVerify => cannot_verify(desk),
        Action::Cancel if what == Pending::CannotVerify => {
            desk.screen = DeskScreen::Checks { cursor: 0 };
            Vec::new()
        }
        Action::Cancel if matches!(what, Pending::AddPhone { .. }) => {
            // Back to the number, to correct it.
            if let Pending::AddPhone { number, phone_type } = what {
                desk.screen = DeskScreen::AddPhone {
                    number: number.as_str().to_string(),
                    phone_type,
                };
            }
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
                Pending::AddPhone { .. } => Some("add_phone"),
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
                Pending::AddPhone { number, phone_type } => {
                    super::phone::send(desk, caller, number, phone_type)
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

pub(super) fn on_deleted(desk: &mut Desk, req: ReqId, answer: Answer<()>) -> Vec<DeskEffect> {
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
                    label: label_for_records(method.kind, &method.label),
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
                    label: label_for_records(method.kind, &method.label),
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

pub(super) fn on_revoked(desk: &mut Desk, req: ReqId, answer: Answer<()>) -> Vec<DeskEffect> {
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
