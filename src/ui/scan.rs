//! Step 7: the QR code, or the key to type when a camera cannot scan it.

use super::chrome::spinner;
use super::prove::clock;
use super::qr::QrWidget;
use super::{View, theme};
use crate::flow::{DeviceState, Op, Screen};
use crate::provider::{Confirm, Enrollment, ProviderError};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Narrowest column worth putting the instructions in beside the QR.
const SIDE_TEXT_MIN: u16 = 30;

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let (Screen::Scan { manual }, Some(enrollment)) =
        (&view.flow.screen, view.flow.enrollment.as_ref())
    else {
        return;
    };
    if *manual {
        draw_manual(frame, view, enrollment, area);
        return;
    }
    let intro = if view.flow.device.is_some() {
        "scan.intro_auto"
    } else {
        "scan.intro"
    };
    let heading = vec![
        Line::styled(view.t("scan.title").to_string(), theme::title()),
        Line::raw(view.t(intro).to_string()),
    ];
    let rows = super::text::height(&heading, area.width);
    let [title, body] =
        Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(heading).wrap(Wrap { trim: false }), title);
    let Some(matrix) = view.qr else {
        // Encoding failed (payload too long): the key still works.
        draw_manual(frame, view, enrollment, area);
        return;
    };
    let widget = QrWidget::new(matrix)
        .style(view.qr_style)
        .inverted(view.qr_invert);
    let (qr_w, qr_h) = widget.size();
    if !widget.fits(body) {
        let screen = frame.area();
        // Never ask for a narrower window than this one.
        let need_w = qr_w
            .saturating_add(screen.width.saturating_sub(area.width))
            .max(screen.width);
        let need_h = qr_h.saturating_add(screen.height.saturating_sub(body.height));
        // Never offer a key to type when there is none (push registrations).
        let id = if enrollment.manual_key.is_empty() {
            "scan.too_small_scan_only"
        } else {
            "scan.too_small"
        };
        let text = view.f(
            id,
            &[
                ("w", &screen.width.to_string()),
                ("h", &screen.height.to_string()),
                ("need_w", &need_w.to_string()),
                ("need_h", &need_h.to_string()),
            ],
        );
        frame.render_widget(
            Paragraph::new(super::text::hanging(&text, body.width))
                .style(theme::warning())
                .wrap(Wrap { trim: false }),
            body,
        );
        return;
    }
    let [qr_area, side] = Layout::horizontal([Constraint::Length(qr_w), Constraint::Min(0)])
        .spacing(2)
        .areas(body);
    frame.render_widget(widget, qr_area);
    if side.width >= SIDE_TEXT_MIN {
        let mut text: Vec<Line> = Vec::new();
        let app = view.flow.settings.capabilities.push_app.name();
        let steps = view.f(steps_id(enrollment), &[("app", app)]);
        for (n, step) in steps.lines().enumerate() {
            text.extend(super::text::numbered(
                &format!("{}. ", n + 1),
                step,
                side.width,
                theme::title(),
            ));
            text.push(Line::raw(""));
        }
        text.extend(device_status(view));
        if view.flow.notice.is_some() {
            text.extend(super::notice::lines(view));
            text.push(Line::raw(""));
        }
        let hint = if enrollment.manual_key.is_empty() {
            "scan.cant_scan_hint_scan_only"
        } else {
            "scan.cant_scan_hint"
        };
        text.extend(
            super::text::lines(view.t(hint))
                .into_iter()
                .map(|l| l.style(theme::dim())),
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), side);
    }
}

fn steps_id(enrollment: &Enrollment) -> &'static str {
    match (enrollment.confirm, enrollment.registration.is_some()) {
        (Confirm::Appears, _) => "scan.steps_appears",
        (Confirm::Approval { .. }, true) => "scan.steps_push_auto",
        (Confirm::Code { .. }, _) => "scan.steps_code",
        (Confirm::Approval { .. }, false) => "scan.steps_push",
    }
}

/// While the phone registers itself: what we are waiting for, or what went wrong.
fn device_status(view: &View) -> Vec<Line<'static>> {
    let Some(watch) = &view.flow.device else {
        return Vec::new();
    };
    let now = view.flow.now;
    let mut text = Vec::new();
    match &watch.state {
        DeviceState::Waiting | DeviceState::Trouble(_) => {
            text.push(Line::from(vec![
                Span::styled(format!("{} ", spinner(view.flow)), theme::title()),
                Span::styled(view.t("scan.watching").to_string(), theme::strong()),
            ]));
            text.push(Line::raw(view.f(
                "scan.watch_clock",
                &[("left", &clock(watch.deadline.since(now)))],
            )));
            if let DeviceState::Trouble(ProviderError::RateLimited { .. }) = &watch.state {
                // Throttled: the watch goes on, slower; nothing for the person to do.
                text.extend(
                    super::text::lines(view.t("approval.less_often"))
                        .into_iter()
                        .map(|l| l.style(theme::dim())),
                );
            } else if let DeviceState::Trouble(error) = &watch.state {
                text.push(Line::styled(
                    view.t("approval.trouble").to_string(),
                    theme::warning(),
                ));
                text.push(Line::styled(
                    super::notice::error_text(view, Op::Enroll, error),
                    theme::warning(),
                ));
            }
        }
        DeviceState::TimedOut => {
            text.extend(
                super::text::lines(view.t("scan.watch_timed_out"))
                    .into_iter()
                    .map(|l| l.style(theme::warning())),
            );
        }
        DeviceState::Failed(error) => {
            text.push(Line::styled(
                super::notice::error_text(view, Op::Enroll, error),
                theme::error(),
            ));
            text.push(Line::raw(view.t("scan.watch_failed_next").to_string()));
        }
    }
    text.push(Line::raw(""));
    text
}

fn draw_manual(frame: &mut Frame, view: &View, enrollment: &Enrollment, area: Rect) {
    let field = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("  {label:<16}"), theme::dim()),
            Span::styled(value, theme::strong()),
        ])
    };
    if enrollment.manual_key.is_empty() {
        // Push registrations carry keys no person can type: scan or nothing.
        let mut text = vec![Line::styled(
            view.t("manual.title_scan_only").to_string(),
            theme::title(),
        )];
        text.extend(super::text::lines(view.t("manual.scan_only")));
        text.push(Line::raw(""));
        text.extend(device_status(view));
        text.extend(super::notice::lines(view));
        text.push(Line::styled(
            view.t("manual.back_hint").to_string(),
            theme::dim(),
        ));
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
        return;
    }
    let mut text = vec![
        Line::styled(view.t("manual.title").to_string(), theme::title()),
        Line::raw(view.t("manual.intro").to_string()),
        Line::raw(""),
        field(
            view.t("manual.key"),
            group_by_four(enrollment.manual_key.expose()),
        ),
        field(view.t("manual.account"), enrollment.account_name.clone()),
        field(view.t("manual.issuer"), enrollment.issuer.clone()),
        field(
            view.t("manual.type"),
            view.t("manual.time_based").to_string(),
        ),
        Line::raw(""),
    ];
    text.extend(super::text::lines(view.t("manual.steps")));
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.t("manual.back_hint").to_string(),
        theme::dim(),
    ));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
}

/// `JBSW Y3DP EHPK 3PXP`: easier to read aloud and to type on a phone.
pub fn group_by_four(key: &str) -> String {
    let chars: Vec<char> = key.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_of_four() {
        assert_eq!(
            super::group_by_four("JBSWY3DPEHPK3PXPAB"),
            "JBSW Y3DP EHPK 3PXP AB"
        );
        assert_eq!(super::group_by_four(""), "");
    }
}
