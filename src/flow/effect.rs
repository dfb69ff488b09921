//! What the flow asks the driver to do. Data only: the driver runs them and
//! reports back with events carrying the same request id.

use super::ReqId;
use crate::provider::{MethodKind, PhoneAction};
use crate::secret::Secret;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    SignIn {
        req: ReqId,
        username: String,
        pass: Secret,
    },
    /// Get device codes, then poll the token endpoint until the person has
    /// signed in on their phone; answers `DeviceCodeIssued`, then `SignedIn`.
    BeginDeviceSignIn {
        req: ReqId,
    },
    LoadMethods {
        req: ReqId,
    },
    DeleteMethod {
        req: ReqId,
        method_id: String,
    },
    SetDefault {
        req: ReqId,
        method_id: String,
    },
    BeginEnrollment {
        req: ReqId,
        kind: MethodKind,
    },
    CheckCode {
        req: ReqId,
        enrollment_id: String,
        code: String,
    },
    /// Send the notification, then poll every `every` until `timeout` or an answer.
    StartApproval {
        req: ReqId,
        enrollment_id: String,
        every: Duration,
        timeout: Duration,
    },
    /// Poll until the phone has registered the new method (see
    /// `Enrollment::registration`).
    WatchRegistration {
        req: ReqId,
        enrollment_id: String,
        every: Duration,
        timeout: Duration,
    },
    /// The person says they have scanned: the registration watch polls
    /// fast again from now (`PollSchedule::hurry`).
    HurryPolling,
    /// Stop any running poller (approval or registration).
    StopPolling,
    CancelEnrollment {
        enrollment_id: String,
    },
    SimulatePhone {
        enrollment_id: String,
        action: PhoneAction,
    },
    /// Forget in-flight requests whose answers no longer matter.
    CancelRequests,
    SignOut,
    /// Clear the screen and the scrollback: the next person must not see anything.
    WipeScreen,
    Quit,
}
