//! Steps 4 to 6: which method, which phone, and getting the app ready.

use super::chrome::busy_line;
use super::methods::kind_name;
use super::text::{lines, numbered};
use super::{View, notice, theme};
use crate::flow::{Op, Platform, Screen};
use crate::provider::{MethodKind, PushApp};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let text = match &view.flow.screen {
        Screen::AddMethod { choice } => add_method(view, *choice, area.width),
        Screen::Platform => platform(view),
        Screen::Prepare => prepare(view, area.width),
        _ => return,
    };
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
}

fn add_method(view: &View, choice: usize, width: u16) -> Vec<Line<'static>> {
    let mut text = vec![
        Line::styled(view.t("add.title").to_string(), theme::title()),
        Line::raw(view.t("add.intro").to_string()),
        Line::raw(""),
    ];
    for (i, kind) in view.flow.add_kinds().iter().enumerate() {
        let selected = i == choice;
        let style = if selected {
            theme::selected()
        } else {
            theme::strong()
        };
        text.push(Line::from(vec![
            Span::raw(if selected { " ▶ " } else { "   " }),
            Span::styled(format!(" {} ", kind_name(view, *kind)), style),
        ]));
        let pi = view.flow.settings.capabilities.push_app == PushApp::PrivacyIdeaAuthenticator;
        let about = match kind {
            MethodKind::AuthenticatorPush if pi => "add.about_pipush",
            MethodKind::AuthenticatorPush => "add.about_push",
            MethodKind::AuthenticatorCode => "add.about_code",
            _ => "add.about_other",
        };
        // Wrapped lines stay under the choice they describe.
        for line in super::text::reflow(view.t(about)) {
            text.extend(
                numbered("     ", &line, width, theme::dim())
                    .into_iter()
                    .map(|l| l.style(theme::dim())),
            );
        }
        text.push(Line::raw(""));
    }
    text
}

fn platform(view: &View) -> Vec<Line<'static>> {
    let mut text = vec![
        Line::styled(view.t("platform.title").to_string(), theme::title()),
        Line::raw(view.t("platform.intro").to_string()),
        Line::raw(""),
    ];
    let mut choices = vec![Span::raw("   ")];
    for (p, id) in [
        (Platform::IPhone, "platform.iphone"),
        (Platform::Android, "platform.android"),
    ] {
        let style = if view.flow.platform == p {
            theme::selected()
        } else {
            theme::strong()
        };
        let marker = if view.flow.platform == p {
            "▶ "
        } else {
            "  "
        };
        choices.push(Span::styled(format!("{marker}{}  ", view.t(id)), style));
        choices.push(Span::raw("    "));
    }
    text.push(Line::from(choices));
    text.push(Line::raw(""));
    text.extend(
        lines(view.t("platform.unsure"))
            .into_iter()
            .map(|l| l.style(theme::dim())),
    );
    text
}

/// The numbered steps for this phone and this kind of method.
fn prepare(view: &View, width: u16) -> Vec<Line<'static>> {
    let flow = view.flow;
    let pi = flow.settings.capabilities.push_app == PushApp::PrivacyIdeaAuthenticator;
    let (phone, steps) = match (flow.platform, flow.add_kind) {
        (Platform::IPhone, MethodKind::AuthenticatorCode) => {
            ("platform.iphone", "prepare.iphone_code")
        }
        (Platform::IPhone, _) if pi => ("platform.iphone", "prepare.iphone_pipush"),
        (Platform::IPhone, _) => ("platform.iphone", "prepare.iphone_push"),
        (Platform::Android, MethodKind::AuthenticatorCode) => {
            ("platform.android", "prepare.android_code")
        }
        (Platform::Android, _) if pi => ("platform.android", "prepare.android_pipush"),
        (Platform::Android, _) => ("platform.android", "prepare.android_push"),
    };
    let mut text = vec![
        Line::styled(
            view.f("prepare.title", &[("phone", view.t(phone))]),
            theme::title(),
        ),
        Line::raw(""),
    ];
    // Before the steps: an old entry left in the app causes the most confusion.
    text.extend(
        lines(view.t("prepare.old_entry"))
            .into_iter()
            .map(|l| l.style(theme::dim())),
    );
    text.push(Line::raw(""));
    for (n, step) in view.t(steps).lines().enumerate() {
        text.extend(numbered(
            &format!(" {:>2}. ", n + 1),
            step,
            width,
            theme::title(),
        ));
    }
    text.push(Line::raw(""));
    if let Some(busy) = busy_line(view, Op::Enroll) {
        text.push(busy);
    } else if view.flow.notice.is_some() {
        text.extend(notice::lines(view));
    } else {
        text.push(Line::styled(
            view.t("prepare.ready").to_string(),
            theme::strong(),
        ));
    }
    text
}
