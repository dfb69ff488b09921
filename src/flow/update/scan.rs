//! The QR code on screen, and watching for the phone to register.

use super::*;

pub(super) fn scan(flow: &mut Flow, action: Action, manual: bool) -> Vec<Effect> {
    let Some(enrollment) = flow.enrollment.clone() else {
        return Vec::new();
    };
    match action {
        Action::CantScan => flow.screen = Screen::Scan { manual: !manual },
        Action::Next if flow.device.is_some() => {
            // The phone registers itself; Enter cannot make it, but it says
            // the person has scanned, so the answer is most likely now: the
            // watch polls fast again. After a timeout or failure it starts
            // watching again.
            let open = flow.device.as_ref().is_some_and(|d| d.state.is_open());
            if open {
                flow.notice = Some(Notice::NotRegisteredYet);
                return vec![Effect::HurryPolling];
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

pub(super) fn watch_registration(flow: &mut Flow, enrollment_id: &str, wait: Wait) -> Vec<Effect> {
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
pub(super) fn on_registration(flow: &mut Flow, req: ReqId, answer: Answer<bool>) -> Vec<Effect> {
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
