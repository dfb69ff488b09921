//! Typing the phone number the caller reads out, and its type. The script
//! beside it says what to ask.

use super::account::split;
use super::{DeskView, frame::status, script};
use crate::helpdesk::DeskScreen;
use crate::provider::phone::{PhoneNumberError, PhoneType};
use crate::ui::text::lines;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let DeskScreen::AddPhone { number, phone_type } = &view.desk.screen else {
        return;
    };
    let (main, side) = split(area, view);
    script::draw(frame, view, side);
    let name = view.caller_name();
    let mut text = vec![
        Line::styled(
            view.f("desk.phone_title", &[("name", &name)]),
            theme::title(),
        ),
        Line::raw(""),
    ];
    text.extend(lines(view.t("desk.phone_intro")));
    text.push(Line::raw(""));
    let mut types = vec![Span::styled(
        format!("{}  ", view.t("desk.phone_type")),
        theme::strong(),
    )];
    for t in PhoneType::ALL {
        let style = if t == *phone_type {
            theme::selected()
        } else {
            theme::dim()
        };
        types.push(Span::styled(format!(" {} ", view.t(type_id(t))), style));
        types.push(Span::raw(" "));
    }
    text.push(Line::from(types));
    text.push(Line::raw(""));
    text.push(Line::from(vec![
        Span::styled(
            format!("{}  ", view.t("desk.phone_number")),
            theme::strong(),
        ),
        Span::styled(format!("{number}▏"), theme::field_focused()),
    ]));
    text.push(Line::styled(
        view.t("desk.phone_example").to_string(),
        theme::dim(),
    ));
    text.push(Line::raw(""));
    text.extend(status(view));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), main);
}

pub fn type_id(t: PhoneType) -> &'static str {
    match t {
        PhoneType::Mobile => "desk.phone_mobile",
        PhoneType::AlternateMobile => "desk.phone_alternate",
        PhoneType::Office => "desk.phone_office",
    }
}

/// Why a typed number cannot be sent, as a text id.
pub fn error_id(why: PhoneNumberError) -> &'static str {
    match why {
        PhoneNumberError::NoCountryCode => "desk.phone_err_country",
        PhoneNumberError::NoSpaceAfterCountryCode => "desk.phone_err_space",
        PhoneNumberError::NotADigit => "desk.phone_err_digit",
        PhoneNumberError::TooShort => "desk.phone_err_short",
        PhoneNumberError::TooLong => "desk.phone_err_long",
        PhoneNumberError::BadExtension => "desk.phone_err_extension",
    }
}
