//! The training tenant seen from the helpdesk: the trainee plays the agent,
//! and a key plays the caller registering their new phone.

use super::scenario::PassState;
use super::sessions::delete_from;
use super::{AccountState, TrainingTenant};
use crate::provider::admin::{
    Admin, AdminCapabilities, Caller, CallerState, NewPass, PassInfo, PassName, PassRequest,
    Privilege,
};
use crate::provider::phone::{PhoneNumber, PhoneType};
use crate::provider::{Method, MethodKind, ProviderError, PushApp, Reply};
use crate::secret::Secret;
use crate::timefmt::{after_minutes, civil_date, civil_minute};
use std::time::Duration;
use totp_rs::Secret as TotpSecret;

/// Lifetimes offered when issuing a pass, in minutes.
const PASS_LIFETIMES: [u32; 3] = [60, 480, 1440];
/// Characters of an issued pass: base32, so no 0/O or 1/I to mishear.
const PASS_CHARS: usize = 12;
/// The label of the Authenticator the simulated caller adds.
pub const NEW_PHONE_LABEL: &str = "Authenticator app (new phone)";

impl TrainingTenant {
    fn caller_index(&self, caller: &Caller) -> Result<usize, ProviderError> {
        self.lock()
            .find_account(&caller.id)
            .ok_or(ProviderError::UnknownUser)
    }

    fn pass_info(&self, account: &AccountState) -> PassInfo {
        let expires_at = account
            .pass_issued
            .checked_add(account.pass_valid_for)
            .unwrap_or(account.pass_issued);
        let expired = account.pass_state == PassState::Expired || self.now() >= expires_at;
        PassInfo {
            id: format!("pass-{}", account.short_name),
            created: Some(civil_minute(account.pass_issued)),
            expires: Some(civil_minute(expires_at)),
            one_time: Some(account.pass_one_time),
            usable: Some(account.pass_state == PassState::Valid && !expired && !account.locked),
        }
    }
}

impl Admin for TrainingTenant {
    fn capabilities(&self) -> AdminCapabilities {
        let callers = self
            .lock()
            .accounts
            .iter()
            .map(|a| a.short_name.clone())
            .collect();
        AdminCapabilities {
            pass_name: PassName::TemporaryAccessPass,
            pass_lifetimes: PASS_LIFETIMES.to_vec(),
            one_time_choice: true,
            one_time_default: true,
            can_revoke_sessions: true,
            push_app: PushApp::MicrosoftAuthenticator,
            self_service_url: None,
            training_callers: Some(callers),
            can_add_phone: true,
            last_used: Default::default(),
        }
    }

    fn lookup<'a>(&'a self, username: &'a str) -> Reply<'a, Caller> {
        Box::pin(async move {
            self.call().await?;
            let state = self.lock();
            let account = state
                .find_account(username)
                .and_then(|i| state.accounts.get(i))
                .ok_or(ProviderError::UnknownUser)?;
            Ok(Caller {
                id: account.username.clone(),
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                enabled: Some(true),
            })
        })
    }

    fn caller_state<'a>(&'a self, caller: &'a Caller) -> Reply<'a, CallerState> {
        Box::pin(async move {
            self.call().await?;
            let index = self.caller_index(caller)?;
            let state = self.lock();
            let account = state
                .accounts
                .get(index)
                .ok_or(ProviderError::UnknownUser)?;
            let mut methods = account.methods.clone();
            methods.sort_by_key(|m| !m.is_default);
            Ok(CallerState {
                methods,
                passes: vec![self.pass_info(account)],
                adding: Vec::new(),
                // Practice accounts hold no administrative roles.
                privilege: Privilege::Ordinary,
            })
        })
    }

    fn delete_method<'a>(&'a self, caller: &'a Caller, method_id: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call().await?;
            let index = self.caller_index(caller)?;
            let mut state = self.lock();
            let account = state
                .accounts
                .get_mut(index)
                .ok_or(ProviderError::UnknownUser)?;
            if method_id == format!("pass-{}", account.short_name) {
                if account.pass_state != PassState::Valid {
                    return Err(ProviderError::NotFound);
                }
                account.pass_state = PassState::Used;
                return Ok(());
            }
            delete_from(&mut account.methods, method_id)
        })
    }

    fn issue_pass<'a>(&'a self, caller: &'a Caller, request: PassRequest) -> Reply<'a, NewPass> {
        Box::pin(async move {
            self.call().await?;
            let index = self.caller_index(caller)?;
            let now = self.now();
            let pass = new_pass();
            let mut state = self.lock();
            let account = state
                .accounts
                .get_mut(index)
                .ok_or(ProviderError::UnknownUser)?;
            account.pass = pass.clone();
            account.pass_state = PassState::Valid;
            account.pass_issued = now;
            account.pass_valid_for =
                Duration::from_secs(u64::from(request.lifetime_minutes).saturating_mul(60));
            account.pass_one_time = request.one_time;
            // A new pass is the helpdesk's way back in: the lock from
            // earlier wrong tries no longer applies.
            account.failed_attempts = 0;
            account.locked = false;
            Ok(NewPass {
                pass,
                id: format!("pass-{}", account.short_name),
                expires: Some(civil_minute(after_minutes(now, request.lifetime_minutes))),
                one_time: request.one_time,
            })
        })
    }

    fn revoke_sessions<'a>(&'a self, caller: &'a Caller) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call().await?;
            let index = self.caller_index(caller)?;
            self.lock().sessions.retain(|s| s.account != index);
            Ok(())
        })
    }

    /// Entra's rules, so a trainee meets the same refusals: one number per
    /// type, a mobile before an alternate mobile.
    fn add_phone<'a>(
        &'a self,
        caller: &'a Caller,
        number: &'a PhoneNumber,
        phone_type: PhoneType,
    ) -> Reply<'a, Method> {
        Box::pin(async move {
            self.call().await?;
            let index = self.caller_index(caller)?;
            let today = civil_date(self.now());
            let mut state = self.lock();
            let account = state
                .accounts
                .get(index)
                .ok_or(ProviderError::UnknownUser)?;
            let has = |t: PhoneType| {
                account
                    .methods
                    .iter()
                    .any(|m| m.kind == MethodKind::Phone && phone_type_of(&m.label) == Some(t))
            };
            if has(phone_type) {
                return Err(ProviderError::Conflict(
                    "the caller already has a number of this type (one per type): delete it \
                     first, or choose another type"
                        .into(),
                ));
            }
            if phone_type == PhoneType::AlternateMobile && !has(PhoneType::Mobile) {
                return Err(ProviderError::Conflict(
                    "a mobile number is needed before an alternate mobile one: add the mobile \
                     first"
                        .into(),
                ));
            }
            let label = format!("{} {number}", phone_label(phone_type));
            state.register(index, MethodKind::Phone, &label, &today);
            let added = state
                .accounts
                .get_mut(index)
                .and_then(|a| a.methods.last_mut())
                .ok_or(ProviderError::UnknownUser)?;
            // Registered by the desk and never used yet.
            added.last_used = None;
            Ok(added.clone())
        })
    }

    fn simulate_caller_registers(&self, caller: &Caller) {
        let today = civil_date(self.now());
        let mut state = self.lock();
        if let Some(index) = state.find_account(&caller.id) {
            state.register(
                index,
                MethodKind::AuthenticatorPush,
                NEW_PHONE_LABEL,
                &today,
            );
        }
    }
}

/// A fresh practice pass: twelve base32 characters (views group them in
/// fours to read aloud; the pass itself has no dashes).
fn new_pass() -> Secret {
    let mut raw = TotpSecret::generate().to_base32();
    let pass: String = raw.chars().take(PASS_CHARS).collect();
    zeroize::Zeroize::zeroize(&mut raw);
    Secret::new(pass)
}

/// How the practice accounts label their phones ("Mobile +1 555-0142").
fn phone_label(phone_type: PhoneType) -> &'static str {
    match phone_type {
        PhoneType::Mobile => "Mobile",
        PhoneType::AlternateMobile => "Alternate mobile",
        PhoneType::Office => "Office phone",
    }
}

fn phone_type_of(label: &str) -> Option<PhoneType> {
    // Longest first: "Alternate mobile" is not a "Mobile".
    [
        PhoneType::AlternateMobile,
        PhoneType::Office,
        PhoneType::Mobile,
    ]
    .into_iter()
    .find(|t| label.starts_with(phone_label(*t)))
}
