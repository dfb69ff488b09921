//! Turns a notice or a provider error into words the person can act on.

use super::{View, theme};
use crate::flow::{Field, Notice, Op};
use crate::provider::ProviderError;
use ratatui::style::Style;
use ratatui::text::Line;

/// The notice of the current screen, styled by how serious it is; no
/// lines when there is none.
pub fn lines(view: &View) -> Vec<Line<'static>> {
    let Some(notice) = view.flow.notice.as_ref() else {
        return Vec::new();
    };
    let (text, style) = describe(view, notice);
    super::text::lines(&text)
        .into_iter()
        .map(|l| l.style(style))
        .collect()
}

pub fn describe(view: &View, notice: &Notice) -> (String, Style) {
    match notice {
        Notice::Failed { op, error } => (error_text(view, *op, error), theme::error()),
        Notice::EmptyField(Field::Username) => {
            (view.t("notice.empty_username").into(), theme::warning())
        }
        Notice::EmptyField(Field::Pass) => (view.t("notice.empty_pass").into(), theme::warning()),
        Notice::PasteTooLong => (view.t("notice.paste_too_long").into(), theme::warning()),
        Notice::FieldFull => (
            view.f(
                "notice.field_full",
                &[("max", &crate::flow::MAX_FIELD_CHARS.to_string())],
            ),
            theme::warning(),
        ),
        Notice::Deleted { label } => (view.f("notice.deleted", &[("label", label)]), theme::ok()),
        Notice::DefaultChanged { label } => (
            view.f("notice.default_changed", &[("label", label)]),
            theme::ok(),
        ),
        Notice::NothingSelected => (view.t("notice.nothing_selected").into(), theme::warning()),
        Notice::WrongCode { tries } => {
            let id = if *tries >= 2 {
                "notice.wrong_code_again"
            } else {
                "notice.wrong_code"
            };
            (view.f(id, &[("tries", &tries.to_string())]), theme::error())
        }
        Notice::ClockOff { seconds, .. } => (clock_off(view, *seconds), theme::error()),
        Notice::CodeLength { digits } => (
            view.f("notice.code_length", &[("digits", &digits.to_string())]),
            theme::warning(),
        ),
        Notice::DigitsOnly => (view.t("notice.digits_only").into(), theme::warning()),
        Notice::CleanupFailed => (
            view.f(
                "notice.cleanup_failed",
                &[("helpdesk", &view.branding.helpdesk)],
            ),
            theme::warning(),
        ),
        Notice::SignedOutIdle => (view.t("notice.signed_out_idle").into(), theme::warning()),
        Notice::NotRegisteredYet => (view.t("notice.not_registered_yet").into(), theme::warning()),
        Notice::Busy => (view.t("notice.busy").into(), theme::warning()),
        Notice::TypeNumber => (view.t("notice.type_number").into(), theme::warning()),
    }
}

/// "about 2 minutes fast", in the words of a wall clock: seconds under a
/// minute and a half, else whole minutes (always two or more).
fn clock_off(view: &View, seconds: i64) -> String {
    let size = seconds.unsigned_abs();
    let (id, amount) = match (seconds > 0, size < 90) {
        (true, true) => ("notice.clock_fast_seconds", ("seconds", size)),
        (true, false) => ("notice.clock_fast_minutes", ("minutes", (size + 30) / 60)),
        (false, true) => ("notice.clock_slow_seconds", ("seconds", size)),
        (false, false) => ("notice.clock_slow_minutes", ("minutes", (size + 30) / 60)),
    };
    view.f(id, &[(amount.0, &amount.1.to_string())])
}

/// Errors first get the words of the step they happened in, then general ones.
pub fn error_text(view: &View, op: Op, error: &ProviderError) -> String {
    match (op, error) {
        (Op::SignIn, ProviderError::WrongPass { attempts_left }) => {
            let id = if *attempts_left == 1 {
                "error.wrong_pass_last"
            } else {
                "error.wrong_pass"
            };
            view.f(id, &[("left", &attempts_left.to_string())])
        }
        (_, ProviderError::WrongPass { .. }) => view.t("error.session_expired").into(),
        (_, ProviderError::Locked) => {
            view.f("error.locked", &[("helpdesk", &view.branding.helpdesk)])
        }
        (_, ProviderError::PassExpired) => view.f(
            "error.pass_expired",
            &[("helpdesk", &view.branding.helpdesk)],
        ),
        (_, ProviderError::PassUsed) => {
            view.f("error.pass_used", &[("helpdesk", &view.branding.helpdesk)])
        }
        (_, ProviderError::PassRejected) => view.f(
            "error.pass_rejected",
            &[("helpdesk", &view.branding.helpdesk)],
        ),
        (_, ProviderError::UnknownUser) => view.t("error.unknown_user").into(),
        (_, ProviderError::TooManyTries) => view.f(
            "error.too_many_tries",
            &[
                ("helpdesk", &view.branding.helpdesk),
                (
                    "hours",
                    &crate::provider::attempts::WINDOW
                        .as_secs()
                        .div_ceil(3600)
                        .to_string(),
                ),
            ],
        ),
        (_, ProviderError::NotAllowed(why)) => view.f("error.not_allowed", &[("why", why)]),
        (_, ProviderError::NotFound) => view.t("error.not_found").into(),
        (_, ProviderError::DefaultMethod) => view.t("error.default_method").into(),
        (_, ProviderError::Conflict(why)) => view.f("error.conflict", &[("why", why)]),
        (
            _,
            ProviderError::RateLimited {
                retry_after: Some(wait),
            },
        ) => view.f(
            "error.rate_limited_for",
            &[("secs", &wait.as_secs().max(1).to_string())],
        ),
        (_, ProviderError::RateLimited { retry_after: None }) => {
            view.t("error.rate_limited").into()
        }
        (_, ProviderError::SessionExpired) => view.t("error.session_expired").into(),
        (_, ProviderError::ReauthRequired) => view.t("error.reauth_required").into(),
        (_, ProviderError::SignInExpired) => view.t("error.sign_in_expired").into(),
        (_, ProviderError::SignInDeclined) => view.t("error.sign_in_declined").into(),
        (_, ProviderError::Server { reference, .. }) => match reference {
            Some(reference) => view.f(
                "error.server_ref",
                &[
                    ("helpdesk", &view.branding.helpdesk),
                    ("reference", reference),
                ],
            ),
            None => view.f("error.server", &[("helpdesk", &view.branding.helpdesk)]),
        },
        (_, ProviderError::Unreachable) => view.t("error.unreachable").into(),
        (_, ProviderError::ServerDown) => view.f(
            "error.server_down",
            &[("helpdesk", &view.branding.helpdesk)],
        ),
        (_, ProviderError::Timeout) => view.t("error.timeout").into(),
        (_, ProviderError::Protocol(_)) => {
            view.f("error.protocol", &[("helpdesk", &view.branding.helpdesk)])
        }
    }
}
