//! The identity checklist, and where it goes when the caller cannot be
//! verified.

use super::*;

pub(super) fn checks(desk: &mut Desk, action: Action, cursor: usize) -> Vec<DeskEffect> {
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
pub(super) fn cannot_verify(desk: &mut Desk) -> Vec<DeskEffect> {
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

pub(super) fn escalate(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
    match action {
        Action::FinishCall | Action::Next => finish(desk),
        Action::Back => {
            desk.screen = DeskScreen::Account;
            Vec::new()
        }
        _ => Vec::new(),
    }
}
