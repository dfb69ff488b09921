//! Step 9: what is registered now, advice, and the countdown to sign-out.

use super::methods::kind_name;
use super::text::lines;
use super::{View, theme};
use crate::flow::{Op, Screen};
use crate::provider::{MethodKind, PushApp};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let flow = view.flow;
    let Screen::Done { sign_out_at } = flow.screen else {
        return;
    };
    let title = if flow.added.is_empty() {
        "done.title_nothing_added"
    } else {
        "done.title"
    };
    let mut text = vec![
        Line::styled(
            view.t(title).to_string(),
            if flow.added.is_empty() {
                theme::title()
            } else {
                theme::ok()
            },
        ),
        Line::raw(""),
        Line::styled(view.t("done.now_registered").to_string(), theme::strong()),
    ];
    if let Some(busy) = super::chrome::busy_line(view, Op::LoadMethods) {
        // The list is being refreshed with the new method: no stale advice.
        text.push(busy);
        text.push(Line::raw(""));
    } else {
        for m in &flow.methods {
            let mut line = vec![
                Span::raw(if m.is_default { "  ★ " } else { "  • " }),
                Span::raw(format!("{} — {}", kind_name(view, m.kind), m.label)),
            ];
            if flow.is_new(m) {
                line.push(Span::styled(
                    format!(" {}", view.t("methods.new")),
                    theme::ok(),
                ));
            }
            text.push(Line::from(line));
        }
        text.push(Line::raw(""));
        if flow.methods.is_empty() {
            // `a` does nothing here: say what the empty account means next time.
            text.extend(
                lines(view.t("done.no_methods"))
                    .into_iter()
                    .map(|l| l.style(theme::error())),
            );
        } else {
            text.extend(lines(&advice(view)));
        }
        if let Some(id) = default_hint(view) {
            text.extend(lines(view.t(id)));
        }
        if !flow.added.is_empty() {
            text.extend(lines(
                &view.f("done.lost_phone", &[("helpdesk", &view.branding.helpdesk)]),
            ));
        }
    }
    text.extend(
        lines(view.t("done.propagation"))
            .into_iter()
            .map(|l| l.style(theme::dim())),
    );
    text.push(Line::raw(""));
    let secs = sign_out_at.since(flow.now).div_ceil(1000);
    text.push(Line::styled(
        view.f("done.countdown", &[("secs", &secs.to_string())]),
        theme::warning(),
    ));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
}

/// The one piece of advice that matters most for what is registered now.
fn advice(view: &View) -> String {
    let flow = view.flow;
    let old_app = flow.methods.iter().find(|m| {
        !flow.is_new(m)
            && matches!(
                m.kind,
                MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode
            )
    });
    let sign_in_methods = flow
        .methods
        .iter()
        .filter(|m| m.kind.is_sign_in_factor())
        .count();
    match old_app {
        Some(m) if flow.added.is_empty() => view.f("done.nothing_added", &[("label", &m.label)]),
        Some(m) => view.f("done.old_still_there", &[("label", &m.label)]),
        None if sign_in_methods < 2 => view.t("done.advice_second").to_string(),
        None => view.t("done.advice_keep").to_string(),
    }
}

/// Where the provider cannot set the default, a proven Microsoft
/// Authenticator still is not it: the portal is the only way.
fn default_hint(view: &View) -> Option<&'static str> {
    let caps = &view.flow.settings.capabilities;
    let new_app = view.flow.methods.iter().any(|m| {
        view.flow.is_new(m)
            && matches!(
                m.kind,
                MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode
            )
    });
    (new_app && !caps.can_set_default && caps.push_app == PushApp::MicrosoftAuthenticator)
        .then_some("done.default_portal")
}
