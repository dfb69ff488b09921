//! Welcome: choosing how to sign in.

use super::*;

pub(super) fn welcome(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Next if flow.settings.capabilities.sign_in == SignInKind::DeviceCode => {
            return start_device_sign_in(flow);
        }
        Action::Next => {
            flow.notice = None;
            flow.screen = Screen::SignIn {
                username: String::new(),
                pass: Secret::empty(),
                field: Field::Username,
                reveal: false,
            };
        }
        Action::Language => {
            let n = flow.settings.languages.len().max(1);
            flow.lang = (flow.lang + 1) % n;
        }
        _ => {}
    }
    Vec::new()
}
