//! A wrong code from a phone whose clock is off: the same step as any wrong
//! code, with the reason in the notice, so the person fixes the clock
//! instead of typing codes that cannot match.

use super::{Effect, Flow, Notice};

/// Run after the wrong-code handling: it counts the try and clears the
/// field; this only swaps the words.
pub(super) fn explain(effects: Vec<Effect>, flow: &mut Flow, seconds: i64) -> Vec<Effect> {
    if let Some(Notice::WrongCode { tries }) = flow.notice {
        flow.notice = Some(Notice::ClockOff { tries, seconds });
    }
    effects
}
