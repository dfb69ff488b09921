//! Over 400 lines because it is the desk's state, events and effects; steps are in update/.
//!
//! Helpdesk mode: the agent's side of the call, as a state machine. Pure
//! like `flow`: no I/O, no async, no clock reads; `update` takes an event
//! and returns the effects the driver must run.
//!
//! The rule that shapes it: nothing that changes the caller's account (a
//! pass, a delete, a reset, a sign-out) runs before the identity checklist
//! has passed, and the case record says which checks were used.

mod case;
mod machine;
mod novelty;
pub mod script;
mod update;

pub use case::{Change, Entry, summary, timestamp};
pub use script::{ScriptLine, script};
pub use update::update;

use crate::flow::Platform;
use crate::kernel::{Answer, Millis, ReqId, ReqIds, SPINNER_PERIOD_MS, WAITING_PERIOD_MS};
use crate::keymap::{Action, Context, Key};
use crate::provider::admin::{
    AdminCapabilities, Caller, CallerState, NewPass, PassRequest, Privilege,
};
use crate::provider::phone::{PhoneNumber, PhoneNumberError, PhoneType};
use crate::provider::{Method, ProviderError};
use crate::secret::Secret;

/// Longest username the lookup field takes.
pub const MAX_USERNAME_CHARS: usize = 256;
/// Longest phone number the phone field takes (the parser refuses more).
pub const MAX_PHONE_CHARS: usize = 40;
/// A pass on screen hides itself after this long, read out or not.
pub const PASS_SHOWN_MS: u64 = 120_000;

/// Settings from the config and the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskSettings {
    pub languages: Vec<String>,
    /// The organisation's identity checks and how many must pass.
    pub checks: Vec<String>,
    pub required_checks: usize,
    pub escalation: String,
    pub capabilities: AdminCapabilities,
    /// Shown in the case summary: which system the changes were made in.
    pub provider_name: String,
    pub agent: String,
    /// Watching for the caller's new method: how often and how long.
    pub watch_every_ms: u64,
    pub watch_timeout_ms: u64,
    /// `helpdesk.allow_privileged`: deletes and passes for callers who hold
    /// administrative rights too. Off unless the organisation says so.
    pub allow_privileged: bool,
}

impl Default for DeskSettings {
    fn default() -> Self {
        DeskSettings {
            languages: vec!["en".into()],
            checks: vec!["Check one".into(), "Check two".into()],
            required_checks: 1,
            escalation: "Escalate.".into(),
            capabilities: AdminCapabilities::default(),
            provider_name: "training tenant".into(),
            agent: "agent".into(),
            watch_every_ms: 3000,
            watch_timeout_ms: 900_000,
            allow_privileged: false,
        }
    }
}

/// One event: what happened, when on the monotonic clock, and the wall
/// clock (Unix seconds) for the case record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskEvent {
    pub at: Millis,
    pub wall: u64,
    pub kind: DeskEventKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskEventKind {
    Key(Key),
    Paste(String),
    Tick,
    Interrupt,
    LookedUp {
        req: ReqId,
        answer: Answer<Caller>,
    },
    StateLoaded {
        req: ReqId,
        answer: Answer<CallerState>,
    },
    Deleted {
        req: ReqId,
        answer: Answer<()>,
    },
    PassIssued {
        req: ReqId,
        answer: Answer<NewPass>,
    },
    Revoked {
        req: ReqId,
        answer: Answer<()>,
    },
    /// The call `req` waits out the provider's `Retry-After` for `wait`
    /// before it is sent again: busy, still trying, not an error.
    Held {
        req: ReqId,
        wait: std::time::Duration,
    },
    /// The phone number the agent typed was added, or why not.
    PhoneAdded {
        req: ReqId,
        answer: Answer<Method>,
    },
    /// One poll while watching the caller register.
    Watched {
        req: ReqId,
        answer: Answer<CallerState>,
    },
    /// The case summary file was written (its path), or why not.
    CaseSaved(Result<String, String>),
    /// The summary was offered to the terminal's clipboard.
    Copied,
    /// The terminal could not be written to: nothing was copied.
    CopyFailed,
    /// The audit log could not be written.
    RecordFailed(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskEffect {
    Lookup {
        req: ReqId,
        username: String,
    },
    LoadState {
        req: ReqId,
        caller: Caller,
    },
    Delete {
        req: ReqId,
        caller: Caller,
        method_id: String,
    },
    IssuePass {
        req: ReqId,
        caller: Caller,
        request: PassRequest,
    },
    Revoke {
        req: ReqId,
        caller: Caller,
    },
    AddPhone {
        req: ReqId,
        caller: Caller,
        number: PhoneNumber,
        phone_type: PhoneType,
    },
    /// Poll `caller_state` every `every_ms` until `StopWatch` (or a new watch).
    Watch {
        req: ReqId,
        caller: Caller,
        every_ms: u64,
    },
    StopWatch,
    /// Training: play the caller registering their new phone.
    SimulateCaller {
        caller: Caller,
    },
    /// Append one record to the audit log (never a secret).
    Audit {
        caller: String,
        entry: Entry,
    },
    /// Write the case summary to a file (the driver renders it from the
    /// desk, which it holds).
    SaveCase,
    /// Offer the case summary to the terminal clipboard (OSC 52).
    CopyCase,
    /// Clear the screen: a pass was on it.
    WipeScreen,
    Quit,
}

/// What a request in flight is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeskOp {
    Lookup,
    Load,
    Delete,
    Issue,
    Revoke,
    AddPhone,
}

pub type DeskPending = crate::kernel::Pending<DeskOp>;

/// Where identity verification stands for this call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Verification {
    #[default]
    NotYet,
    /// The checks that were ticked when the agent confirmed.
    Passed(Vec<usize>),
    /// The agent could not verify the caller: changes stay locked for this call.
    Failed,
}

/// What the confirm screen is about to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    Delete(Method),
    /// Every second factor, in the order they will go (default last).
    Reset(Vec<Method>),
    Revoke,
    /// Register the phone number the caller read out.
    AddPhone {
        number: PhoneNumber,
        phone_type: PhoneType,
    },
    /// Close the case and write the summary.
    Finish,
    /// Record that the caller could not be verified (locks the call).
    CannotVerify,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskScreen {
    Lookup {
        username: String,
    },
    /// The hub: the caller's methods, passes and the script.
    Account,
    Checks {
        cursor: usize,
    },
    Escalate,
    IssuePass {
        lifetime: usize,
        one_time: bool,
    },
    /// The new pass, once. `Secret` keeps it out of Debug; leaving the
    /// screen drops it.
    PassShown {
        pass: Secret,
        expires: Option<String>,
        one_time: bool,
        hide_at: Millis,
    },
    Confirm(Pending),
    /// The agent types the phone number the caller reads out.
    AddPhone {
        number: String,
        phone_type: PhoneType,
    },
    /// A change was refused because the caller holds administrative rights
    /// (or nobody could tell): why, and what to do instead.
    Privileged,
    Watch,
    Summary,
}

/// Things to tell the agent, shown until the next key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskNotice {
    Failed {
        op: DeskOp,
        error: ProviderError,
    },
    EmptyUsername,
    PasteTooLong,
    /// A change was asked for before the checks passed.
    VerifyFirst,
    /// Verification failed earlier in this call.
    VerificationFailed,
    /// Fewer checks ticked than required.
    NotEnoughChecks {
        ticked: usize,
    },
    /// The typed phone number cannot be sent as it is: why.
    PhoneInvalid(PhoneNumberError),
    PhoneAdded {
        label: String,
    },
    Deleted {
        label: String,
    },
    NothingToDelete,
    NothingToReset,
    Revoked,
    PassHidden,
    Busy,
    WatchTimedOut,
    Copied,
    CopyFailed,
    SaveFailed(String),
}

/// Why the summary's "registered now" may not be current.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FinalRead {
    /// Re-read just before the summary was written.
    Fresh,
    /// The re-read failed: the list is as of the last good read (`wall`).
    Failed {
        error: ProviderError,
        last_read: Option<u64>,
    },
}

/// The schedule of the desk's watch, polling every `every_ms` at first:
/// the poller runs it and the watch screen tells it.
pub fn watch_cadence(every_ms: u64) -> crate::poll_schedule::Cadence {
    crate::poll_schedule::Cadence::starting_at(std::time::Duration::from_millis(every_ms.max(250)))
}

/// Watching the caller register a new method on their own phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watch {
    pub req: ReqId,
    /// When the watch started: its polls slow down after a while.
    pub started: Millis,
    /// Method ids the caller had when the watch started.
    pub known: Vec<String>,
    pub deadline: Millis,
    /// New methods seen so far.
    pub found: Vec<Method>,
    pub last_error: Option<ProviderError>,
    pub timed_out: bool,
}

/// One call: who, what was checked, what changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub caller: Caller,
    pub opened: u64,
    pub state: Option<CallerState>,
    pub ticked: Vec<bool>,
    pub verification: Verification,
    pub entries: Vec<Entry>,
    /// The row the cursor is on; `None` when no row is picked (e.g. after
    /// a delete left only methods added during this call).
    pub selected: Option<usize>,
    /// Method ids on the account at the first successful read: anything
    /// else was added during this call.
    pub baseline: Option<Vec<String>>,
    /// When the account was last read successfully (wall clock).
    pub read_at: Option<u64>,
    /// Set while the account is re-read for the summary.
    pub closing: bool,
    /// How the summary's account list came about.
    pub final_read: Option<FinalRead>,
    pub watch: Option<Watch>,
    /// Methods a reset still has to delete, in order.
    pub reset_queue: Vec<Method>,
    /// The pass being issued, until the provider answers.
    pub pass_request: Option<PassRequest>,
    /// The phone number being added, until the provider answers.
    pub phone_request: Option<(PhoneNumber, PhoneType)>,
    /// Set when the summary was written: the file, or why it could not be.
    pub saved: Option<Result<String, String>>,
    pub closed: Option<u64>,
    /// The caller's answer to "is the old phone lost or still at hand?":
    /// it decides whether the old Authenticator goes before or after the
    /// new one is registered and tested.
    pub old_phone: Option<crate::flow::OldPhone>,
}

impl Case {
    fn new(caller: Caller, opened: u64, checks: usize) -> Case {
        Case {
            caller,
            opened,
            state: None,
            ticked: vec![false; checks],
            verification: Verification::NotYet,
            entries: Vec::new(),
            selected: None,
            baseline: None,
            read_at: None,
            closing: false,
            final_read: None,
            watch: None,
            reset_queue: Vec::new(),
            pass_request: None,
            phone_request: None,
            saved: None,
            closed: None,
            old_phone: None,
        }
    }

    pub fn methods(&self) -> &[Method] {
        self.state.as_ref().map_or(&[], |s| s.methods.as_slice())
    }

    pub fn selected_method(&self) -> Option<&Method> {
        self.selected.and_then(|i| self.methods().get(i))
    }

    /// Methods being added, not usable yet.
    pub fn adding(&self) -> &[Method] {
        self.state.as_ref().map_or(&[], |s| s.adding.as_slice())
    }

    pub fn privilege(&self) -> Option<&Privilege> {
        self.state.as_ref().map(|s| &s.privilege)
    }

    pub fn ticked_count(&self) -> usize {
        self.ticked.iter().filter(|t| **t).count()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desk {
    pub settings: DeskSettings,
    /// The agent's language (index into `settings.languages`).
    pub lang: usize,
    /// The caller's language, for the script.
    pub caller_lang: usize,
    pub platform: Platform,
    pub screen: DeskScreen,
    pub case: Option<Case>,
    pub help_open: bool,
    pub pending: Option<DeskPending>,
    /// The request in flight waits out the provider's `Retry-After`.
    pub held: Option<crate::kernel::Held>,
    pub notice: Option<DeskNotice>,
    pub now: Millis,
    pub wall: u64,
    next_req: ReqIds,
}

impl Desk {
    pub fn new(settings: DeskSettings) -> Desk {
        Desk {
            settings,
            lang: 0,
            caller_lang: 0,
            platform: Platform::IPhone,
            screen: DeskScreen::Lookup {
                username: String::new(),
            },
            case: None,
            help_open: false,
            pending: None,
            held: None,
            notice: None,
            now: Millis(0),
            wall: 0,
            next_req: ReqIds::default(),
        }
    }

    fn next_req(&mut self) -> ReqId {
        self.next_req.issue()
    }

    pub fn language(&self) -> &str {
        lang_at(&self.settings.languages, self.lang)
    }

    pub fn caller_language(&self) -> &str {
        lang_at(&self.settings.languages, self.caller_lang)
    }

    pub fn training(&self) -> bool {
        self.settings.capabilities.training_callers.is_some()
    }

    pub fn context(&self) -> Context {
        if self.help_open {
            return Context::Help;
        }
        match &self.screen {
            DeskScreen::Lookup { .. } => Context::DeskLookup,
            DeskScreen::Account => Context::DeskAccount,
            DeskScreen::Checks { .. } => Context::DeskChecks,
            DeskScreen::Escalate => Context::DeskEscalate,
            DeskScreen::IssuePass { .. } => Context::DeskIssue,
            DeskScreen::PassShown { .. } => Context::DeskPass,
            DeskScreen::Confirm(_) => Context::DeskConfirm,
            DeskScreen::AddPhone { .. } => Context::DeskPhone,
            DeskScreen::Privileged => Context::DeskPrivileged,
            DeskScreen::Watch => Context::DeskWatch,
            DeskScreen::Summary => Context::DeskSummary,
        }
    }

    /// Whether an action means anything right now; the footer and help
    /// list only these.
    pub fn action_available(&self, action: Action) -> bool {
        let caps = &self.settings.capabilities;
        let case = self.case.as_ref();
        match action {
            Action::Language => self.settings.languages.len() > 1,
            Action::CallerLanguage => self.settings.languages.len() > 1,
            Action::Revoke => caps.can_revoke_sessions,
            Action::AddPhone => caps.can_add_phone,
            Action::OneTime => caps.one_time_choice,
            Action::Up | Action::Down => match &self.screen {
                DeskScreen::Account => case.is_some_and(|c| {
                    c.methods().len() > 1 || (c.selected.is_none() && !c.methods().is_empty())
                }),
                _ => true,
            },
            Action::Delete => case.is_some_and(|c| !c.methods().is_empty()),
            Action::OldPhone => {
                matches!(self.screen, DeskScreen::Account) && case.is_some_and(Case::has_old_app)
            }
            Action::SimCaller => {
                self.training()
                    && case
                        .and_then(|c| c.watch.as_ref())
                        .is_some_and(|w| w.found.is_empty() && !w.timed_out)
            }
            Action::Next => match &self.screen {
                DeskScreen::Watch => case
                    .and_then(|c| c.watch.as_ref())
                    .is_some_and(|w| !w.found.is_empty() || w.timed_out),
                DeskScreen::Checks { .. } => {
                    case.is_some_and(|c| c.ticked_count() >= self.settings.required_checks)
                }
                _ => true,
            },
            _ => true,
        }
    }

    /// When the driver must wake the desk even without input.
    pub fn next_wakeup(&self) -> Option<Millis> {
        let mut soonest: Option<Millis> = None;
        let mut consider = |t: Millis| {
            soonest = Some(soonest.map_or(t, |s| s.min(t)));
        };
        let watching = self
            .case
            .as_ref()
            .and_then(|c| c.watch.as_ref())
            .filter(|w| w.found.is_empty() && !w.timed_out);
        if self.pending.is_some() || watching.is_some() {
            consider(self.now.plus_ms(self.spinner_period_ms()));
        }
        if let Some(w) = watching {
            consider(w.deadline);
        }
        if let DeskScreen::PassShown { hide_at, .. } = &self.screen {
            consider(*hide_at);
        }
        soonest
    }

    /// How often the spinner moves: fast for a request in flight, once a
    /// second while only watching the caller register.
    pub fn spinner_period_ms(&self) -> u64 {
        if self.pending.is_some() {
            SPINNER_PERIOD_MS
        } else {
            WAITING_PERIOD_MS
        }
    }

    /// The kinds `Reset all` deletes: everything that can stand as a
    /// second factor.
    pub fn reset_plan(&self) -> Vec<Method> {
        let Some(case) = &self.case else {
            return Vec::new();
        };
        let mut plan: Vec<Method> = case
            .methods()
            .iter()
            .filter(|m| m.kind.is_sign_in_factor())
            .cloned()
            .collect();
        // The provider refuses to delete the default while others exist.
        plan.sort_by_key(|m| m.is_default);
        plan
    }
}

fn lang_at(languages: &[String], i: usize) -> &str {
    languages.get(i).map(String::as_str).unwrap_or("en")
}
