//! Proving the new method works: a typed code or an approved notification.

use super::*;

pub(super) fn prove_code(flow: &mut Flow, action: Action) -> Vec<Effect> {
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

pub(super) fn on_code_checked(flow: &mut Flow, req: ReqId, answer: Answer<bool>) -> Vec<Effect> {
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
/// With the old phone at hand its Authenticator is still there, and now is
/// the time to delete it: back to the list with it selected, not Done.
pub(super) fn proven(flow: &mut Flow) -> Vec<Effect> {
    if let Some(e) = flow.enrollment.take() {
        flow.added.push(e.kind);
    }
    if flow.old_phone == Some(OldPhone::AtHand) && flow.old_app().is_some() {
        flow.notice = None;
        flow.screen = Screen::Methods;
        super::methods::select_old_app(flow);
    } else {
        finish(flow);
    }
    load_methods(flow)
}

pub(super) fn start_approval(
    flow: &mut Flow,
    enrollment_id: &str,
    every: Duration,
    timeout: Duration,
) -> Vec<Effect> {
    let req = flow.next_req();
    let timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
    flow.notice = None;
    flow.approval_number = None;
    flow.phone_typed.clear();
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

pub(super) fn prove_approval(flow: &mut Flow, action: Action) -> Vec<Effect> {
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
        Action::SimDeny => vec![Effect::SimulatePhone {
            enrollment_id: enrollment.id,
            action: PhoneAction::Deny,
        }],
        // With number matching the phone needs the number first, as the
        // real app does; what was typed is sent, right or wrong.
        Action::SimApprove => {
            let action = match (&flow.approval_number, flow.phone_typed.parse::<u8>()) {
                (None, _) => PhoneAction::Approve,
                (Some(_), Ok(typed)) => PhoneAction::ApproveWith(typed),
                (Some(_), Err(_)) => {
                    flow.notice = Some(Notice::TypeNumber);
                    return Vec::new();
                }
            };
            flow.notice = None;
            vec![Effect::SimulatePhone {
                enrollment_id: enrollment.id,
                action,
            }]
        }
        Action::Erase => {
            flow.phone_typed.pop();
            Vec::new()
        }
        Action::Cancel => {
            // The app has the account by now, so the QR on screen is spent
            // (privacyIDEA: the phone registered it; anywhere: a second scan
            // makes a second entry in the app). Back to the start of this
            // method instead: the unfinished method, and with it the open
            // notification, is removed, and Enter makes a fresh QR.
            flow.enrollment = None;
            flow.notice = None;
            flow.screen = Screen::Prepare;
            vec![
                Effect::StopPolling,
                Effect::CancelEnrollment {
                    enrollment_id: enrollment.id,
                },
            ]
        }
        _ => Vec::new(),
    }
}

/// The notification is out: wait for the answer, showing what to match.
pub(super) fn on_approval_sent(flow: &mut Flow, req: ReqId, number: Option<String>) -> Vec<Effect> {
    if let Screen::ProveApproval {
        req: current,
        state,
        ..
    } = &mut flow.screen
        && *current == req
        && state.is_open()
    {
        *state = ApprovalState::Waiting;
        flow.approval_number = number;
        flow.phone_typed.clear();
    }
    Vec::new()
}

pub(super) fn on_approval(flow: &mut Flow, req: ReqId, answer: Answer<Approval>) -> Vec<Effect> {
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
