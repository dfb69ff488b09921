//! Signing in with a username and a Temporary Access Pass.

use super::*;

pub(super) fn sign_in(flow: &mut Flow, action: Action) -> Vec<Effect> {
    let Screen::SignIn {
        username,
        pass,
        field,
        reveal,
    } = &mut flow.screen
    else {
        return Vec::new();
    };
    match action {
        Action::NextField | Action::PrevField => {
            *field = match field {
                Field::Username => Field::Pass,
                Field::Pass => Field::Username,
            };
        }
        Action::Reveal => *reveal = !*reveal,
        Action::Erase => {
            match field {
                Field::Username => {
                    username.pop();
                }
                Field::Pass => {
                    pass.pop();
                }
            }
            flow.notice = None;
        }
        Action::Back => {
            let was_pending = flow.pending.take().is_some();
            flow.notice = None;
            flow.screen = Screen::Welcome;
            if was_pending {
                return vec![Effect::CancelRequests];
            }
        }
        Action::Next => {
            let name = username.trim().to_string();
            if name.is_empty() {
                *field = Field::Username;
                flow.notice = Some(Notice::EmptyField(Field::Username));
            } else if pass.is_empty() {
                // Enter on the username is "go to the pass", not an error.
                if *field == Field::Pass {
                    flow.notice = Some(Notice::EmptyField(Field::Pass));
                }
                *field = Field::Pass;
            } else {
                let pass = pass.clone();
                flow.notice = None;
                let req = start(flow, Op::SignIn);
                return vec![Effect::SignIn {
                    req,
                    username: name,
                    pass,
                }];
            }
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn on_signed_in(flow: &mut Flow, req: ReqId, answer: Answer<Account>) -> Vec<Effect> {
    if !take_pending(flow, req, Op::SignIn) {
        // The driver signs a stray session out itself (see `Flow::awaits`).
        return Vec::new();
    }
    match answer {
        Ok(account) => {
            flow.account = Some(account);
            flow.help_open = false;
            flow.screen = Screen::Methods;
            flow.notice = None;
            flow.added.clear();
            load_methods(flow)
        }
        Err(error) => {
            if let Screen::SignIn { pass, field, .. } = &mut flow.screen {
                pass.clear();
                *field = Field::Pass;
            }
            if let Screen::DeviceSignIn { code } = &mut flow.screen {
                *code = None;
            }
            flow.notice = Some(Notice::Failed {
                op: Op::SignIn,
                error,
            });
            Vec::new()
        }
    }
}
