//! The record of a call: each change as it happened (for the audit log),
//! and the summary the agent pastes into the ticket. Neither ever holds a
//! pass, a code or a key: the types below have no field that could.

use super::{Desk, FinalRead, Verification};
use crate::guide::Guide;
use crate::provider::MethodKind;
use crate::provider::phone::label_for_records;
use crate::timefmt::{civil_minute, rfc3339};
use serde::Serialize;
use std::time::{Duration, UNIX_EPOCH};

/// What happened, in the words of the audit log (`"action": "deleted"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    LookedUp,
    Verified {
        /// The checks the agent ticked, in the organisation's words.
        checks: Vec<String>,
        required: usize,
    },
    VerificationFailed {
        ticked: Vec<String>,
    },
    Deleted {
        kind: MethodKind,
        label: String,
    },
    DeleteFailed {
        kind: MethodKind,
        label: String,
        error: String,
    },
    PassIssued {
        lifetime_minutes: u32,
        one_time: bool,
        expires: Option<String>,
    },
    PassFailed {
        error: String,
    },
    SessionsRevoked,
    RevokeFailed {
        error: String,
    },
    /// A phone number was registered for the caller. The number is kept
    /// masked (personal data): only its last two digits.
    PhoneAdded {
        phone_type: String,
        number: String,
    },
    PhoneAddFailed {
        phone_type: String,
        number: String,
        error: String,
    },
    /// A method that works for sign-in appeared while watching.
    NewMethodSeen {
        kind: MethodKind,
        label: String,
    },
    /// A delete or pass was refused: the caller holds administrative
    /// rights, or they could not be read.
    RefusedPrivileged {
        attempted: String,
        reason: String,
    },
    CaseClosed,
}

/// One change and when it happened (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    #[serde(skip)]
    pub wall: u64,
    #[serde(flatten)]
    pub change: Change,
}

fn at(wall: u64) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(wall)
}

/// `2026-11-23T09:05:00Z` for the audit log.
pub fn timestamp(wall: u64) -> String {
    rfc3339(at(wall))
}

fn kind_name(guide: &Guide, lang: &str, kind: MethodKind) -> String {
    guide.text(lang, crate::guide::kind_id(kind)).to_string()
}

/// A phone type as recorded (Graph's word) in the summary's language.
fn phone_type_name(guide: &Guide, lang: &str, graph_word: &str) -> String {
    let id = match graph_word {
        "mobile" => "desk.phone_mobile",
        "alternateMobile" => "desk.phone_alternate",
        "office" => "desk.phone_office",
        other => return other.to_string(),
    };
    guide.text(lang, id).to_string()
}

/// The case summary for the ticket, in the agent's language. Plain text,
/// one fact per line, so it pastes cleanly anywhere.
pub fn summary(desk: &Desk, guide: &Guide) -> String {
    let lang = desk.language();
    let t = |id: &str| guide.text(lang, id).to_string();
    let f = |id: &str, args: &[(&str, &str)]| guide.fill(lang, id, args);
    let Some(case) = &desk.case else {
        return String::new();
    };
    let mut out = vec![
        t("case.title"),
        f("case.agent", &[("agent", &desk.settings.agent)]),
        f(
            "case.caller",
            &[
                ("name", &case.caller.display_name),
                ("username", &case.caller.username),
            ],
        ),
        f("case.system", &[("system", &desk.settings.provider_name)]),
        f("case.caller_language", &[("lang", desk.caller_language())]),
        f("case.opened", &[("when", &civil_minute(at(case.opened)))]),
    ];
    if let Some(closed) = case.closed {
        out.push(f("case.closed", &[("when", &civil_minute(at(closed)))]));
    }
    out.push(String::new());
    let total = desk.settings.checks.len().to_string();
    let required = desk.settings.required_checks.to_string();
    match &case.verification {
        Verification::NotYet => out.push(t("case.not_verified")),
        Verification::Failed => out.push(t("case.verification_failed")),
        Verification::Passed(used) => {
            out.push(f(
                "case.verified",
                &[
                    ("n", &used.len().to_string()),
                    ("required", &required),
                    ("total", &total),
                ],
            ));
            for i in used {
                if let Some(check) = desk.settings.checks.get(*i) {
                    out.push(format!("  ✓ {check}"));
                }
            }
        }
    }
    out.push(String::new());
    out.push(t("case.changes"));
    let mut changed = false;
    for entry in &case.entries {
        let line = match &entry.change {
            Change::LookedUp | Change::CaseClosed => continue,
            Change::Verified { .. } | Change::VerificationFailed { .. } => continue,
            Change::Deleted { kind, label } => f(
                "case.deleted",
                &[("kind", &kind_name(guide, lang, *kind)), ("label", label)],
            ),
            Change::DeleteFailed { kind, label, error } => f(
                "case.delete_failed",
                &[
                    ("kind", &kind_name(guide, lang, *kind)),
                    ("label", label),
                    ("error", error),
                ],
            ),
            Change::PassIssued {
                lifetime_minutes,
                one_time,
                expires,
            } => f(
                if *one_time {
                    "case.pass_issued_once"
                } else {
                    "case.pass_issued_many"
                },
                &[
                    ("minutes", &lifetime_minutes.to_string()),
                    ("expires", expires.as_deref().unwrap_or("?")),
                ],
            ),
            Change::PassFailed { error } => f("case.pass_failed", &[("error", error)]),
            Change::PhoneAdded { phone_type, number } => f(
                "case.phone_added",
                &[
                    ("type", &phone_type_name(guide, lang, phone_type)),
                    ("number", number),
                ],
            ),
            Change::PhoneAddFailed {
                phone_type,
                number,
                error,
            } => f(
                "case.phone_add_failed",
                &[
                    ("type", &phone_type_name(guide, lang, phone_type)),
                    ("number", number),
                    ("error", error),
                ],
            ),
            Change::SessionsRevoked => t("case.revoked"),
            Change::RevokeFailed { error } => f("case.revoke_failed", &[("error", error)]),
            Change::NewMethodSeen { kind, label } => f(
                "case.new_method",
                &[("kind", &kind_name(guide, lang, *kind)), ("label", label)],
            ),
            Change::RefusedPrivileged { attempted, reason } => f(
                "case.refused_privileged",
                &[("what", attempted), ("why", reason)],
            ),
        };
        changed = true;
        let when = civil_minute(at(entry.wall));
        let time = when.get(11..16).unwrap_or(&when);
        out.push(format!("  {time}  {line}"));
    }
    if !changed {
        out.push(format!("  {}", t("case.no_changes")));
    }
    if let Some(state) = &case.state {
        out.push(String::new());
        match &case.final_read {
            Some(FinalRead::Failed { error, last_read }) => {
                let when = last_read.map_or_else(|| "?".to_string(), |w| civil_minute(at(w)));
                out.push(f(
                    "case.final_read_failed",
                    &[("why", &error.to_string()), ("when", &when)],
                ));
            }
            _ => out.push(t("case.now_registered")),
        }
        if state.methods.is_empty() {
            out.push(format!("  {}", t("case.none")));
        }
        for m in &state.methods {
            let mut notes = Vec::new();
            if m.is_default {
                notes.push(t("case.default"));
            }
            if m.kind.is_sign_in_factor() && !m.used_for.sign_in {
                notes.push(t("case.not_usable"));
            }
            if case.added_during_call(m) {
                notes.push(t("case.added_this_call"));
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            out.push(format!(
                "  • {}: {}{notes}",
                kind_name(guide, lang, m.kind),
                label_for_records(m.kind, &m.label)
            ));
        }
        if !state.adding.is_empty() {
            out.push(String::new());
            out.push(t("case.being_added"));
            for m in &state.adding {
                out.push(format!(
                    "  • {}: {}",
                    kind_name(guide, lang, m.kind),
                    label_for_records(m.kind, &m.label)
                ));
            }
        }
    }
    out.join("\n")
}
