//! The tenant's memory: accounts as the scenario sets them up, and the
//! look-ups every rule shares.

use super::sessions::constant_time_eq;
use super::*;

impl State {
    pub(super) fn new(scenario: &Scenario, started: SystemTime) -> State {
        let mut state = State {
            accounts: Vec::with_capacity(scenario.accounts.len()),
            sessions: Vec::new(),
            enrollments: Vec::new(),
            next_id: 1,
            calls: 0,
        };
        for seed in &scenario.accounts {
            let mut methods = Vec::with_capacity(seed.methods.len());
            for m in &seed.methods {
                methods.push(Method {
                    id: format!("m-{}", state.take_id()),
                    kind: m.kind,
                    label: m.label.trim().to_string(),
                    added: m.added.clone(),
                    last_used: m.last_used.clone(),
                    is_default: m.is_default,
                    used_for: m.used_for(),
                });
            }
            state.accounts.push(AccountState {
                short_name: seed.username.trim().to_string(),
                username: scenario.full_username(seed),
                display_name: seed.display_name.trim().to_string(),
                pass: seed.pass.clone(),
                pass_state: seed.pass_state,
                pass_issued: started,
                pass_valid_for: Duration::from_secs(seed.pass_valid_minutes.saturating_mul(60)),
                pass_one_time: true,
                failed_attempts: 0,
                locked: false,
                methods,
            });
        }
        state
    }

    pub(super) fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    /// Usernames match trimmed and case-insensitively, by short or full name.
    pub(super) fn find_account(&self, username: &str) -> Option<usize> {
        let wanted = username.trim().to_lowercase();
        if wanted.is_empty() {
            return None;
        }
        self.accounts.iter().position(|a| {
            a.username.to_lowercase() == wanted || a.short_name.to_lowercase() == wanted
        })
    }

    /// The account index and session number of an open session.
    pub(super) fn session(&self, session: &Session) -> Result<(usize, u64), ProviderError> {
        let token = session.token().expose().as_bytes();
        self.sessions
            .iter()
            .find(|s| constant_time_eq(s.token.expose().as_bytes(), token))
            .map(|s| (s.account, s.number))
            .ok_or(ProviderError::SessionExpired)
    }

    /// The methods of the account a session belongs to.
    pub(super) fn methods_mut(
        &mut self,
        session: &Session,
    ) -> Result<&mut Vec<Method>, ProviderError> {
        let (account, _) = self.session(session)?;
        self.accounts
            .get_mut(account)
            .map(|a| &mut a.methods)
            .ok_or(ProviderError::SessionExpired)
    }

    /// The index of an enrollment of this session's.
    pub(super) fn enrollment(&self, session: &Session, id: &str) -> Result<usize, ProviderError> {
        let (_, number) = self.session(session)?;
        self.enrollments
            .iter()
            .position(|e| e.id == id && e.session == number)
            .ok_or(ProviderError::NotFound)
    }

    /// An enrollment of this session's that is confirmed the `kind` way (a
    /// code, or a notification approved); the other kind is refused.
    pub(super) fn enrollment_for(
        &mut self,
        session: &Session,
        id: &str,
        kind: MethodKind,
    ) -> Result<(usize, &mut EnrollmentRec), ProviderError> {
        let index = self.enrollment(session, id)?;
        let enrollment = self
            .enrollments
            .get_mut(index)
            .ok_or(ProviderError::NotFound)?;
        if enrollment.kind != kind {
            let how = match enrollment.kind {
                MethodKind::AuthenticatorPush => "by approving a notification",
                _ => "with a code from the app",
            };
            return Err(ProviderError::NotAllowed(format!(
                "this method is confirmed {how}"
            )));
        }
        Ok((index, enrollment))
    }

    /// Add a proven method; it becomes the default when the account has no
    /// default sign-in method.
    pub(super) fn register(&mut self, account: usize, kind: MethodKind, label: &str, today: &str) {
        let id = format!("m-{}", self.take_id());
        let Some(account) = self.accounts.get_mut(account) else {
            return;
        };
        let has_default = account
            .methods
            .iter()
            .any(|m| m.is_default && m.kind.is_sign_in_factor());
        account.methods.push(Method {
            id,
            kind,
            label: label.to_string(),
            added: Some(today.to_string()),
            last_used: Some(today.to_string()),
            is_default: !has_default,
            used_for: UsedFor {
                sign_in: true,
                password_reset: true,
            },
        });
    }
}
