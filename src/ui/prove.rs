//! Step 8: prove the new method works, by code or by approving a notification.

use super::chrome::{busy_line, spinner};
use super::text::lines;
use super::{View, notice, theme};
use crate::flow::{ApprovalState, Op, Screen};
use crate::provider::{ProviderError, PushApp};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let text = match &view.flow.screen {
        Screen::ProveCode { code, .. } => prove_code(view, code),
        Screen::ProveApproval {
            started,
            deadline,
            state,
            ..
        } => approval(
            view,
            view.flow.now.since(*started),
            deadline.since(view.flow.now),
            state,
        ),
        _ => return,
    };
    let phone = matches!(
        &view.flow.screen,
        Screen::ProveApproval {
            state: ApprovalState::Waiting | ApprovalState::Trouble(_),
            ..
        }
    ) && view.flow.settings.capabilities.simulated_phone;
    // The training phone sits under the instructions, never over them.
    let text_rows = super::text::height(&text, area.width).min(area.height);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
    if phone {
        let below = Rect {
            y: area.y.saturating_add(text_rows).saturating_add(1),
            height: area.height.saturating_sub(text_rows.saturating_add(1)),
            ..area
        };
        draw_simulated_phone(frame, view, below);
    }
}

fn prove_code(view: &View, code: &str) -> Vec<Line<'static>> {
    let issuer = view
        .flow
        .enrollment
        .as_ref()
        .map(|e| e.issuer.as_str())
        .unwrap_or_default();
    let mut text = vec![
        Line::styled(view.t("code.title").to_string(), theme::title()),
        Line::raw(view.f("code.intro", &[("issuer", issuer)])),
        Line::raw(""),
    ];
    // Six boxes, filled as the person types: `[ 1 ][ 2 ][ 3 ][   ]…`
    let mut boxes = vec![Span::raw("   ")];
    let typed: Vec<char> = code.chars().collect();
    for i in 0..6 {
        let (c, style) = match typed.get(i) {
            Some(c) => (*c, theme::field_focused()),
            None => ('·', theme::field()),
        };
        boxes.push(Span::styled(format!(" {c} "), style));
        boxes.push(Span::raw(if i == 2 { "   " } else { " " }));
    }
    text.push(Line::from(boxes));
    text.push(Line::raw(""));
    if let Some(busy) = busy_line(view, Op::CheckCode) {
        text.push(busy);
    } else if view.flow.notice.is_some() {
        text.extend(notice::lines(view));
    } else {
        text.push(Line::raw(""));
    }
    text.push(Line::raw(""));
    text.extend(
        lines(view.t("code.tips"))
            .into_iter()
            .map(|l| l.style(theme::dim())),
    );
    text
}

fn approval(
    view: &View,
    elapsed_ms: u64,
    left_ms: u64,
    state: &ApprovalState,
) -> Vec<Line<'static>> {
    let mut text = vec![
        Line::styled(view.t("approval.title").to_string(), theme::title()),
        Line::raw(""),
    ];
    match state {
        ApprovalState::Sending | ApprovalState::Waiting | ApprovalState::Trouble(_) => {
            let id = if *state == ApprovalState::Sending {
                "approval.sending"
            } else {
                "approval.waiting"
            };
            text.push(Line::from(vec![
                Span::styled(format!("{} ", spinner(view.flow)), theme::title()),
                Span::styled(view.t(id).to_string(), theme::strong()),
            ]));
            text.push(Line::raw(view.f(
                "approval.clock",
                &[
                    ("elapsed", &clock(elapsed_ms / 1000 * 1000)),
                    ("left", &clock(left_ms)),
                ],
            )));
            if let ApprovalState::Trouble(ProviderError::RateLimited { .. }) = state {
                // Throttled: still polling, slower; nothing for the person to do.
                text.extend(
                    lines(view.t("approval.less_often"))
                        .into_iter()
                        .map(|l| l.style(theme::dim())),
                );
            } else if let ApprovalState::Trouble(error) = state {
                text.push(Line::styled(
                    view.t("approval.trouble").to_string(),
                    theme::warning(),
                ));
                text.push(Line::styled(
                    super::notice::error_text(view, Op::Approval, error),
                    theme::warning(),
                ));
            }
            text.push(Line::raw(""));
            // Number matching: what to type (Microsoft) or tap (privacyIDEA)
            // in the app, large enough to read from the phone's distance.
            let pi = view.flow.settings.capabilities.push_app == PushApp::PrivacyIdeaAuthenticator;
            let steps = match &view.flow.approval_number {
                Some(number) if *state != ApprovalState::Sending => {
                    let (title, steps) = if pi {
                        ("approval.presence_title", "approval.steps_presence")
                    } else {
                        ("approval.number_title", "approval.steps_number")
                    };
                    text.push(Line::from(vec![
                        Span::styled(view.t(title).to_string(), theme::strong()),
                        Span::styled(format!("  {number}  "), theme::selected()),
                    ]));
                    // "Type the number first" belongs right under the number.
                    if view.flow.notice.is_some() {
                        text.extend(notice::lines(view));
                    }
                    text.push(Line::raw(""));
                    steps
                }
                _ if pi => "approval.steps_pi",
                _ => "approval.steps",
            };
            text.extend(lines(view.t(steps)));
            text.push(Line::raw(""));
            text.extend(
                lines(view.t("approval.no_notification"))
                    .into_iter()
                    .map(|l| l.style(theme::dim())),
            );
        }
        ApprovalState::Denied => {
            // With number matching, a wrong number is a denial too.
            let id = if view.flow.approval_number.is_some() {
                "approval.denied_number"
            } else {
                "approval.denied"
            };
            text.push(Line::styled(view.t(id).to_string(), theme::error()));
            text.extend(lines(view.t("approval.denied_next")));
        }
        ApprovalState::TimedOut => {
            text.push(Line::styled(
                view.t("approval.timed_out").to_string(),
                theme::error(),
            ));
            text.extend(lines(view.t("approval.timed_out_next")));
        }
        ApprovalState::Failed(error) => {
            text.push(Line::styled(
                super::notice::error_text(view, Op::Approval, error),
                theme::error(),
            ));
            text.extend(lines(view.t("approval.failed_next")));
        }
    }
    text
}

/// A box in the corner that stands for the phone, so nobody mistakes the
/// training keys for something a real phone would show.
fn draw_simulated_phone(frame: &mut Frame, view: &View, area: Rect) {
    let number = view.flow.approval_number.is_some();
    let width = 40u16;
    let height = 6u16;
    if area.width < width || area.height < height {
        return;
    }
    let rect = Rect {
        width,
        height,
        ..area
    };
    // With number matching, Microsoft Authenticator's own question and its
    // number field take the place of the plain prompt (the box fits 80×24).
    let mut text = if number {
        let typed = &view.flow.phone_typed;
        vec![
            Line::raw(view.t("approval.sim_number").to_string()),
            Line::from(vec![
                Span::raw("  "),
                Span::styled(format!(" {typed:_<2} "), theme::selected()),
            ]),
        ]
    } else {
        vec![
            Line::raw(view.t("approval.sim_prompt").to_string()),
            Line::raw(""),
        ]
    };
    text.extend([
        Line::from(vec![
            Span::styled(" a ", theme::key()),
            Span::raw(format!(" {}", view.t("key.sim_approve"))),
        ]),
        Line::from(vec![
            Span::styled(" d ", theme::key()),
            Span::raw(format!(" {}", view.t("key.sim_deny"))),
        ]),
    ]);
    frame.render_widget(
        Paragraph::new(text).block(
            Block::bordered()
                .border_style(theme::warning())
                .padding(ratatui::widgets::Padding::horizontal(1))
                .title(Span::styled(
                    format!(" {} ", view.t("approval.sim_title")),
                    theme::training(),
                )),
        ),
        rect,
    );
}

/// `1:05` from milliseconds, rounding up so a countdown ends at 0:00 exactly when due.
pub fn clock(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    format!("{}:{:02}", secs / 60, secs % 60)
}
