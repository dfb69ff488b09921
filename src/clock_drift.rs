//! Why a typed code was wrong when the app knows the secret: a phone whose
//! clock is off shows the code of another time step. Finding that step lets
//! the person fix the clock instead of typing wrong codes until they give up.
//!
//! This only explains; it never accepts a code. The provider alone decides
//! whether a code is right.

use std::time::{SystemTime, UNIX_EPOCH};
use totp_rs::Totp;

/// How many time steps either way are searched: 20 steps of 30 s is 10
/// minutes, beyond which a clock is not "a little off" and a match would be
/// more likely a coincidence than a diagnosis.
pub const WINDOW_STEPS: i64 = 20;

/// The time step (relative to `now`) whose code the phone shows, nearest
/// first: `Some(3)` means the phone is 3 steps ahead. `None` when the code
/// matches no step within the window, or matches the current step (that is
/// not drift: the provider judged it).
pub fn drift_steps(totp: &Totp, code: &str, now: SystemTime) -> Option<i64> {
    let code = code.trim();
    // Token generation panics beyond 9 digits; no app shows that many.
    let digits = totp.digits();
    if !(1..=9).contains(&digits)
        || code.len() != usize::from(digits)
        || !code.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let now = i64::try_from(now.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()?;
    let step = i64::try_from(totp.step()).ok().filter(|s| *s > 0)?;
    (1..=WINDOW_STEPS).flat_map(|d| [d, -d]).find(|d| {
        let at = now + d * step;
        u64::try_from(at).is_ok_and(|at| totp.generate(at).to_string() == code)
    })
}

/// The same as seconds the phone's clock is ahead (negative: behind).
pub fn drift_seconds(totp: &Totp, code: &str, now: SystemTime) -> Option<i64> {
    let step = i64::try_from(totp.step()).ok()?;
    drift_steps(totp, code, now).map(|d| d * step)
}
