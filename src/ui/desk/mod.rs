//! Helpdesk views: pure functions from the desk to a frame.

mod account;
mod checks;
mod confirm;
mod frame;
mod lookup;
mod pass;
mod phone;
pub mod plain;
mod privileged;
mod script;
mod summary;
mod watch;

use super::Branding;
use crate::guide::Guide;
use crate::helpdesk::{Desk, DeskScreen};
use ratatui::Frame;

/// Everything a helpdesk frame is drawn from.
pub struct DeskView<'a> {
    pub desk: &'a Desk,
    pub guide: &'a Guide,
    pub branding: &'a Branding,
}

impl DeskView<'_> {
    /// A text in the agent's language.
    pub fn t(&self, id: &'static str) -> &str {
        self.guide.text(self.desk.language(), id)
    }

    pub fn f(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.guide.fill(self.desk.language(), id, args)
    }

    /// The caller's full name, as the agent's sentences name them.
    pub fn caller_name(&self) -> String {
        self.desk
            .case
            .as_ref()
            .map(|c| c.caller.display_name.clone())
            .unwrap_or_default()
    }
}

pub fn draw(frame: &mut Frame, view: &DeskView) {
    let area = frame.area();
    if area.width < super::MIN_WIDTH || area.height < super::MIN_HEIGHT {
        frame::too_small(frame, view, area);
        return;
    }
    let body = frame::frame(frame, view, area);
    draw_screen(frame, view, body);
    if view.desk.help_open {
        frame::help(frame, view, area);
    }
}

/// The screen itself, without header, footer or help.
fn draw_screen(frame: &mut Frame, view: &DeskView, body: ratatui::layout::Rect) {
    match &view.desk.screen {
        DeskScreen::Lookup { .. } => lookup::draw(frame, view, body),
        DeskScreen::Account => account::draw(frame, view, body),
        DeskScreen::Checks { .. } | DeskScreen::Escalate => checks::draw(frame, view, body),
        DeskScreen::IssuePass { .. } | DeskScreen::PassShown { .. } => {
            pass::draw(frame, view, body)
        }
        DeskScreen::AddPhone { .. } => phone::draw(frame, view, body),
        DeskScreen::Confirm(_) => confirm::draw(frame, view, body),
        DeskScreen::Privileged => privileged::draw(frame, view, body),
        DeskScreen::Watch => watch::draw(frame, view, body),
        DeskScreen::Summary => summary::draw(frame, view, body),
    }
}
