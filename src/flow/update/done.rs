//! Done: the countdown to signing out.

use super::*;

pub(super) fn finish(flow: &mut Flow) {
    flow.notice = None;
    flow.screen = Screen::Done {
        sign_out_at: flow.now.plus_ms(flow.settings.done_countdown_ms),
    };
}

pub(super) fn done(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Finish => sign_out(flow, None),
        Action::BackToMethods => {
            flow.screen = Screen::Methods;
            Vec::new()
        }
        _ => Vec::new(),
    }
}
