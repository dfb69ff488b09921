//! Views: pure functions from the flow to a frame. They decide layout, never
//! what happens next.

mod add;
pub mod chrome;
mod delete;
pub mod desk;
mod device;
mod done;
pub mod help;
mod idle;
mod methods;
mod notice;
pub mod plain;
mod prove;
pub mod qr;
mod scan;
mod sign_in;
pub mod text;
pub mod theme;
mod welcome;

use crate::flow::{Flow, Screen};
use crate::guide::Guide;
use qr::{QrMatrix, QrStyle};
use ratatui::Frame;
use ratatui::layout::Rect;

/// Below this the screens cannot say anything useful; we ask for more room.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;

/// The organisation's own words, from the config.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Branding {
    pub org_name: String,
    pub no_pass_help: String,
    pub helpdesk: String,
}

/// Everything a frame is drawn from.
pub struct View<'a> {
    pub flow: &'a Flow,
    pub guide: &'a Guide,
    pub branding: &'a Branding,
    /// The encoded QR of the current enrollment (the driver caches it).
    pub qr: Option<&'a QrMatrix>,
    pub qr_style: QrStyle,
    pub qr_invert: bool,
}

impl View<'_> {
    /// The text `id`, in this provider's words where they differ.
    pub fn t(&self, id: &'static str) -> &str {
        self.guide
            .text_variant(self.flow.language(), id, self.wording())
    }

    pub fn f(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.guide
            .fill_variant(self.flow.language(), id, self.wording(), args)
    }

    /// privacyIDEA has its own words for the pass and none of Microsoft's
    /// portal, guest accounts or password reset.
    fn wording(&self) -> Option<&'static str> {
        self.flow
            .settings
            .capabilities
            .is_privacyidea()
            .then_some(crate::guide::PRIVACYIDEA)
    }
}

pub fn draw(frame: &mut Frame, view: &View) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        chrome::too_small(frame, view, area);
        return;
    }
    let body = chrome::frame(frame, view, area);
    draw_screen(frame, view, body);
    if view.flow.help_open {
        help::draw(frame, view, area);
    }
    idle::draw(frame, view, area);
}

fn draw_screen(frame: &mut Frame, view: &View, area: Rect) {
    match &view.flow.screen {
        Screen::Welcome => welcome::draw(frame, view, area),
        Screen::SignIn { .. } => sign_in::draw(frame, view, area),
        Screen::DeviceSignIn { .. } => device::draw(frame, view, area),
        Screen::Methods => methods::draw(frame, view, area),
        Screen::ConfirmDelete { .. } | Screen::DeleteBlocked { .. } => {
            delete::draw(frame, view, area)
        }
        Screen::AddMethod { .. } | Screen::Platform | Screen::Prepare => {
            add::draw(frame, view, area)
        }
        Screen::Scan { .. } => scan::draw(frame, view, area),
        Screen::ProveCode { .. } | Screen::ProveApproval { .. } => prove::draw(frame, view, area),
        Screen::Done { .. } => done::draw(frame, view, area),
    }
}
