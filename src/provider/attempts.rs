//! The kiosk's own limit on wrong passes, per username, kept before the
//! server is asked.
//!
//! A public kiosk lets anyone type anyone's username. privacyIDEA checks a
//! pass against every token of the user, so each wrong pass also raises the
//! fail counter of the person's working Authenticator; ten of them (the
//! server's default `max_fail`) and their real sign-in stops working. So
//! this kiosk stops asking the server about a username after
//! [`MAX_REJECTED`] rejected passes within [`WINDOW`], for every username
//! alike, known or not. And where the provider can tell an unknown username
//! from a wrong pass, the kiosk does not pass that on: both read "not
//! accepted", so usernames cannot be fished for.

use super::{
    Approval, Capabilities, DeviceCode, DevicePoll, Enrollment, Method, MethodKind, PhoneAction,
    Provider, ProviderError, Reply, Session,
};
use crate::secret::Secret;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Rejected passes per username that this kiosk sends to the server within
/// [`WINDOW`]. Half of privacyIDEA's default `max_fail` (10): one kiosk
/// cannot lock a person's Authenticator in a day.
pub const MAX_REJECTED: usize = 5;
/// How long a rejected pass counts against its username.
pub const WINDOW: Duration = Duration::from_secs(24 * 60 * 60);
/// Usernames remembered at most; the oldest go first.
const MAX_NAMES: usize = 10_000;

pub struct AttemptLimit<P: ?Sized> {
    inner: Box<P>,
    max: usize,
    window: Duration,
    /// Tell the person which usernames exist (training: they are on the banner).
    reveal_unknown_user: bool,
    rejected: Mutex<HashMap<String, Vec<Instant>>>,
}

impl<P: Provider + ?Sized> AttemptLimit<P> {
    pub fn new(inner: Box<P>) -> Self {
        let reveal = inner.capabilities().training_accounts.is_some();
        Self::with_limit(inner, MAX_REJECTED, WINDOW, reveal)
    }

    pub fn with_limit(
        inner: Box<P>,
        max: usize,
        window: Duration,
        reveal_unknown_user: bool,
    ) -> Self {
        AttemptLimit {
            inner,
            max,
            window,
            reveal_unknown_user,
            rejected: Mutex::new(HashMap::new()),
        }
    }

    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Instant>>> {
        // Every change is one insert or retain: a poisoned map is still whole.
        self.rejected.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The rejections of `key` still inside the window.
    fn recent(&self, key: &str, now: Instant) -> usize {
        let mut table = self.table();
        let Some(times) = table.get_mut(key) else {
            return 0;
        };
        times.retain(|t| now.duration_since(*t) < self.window);
        let n = times.len();
        if n == 0 {
            table.remove(key);
        }
        n
    }

    fn note_rejected(&self, key: String, now: Instant) {
        let mut table = self.table();
        if table.len() >= MAX_NAMES && !table.contains_key(&key) {
            let oldest = table
                .iter()
                .min_by_key(|(_, times)| times.last().copied())
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                table.remove(&oldest);
            }
        }
        table.entry(key).or_default().push(now);
    }

    async fn sign_in_limited(
        &self,
        username: &str,
        pass: &Secret,
    ) -> Result<Session, ProviderError> {
        let key = Self::key(username);
        if self.recent(&key, Instant::now()) >= self.max {
            return Err(ProviderError::TooManyTries);
        }
        match self.inner.sign_in(username, pass).await {
            Ok(session) => {
                self.table().remove(&key);
                Ok(session)
            }
            Err(e) if counts_as_rejected(&e) => {
                self.note_rejected(key, Instant::now());
                Err(self.one_message(e))
            }
            Err(e) => Err(e),
        }
    }

    fn one_message(&self, e: ProviderError) -> ProviderError {
        match e {
            ProviderError::UnknownUser if !self.reveal_unknown_user => ProviderError::PassRejected,
            other => other,
        }
    }
}

/// The server said no to this username and pass (not: could not be asked).
fn counts_as_rejected(e: &ProviderError) -> bool {
    matches!(
        e,
        ProviderError::WrongPass { .. }
            | ProviderError::PassRejected
            | ProviderError::PassUsed
            | ProviderError::PassExpired
            | ProviderError::UnknownUser
            | ProviderError::Locked
    )
}

impl<P: Provider + ?Sized> Provider for AttemptLimit<P> {
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session> {
        Box::pin(self.sign_in_limited(username, pass))
    }

    fn begin_device_sign_in(&self) -> Reply<'_, DeviceCode> {
        self.inner.begin_device_sign_in()
    }

    fn poll_device_sign_in<'a>(&'a self, code: &'a DeviceCode) -> Reply<'a, DevicePoll> {
        self.inner.poll_device_sign_in(code)
    }

    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        self.inner.list_methods(session)
    }

    fn delete_method<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        self.inner.delete_method(session, method_id)
    }

    fn set_default<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        self.inner.set_default(session, method_id)
    }

    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment> {
        self.inner.begin_enrollment(session, kind)
    }

    fn check_code<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
        code: &'a str,
    ) -> Reply<'a, bool> {
        self.inner.check_code(session, enrollment_id, code)
    }

    fn poll_registration<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, bool> {
        self.inner.poll_registration(session, enrollment_id)
    }

    fn request_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Option<String>> {
        self.inner.request_approval(session, enrollment_id)
    }

    fn poll_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Approval> {
        self.inner.poll_approval(session, enrollment_id)
    }

    fn cancel_enrollment<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()> {
        self.inner.cancel_enrollment(session, enrollment_id)
    }

    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()> {
        self.inner.sign_out(session)
    }

    fn simulate_phone(&self, enrollment_id: &str, action: PhoneAction) {
        self.inner.simulate_phone(enrollment_id, action);
    }
}
