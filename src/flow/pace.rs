//! How often the kiosk's screen moves by itself.

use super::{ApprovalState, Flow, Screen};
use crate::kernel::{SPINNER_PERIOD_MS, WAITING_PERIOD_MS};

impl Flow {
    /// Waiting on the person's phone (its registration, their answer to the
    /// test notification, their sign-in on it), not on a server.
    pub fn waits_for_phone(&self) -> bool {
        self.device.as_ref().is_some_and(|d| d.state.is_open())
            || matches!(
                &self.screen,
                Screen::ProveApproval {
                    state: ApprovalState::Waiting | ApprovalState::Trouble(_),
                    ..
                } | Screen::DeviceSignIn { code: Some(_) }
            )
    }

    /// How often the spinner moves (and so the screen is redrawn).
    pub fn spinner_period_ms(&self) -> u64 {
        if self.waits_for_phone() {
            WAITING_PERIOD_MS
        } else {
            SPINNER_PERIOD_MS
        }
    }
}
