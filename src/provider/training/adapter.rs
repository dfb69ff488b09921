//! The [`Provider`] face of the tenant: every call waits and may fail like a
//! network, then runs the rule.

use super::*;

impl TrainingTenant {
    /// Waits and may fail like a network, then runs `rule`.
    fn answer<'a, T: Send + 'a>(
        &'a self,
        rule: impl FnOnce() -> Result<T, ProviderError> + Send + 'a,
    ) -> Reply<'a, T> {
        Box::pin(async move {
            self.call().await?;
            rule()
        })
    }
}

impl Provider for TrainingTenant {
    fn capabilities(&self) -> Capabilities {
        let state = self.lock();
        let accounts = state
            .accounts
            .iter()
            .zip(&self.scenario.accounts)
            .map(|(a, seed)| TrainingAccount {
                username: a.short_name.clone(),
                pass: a.pass.expose().to_string(),
                note: seed.note.trim().to_string(),
                notes: seed.notes(),
            })
            .collect();
        Capabilities {
            add_kinds: vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode],
            can_delete: true,
            can_set_default: true,
            simulated_phone: true,
            training_accounts: Some(accounts),
            sign_in: SignInKind::Pass,
            push_app: PushApp::MicrosoftAuthenticator,
            last_used: Default::default(),
        }
    }

    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session> {
        self.answer(move || self.do_sign_in(username, pass))
    }

    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        self.answer(move || self.do_list(session))
    }

    fn delete_method<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        self.answer(move || self.do_delete(session, method_id))
    }

    fn set_default<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        self.answer(move || self.do_set_default(session, method_id))
    }

    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment> {
        self.answer(move || crate::secret::scrubbed(|| self.do_begin(session, kind)))
    }

    fn check_code<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
        code: &'a str,
    ) -> Reply<'a, bool> {
        self.answer(move || {
            crate::secret::scrubbed(|| self.do_check_code(session, enrollment_id, code))
        })
    }

    fn clock_drift(&self, session: &Session, enrollment_id: &str, code: &str) -> Option<i64> {
        let now = self.now();
        let state = self.lock();
        let index = state.enrollment(session, enrollment_id).ok()?;
        let totp = &state.enrollments.get(index)?.totp;
        crate::secret::scrubbed(|| crate::clock_drift::drift_seconds(totp, code, now))
    }

    fn request_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Option<String>> {
        self.answer(move || self.do_request_approval(session, enrollment_id))
    }

    fn poll_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Approval> {
        self.answer(move || self.do_poll(session, enrollment_id))
    }

    fn cancel_enrollment<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()> {
        self.answer(move || self.do_cancel(session, enrollment_id))
    }

    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()> {
        self.answer(move || self.do_sign_out(session))
    }

    fn simulate_phone(&self, enrollment_id: &str, action: PhoneAction) {
        self.do_simulate_phone(enrollment_id, action);
    }
}
