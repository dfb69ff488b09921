//! The helpdesk contract ([`Admin`]) on Microsoft Entra ID: [`GraphAdmin`]'s
//! app-only calls in the plain types the agent's screens use.
//!
//! Two things Graph does differently from the contract: a method is deleted
//! through its type's endpoint (so the type of every id is kept from the
//! last listing), and guests cannot be given a pass (so who is a guest is
//! kept from the lookup, to say so before asking Graph).

use super::admin::{GraphAdmin, IssuedPass};
use super::methods::MethodType;
use super::pass::PassStatus;
use crate::provider::admin::{
    Admin, AdminCapabilities, Caller, CallerState, NewPass, PassInfo, PassName, PassRequest,
    Privilege,
};
use crate::provider::phone::{PhoneNumber, PhoneType};
use crate::provider::{LastUsed, Method, ProviderError, PushApp, Reply};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Lifetimes offered to the agent, in minutes: all inside Entra's default
/// Temporary Access Pass policy (1 to 8 hours), so none is refused on a
/// tenant that kept the defaults. A tenant with a narrower policy gets
/// Graph's own words about its range.
pub const PASS_LIFETIMES: [u32; 3] = [60, 240, 480];
/// Where the caller registers a new method themselves.
pub const SELF_SERVICE_URL: &str = "https://aka.ms/mysecurityinfo";
/// How long a caller's directory roles, once read, stand for them. The
/// watch reads the account every few seconds; the roles are read again at
/// each lookup (a new call) and after this long, not at every poll.
pub const ROLES_FRESH_FOR: Duration = Duration::from_secs(300);

/// The helpdesk on Graph.
pub struct GraphDesk {
    admin: GraphAdmin,
    known: Mutex<Known>,
}

#[derive(Default)]
struct Known {
    /// Per caller (object id), the Graph type of each method id from the
    /// last listing: the delete endpoint depends on it.
    types: HashMap<String, HashMap<String, MethodType>>,
    /// Callers the directory calls `Guest`.
    guests: HashSet<String>,
    /// Per caller, their standing as last read and when. Only a successful
    /// read is kept: a failed one is tried again at the next.
    privilege: HashMap<String, (Privilege, Instant)>,
}

impl fmt::Debug for GraphDesk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphDesk")
            .field("admin", &self.admin)
            .finish_non_exhaustive()
    }
}

impl GraphDesk {
    pub fn new(admin: GraphAdmin) -> GraphDesk {
        GraphDesk {
            admin,
            known: Mutex::new(Known::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn find(&self, username: &str) -> Result<Caller, ProviderError> {
        let user = self.admin.lookup_user(username).await?;
        let guest = user
            .user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("guest"));
        {
            let mut known = self.lock();
            // A new call: the roles are read afresh.
            known.privilege.remove(&user.id);
            if guest {
                known.guests.insert(user.id.clone());
            } else {
                known.guests.remove(&user.id);
            }
        }
        Ok(Caller {
            id: user.id,
            username: user.user_principal_name,
            display_name: user.display_name,
            enabled: user.account_enabled,
        })
    }

    async fn state(&self, caller: &Caller) -> Result<CallerState, ProviderError> {
        let (listed, passes) = self.admin.list_methods_and_passes(&caller.id).await?;
        let types = listed
            .iter()
            .map(|m| (m.method.id.clone(), m.method_type.clone()))
            .collect();
        self.lock().types.insert(caller.id.clone(), types);
        let privilege = self.privilege(caller).await;
        Ok(CallerState {
            methods: listed
                .into_iter()
                .filter(|m| m.method_type != MethodType::TemporaryAccessPass)
                .map(|m| m.method)
                .collect(),
            passes: passes.iter().map(pass_info).collect(),
            // Graph lists a method once it is registered: nothing half-added.
            adding: Vec::new(),
            privilege,
        })
    }

    /// The caller's directory roles, read once per call (and again after
    /// [`ROLES_FRESH_FOR`]), so the watch's polls cost one request each.
    async fn privilege(&self, caller: &Caller) -> Privilege {
        if let Some((privilege, read_at)) = self.lock().privilege.get(&caller.id)
            && read_at.elapsed() < ROLES_FRESH_FOR
        {
            return privilege.clone();
        }
        let privilege = self.admin.privilege(&caller.id).await;
        if !matches!(privilege, Privilege::CheckFailed(_)) {
            self.lock()
                .privilege
                .insert(caller.id.clone(), (privilege.clone(), Instant::now()));
        }
        privilege
    }

    fn known_type(&self, caller: &Caller, method_id: &str) -> Option<MethodType> {
        self.lock()
            .types
            .get(&caller.id)
            .and_then(|t| t.get(method_id))
            .cloned()
    }

    fn forget_method(&self, caller: &Caller, method_id: &str) {
        if let Some(types) = self.lock().types.get_mut(&caller.id) {
            types.remove(method_id);
        }
    }

    async fn delete(&self, caller: &Caller, method_id: &str) -> Result<(), ProviderError> {
        let method_type = match self.known_type(caller, method_id) {
            Some(t) => t,
            None => {
                // Not in the last listing (or none yet): ask Graph again.
                self.state(caller).await?;
                self.known_type(caller, method_id)
                    .ok_or(ProviderError::NotFound)?
            }
        };
        let result = self
            .admin
            .delete_method_of_type(&caller.id, method_id, &method_type)
            .await;
        if matches!(result, Ok(()) | Err(ProviderError::NotFound)) {
            self.forget_method(caller, method_id);
        }
        result
    }

    async fn issue(&self, caller: &Caller, request: PassRequest) -> Result<NewPass, ProviderError> {
        if self.lock().guests.contains(&caller.id) {
            // Graph would refuse too; saying so first keeps the words ours.
            // A guest's MFA is registered in this (the resource) tenant, so
            // this desk resets it, not the guest's home organisation
            // (entra-docs external-id/authentication-conditional-access.md,
            // "MFA reset (proof up) for B2B collaboration users").
            let who = if caller.display_name.is_empty() {
                &caller.username
            } else {
                &caller.display_name
            };
            return Err(ProviderError::NotAllowed(format!(
                "{who} is a guest from another organisation: Entra ID cannot give guests a \
                 Temporary Access Pass. Their sign-in methods for our services are registered \
                 with us, so this desk resets them: delete the lost one (or Reset all), and at \
                 their next sign-in to our services they are asked to set up a new one"
            )));
        }
        let issued = self
            .admin
            .create_tap(&caller.id, Some(request.lifetime_minutes), request.one_time)
            .await?;
        if !issued.status.id.is_empty() {
            self.lock()
                .types
                .entry(caller.id.clone())
                .or_default()
                .insert(issued.status.id.clone(), MethodType::TemporaryAccessPass);
        }
        Ok(new_pass(issued, request))
    }
}

impl GraphDesk {
    async fn phone(
        &self,
        caller: &Caller,
        number: &PhoneNumber,
        phone_type: PhoneType,
    ) -> Result<Method, ProviderError> {
        let added = self.admin.add_phone(&caller.id, number, phone_type).await?;
        self.lock()
            .types
            .entry(caller.id.clone())
            .or_default()
            .insert(added.method.id.clone(), MethodType::Phone);
        Ok(added.method)
    }
}

/// A pass's end as the desk shows every provider's times
/// (`2026-11-23 11:00 UTC`); one it cannot read stays as Graph wrote it.
fn for_people(expires: Option<String>) -> Option<String> {
    expires.map(|t| {
        crate::provider::calendar::parse_iso(&t)
            .and_then(|secs| u64::try_from(secs).ok())
            .map_or(t, |secs| {
                crate::timefmt::civil_minute(
                    std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs),
                )
            })
    })
}

fn pass_info(status: &PassStatus) -> PassInfo {
    PassInfo {
        id: status.id.clone(),
        created: status.created.clone(),
        expires: for_people(status.expires()),
        one_time: status.is_usable_once,
        usable: status.is_usable,
    }
}

fn new_pass(issued: IssuedPass, request: PassRequest) -> NewPass {
    let IssuedPass { pass, status } = issued;
    NewPass {
        expires: for_people(status.expires()),
        one_time: status.is_usable_once.unwrap_or(request.one_time),
        id: status.id,
        pass,
    }
}

impl Admin for GraphDesk {
    fn capabilities(&self) -> AdminCapabilities {
        AdminCapabilities {
            pass_name: PassName::TemporaryAccessPass,
            pass_lifetimes: PASS_LIFETIMES.to_vec(),
            one_time_choice: true,
            // Microsoft recommends a multi-use pass when the person signs
            // in once on the device-code page and again in Authenticator
            // (howto-authentication-temporary-access-pass.md).
            one_time_default: false,
            can_revoke_sessions: true,
            push_app: PushApp::MicrosoftAuthenticator,
            self_service_url: Some(SELF_SERVICE_URL.into()),
            training_callers: None,
            can_add_phone: true,
            // `lastUsedDateTime` is beta-only (docs/graph-facts.md).
            last_used: LastUsed::NeverReported,
        }
    }

    fn lookup<'a>(&'a self, username: &'a str) -> Reply<'a, Caller> {
        Box::pin(self.find(username))
    }

    fn caller_state<'a>(&'a self, caller: &'a Caller) -> Reply<'a, CallerState> {
        Box::pin(self.state(caller))
    }

    fn delete_method<'a>(&'a self, caller: &'a Caller, method_id: &'a str) -> Reply<'a, ()> {
        Box::pin(self.delete(caller, method_id))
    }

    fn issue_pass<'a>(&'a self, caller: &'a Caller, request: PassRequest) -> Reply<'a, NewPass> {
        Box::pin(self.issue(caller, request))
    }

    fn revoke_sessions<'a>(&'a self, caller: &'a Caller) -> Reply<'a, ()> {
        Box::pin(self.admin.revoke_sessions(&caller.id))
    }

    fn add_phone<'a>(
        &'a self,
        caller: &'a Caller,
        number: &'a PhoneNumber,
        phone_type: PhoneType,
    ) -> Reply<'a, Method> {
        Box::pin(self.phone(caller, number, phone_type))
    }
}
