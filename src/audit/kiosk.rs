//! The kiosk's audit records, read off what changed in the flow: signed
//! in, a failed sign-in and why, a method deleted (or not) and added, and
//! signed out and why. Pure: the flow before and after an event and where
//! the event came from in, records out. No record has a field that could
//! hold a pass, a code, a key or a QR payload: the types below only carry
//! the username, method kinds and labels, and reasons as fixed words.

use crate::driver::{Cause, EndReason};
use crate::flow::{Flow, Notice, Op, Screen};
use crate::provider::phone::label_for_records;
use crate::provider::{MethodKind, ProviderError};
use serde::Serialize;

/// What happened (`"action": "sign_in_ok"` in the record).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum KioskEvent {
    SignInOk,
    SignInFailed {
        reason: &'static str,
    },
    MethodDeleted {
        kind: MethodKind,
        label: String,
    },
    DeleteFailed {
        kind: MethodKind,
        label: String,
        reason: &'static str,
    },
    /// A new method proved to work.
    MethodAdded {
        kind: MethodKind,
    },
    SignedOut {
        reason: SignOutReason,
    },
}

/// Why a signed-in person's session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOutReason {
    /// Finished: the Done screen's countdown or its Finish key.
    Done,
    /// Nobody touched the keyboard for the idle timeout.
    Idle,
    /// SIGTERM and the like (the kiosk's service stopped).
    Signal,
    /// SIGHUP or the terminal went away.
    HangUp,
    /// The provider ended the session (or wants a fresh sign-in).
    SessionExpired,
    /// The person chose to stop before finishing.
    Person,
}

/// One line of the kiosk's audit trail.
#[derive(Serialize)]
pub struct KioskRecord<'a> {
    pub ts: String,
    pub mode: &'static str,
    pub provider: &'a str,
    pub user: &'a str,
    #[serde(flatten)]
    pub event: &'a KioskEvent,
}

/// The records one event leads to, with the username each is about.
pub fn changes(before: &Flow, after: &Flow, cause: Cause) -> Vec<(String, KioskEvent)> {
    let mut out = Vec::new();
    let user_before = before.account.as_ref().map(|a| a.username.clone());
    if before.account.is_none()
        && let Some(account) = &after.account
    {
        out.push((account.username.clone(), KioskEvent::SignInOk));
    }
    if let Some(Notice::Failed {
        op: Op::SignIn,
        error,
    }) = &after.notice
        && (before.is_busy(Op::SignIn) || before.notice != after.notice)
    {
        let typed = match &before.screen {
            Screen::SignIn { username, .. } => username.trim().to_string(),
            _ => String::new(),
        };
        out.push((
            typed,
            KioskEvent::SignInFailed {
                reason: crate::oplog::error_kind(error),
            },
        ));
    }
    if let Some(user) = &user_before {
        if let Some(method) = &before.target
            && after.target.is_none()
            && before.is_busy(Op::Delete)
        {
            match &after.notice {
                Some(Notice::Deleted { .. }) => out.push((
                    user.clone(),
                    KioskEvent::MethodDeleted {
                        kind: method.kind,
                        label: label_for_records(method.kind, &method.label),
                    },
                )),
                Some(Notice::Failed { error, .. }) => out.push((
                    user.clone(),
                    KioskEvent::DeleteFailed {
                        kind: method.kind,
                        label: label_for_records(method.kind, &method.label),
                        reason: crate::oplog::error_kind(error),
                    },
                )),
                _ if matches!(after.screen, Screen::DeleteBlocked { .. }) => out.push((
                    user.clone(),
                    KioskEvent::DeleteFailed {
                        kind: method.kind,
                        label: label_for_records(method.kind, &method.label),
                        reason: crate::oplog::error_kind(&ProviderError::DefaultMethod),
                    },
                )),
                _ => {}
            }
        }
        if after.account.is_some() && after.added.len() > before.added.len() {
            for kind in after.added.iter().skip(before.added.len()) {
                out.push((user.clone(), KioskEvent::MethodAdded { kind: *kind }));
            }
        }
        if after.account.is_none() {
            out.push((
                user.clone(),
                KioskEvent::SignedOut {
                    reason: sign_out_reason(before, after, cause),
                },
            ));
        }
    }
    out
}

fn sign_out_reason(before: &Flow, after: &Flow, cause: Cause) -> SignOutReason {
    match (cause, &after.notice) {
        (Cause::Ended(EndReason::Signal), _) => SignOutReason::Signal,
        (Cause::Ended(EndReason::HangUp), _) => SignOutReason::HangUp,
        (_, Some(Notice::SignedOutIdle)) => SignOutReason::Idle,
        (
            _,
            Some(Notice::Failed {
                error: ProviderError::SessionExpired | ProviderError::ReauthRequired,
                ..
            }),
        ) => SignOutReason::SessionExpired,
        _ if matches!(before.screen, Screen::Done { .. }) => SignOutReason::Done,
        _ => SignOutReason::Person,
    }
}
