//! Over 400 lines because it is the flow's whole state, one family of types; steps are in update/.
//!
//! The recovery state machine. Pure: no I/O, no async, no clock reads.
//! `update` takes an event and returns the effects the driver must run.

mod clock;
mod effect;
mod event;
mod machine;
mod pace;
mod update;

pub use crate::kernel::{Answer, Millis, ReqId};
pub use effect::Effect;
pub use event::{DeviceCodeInfo, Event, EventKind};
pub use update::update;

use crate::keymap::{Action, Context};
use crate::provider::{Account, Capabilities, Enrollment, Method, MethodKind, ProviderError};
use crate::secret::Secret;

/// Longest username or pass we accept; longer pastes are refused whole.
pub const MAX_FIELD_CHARS: usize = 256;
pub use crate::kernel::SPINNER_PERIOD_MS;
/// "Still there? Press any key" shows this long before the idle sign-out
/// (or for the last half of a timeout shorter than twice this).
pub const IDLE_WARNING_MS: u64 = 30_000;

/// Settings the flow needs, taken from the config and the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Language codes in the order the language key cycles through them.
    pub languages: Vec<String>,
    pub kiosk: bool,
    /// 0 turns the idle sign-out off.
    pub idle_timeout_ms: u64,
    pub done_countdown_ms: u64,
    pub capabilities: Capabilities,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            languages: vec!["en".into()],
            kiosk: false,
            idle_timeout_ms: 180_000,
            done_countdown_ms: 30_000,
            capabilities: Capabilities::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Username,
    Pass,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Platform {
    #[default]
    IPhone,
    Android,
}

/// Where the phone with the old Authenticator is. It decides the order:
/// a lost phone's Authenticator goes first; one still at hand stays until
/// the new one is proven, so the person is never left without a way in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OldPhone {
    Lost,
    AtHand,
}

/// What a request in flight is for; the screen shows it beside the spinner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    SignIn,
    LoadMethods,
    Delete,
    SetDefault,
    Enroll,
    CheckCode,
    Approval,
}

pub type Pending = crate::kernel::Pending<Op>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalState {
    /// Asking the provider to send the notification.
    Sending,
    /// Sent; waiting for the person to answer on the phone.
    Waiting,
    Denied,
    TimedOut,
    /// The last poll failed; polling goes on unless the error is final.
    Trouble(ProviderError),
    Failed(ProviderError),
}

/// Waiting on the Scan screen for the phone to register itself with the
/// provider after scanning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceWatch {
    pub req: ReqId,
    pub deadline: Millis,
    pub state: DeviceState,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceState {
    Waiting,
    /// The last poll failed; polling goes on.
    Trouble(ProviderError),
    TimedOut,
    Failed(ProviderError),
}

impl DeviceState {
    pub fn is_open(&self) -> bool {
        matches!(self, DeviceState::Waiting | DeviceState::Trouble(_))
    }
}

/// Something to tell the person on the current screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Failed {
        op: Op,
        error: ProviderError,
    },
    EmptyField(Field),
    PasteTooLong,
    /// A key typed into a field that holds `MAX_FIELD_CHARS` already.
    FieldFull,
    Deleted {
        label: String,
    },
    DefaultChanged {
        label: String,
    },
    NothingSelected,
    WrongCode {
        tries: u32,
    },
    /// A wrong code that a phone whose clock is `seconds` ahead (negative:
    /// behind) would show.
    ClockOff {
        tries: u32,
        seconds: i64,
    },
    /// Enter on Scan before the phone has registered the new method.
    NotRegisteredYet,
    /// Approve on the training phone before typing the number shown.
    TypeNumber,
    CodeLength {
        digits: u8,
    },
    DigitsOnly,
    SignedOutIdle,
    /// The unfinished method could not be removed from the account.
    CleanupFailed,
    Busy,
}

/// The codes of a device-code sign-in, as the person sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCodeShown {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_at: Millis,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    /// Signing in on the phone (OAuth device code): `None` while the codes
    /// are being fetched or after they failed.
    DeviceSignIn {
        code: Option<DeviceCodeShown>,
    },
    SignIn {
        username: String,
        pass: Secret,
        field: Field,
        reveal: bool,
    },
    Methods,
    ConfirmDelete {
        method: Method,
        /// Deleting it leaves no way to sign in but a new pass.
        last_sign_in: bool,
    },
    DeleteBlocked {
        method: Method,
    },
    AddMethod {
        choice: usize,
    },
    Platform,
    Prepare,
    Scan {
        manual: bool,
    },
    ProveCode {
        code: String,
        wrong: u32,
    },
    ProveApproval {
        req: ReqId,
        started: Millis,
        deadline: Millis,
        state: ApprovalState,
    },
    Done {
        sign_out_at: Millis,
    },
}

impl ApprovalState {
    /// Still going: being sent, or waiting for an answer.
    pub fn is_open(&self) -> bool {
        matches!(
            self,
            ApprovalState::Sending | ApprovalState::Waiting | ApprovalState::Trouble(_)
        )
    }
}

impl Screen {
    pub fn context(&self) -> Context {
        match self {
            Screen::Welcome => Context::Welcome,
            Screen::SignIn { .. } => Context::SignIn,
            Screen::DeviceSignIn { .. } => Context::DeviceSignIn,
            Screen::Methods => Context::Methods,
            Screen::ConfirmDelete { .. } => Context::ConfirmDelete,
            Screen::DeleteBlocked { .. } => Context::DeleteBlocked,
            Screen::AddMethod { .. } => Context::AddMethod,
            Screen::Platform => Context::Platform,
            Screen::Prepare => Context::Prepare,
            Screen::Scan { .. } => Context::Scan,
            Screen::ProveCode { .. } => Context::ProveCode,
            Screen::ProveApproval { .. } => Context::ProveApproval,
            Screen::Done { .. } => Context::Done,
        }
    }

    /// Screens that exist only while someone is signed in.
    pub fn needs_account(&self) -> bool {
        !matches!(
            self,
            Screen::Welcome | Screen::SignIn { .. } | Screen::DeviceSignIn { .. }
        )
    }

    pub fn needs_enrollment(&self) -> bool {
        matches!(
            self,
            Screen::Scan { .. } | Screen::ProveCode { .. } | Screen::ProveApproval { .. }
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub settings: Settings,
    pub lang: usize,
    pub screen: Screen,
    pub help_open: bool,
    pub account: Option<Account>,
    pub methods: Vec<Method>,
    /// True once the first method list of this sign-in has arrived.
    pub methods_loaded: bool,
    /// Ids of the methods registered when this person signed in; the rest are new.
    pub initial_ids: Vec<String>,
    pub selected: usize,
    pub add_kind: MethodKind,
    pub platform: Platform,
    pub enrollment: Option<Enrollment>,
    /// Set while the Scan screen waits for the phone to register.
    pub device: Option<DeviceWatch>,
    /// Kinds of the methods this person added and proved in this sign-in.
    pub added: Vec<MethodKind>,
    /// What the test notification asks the person to match in the app
    /// (number matching), while it waits.
    pub approval_number: Option<String>,
    /// Training only: the digits typed into the simulated phone.
    pub phone_typed: String,
    /// The person's answer to "is the old phone lost or still at hand?".
    pub old_phone: Option<OldPhone>,
    /// The method a delete or make-default request in flight is about.
    pub target: Option<Method>,
    pub pending: Option<Pending>,
    /// The request in flight waits out the provider's `Retry-After`.
    pub held: Option<crate::kernel::Held>,
    pub notice: Option<Notice>,
    pub now: Millis,
    pub last_input: Millis,
    next_req: crate::kernel::ReqIds,
}

impl Flow {
    pub fn new(settings: Settings) -> Self {
        Flow {
            settings,
            lang: 0,
            screen: Screen::Welcome,
            help_open: false,
            account: None,
            methods: Vec::new(),
            methods_loaded: false,
            initial_ids: Vec::new(),
            selected: 0,
            add_kind: MethodKind::AuthenticatorPush,
            platform: Platform::IPhone,
            enrollment: None,
            device: None,
            added: Vec::new(),
            approval_number: None,
            phone_typed: String::new(),
            old_phone: None,
            target: None,
            pending: None,
            held: None,
            notice: None,
            now: Millis(0),
            last_input: Millis(0),
            next_req: crate::kernel::ReqIds::default(),
        }
    }

    pub fn language(&self) -> &str {
        self.settings
            .languages
            .get(self.lang)
            .map(String::as_str)
            .unwrap_or("en")
    }

    /// The keymap table in force: help when it is open, else the screen's.
    pub fn context(&self) -> Context {
        if self.help_open {
            Context::Help
        } else {
            self.screen.context()
        }
    }

    pub fn selected_method(&self) -> Option<&Method> {
        self.methods.get(self.selected)
    }

    /// Added during this sign-in.
    pub fn is_new(&self, method: &Method) -> bool {
        self.methods_loaded && !self.initial_ids.contains(&method.id)
    }

    /// The first Authenticator that was registered before this sign-in:
    /// the one on the old phone.
    pub fn old_app(&self) -> Option<&Method> {
        self.methods.iter().find(|m| {
            matches!(
                m.kind,
                MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode
            ) && !self.is_new(m)
        })
    }

    /// The old phone is at hand and no new method is proven yet: deleting
    /// its Authenticator now is the unsafe order.
    pub fn keep_old_for_now(&self) -> bool {
        self.old_phone == Some(OldPhone::AtHand) && self.added.is_empty()
    }

    /// Whether `req` is the request in flight for `op`: the driver keeps a
    /// new session only when the flow still waits for it.
    pub fn awaits(&self, req: ReqId, op: Op) -> bool {
        self.pending.is_some_and(|p| p.req == req && p.op == op)
    }

    pub fn is_busy(&self, op: Op) -> bool {
        self.pending.is_some_and(|p| p.op == op)
    }

    /// Seconds the request in flight still waits for the provider, if it
    /// was told to wait (see [`crate::kernel::Held`]).
    pub fn held_secs(&self) -> Option<u64> {
        crate::kernel::held_for(&self.pending, &self.held, self.now)
    }

    /// Whether the signed-in person's server lets the kiosk delete their
    /// methods (see `Account::can_delete`) and add one of the kinds this
    /// kiosk offers: deleting the lost Authenticator where its replacement
    /// cannot be added here would leave the person worse off.
    pub fn may_change(&self) -> bool {
        let offered = &self.settings.capabilities.add_kinds;
        self.account
            .as_ref()
            .is_none_or(|a| a.can_delete && (offered.is_empty() || !self.add_kinds().is_empty()))
    }

    /// The kinds the Add screen offers: this kiosk's, less those the
    /// signed-in person's server refuses them (`Account::cannot_add`).
    pub fn add_kinds(&self) -> Vec<MethodKind> {
        let refused = self.account.as_ref().map(|a| a.cannot_add.as_slice());
        self.settings
            .capabilities
            .add_kinds
            .iter()
            .copied()
            .filter(|k| refused.is_none_or(|r| !r.contains(k)))
            .collect()
    }

    /// Whether an action does something right now; the footer hides the rest.
    pub fn action_available(&self, action: Action) -> bool {
        let caps = &self.settings.capabilities;
        match action {
            Action::Quit => !self.settings.kiosk,
            Action::Delete => caps.can_delete && self.may_change() && !self.methods.is_empty(),
            Action::MakeDefault => {
                caps.can_set_default
                    && self
                        .selected_method()
                        .is_some_and(|m| !m.is_default && m.kind.is_sign_in_factor())
            }
            // Never a QR whose method could not be removed again.
            Action::Add => !self.add_kinds().is_empty() && self.may_change(),
            // Asked once, while an old Authenticator is listed and nothing
            // new is proven; the answer then shapes the hints. Not asked
            // where the kiosk may change nothing.
            Action::OldPhoneLost | Action::OldPhoneAtHand => {
                matches!(self.screen, Screen::Methods)
                    && self.may_change()
                    && self.old_phone.is_none()
                    && self.added.is_empty()
                    && self.old_app().is_some()
            }
            // A new device code only once the current one has ended.
            Action::Next if matches!(self.screen, Screen::DeviceSignIn { .. }) => {
                self.pending.is_none()
            }
            Action::Language => self.settings.languages.len() > 1,
            Action::SimApprove | Action::SimDeny => {
                caps.simulated_phone
                    && matches!(
                        self.screen,
                        Screen::ProveApproval {
                            state: ApprovalState::Waiting | ApprovalState::Trouble(_),
                            ..
                        }
                    )
            }
            Action::Resend => matches!(
                &self.screen,
                Screen::ProveApproval { state, .. } if *state != ApprovalState::Sending
            ),
            _ => true,
        }
    }

    /// When the driver should next send a `Tick`, if at all. Nothing counts
    /// down on an idle screen, so it returns `None` there and the app sleeps.
    pub fn next_wakeup(&self) -> Option<Millis> {
        let mut soonest: Option<Millis> = None;
        let mut consider = |t: Millis| {
            soonest = Some(soonest.map_or(t, |s| s.min(t)));
        };
        let watching = self.device.as_ref().filter(|d| d.state.is_open());
        let spinning = self.pending.is_some()
            || watching.is_some()
            || matches!(&self.screen, Screen::ProveApproval { state, .. } if state.is_open());
        if spinning {
            consider(self.now.plus_ms(self.spinner_period_ms()));
        }
        if let Some(watch) = watching {
            consider(watch.deadline);
        }
        if let Screen::DeviceSignIn { code: Some(code) } = &self.screen
            && self.is_busy(Op::SignIn)
        {
            consider(code.expires_at);
        }
        if let Screen::ProveApproval {
            deadline, state, ..
        } = &self.screen
            && state.is_open()
        {
            consider(*deadline);
        }
        if let Screen::Done { sign_out_at } = self.screen {
            // Wake on each whole second of the countdown so the number moves.
            let left = sign_out_at.since(self.now);
            let step = match left % 1000 {
                0 => 1000,
                rest => rest,
            };
            consider(self.now.plus_ms(step.min(left.max(1))));
        }
        if let Some(deadline) = self.idle_deadline() {
            consider(deadline);
        }
        match self.idle_warning_at() {
            Some(at) if self.now < at => consider(at),
            // The warning counts down: wake on each whole second before the end.
            Some(_) => {
                if let Some(deadline) = self.idle_deadline() {
                    let left = deadline.since(self.now);
                    let step = match left % 1000 {
                        0 => 1000,
                        rest => rest,
                    };
                    consider(self.now.plus_ms(step.min(left.max(1))));
                }
            }
            None => {}
        }
        soonest
    }

    /// When an unattended session is wiped, if one is open. Waiting for the
    /// phone does not hold it off: a QR on screen is a key to the account for
    /// whoever walks up next, so the person is asked whether they are still
    /// there (see `idle_warning_at`) and a key press keeps the session.
    pub fn idle_deadline(&self) -> Option<Millis> {
        let timeout = self.settings.idle_timeout_ms;
        let has_something = self.account.is_some()
            || matches!(&self.screen, Screen::DeviceSignIn { .. })
            || matches!(&self.screen, Screen::SignIn { username, pass, .. }
                if !username.is_empty() || !pass.is_empty());
        // Signing in on the phone shows nothing of the person's yet, and
        // takes a while: that wait alone still counts as activity.
        let signing_in = match &self.screen {
            Screen::DeviceSignIn { code: Some(code) } if self.is_busy(Op::SignIn) => {
                Some(code.expires_at)
            }
            _ => None,
        };
        let active_until = self.last_input.max(signing_in.unwrap_or_default());
        (timeout > 0 && has_something).then(|| active_until.plus_ms(timeout))
    }

    /// When "Still there? Press any key" appears, if a sign-out is ahead.
    pub fn idle_warning_at(&self) -> Option<Millis> {
        let lead = IDLE_WARNING_MS.min(self.settings.idle_timeout_ms / 2);
        self.idle_deadline()
            .map(|t| Millis(t.0.saturating_sub(lead)))
    }

    /// Whole seconds left before the idle sign-out, while the warning shows.
    pub fn idle_warning(&self) -> Option<u64> {
        let deadline = self.idle_deadline()?;
        let shown = self.idle_warning_at().is_some_and(|w| self.now >= w);
        shown.then(|| deadline.since(self.now).div_ceil(1000))
    }

    fn next_req(&mut self) -> ReqId {
        self.next_req.issue()
    }

    /// Every screen that needs an account has one, every screen that shows
    /// an enrollment has one, and the selection is inside the table.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.screen.needs_account() && self.account.is_none() {
            return Err(format!("{:?} without an account", self.screen.context()));
        }
        if !self.screen.needs_account() && self.account.is_some() {
            return Err(format!("{:?} with an account", self.screen.context()));
        }
        if self.screen.needs_enrollment() && self.enrollment.is_none() {
            return Err(format!("{:?} without an enrollment", self.screen.context()));
        }
        if self.device.is_some() && !matches!(self.screen, Screen::Scan { .. }) {
            return Err("watching for the phone outside the Scan screen".into());
        }
        if !self.methods.is_empty() && self.selected >= self.methods.len() {
            return Err("selection outside the table".into());
        }
        if self.account.is_none() && (!self.methods.is_empty() || self.enrollment.is_some()) {
            return Err("signed-out flow still holds account data".into());
        }
        Ok(())
    }
}
