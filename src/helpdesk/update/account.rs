//! The caller's account: what the agent may change from it, and the gates
//! (checklist, administrative rights) in front of every change.

use super::*;

/// Deletes and passes are refused for callers with administrative rights,
/// and for callers whose rights could not be read, unless the organisation
/// allows it. The refusal is shown and audited.
pub(super) fn privilege_refusal(desk: &mut Desk, what: &str) -> Option<Vec<DeskEffect>> {
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
pub(super) fn gate(desk: &mut Desk) -> bool {
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

pub(super) fn account(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
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
        Action::AddPhone => super::phone::open(desk),
        Action::Watch => start_watch(desk),
        Action::OldPhone => {
            use crate::flow::OldPhone;
            // Not asked yet, the usual answer first; then it flips.
            case.old_phone = Some(match case.old_phone {
                Some(OldPhone::Lost) => OldPhone::AtHand,
                None | Some(OldPhone::AtHand) => OldPhone::Lost,
            });
            Vec::new()
        }
        Action::FinishCall => {
            desk.screen = DeskScreen::Confirm(Pending::Finish);
            Vec::new()
        }
        _ => Vec::new(),
    }
}
