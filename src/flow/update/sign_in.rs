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
                // A pass the server turned down is retyped from scratch; one
                // that never reached a verdict (network, server trouble) is
                // kept, so the person only presses Enter again.
                if judged_the_pass(&error) {
                    pass.clear();
                    *field = Field::Pass;
                } else if error == ProviderError::UnknownUser {
                    *field = Field::Username;
                }
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

/// The server looked at the pass and refused it: typing it again as it was
/// cannot help.
fn judged_the_pass(error: &ProviderError) -> bool {
    matches!(
        error,
        ProviderError::WrongPass { .. }
            | ProviderError::Locked
            | ProviderError::PassExpired
            | ProviderError::PassUsed
            | ProviderError::PassRejected
            | ProviderError::TooManyTries
    )
}
