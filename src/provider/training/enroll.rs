//! The tenant's rules for adding a method: an enrollment's TOTP secret, its
//! code check, and the simulated phone's push approvals.

use super::*;

impl TrainingTenant {
    pub(super) fn do_begin(
        &self,
        session: &Session,
        kind: MethodKind,
    ) -> Result<Enrollment, ProviderError> {
        let confirm = match kind {
            MethodKind::AuthenticatorCode => Confirm::Code {
                digits: CODE_DIGITS,
            },
            MethodKind::AuthenticatorPush => Confirm::Approval {
                poll_every: self.scenario.poll_every(),
                timeout: self.scenario.approval_timeout(),
            },
            _ => {
                return Err(ProviderError::NotAllowed(
                    "the training tenant adds authenticator apps only".into(),
                ));
            }
        };
        let mut state = self.lock();
        let (account, session_number) = state.session(session)?;
        let account_name = state
            .accounts
            .get(account)
            .map(|a| a.username.clone())
            .ok_or(ProviderError::SessionExpired)?;
        let issuer = self.scenario.issuer.trim().to_string();
        let totp = Builder::new()
            .with_secret(new_key()?)
            .with_issuer(Some(issuer.as_str()))
            .with_account_name(account_name.as_str())
            .build()
            .map_err(|_| ProviderError::Protocol("could not create an authenticator key".into()))?;
        // `to_url` leaves out the defaults (SHA1, 6 digits, 30 s).
        let qr_payload = Secret::new(
            totp.to_url()
                .map_err(|_| ProviderError::Protocol("could not create the QR code".into()))?,
        );
        let manual_key = Secret::new(totp.secret().to_base32());
        let id = format!("enr-{}", state.take_id());

        let open: Vec<usize> = state
            .enrollments
            .iter()
            .enumerate()
            .filter(|(_, e)| e.session == session_number)
            .map(|(i, _)| i)
            .collect();
        if open.len() >= MAX_OPEN_ENROLLMENTS
            && let Some(&oldest) = open.first()
        {
            state.enrollments.remove(oldest);
        }
        state.enrollments.push(EnrollmentRec {
            id: id.clone(),
            session: session_number,
            account,
            kind,
            totp: Box::new(totp),
            push: None,
        });
        Ok(Enrollment {
            id,
            kind,
            qr_payload,
            manual_key,
            account_name,
            issuer,
            confirm,
            registration: None,
        })
    }

    pub(super) fn do_check_code(
        &self,
        session: &Session,
        enrollment_id: &str,
        code: &str,
    ) -> Result<bool, ProviderError> {
        let at = self.now();
        let now = unix_secs(at);
        let today = civil_date(at);
        let mut state = self.lock();
        let (index, enrollment) =
            state.enrollment_for(session, enrollment_id, MethodKind::AuthenticatorCode)?;
        let code = code.trim();
        if code.len() != usize::from(CODE_DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(false);
        }
        // One 30-second step of clock difference either way (the builder's skew of 1).
        if enrollment.totp.check(code, now).is_none() {
            return Ok(false);
        }
        let done = state.enrollments.remove(index);
        state.register(
            done.account,
            MethodKind::AuthenticatorCode,
            CODE_METHOD_LABEL,
            &today,
        );
        Ok(true)
    }

    pub(super) fn do_request_approval(
        &self,
        session: &Session,
        enrollment_id: &str,
    ) -> Result<Option<String>, ProviderError> {
        let now = self.now();
        let mut state = self.lock();
        let (_, enrollment) =
            state.enrollment_for(session, enrollment_id, MethodKind::AuthenticatorPush)?;
        let push = match &mut enrollment.push {
            // Already approved: the method is registered, nothing to resend.
            Some(push) if push.status == Approval::Approved => push,
            Some(push) => {
                push.sent_at = now;
                push.status = Approval::Pending;
                push.sends = push.sends.saturating_add(1);
                push.number = match_number(now, push.sends, push.number);
                push
            }
            None => enrollment.push.insert(PushState {
                sent_at: now,
                status: Approval::Pending,
                sends: 1,
                number: match_number(now, 1, 0),
            }),
        };
        Ok(Some(push.number.to_string()))
    }

    pub(super) fn do_poll(
        &self,
        session: &Session,
        enrollment_id: &str,
    ) -> Result<Approval, ProviderError> {
        let now = self.now();
        let timeout = self.scenario.approval_timeout();
        let mut state = self.lock();
        let (_, enrollment) =
            state.enrollment_for(session, enrollment_id, MethodKind::AuthenticatorPush)?;
        Ok(match &mut enrollment.push {
            None => Approval::Pending,
            Some(push) => {
                if push.status == Approval::Pending && timed_out(push.sent_at, timeout, now) {
                    push.status = Approval::Expired;
                }
                push.status
            }
        })
    }

    pub(super) fn do_cancel(
        &self,
        session: &Session,
        enrollment_id: &str,
    ) -> Result<(), ProviderError> {
        let mut state = self.lock();
        let index = state.enrollment(session, enrollment_id)?;
        state.enrollments.remove(index);
        Ok(())
    }

    pub(super) fn do_simulate_phone(&self, enrollment_id: &str, action: PhoneAction) {
        let now = self.now();
        let today = civil_date(now);
        let timeout = self.scenario.approval_timeout();
        let delivery = self.scenario.push_delivery;
        let mut state = self.lock();
        let Some(enrollment) = state
            .enrollments
            .iter_mut()
            .find(|e| e.id == enrollment_id && e.kind == MethodKind::AuthenticatorPush)
        else {
            return;
        };
        let Some(push) = &mut enrollment.push else {
            // Nothing was sent yet: the phone has nothing to answer.
            return;
        };
        if push.status != Approval::Pending {
            return;
        }
        if timed_out(push.sent_at, timeout, now) {
            push.status = Approval::Expired;
            return;
        }
        let arrived = match delivery {
            PushDelivery::Arrives => true,
            PushDelivery::NeverArrives => false,
            PushDelivery::ArrivesAfterResend => push.sends >= 2,
        };
        if !arrived {
            return;
        }
        match action {
            PhoneAction::Deny => push.status = Approval::Rejected,
            // The wrong number fails the sign-in, as in Microsoft Authenticator.
            PhoneAction::ApproveWith(typed) if typed != push.number => {
                push.status = Approval::Rejected;
            }
            PhoneAction::Approve | PhoneAction::ApproveWith(_) => {
                push.status = Approval::Approved;
                let account = enrollment.account;
                state.register(
                    account,
                    MethodKind::AuthenticatorPush,
                    PUSH_METHOD_LABEL,
                    &today,
                );
            }
        }
    }
}

/// A two-digit number (10–99) for number matching, different from the last
/// one so that a resend is told apart. Practice values: the clock's
/// nanoseconds are unpredictable enough for a trainee.
fn match_number(now: SystemTime, sends: u32, last: u8) -> u8 {
    let nanos = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut n = 10 + u8::try_from((nanos / 1000 + sends.wrapping_mul(37)) % 90).unwrap_or(0);
    if n == last {
        n = if n == 99 { 10 } else { n + 1 };
    }
    n
}

fn timed_out(sent_at: SystemTime, timeout: Duration, now: SystemTime) -> bool {
    sent_at
        .checked_add(timeout)
        .is_some_and(|deadline| now >= deadline)
}

/// A new 160-bit key straight from the OS into a buffer that is wiped.
/// `totp_rs::Secret::generate` draws from rand's thread generator, whose
/// output buffer keeps the key's bytes in the worker thread long after the
/// enrollment is gone.
fn new_key() -> Result<TotpSecret, ProviderError> {
    use zeroize::Zeroize;
    let mut raw = [0u8; 20];
    let filled = getrandom::fill(&mut raw);
    let key = TotpSecret::from(raw);
    raw.zeroize();
    filled
        .map(|()| key)
        .map_err(|_| ProviderError::Protocol("could not create an authenticator key".into()))
}
