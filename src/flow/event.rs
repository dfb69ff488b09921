//! What happens to the flow: keys from the person, answers from the provider,
//! the passing of time. Every event carries the time it happened, so the flow
//! never reads a clock.

use crate::kernel::{Answer, Millis, ReqId};
use crate::keymap::Key;
use crate::provider::{Account, Approval, Enrollment, Method};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub at: Millis,
    pub kind: EventKind,
}

impl Event {
    pub fn new(at: Millis, kind: EventKind) -> Self {
        Event { at, kind }
    }
}

/// What the driver passes on of a `provider::DeviceCode`: not the device
/// code itself, which stays with the poller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCodeInfo {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: std::time::Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    Key(Key),
    /// Bracketed paste: arrives whole, may be huge or hold control characters.
    Paste(String),
    /// A timer the flow asked for (see `Flow::next_wakeup`) went off.
    Tick,
    /// Removing an unfinished method from the account failed (the server
    /// was down); the sign-out sweep tries once more.
    CleanupFailed,
    /// Ctrl-C outside the terminal's raw mode, SIGTERM, SIGHUP, SIGQUIT,
    /// or the terminal went away (see `kernel::Common::Interrupt`).
    Interrupt,
    SignedIn {
        req: ReqId,
        answer: Answer<Account>,
    },
    /// The codes to show for a device-code sign-in (the sign-in itself
    /// arrives later as `SignedIn` with the same `req`).
    DeviceCodeIssued {
        req: ReqId,
        answer: Answer<DeviceCodeInfo>,
    },
    MethodsLoaded {
        req: ReqId,
        answer: Answer<Vec<Method>>,
    },
    Deleted {
        req: ReqId,
        answer: Answer<()>,
    },
    DefaultSet {
        req: ReqId,
        answer: Answer<()>,
    },
    EnrollmentReady {
        req: ReqId,
        answer: Answer<Enrollment>,
    },
    CodeChecked {
        req: ReqId,
        answer: Answer<bool>,
    },
    /// The code was wrong, but it is the code of a nearby time step: the
    /// phone's clock is `seconds` ahead (negative: behind).
    CodeOffClock {
        req: ReqId,
        seconds: i64,
    },
    /// One poll of the phone's registration: `Ok(true)` once it is there.
    RegistrationPolled {
        req: ReqId,
        answer: Answer<bool>,
    },
    /// The call `req` waits out the provider's `Retry-After` for `wait`
    /// before it is sent again: busy, still trying, not an error.
    Held {
        req: ReqId,
        wait: std::time::Duration,
    },
    /// One poll of a notification; `req` names the polling run.
    /// The test notification is out; `number` is what the screen shows for
    /// the person to match in the app, where the provider asks for it.
    ApprovalSent {
        req: ReqId,
        number: Option<String>,
    },
    ApprovalPolled {
        req: ReqId,
        answer: Answer<Approval>,
    },
}
