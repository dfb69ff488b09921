//! Closing the case and its summary.

use super::*;

pub(super) fn finish(desk: &mut Desk) -> Vec<DeskEffect> {
    let mut effects = Vec::new();
    if desk.case.as_ref().and_then(|c| c.watch.as_ref()).is_some() {
        effects.push(DeskEffect::StopWatch);
    }
    let Some(case) = desk.case.as_mut() else {
        return effects;
    };
    case.watch = None;
    case.reset_queue.clear();
    if case.closed.is_none() {
        case.closed = Some(desk.wall);
        effects.extend(record(desk, Change::CaseClosed));
        // What is registered now, read now: the summary must not pass off
        // an old read as current. The save follows the answer.
        effects.extend(load(desk));
        if let Some(case) = desk.case.as_mut() {
            case.closing = true;
        }
    }
    desk.screen = DeskScreen::Summary;
    effects
}

pub(super) fn summary_screen(desk: &mut Desk, action: Action) -> Vec<DeskEffect> {
    match action {
        Action::Copy => vec![DeskEffect::CopyCase],
        Action::NextCaller => {
            desk.case = None;
            desk.pending = None;
            desk.screen = DeskScreen::Lookup {
                username: String::new(),
            };
            // The last caller's details leave the screen and scrollback.
            vec![DeskEffect::WipeScreen]
        }
        _ => Vec::new(),
    }
}
