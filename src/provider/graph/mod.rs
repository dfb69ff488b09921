//! Over 400 lines by a few: the kiosk's Graph provider; errors, passes, desk side are split out.
//!
//! Microsoft Entra ID through Microsoft Graph.
//!
//! [`GraphProvider`] is the kiosk: the person signs in on their phone with a
//! device code and their Temporary Access Pass, then manages their own
//! methods (delegated access). [`GraphAdmin`] is the helpdesk, acting as the
//! app itself.
//!
//! Graph cannot create a Microsoft Authenticator registration nor send it a
//! test notification: the person adds their work account in the app (or at
//! My Security Info) and the kiosk watches the account until the new
//! Authenticator shows up.

mod admin;
mod desk;
mod device_code;
mod errors;
mod id_token;
mod methods;
mod oauth;
mod pass;
pub mod probe;
mod registration;
mod rest;
mod roles;
mod settings;

pub use crate::provider::phone::{PhoneNumber, PhoneNumberError, PhoneType};
pub use admin::{
    ConnectError, DirectoryUser, GraphAdmin, IssuedPass, PASS_LIFETIME_MINUTES, REQUIRED_APP_ROLES,
    TapPolicy,
};
pub use desk::{GraphDesk, PASS_LIFETIMES, ROLES_FRESH_FOR, SELF_SERVICE_URL};
pub use methods::{GraphMethod, MethodType, parse_method};
pub use pass::PassStatus;
pub use settings::{
    DEFAULT_AUTHORITY, DEFAULT_GRAPH, DEFAULT_REGISTRATION_WAIT, DEFAULT_SECURITY_INFO,
    GraphSettings,
};

use self::errors::{Caller, Op};
use self::registration::Watches;
use self::rest::Graph;
use self::settings::Endpoints;
use super::{
    Approval, Capabilities, Confirm, DeviceCode, DevicePoll, Enrollment, LastUsed, Method,
    MethodKind, Provider, ProviderError, PushApp, Reply, Session, SignInKind,
};
use crate::provider::http;
use crate::secret::Secret;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

/// The kiosk's Graph provider (delegated access to `/me`).
pub struct GraphProvider {
    settings: GraphSettings,
    endpoints: Endpoints,
    scope: String,
    graph: Graph,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Per account, the Graph type of each method id from the last list:
    /// the delete endpoint depends on it. Keyed by account because phone
    /// method ids are the same fixed GUIDs for everybody.
    types: HashMap<String, HashMap<String, MethodType>>,
    watches: Watches,
}

impl fmt::Debug for GraphProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphProvider")
            .field("tenant", &self.settings.tenant)
            .field("client_id", &self.settings.client_id)
            .field("graph", &self.graph.base.as_str())
            .finish_non_exhaustive()
    }
}

impl GraphProvider {
    /// Checks the settings (https, tenant, client id, CA bundle) and builds
    /// the HTTP client. The error is a sentence for whoever wrote the config.
    pub fn new(settings: GraphSettings) -> Result<GraphProvider, String> {
        let endpoints = Endpoints::from_settings(&settings)?;
        let client = http::build_client(&settings::http_config(&settings, &endpoints))?;
        Ok(GraphProvider {
            scope: device_code::scopes(&oauth::resource(&endpoints.graph)),
            graph: Graph {
                client,
                base: endpoints.graph.clone(),
                retry: settings::retry_policy(&settings),
                caller: Caller::Delegated,
            },
            endpoints,
            settings,
            state: Mutex::new(State::default()),
        })
    }

    pub fn settings(&self) -> &GraphSettings {
        &self.settings
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn me(&self, rest: &[&str]) -> reqwest::Url {
        let mut segments = vec!["me", "authentication"];
        segments.extend_from_slice(rest);
        self.graph.url(&segments)
    }

    async fn list(&self, session: &Session) -> Result<Vec<Method>, ProviderError> {
        let values = self
            .graph
            .get_all(session.token(), &self.me(&["methods"]), Op::ListMethods)
            .await?;
        let listed: Vec<GraphMethod> = values.iter().filter_map(methods::parse_method).collect();
        let types = listed
            .iter()
            .map(|m| (m.method.id.clone(), m.method_type.clone()))
            .collect();
        self.lock()
            .types
            .insert(session.account.username.clone(), types);
        Ok(listed.into_iter().map(|m| m.method).collect())
    }

    fn known_type(&self, session: &Session, method_id: &str) -> Option<MethodType> {
        self.lock()
            .types
            .get(&session.account.username)
            .and_then(|t| t.get(method_id))
            .cloned()
    }

    async fn delete(&self, session: &Session, method_id: &str) -> Result<(), ProviderError> {
        let method_type = match self.known_type(session, method_id) {
            Some(t) => t,
            None => {
                // Not in the last list (or none yet): ask Graph again.
                self.list(session).await?;
                self.known_type(session, method_id)
                    .ok_or(ProviderError::NotFound)?
            }
        };
        let collection = methods::delete_collection(&method_type, true)?;
        let url = self.me(&[collection, method_id]);
        self.graph
            .delete(session.token(), &url, Op::DeleteMethod)
            .await?;
        if let Some(types) = self.lock().types.get_mut(&session.account.username) {
            types.remove(method_id);
        }
        Ok(())
    }

    /// The ids of the person's Microsoft Authenticator registrations.
    async fn authenticator_ids(&self, session: &Session) -> Result<Vec<String>, ProviderError> {
        let url = self.me(&[MethodType::MicrosoftAuthenticator
            .collection()
            .unwrap_or("microsoftAuthenticatorMethods")]);
        let values = self
            .graph
            .get_all(session.token(), &url, Op::ListMethods)
            .await?;
        Ok(values
            .iter()
            .filter_map(|v| methods::parse_typed(v, &MethodType::MicrosoftAuthenticator))
            .map(|m| m.method.id)
            .collect())
    }

    async fn begin(
        &self,
        session: &Session,
        kind: MethodKind,
    ) -> Result<Enrollment, ProviderError> {
        if kind != MethodKind::AuthenticatorPush {
            return Err(ProviderError::NotAllowed(
                "with Microsoft Entra ID this kiosk adds the Microsoft Authenticator app only"
                    .into(),
            ));
        }
        let known = self.authenticator_ids(session).await?;
        let id = self.lock().watches.start(&session.account.username, known);
        Ok(Enrollment {
            id,
            kind,
            qr_payload: Secret::new(self.settings.my_security_info_url.trim()),
            manual_key: Secret::empty(),
            account_name: session.account.username.clone(),
            issuer: "Microsoft".into(),
            confirm: Confirm::Appears,
            registration: Some(self.settings.registration_wait),
        })
    }

    async fn registered(
        &self,
        session: &Session,
        enrollment_id: &str,
    ) -> Result<bool, ProviderError> {
        if !self
            .lock()
            .watches
            .exists(&session.account.username, enrollment_id)
        {
            return Err(ProviderError::NotFound);
        }
        let now = self.authenticator_ids(session).await?;
        let mut state = self.lock();
        let new = state
            .watches
            .new_ids(&session.account.username, enrollment_id, &now)
            .ok_or(ProviderError::NotFound)?;
        let types = state
            .types
            .entry(session.account.username.clone())
            .or_default();
        for id in &new {
            types.insert(id.clone(), MethodType::MicrosoftAuthenticator);
        }
        Ok(!new.is_empty())
    }

    /// Registers a phone number for text or voice codes (`POST
    /// /me/authentication/phoneMethods`). Entra keeps one number per type
    /// and wants a mobile number before an alternate one; whether people may
    /// add their own depends on the tenant (a 403 then explains).
    pub async fn add_phone(
        &self,
        session: &Session,
        number: &PhoneNumber,
        phone_type: PhoneType,
    ) -> Result<Method, ProviderError> {
        let body = json!({ "phoneNumber": number.as_str(), "phoneType": phone_type.as_graph() });
        let raw = self
            .graph
            .post(
                session.token(),
                &self.me(&["phoneMethods"]),
                Some(&body),
                Op::AddPhone,
            )
            .await?;
        let value: Value = serde_json::from_slice(&raw).map_err(|_| {
            ProviderError::Protocol("Microsoft Graph sent a phone method we could not read".into())
        })?;
        let added = methods::parse_typed(&value, &MethodType::Phone).ok_or_else(|| {
            ProviderError::Protocol("Microsoft Graph sent a phone method without an id".into())
        })?;
        self.lock()
            .types
            .entry(session.account.username.clone())
            .or_default()
            .insert(added.method.id.clone(), MethodType::Phone);
        Ok(added.method)
    }
}

fn cannot(what: &str) -> ProviderError {
    ProviderError::NotAllowed(format!("Microsoft Graph cannot {what}"))
}

impl Provider for GraphProvider {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            // Phone needs a number typed in, which the contract's
            // `begin_enrollment` has no room for: `add_phone` is separate.
            add_kinds: vec![MethodKind::AuthenticatorPush],
            can_delete: true,
            // Only the beta signInPreferences can change the default.
            can_set_default: false,
            simulated_phone: false,
            sign_in: SignInKind::DeviceCode,
            training_accounts: None,
            push_app: PushApp::MicrosoftAuthenticator,
            // `lastUsedDateTime` is beta-only (docs/graph-facts.md).
            last_used: LastUsed::NeverReported,
        }
    }

    fn sign_in<'a>(&'a self, _username: &'a str, _pass: &'a Secret) -> Reply<'a, Session> {
        Box::pin(async {
            Err(ProviderError::NotAllowed(
                "with Microsoft Entra ID, sign in on your phone with the code shown here".into(),
            ))
        })
    }

    fn begin_device_sign_in(&self) -> Reply<'_, DeviceCode> {
        Box::pin(async move {
            device_code::begin(
                &self.graph.client,
                &self.endpoints.device_code,
                self.settings.client_id.trim(),
                &self.scope,
            )
            .await
        })
    }

    fn poll_device_sign_in<'a>(&'a self, code: &'a DeviceCode) -> Reply<'a, DevicePoll> {
        Box::pin(async move {
            device_code::poll(
                &self.graph.client,
                &self.endpoints.token,
                self.settings.client_id.trim(),
                code,
            )
            .await
        })
    }

    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        Box::pin(self.list(session))
    }

    fn delete_method<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        Box::pin(self.delete(session, method_id))
    }

    fn set_default<'a>(&'a self, _session: &'a Session, _method_id: &'a str) -> Reply<'a, ()> {
        Box::pin(async {
            Err(ProviderError::NotAllowed(
                "Microsoft Graph cannot change the default method here; change it at My \
                 Security Info (https://aka.ms/mysecurityinfo)"
                    .into(),
            ))
        })
    }

    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment> {
        Box::pin(self.begin(session, kind))
    }

    fn check_code<'a>(
        &'a self,
        _session: &'a Session,
        _enrollment_id: &'a str,
        _code: &'a str,
    ) -> Reply<'a, bool> {
        Box::pin(async { Err(cannot("check a code from the app")) })
    }

    fn poll_registration<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, bool> {
        Box::pin(self.registered(session, enrollment_id))
    }

    fn request_approval<'a>(
        &'a self,
        _session: &'a Session,
        _enrollment_id: &'a str,
    ) -> Reply<'a, Option<String>> {
        Box::pin(async { Err(cannot("send a test notification")) })
    }

    fn poll_approval<'a>(
        &'a self,
        _session: &'a Session,
        _enrollment_id: &'a str,
    ) -> Reply<'a, Approval> {
        Box::pin(async { Err(cannot("report on a test notification")) })
    }

    fn cancel_enrollment<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()> {
        Box::pin(async move {
            self.lock()
                .watches
                .cancel(&session.account.username, enrollment_id);
            Ok(())
        })
    }

    /// Forgets everything kept for this account. Graph has nothing to call
    /// here: a delegated access token cannot be revoked on its own, and
    /// `/me/revokeSignInSessions` needs `User.RevokeSessions.All` and would
    /// sign the person out of every device. No refresh token was asked for,
    /// so the access token (held only in the `Session`, wiped when dropped)
    /// is all there is, and it dies within the hour or with the pass.
    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()> {
        Box::pin(async move {
            let mut state = self.lock();
            state.types.remove(&session.account.username);
            state.watches.forget_account(&session.account.username);
            Ok(())
        })
    }
}
