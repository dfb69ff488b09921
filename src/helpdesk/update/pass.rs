//! Issuing a Temporary Access Pass and showing it.

use super::*;

pub(super) fn issue(
    desk: &mut Desk,
    action: Action,
    lifetime: usize,
    one_time: bool,
) -> Vec<DeskEffect> {
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

pub(super) fn on_pass(desk: &mut Desk, req: ReqId, answer: Answer<NewPass>) -> Vec<DeskEffect> {
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
