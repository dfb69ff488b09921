//! Old from new: which of the caller's methods were there when the call
//! began and which were added during it. The script never advises deleting
//! a method added during the call, and the cursor never lands on one after
//! a delete: that method is very likely the caller's new phone.

use super::Case;
use crate::provider::Method;
use crate::provider::calendar::parse_iso;

/// How far the provider's clock may run ahead of the desk's, and how soon
/// after the call opened a method must have been created, before its
/// creation time alone makes it "added during this call". Without it a
/// method the caller made seconds before phoning, or a server clock a
/// little fast, would hide the old phone from the script.
const CLOCK_SLACK_SECS: u64 = 30;

impl Case {
    /// Added during this call: not on the account at its first read, or
    /// created (by the provider's own clock) well after the call was opened
    /// (which catches a first read that came late, after a failed one). A
    /// date without a time says nothing either way and is left to the
    /// first rule.
    pub fn added_during_call(&self, m: &Method) -> bool {
        let unseen = self
            .baseline
            .as_ref()
            .is_some_and(|known| !known.contains(&m.id));
        let created_since = m
            .added
            .as_deref()
            .filter(|t| t.len() > 10)
            .and_then(parse_iso)
            .and_then(|secs| u64::try_from(secs).ok())
            .is_some_and(|secs| secs > self.opened.saturating_add(CLOCK_SLACK_SECS));
        unseen || created_since
    }

    /// Whether `m` was on the account before this call.
    pub fn was_there_before(&self, m: &Method) -> bool {
        !self.added_during_call(m)
    }

    /// Whether an Authenticator from before the call is listed: the old
    /// phone the script asks about.
    pub fn has_old_app(&self) -> bool {
        self.methods().iter().any(|m| {
            matches!(
                m.kind,
                crate::provider::MethodKind::AuthenticatorPush
                    | crate::provider::MethodKind::AuthenticatorCode
            ) && self.was_there_before(m)
        })
    }
}

/// Where the cursor goes after the account was read again. `before` is the
/// row it was on and that row's method id. The same method keeps the
/// cursor wherever it moved; when it is gone (deleted), the cursor goes to
/// the nearest method that was there before the call, never to one added
/// during it, and to no row at all when none is left.
pub(super) fn settle_cursor(case: &mut Case, before: Option<(usize, String)>) {
    let methods = case.methods();
    if let Some((_, id)) = &before
        && let Some(i) = methods.iter().position(|m| &m.id == id)
    {
        case.selected = Some(i);
        return;
    }
    let from = before.map_or(0, |(i, _)| i);
    let old: Vec<usize> = methods
        .iter()
        .enumerate()
        .filter(|(_, m)| case.was_there_before(m))
        .map(|(i, _)| i)
        .collect();
    // The nearest old row at or after where the cursor was, else before it.
    let pick = old
        .iter()
        .copied()
        .find(|i| *i >= from)
        .or_else(|| old.last().copied());
    case.selected = pick;
}
