//! Every agent screen as plain lines for the plain surface, from the same
//! views drawn off-screen: a header line, the screen, the keys, a prompt.

use super::{DeskView, frame};
use crate::driver::plain::extract::render;
use crate::driver::plain::{Echo, Page, Prompt};
use crate::helpdesk::{Desk, DeskScreen, Verification};
use crate::ui::plain::{WIDTH, keys_line};

/// Tall enough that no view has to leave anything out.
const HEIGHT: u16 = 160;

pub fn page(view: &DeskView) -> Page {
    let desk = view.desk;
    let plain_desk = without_typing(desk);
    let plain = DeskView {
        desk: &plain_desk,
        ..*view
    };
    let context = desk.context();
    let key = format!("{context:?}/{}", desk.language());
    let got = if desk.help_open {
        render(WIDTH, HEIGHT, |f| frame::help(f, &plain, f.area()))
    } else {
        render(WIDTH, HEIGHT, |f| {
            let area = f.area();
            super::draw_screen(f, &plain, area);
        })
    };
    let mut lines = Vec::new();
    if !desk.help_open {
        lines.push(header(view));
    }
    lines.extend(got.lines);
    let prompt = match &desk.screen {
        DeskScreen::Lookup { username } if !desk.help_open => Prompt {
            label: format!("{}:", view.t("desk.username").trim_end_matches(':')),
            echo: Echo::Text(username.clone()),
        },
        _ => Prompt {
            label: view.t("plain.prompt").to_string(),
            echo: Echo::None,
        },
    };
    Page {
        key,
        lines,
        focus: got.focus,
        keys: keys_line(
            view.t("plain.keys"),
            context,
            |a| desk.action_available(a),
            |b| view.t(b.label).to_string(),
        ),
        // Leaving the new pass wipes the screen and scrollback: the desk
        // asks for that (`DeskEffect::WipeScreen`), whatever the surface.
        prompt,
        // The desk's waits say their time in the list, not as a countdown.
        countdown: None,
    }
}

/// `HELPDESK: Ada Lovelace (ada), identity not verified (training)`.
fn header(view: &DeskView) -> String {
    let desk = view.desk;
    let mut text = view.t("desk.mode").to_string();
    if let Some(case) = &desk.case {
        text.push_str(&format!(
            ": {} ({})",
            case.caller.display_name, case.caller.username
        ));
        let state = match &case.verification {
            Verification::NotYet => view.t("desk.id_not_verified"),
            Verification::Passed(_) => view.t("desk.id_verified"),
            Verification::Failed => view.t("desk.id_failed"),
        };
        text.push_str(", ");
        text.push_str(state);
    }
    if desk.training() {
        text.push_str(" (");
        text.push_str(view.t("chrome.training"));
        text.push(')');
    }
    text
}

/// Typed text lives in the prompt, never in the lines.
fn without_typing(desk: &Desk) -> Desk {
    let mut plain = desk.clone();
    plain.help_open = false;
    if let DeskScreen::Lookup { username } = &mut plain.screen {
        username.clear();
    }
    plain
}
