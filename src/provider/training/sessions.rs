//! The tenant's rules for signing in and for the methods of a signed-in
//! account: one-use passes that expire, the attempt limit, the default
//! method last.

use super::*;

impl TrainingTenant {
    pub(super) fn do_sign_in(
        &self,
        username: &str,
        pass: &Secret,
    ) -> Result<Session, ProviderError> {
        let now = self.now();
        let max = self.scenario.max_attempts;
        let mut state = self.lock();
        let index = state
            .find_account(username)
            .ok_or(ProviderError::UnknownUser)?;
        let account = state
            .accounts
            .get_mut(index)
            .ok_or(ProviderError::UnknownUser)?;
        if account.locked {
            return Err(ProviderError::Locked);
        }
        if !constant_time_eq(
            pass.expose().trim().as_bytes(),
            account.pass.expose().as_bytes(),
        ) {
            account.failed_attempts = account.failed_attempts.saturating_add(1);
            if account.failed_attempts >= max {
                account.locked = true;
                return Err(ProviderError::Locked);
            }
            return Err(ProviderError::WrongPass {
                attempts_left: max - account.failed_attempts,
            });
        }
        match account.pass_state {
            PassState::Expired => return Err(ProviderError::PassExpired),
            PassState::Used => return Err(ProviderError::PassUsed),
            PassState::Valid => {}
        }
        if let Some(expires) = account.pass_issued.checked_add(account.pass_valid_for)
            && now >= expires
        {
            account.pass_state = PassState::Expired;
            return Err(ProviderError::PassExpired);
        }
        if account.pass_one_time {
            account.pass_state = PassState::Used;
        }
        account.failed_attempts = 0;
        let who = Account {
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            can_delete: true,
            cannot_add: Vec::new(),
        };
        let number = state.take_id();
        let token = Secret::new(TotpSecret::generate().to_base32());
        state.sessions.push(SessionRec {
            token: token.clone(),
            number,
            account: index,
        });
        Ok(Session::new(who, token))
    }

    pub(super) fn do_list(&self, session: &Session) -> Result<Vec<Method>, ProviderError> {
        let state = self.lock();
        let (account, _) = state.session(session)?;
        let mut methods = state
            .accounts
            .get(account)
            .map(|a| a.methods.clone())
            .unwrap_or_default();
        // Default first, otherwise in the order they were added.
        methods.sort_by_key(|m| !m.is_default);
        Ok(methods)
    }

    pub(super) fn do_delete(
        &self,
        session: &Session,
        method_id: &str,
    ) -> Result<(), ProviderError> {
        let mut state = self.lock();
        delete_from(state.methods_mut(session)?, method_id)
    }

    pub(super) fn do_set_default(
        &self,
        session: &Session,
        method_id: &str,
    ) -> Result<(), ProviderError> {
        let mut state = self.lock();
        let methods = state.methods_mut(session)?;
        let kind = methods
            .iter()
            .find(|m| m.id == method_id)
            .map(|m| m.kind)
            .ok_or(ProviderError::NotFound)?;
        if !kind.is_sign_in_factor() {
            return Err(ProviderError::NotAllowed(
                "only a sign-in method can be the default".into(),
            ));
        }
        for m in methods.iter_mut() {
            m.is_default = m.id == method_id;
        }
        Ok(())
    }

    pub(super) fn do_sign_out(&self, session: &Session) -> Result<(), ProviderError> {
        let mut state = self.lock();
        let (_, session_number) = state.session(session)?;
        state.sessions.retain(|s| s.number != session_number);
        state.enrollments.retain(|e| e.session != session_number);
        Ok(())
    }
}

/// Compare without stopping at the first difference, so the time taken does
/// not tell how much of a pass was right.
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

/// The tenant's rule for deleting: the default method goes last.
pub(super) fn delete_from(methods: &mut Vec<Method>, method_id: &str) -> Result<(), ProviderError> {
    let position = methods
        .iter()
        .position(|m| m.id == method_id)
        .ok_or(ProviderError::NotFound)?;
    if methods.get(position).is_some_and(|m| m.is_default) && methods.len() > 1 {
        return Err(ProviderError::DefaultMethod);
    }
    methods.remove(position);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }
}
