//! A local stand-in for Microsoft Graph and the Microsoft identity platform,
//! serving the shapes Microsoft documents (sources: `docs/graph-facts.md`): device-code and
//! client-credentials sign-in, `/me` and `/users/{id}` authentication
//! methods with per-type DELETE, phone creation, Temporary Access Passes,
//! `revokeSignInSessions` and user lookup, with Graph's error bodies
//! (`error.code`, `error.message`, `innerError.request-id`) and AADSTS
//! answers. Tests steer it through [`FakeGraph`]: scripted device-code
//! polls, faults for the next N calls of a route, a new Authenticator that
//! appears after N polls.
//!
//! Include it per test crate:
//!
//! ```ignore
//! #[path = "support/fake_graph/mod.rs"]
//! mod fake_graph;
//! ```
//!
//! An end-to-end test can run it in its own process's runtime with
//! [`serve_on`] and point the binary's config at [`FakeGraph::authority_base`]
//! and [`FakeGraph::graph_base`] (plain http is accepted for 127.0.0.1).
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod identity;
mod permissions;
mod reply;
mod roles;
mod routes;
pub mod state;

pub use state::{DeviceStep, Fault, FaultReply, Principal, State, TapPolicy, User};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub const TENANT: &str = "contoso.onmicrosoft.com";
pub const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
/// The helpdesk app's client secret the fake accepts.
pub const CLIENT_SECRET: &str = "fake~client~secret~Q8x2";
/// The kiosk user the device-code sign-in signs in.
pub const KIM: &str = "kim@contoso.example";
/// A guest, to exercise `#EXT#` in paths and the no-pass-for-guests rule.
pub const GUEST: &str = "alex_fabrikam.example#EXT#@contoso.onmicrosoft.com";
/// Phone method ids are the same for everyone (docs/graph-facts.md).
pub const MOBILE_ID: &str = "3179e48a-750b-4051-897c-87b9720928f7";
pub const ALT_MOBILE_ID: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";
pub const OFFICE_ID: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";

pub type Shared = Arc<Mutex<State>>;

/// A running fake. Dropping it stops the server.
pub struct FakeGraph {
    pub addr: SocketAddr,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves on `addr` (port 0 picks a free one) with the seeded tenant.
pub async fn serve_on(addr: SocketAddr) -> std::io::Result<FakeGraph> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let state: Shared = Arc::new(Mutex::new(State::seeded(addr)));
    let app = routes::router(state.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(FakeGraph { addr, state, task })
}

impl FakeGraph {
    /// On a free port of 127.0.0.1.
    pub async fn start() -> FakeGraph {
        serve_on(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("binding the fake Graph server")
    }

    /// Base for the identity platform (`{base}/{tenant}/oauth2/v2.0/...`).
    pub fn authority_base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Base for Graph calls, like `https://graph.microsoft.com/v1.0`.
    pub fn graph_base(&self) -> String {
        format!("http://{}/v1.0", self.addr)
    }

    /// Provider settings pointing at this server, with short waits.
    pub fn settings(&self) -> mfa_assist::provider::graph::GraphSettings {
        mfa_assist::provider::graph::GraphSettings {
            authority_base: self.authority_base(),
            graph_base: self.graph_base(),
            timeout: Duration::from_secs(5),
            registration_wait: mfa_assist::provider::Wait {
                poll_every: Duration::from_millis(100),
                timeout: Duration::from_secs(60),
            },
            ..mfa_assist::provider::graph::GraphSettings::new(TENANT, CLIENT_ID)
        }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The device-code polls to answer, in order; after the last one,
    /// `authorization_pending` again.
    pub fn script_device(&self, steps: &[DeviceStep]) {
        self.state().device_script = steps.iter().copied().collect();
    }

    /// The next `times` requests whose method is `method` (or any, with
    /// `"*"`) and whose path contains `path_part` get `reply`.
    pub fn fail(&self, method: &str, path_part: &str, times: u32, reply: FaultReply) {
        self.state().faults.push(Fault {
            method: method.to_string(),
            path_part: path_part.to_string(),
            remaining: times,
            reply,
        });
    }

    /// How many requests matched `method` (or `"*"`) and `path_part`.
    pub fn calls(&self, method: &str, path_part: &str) -> usize {
        self.state()
            .log
            .iter()
            .filter(|r| (method == "*" || r.method == method) && r.path.contains(path_part))
            .count()
    }

    /// A new Microsoft Authenticator registration for `upn` shows up after
    /// `polls` more GETs of its `microsoftAuthenticatorMethods`.
    pub fn authenticator_appears_after(&self, upn: &str, polls: u32, device: &str) {
        let mut s = self.state();
        let user = s.user_mut(upn).expect("no such user");
        user.authenticator_after = Some((polls, device.to_string()));
    }

    /// Registers a new Microsoft Authenticator for `upn` now; returns its id.
    pub fn register_authenticator(&self, upn: &str, device: &str) -> String {
        let mut s = self.state();
        let id = s.new_guid();
        let user = s.user_mut(upn).expect("no such user");
        user.methods.push(state::authenticator(&id, device));
        id
    }

    /// The user's methods as Graph would list them.
    pub fn methods(&self, upn: &str) -> Vec<serde_json::Value> {
        self.state()
            .user(upn)
            .map(|u| u.methods.clone())
            .unwrap_or_default()
    }

    pub fn set_default_method(&self, upn: &str, id: Option<&str>) {
        let mut s = self.state();
        s.user_mut(upn).expect("no such user").default_method = id.map(str::to_string);
    }

    /// The request id of the last error answer.
    pub fn last_request_id(&self) -> Option<String> {
        self.state().last_error_request_id.clone()
    }

    /// Every access token issued so far stops working (as if expired).
    pub fn expire_tokens(&self) {
        self.state().tokens.clear();
    }

    /// Tokens issued from now on carry only these application permissions.
    pub fn grant_app_roles(&self, roles: &[&str]) {
        self.state().app_roles = roles.iter().map(|r| r.to_string()).collect();
    }

    /// The delegated permissions an administrator consented to.
    pub fn consent_delegated(&self, scopes: &[&str]) {
        self.state().delegated_consented = scopes.iter().map(|r| r.to_string()).collect();
    }

    /// Every sign-in so far becomes older than the re-authentication window.
    pub fn age_sign_ins(&self) {
        let mut s = self.state();
        let old = s.reauth_window + Duration::from_secs(1);
        for at in s.signed_in_at.values_mut() {
            if let Some(earlier) = at.checked_sub(old) {
                *at = earlier;
            }
        }
    }

    /// Plays the person who typed `user_code` on the sign-in page and
    /// signed in: the kiosk's next poll with its device code gets tokens.
    /// `false` when no device-code request handed out that user code.
    pub fn complete_device_sign_in(&self, user_code: &str) -> bool {
        let mut s = self.state();
        let Some(device_code) = s
            .user_codes
            .iter()
            .find(|(u, _)| u == user_code)
            .map(|(_, d)| d.clone())
        else {
            return false;
        };
        s.device_approved.push(device_code);
        true
    }

    /// The polling interval (seconds) handed out with the next device codes.
    pub fn device_interval(&self, secs: u64) {
        self.state().device_interval = secs;
    }

    pub fn set_account_enabled(&self, upn: &str, enabled: bool) {
        self.state()
            .user_mut(upn)
            .expect("no such user")
            .account_enabled = enabled;
    }

    /// Lists page after this many entries, with `@odata.nextLink`.
    pub fn page_size(&self, size: Option<usize>) {
        self.state().page_size = size;
    }

    /// How long app tokens claim to live (`expires_in`).
    pub fn app_token_lifetime(&self, lifetime: Duration) {
        self.state().app_token_lifetime = lifetime;
    }
}
