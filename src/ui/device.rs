//! Step 2 when the provider signs people in on their phone (OAuth device
//! code, Entra ID): a QR of the sign-in page, the code to type there, and a
//! spinner while we wait for them to finish.

use super::chrome::spinner;
use super::prove::clock;
use super::qr::QrWidget;
use super::text::{lines, numbered};
use super::{View, notice, theme};
use crate::flow::{DeviceCodeShown, Op, Screen};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Narrowest column worth putting the steps in beside the QR.
const SIDE_TEXT_MIN: u16 = 34;

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let Screen::DeviceSignIn { code } = &view.flow.screen else {
        return;
    };
    let mut heading = vec![Line::styled(
        view.t("device.title").to_string(),
        theme::title(),
    )];
    heading.extend(lines(view.t("device.intro")));
    heading.push(Line::raw(""));
    let Some(code) = code else {
        // Fetching the codes, or they failed: say which, and what next.
        if view.flow.is_busy(Op::SignIn) {
            heading.push(Line::from(vec![
                Span::styled(format!("{} ", spinner(view.flow)), theme::title()),
                Span::raw(view.t("device.fetching").to_string()),
            ]));
        } else {
            heading.extend(notice::lines(view));
            heading.push(Line::raw(""));
            heading.push(Line::raw(view.t("device.again").to_string()));
        }
        frame.render_widget(Paragraph::new(heading).wrap(Wrap { trim: false }), area);
        return;
    };

    let rows = super::text::height(&heading, area.width);
    let [top, body] = Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(heading).wrap(Wrap { trim: false }), top);

    // The QR only opens the sign-in page, so it is a convenience: drawn when
    // it fits beside the steps, left out (never clipped) when it does not.
    let qr = view
        .qr
        .map(|m| {
            QrWidget::new(m)
                .style(view.qr_style)
                .inverted(view.qr_invert)
        })
        .filter(|w| w.fits(body) && body.width >= w.size().0 + 2 + SIDE_TEXT_MIN);
    let with_qr = qr.is_some();
    let text_area = match qr {
        Some(widget) => {
            let [qr_area, side] =
                Layout::horizontal([Constraint::Length(widget.size().0), Constraint::Min(0)])
                    .spacing(2)
                    .areas(body);
            frame.render_widget(widget, qr_area);
            side
        }
        None => body,
    };
    let steps = steps(view, code, with_qr, text_area.width);
    frame.render_widget(Paragraph::new(steps).wrap(Wrap { trim: false }), text_area);
}

/// The numbered steps, wrapped with hanging indents at `width`, then the
/// code, the spinner and the expiry.
fn steps(view: &View, code: &DeviceCodeShown, with_qr: bool, width: u16) -> Vec<Line<'static>> {
    let mut steps: Vec<Line> = Vec::new();
    // Without a QR on screen, the steps must not tell anyone to scan one.
    let id = if with_qr {
        "device.steps"
    } else {
        "device.steps_no_qr"
    };
    let texts = view.f(
        id,
        &[("uri", &code.verification_uri), ("code", &code.user_code)],
    );
    for (n, step) in texts.lines().enumerate() {
        steps.extend(numbered(
            &format!("{}. ", n + 1),
            step,
            width,
            theme::title(),
        ));
    }
    steps.push(Line::raw(""));
    steps.push(Line::from(vec![
        Span::raw(format!("{}  ", view.t("device.code_label"))),
        Span::styled(format!(" {} ", code.user_code), theme::selected()),
    ]));
    steps.push(Line::raw(""));
    steps.push(Line::from(vec![
        Span::styled(format!("{} ", spinner(view.flow)), theme::title()),
        Span::raw(view.t("device.waiting").to_string()),
    ]));
    steps.push(Line::raw(view.f(
        "device.expires",
        &[("left", &clock(code.expires_at.since(view.flow.now)))],
    )));

    steps
}
