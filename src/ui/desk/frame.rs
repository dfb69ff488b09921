//! What surrounds every agent screen: a header naming the caller and the
//! identity state, the keys footer, notices, and the help overlay.

use super::DeskView;
use crate::helpdesk::{DeskNotice, DeskOp, Verification};
use crate::provider::ProviderError;
use crate::ui::chrome::{header_right, key_units, too_small_with, unit_lines};
use crate::ui::help::{key_lines, show, tips_id, trouble};
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// Draws header and footer; returns the area left for the screen.
pub fn frame(frame: &mut Frame, view: &DeskView, area: Rect) -> Rect {
    let footer = footer_lines(view, area.width);
    let footer_height = u16::try_from(footer.len().clamp(1, 3)).unwrap_or(1);
    let [header, _gap, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(footer_height),
    ])
    .areas(area);
    draw_header(frame, view, header);
    frame.render_widget(Paragraph::new(footer), foot);
    body.inner(Margin::new(2, 0))
}

fn draw_header(frame: &mut Frame, view: &DeskView, area: Rect) {
    let desk = view.desk;
    let mut left = vec![
        Span::styled(" mfa-assist ", theme::title()),
        Span::styled(format!(" {} ", view.t("desk.mode")), theme::key()),
    ];
    let (state, style) = match desk.case.as_ref().map(|c| &c.verification) {
        None => (String::new(), theme::dim()),
        Some(Verification::NotYet) => {
            (view.t("desk.id_not_verified").to_string(), theme::warning())
        }
        Some(Verification::Passed(_)) => (view.t("desk.id_verified").to_string(), theme::ok()),
        Some(Verification::Failed) => (view.t("desk.id_failed").to_string(), theme::error()),
    };
    let tag = desk.training().then(|| view.t("chrome.training"));
    let (right, l, r) = header_right(area, Span::styled(state, style), tag);
    // The caller, whole: with the username when it fits, else the name alone.
    if let Some(case) = &desk.case {
        let used: usize = left.iter().map(Span::width).sum();
        let full = format!(" {} ({})", case.caller.display_name, case.caller.username);
        let short = format!(" {}", case.caller.display_name);
        let room = usize::from(l.width).saturating_sub(used);
        if let Some(who) = [full, short].into_iter().find(|w| w.width() <= room) {
            left.push(Span::styled(who, theme::strong()));
        }
    }
    frame.render_widget(Line::from(left), l);
    frame.render_widget(right, r);
}

fn footer_lines(view: &DeskView, width: u16) -> Vec<Line<'static>> {
    let desk = view.desk;
    unit_lines(
        key_units(
            desk.context(),
            |action| desk.action_available(action),
            |binding| view.t(label(view, binding)).to_string(),
        ),
        width,
    )
}

/// A binding's label in the provider's words: privacyIDEA issues a
/// registration code, as the script and the account screen call it.
fn label(view: &DeskView, binding: &crate::keymap::Binding) -> &'static str {
    match (binding.action, view.desk.settings.capabilities.pass_name) {
        (crate::keymap::Action::IssuePass, crate::provider::admin::PassName::RegistrationCode) => {
            "key.issue_code"
        }
        _ => binding.label,
    }
}

pub fn too_small(frame: &mut Frame, view: &DeskView, area: Rect) {
    too_small_with(frame, area, |id, args| view.f(id, args));
}

pub fn help(frame: &mut Frame, view: &DeskView, area: Rect) {
    let desk = view.desk;
    // The overlay lists the keys of the screen underneath it.
    let mut under = desk.clone();
    under.help_open = false;
    let screen = under.context();
    let head = vec![Line::styled(
        view.t("help.keys").to_string(),
        theme::strong(),
    )];
    let keys = key_lines(
        screen,
        |action| under.action_available(action),
        |binding| view.t(label(view, binding)).to_string(),
    );
    let tail = trouble(view.t("help.trouble"), view.t(tips_id(screen)));
    show(frame, area, [head, keys, tail], |id| view.t(id));
}

fn spinner(view: &DeskView) -> &'static str {
    let desk = view.desk;
    let since = desk.pending.map_or(desk.now.0, |p| desk.now.since(p.since));
    let i = usize::try_from(since / desk.spinner_period_ms()).unwrap_or(0) % SPINNER.len();
    SPINNER.get(i).copied().unwrap_or("*")
}

/// The line under a screen: what is in flight, else the notice.
pub fn status(view: &DeskView) -> Vec<Line<'static>> {
    let desk = view.desk;
    if let Some(p) = desk.pending {
        let id = match p.op {
            DeskOp::Lookup => "desk.busy_lookup",
            DeskOp::Load => "desk.busy_load",
            DeskOp::Delete => "desk.busy_delete",
            DeskOp::Issue => "desk.busy_issue",
            DeskOp::Revoke => "desk.busy_revoke",
            DeskOp::AddPhone => "desk.busy_phone",
        };
        // Waiting out the provider's Retry-After: say so, it is no error.
        let text = match crate::kernel::held_for(&desk.pending, &desk.held, desk.now) {
            Some(secs) => view.f("desk.busy_held", &[("secs", &secs.to_string())]),
            None => view.t(id).to_string(),
        };
        return vec![Line::from(vec![
            Span::styled(format!("{} ", spinner(view)), theme::title()),
            Span::raw(text),
        ])];
    }
    let Some(notice) = &desk.notice else {
        return Vec::new();
    };
    let (text, style) = describe(view, notice);
    text.lines()
        .map(|l| Line::styled(l.to_string(), style))
        .collect()
}

fn describe(view: &DeskView, notice: &DeskNotice) -> (String, Style) {
    let desk = view.desk;
    match notice {
        DeskNotice::Failed { op, error } => {
            let what = match op {
                DeskOp::Lookup => "desk.failed_lookup",
                DeskOp::Load => "desk.failed_load",
                DeskOp::Delete => "desk.failed_delete",
                DeskOp::Issue => "desk.failed_issue",
                DeskOp::Revoke => "desk.failed_revoke",
                DeskOp::AddPhone => "desk.failed_phone",
            };
            let why = error_words(view, error);
            (view.f(what, &[("why", &why)]), theme::error())
        }
        DeskNotice::EmptyUsername => (view.t("desk.empty_username").into(), theme::warning()),
        DeskNotice::PasteTooLong => {
            let id = if matches!(desk.screen, crate::helpdesk::DeskScreen::AddPhone { .. }) {
                "desk.phone_paste_too_long"
            } else {
                "desk.paste_too_long"
            };
            (view.t(id).into(), theme::warning())
        }
        DeskNotice::PhoneInvalid(why) => (
            view.t(super::phone::error_id(*why)).into(),
            theme::warning(),
        ),
        DeskNotice::PhoneAdded { label } => {
            (view.f("desk.phone_added", &[("label", label)]), theme::ok())
        }
        DeskNotice::VerifyFirst => (view.t("desk.verify_first").into(), theme::warning()),
        DeskNotice::VerificationFailed => (view.t("desk.locked_failed").into(), theme::error()),
        DeskNotice::NotEnoughChecks { ticked } => (
            view.f(
                "desk.not_enough_checks",
                &[
                    ("ticked", &ticked.to_string()),
                    ("required", &desk.settings.required_checks.to_string()),
                ],
            ),
            theme::warning(),
        ),
        DeskNotice::Deleted { label } => (view.f("desk.deleted", &[("label", label)]), theme::ok()),
        DeskNotice::NothingToDelete => (view.t("desk.nothing_to_delete").into(), theme::warning()),
        DeskNotice::NothingToReset => (view.t("desk.nothing_to_reset").into(), theme::warning()),
        DeskNotice::Revoked => (view.t("desk.revoked").into(), theme::ok()),
        DeskNotice::PassHidden => (view.t("desk.pass_hidden").into(), theme::ok()),
        DeskNotice::Busy => (view.t("notice.busy").into(), theme::warning()),
        DeskNotice::WatchTimedOut => (view.t("desk.watch_timed_out").into(), theme::warning()),
        DeskNotice::Copied => (view.t("desk.copied").into(), theme::ok()),
        DeskNotice::CopyFailed => (view.t("desk.copy_failed").into(), theme::warning()),
        DeskNotice::SaveFailed(why) => {
            (view.f("desk.save_failed", &[("why", why)]), theme::error())
        }
    }
}

/// Provider errors in the agent's words: what happened and what to do.
pub fn error_words(view: &DeskView, error: &ProviderError) -> String {
    match error {
        ProviderError::UnknownUser => view.t("desk.err_unknown_user").into(),
        ProviderError::NotAllowed(why) => view.f("desk.err_not_allowed", &[("why", why)]),
        ProviderError::NotFound => view.t("desk.err_not_found").into(),
        ProviderError::DefaultMethod => view.t("desk.err_default_method").into(),
        ProviderError::Conflict(why) => view.f("desk.err_conflict", &[("why", why)]),
        ProviderError::RateLimited {
            retry_after: Some(wait),
        } => view.f(
            "desk.err_rate_limited_for",
            &[("secs", &wait.as_secs().max(1).to_string())],
        ),
        ProviderError::RateLimited { retry_after: None } => view.t("desk.err_rate_limited").into(),
        ProviderError::SessionExpired | ProviderError::WrongPass { .. } => {
            view.t("desk.err_session_expired").into()
        }
        ProviderError::Server {
            status,
            code,
            reference,
        } => view.f(
            "desk.err_server",
            &[
                ("status", &status.to_string()),
                ("code", code),
                ("reference", reference.as_deref().unwrap_or("–")),
            ],
        ),
        ProviderError::Unreachable => view.t("desk.err_unreachable").into(),
        ProviderError::ServerDown => view.t("desk.err_server_down").into(),
        ProviderError::Timeout => view.t("desk.err_timeout").into(),
        ProviderError::Protocol(what) => view.f("desk.err_protocol", &[("what", what)]),
        other => other.to_string(),
    }
}
