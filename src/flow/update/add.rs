//! Adding a method: which kind, which phone, and starting the enrollment.

use super::*;

pub(super) fn add_method(flow: &mut Flow, action: Action, choice: usize) -> Vec<Effect> {
    let kinds = flow.add_kinds();
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

pub(super) fn platform(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Up => flow.platform = Platform::IPhone,
        Action::Down => flow.platform = Platform::Android,
        Action::Next => flow.screen = Screen::Prepare,
        Action::Back => {
            let choice = flow
                .add_kinds()
                .iter()
                .position(|k| *k == flow.add_kind)
                .unwrap_or(0);
            flow.screen = Screen::AddMethod { choice };
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn prepare(flow: &mut Flow, action: Action) -> Vec<Effect> {
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

pub(super) fn on_enrollment(
    flow: &mut Flow,
    req: ReqId,
    answer: Answer<Enrollment>,
) -> Vec<Effect> {
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
