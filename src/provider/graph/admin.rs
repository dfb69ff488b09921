//! Over 400 lines because it is the desk's Graph client: one app token, every call made with it.
//!
//! Helpdesk access to Graph as the app itself (client credentials): look a
//! caller up, see and delete their methods, issue a Temporary Access Pass,
//! sign them out everywhere, watch for the method they register.
//!
//! App-only calls show up in Entra's audit log as the app, not the agent:
//! whoever wraps this must record which agent did what.

use super::errors::{Caller, Op, clean};
use super::methods::{self, GraphMethod, MethodType};
use super::oauth::{self, TokenReply};
use super::pass::PassStatus;
use super::rest::Graph;
use super::settings::{self, Endpoints, GraphSettings};
use crate::provider::ProviderError;
use crate::provider::http;
use crate::provider::phone::{PhoneNumber, PhoneType};
use crate::secret::Secret;
use reqwest::Url;
use serde_json::{Value, json};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use zeroize::Zeroize;

/// A token is renewed this long before Microsoft says it expires, so a
/// request never sets off with one about to lapse.
const RENEW_BEFORE: Duration = Duration::from_secs(300);
/// The lifetime Microsoft documents for app tokens, used when the answer
/// names none.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3599);
/// `lifetimeInMinutes` bounds Graph documents (10 minutes to 30 days); the
/// tenant's policy may be narrower and Graph then says so.
pub const PASS_LIFETIME_MINUTES: std::ops::RangeInclusive<u32> = 10..=43_200;

/// Why [`GraphAdmin::connect`] failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectError {
    /// The settings are wrong; the text says which and how.
    Config(String),
    /// The identity platform refused or could not be reached.
    Provider(ProviderError),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Config(why) => write!(f, "graph settings: {why}"),
            ConnectError::Provider(e) => write!(f, "graph sign-in: {e}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// A user as the directory knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryUser {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    /// `Member` or `Guest`; guests cannot be given a pass.
    pub user_type: Option<String>,
    pub account_enabled: Option<bool>,
}

/// A newly issued Temporary Access Pass. Graph shows the pass this once;
/// `Debug` prints it redacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedPass {
    pub pass: Secret,
    /// What Graph says about it (its method id, lifetime, use once…).
    pub status: PassStatus,
}

struct AppToken {
    token: Secret,
    renew_at: Instant,
}

/// Graph as the helpdesk app. One client, one cached token.
pub struct GraphAdmin {
    client_id: String,
    token_url: Url,
    scope: String,
    secret: Secret,
    graph: Graph,
    token: Mutex<Option<AppToken>>,
}

impl fmt::Debug for GraphAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphAdmin")
            .field("client_id", &self.client_id)
            .field("graph", &self.graph.base.as_str())
            .finish_non_exhaustive()
    }
}

impl GraphAdmin {
    /// Checks the settings and gets the first app token, so a wrong secret
    /// or missing consent shows at start-up rather than mid-call.
    pub async fn connect(
        settings: GraphSettings,
        client_secret: Secret,
    ) -> Result<GraphAdmin, ConnectError> {
        let endpoints = Endpoints::from_settings(&settings).map_err(ConnectError::Config)?;
        if client_secret.is_empty() {
            return Err(ConnectError::Config("the client secret is empty".into()));
        }
        let client = http::build_client(&settings::http_config(&settings, &endpoints))
            .map_err(ConnectError::Config)?;
        let admin = GraphAdmin {
            client_id: settings.client_id.trim().to_string(),
            token_url: endpoints.token,
            scope: format!("{}/.default", oauth::resource(&endpoints.graph)),
            secret: client_secret,
            graph: Graph {
                client,
                base: endpoints.graph,
                retry: settings::retry_policy(&settings),
                caller: Caller::App,
            },
            token: Mutex::new(None),
        };
        admin.token().await.map_err(ConnectError::Provider)?;
        Ok(admin)
    }

    fn lock(&self) -> MutexGuard<'_, Option<AppToken>> {
        self.token.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached app token, or a new one.
    async fn token(&self) -> Result<Secret, ProviderError> {
        if let Some(t) = self.lock().as_ref()
            && Instant::now() < t.renew_at
        {
            return Ok(t.token.clone());
        }
        let form = [
            ("client_id", self.client_id.as_str()),
            ("scope", self.scope.as_str()),
            ("client_secret", self.secret.expose()),
            ("grant_type", "client_credentials"),
        ];
        let (status, headers, body) =
            oauth::post_form(&self.graph.client, &self.token_url, &form).await?;
        match oauth::token_reply(status, &headers, body)? {
            TokenReply::Issued(tokens) => {
                let lifetime = tokens.expires_in.unwrap_or(DEFAULT_TOKEN_LIFETIME);
                // Short-lived tokens (tests, odd policies): renew at half-life.
                let early = RENEW_BEFORE.min(lifetime / 2);
                *self.lock() = Some(AppToken {
                    token: tokens.access_token.clone(),
                    renew_at: Instant::now() + lifetime.saturating_sub(early),
                });
                Ok(tokens.access_token)
            }
            TokenReply::Refused(refusal) => Err(refusal.to_provider_error()),
        }
    }

    fn forget_token(&self) {
        *self.lock() = None;
    }

    /// A Graph URL from path segments, for sibling modules.
    pub(super) fn graph_url(&self, segments: &[&str]) -> Url {
        self.graph.url(segments)
    }

    /// A 401 means the request was refused before anything happened (the
    /// token expired or was revoked early), so one more go with a fresh
    /// token is safe even for a write.
    pub(super) async fn get_all(&self, url: &Url, op: Op) -> Result<Vec<Value>, ProviderError> {
        let token = self.token().await?;
        match self.graph.get_all(&token, url, op).await {
            Err(ProviderError::SessionExpired) => {
                self.forget_token();
                let token = self.token().await?;
                self.graph.get_all(&token, url, op).await
            }
            other => other,
        }
    }

    async fn get(&self, url: &Url, op: Op) -> Result<Value, ProviderError> {
        let token = self.token().await?;
        match self.graph.get(&token, url, op).await {
            Err(ProviderError::SessionExpired) => {
                self.forget_token();
                let token = self.token().await?;
                self.graph.get(&token, url, op).await
            }
            other => other,
        }
    }

    async fn delete(&self, url: &Url, op: Op) -> Result<(), ProviderError> {
        let token = self.token().await?;
        match self.graph.delete(&token, url, op).await {
            Err(ProviderError::SessionExpired) => {
                self.forget_token();
                let token = self.token().await?;
                self.graph.delete(&token, url, op).await
            }
            other => other,
        }
    }

    async fn post(
        &self,
        url: &Url,
        body: Option<&Value>,
        op: Op,
    ) -> Result<Vec<u8>, ProviderError> {
        let token = self.token().await?;
        match self.graph.post(&token, url, body, op).await {
            Err(ProviderError::SessionExpired) => {
                self.forget_token();
                let token = self.token().await?;
                self.graph.post(&token, url, body, op).await
            }
            other => other,
        }
    }

    /// Finds a user by sign-in name (UPN) or object id.
    pub async fn lookup_user(&self, upn: &str) -> Result<DirectoryUser, ProviderError> {
        let who = user_ref(upn)?;
        let mut url = self.user_url(who, &[])?;
        url.set_query(Some(
            "$select=id,userPrincipalName,displayName,userType,accountEnabled",
        ));
        let user = self.get(&url, Op::LookupUser).await?;
        let text = |name: &str| {
            user.get(name)
                .and_then(Value::as_str)
                .map(|s| clean(s, 200))
                .filter(|s| !s.is_empty())
        };
        let id = text("id").ok_or_else(|| {
            ProviderError::Protocol("Microsoft Graph sent a user without an id".into())
        })?;
        Ok(DirectoryUser {
            user_principal_name: text("userPrincipalName").unwrap_or_else(|| who.to_string()),
            display_name: text("displayName").unwrap_or_default(),
            user_type: text("userType"),
            account_enabled: user.get("accountEnabled").and_then(Value::as_bool),
            id,
        })
    }

    /// Every registered method of a user (object id or UPN).
    pub async fn list_methods(&self, user_id: &str) -> Result<Vec<GraphMethod>, ProviderError> {
        Ok(self.list_methods_and_passes(user_id).await?.0)
    }

    /// Every registered method of a user, and the details of their
    /// Temporary Access Pass (if any) from the same answer: the pass is
    /// listed among the methods too.
    pub async fn list_methods_and_passes(
        &self,
        user_id: &str,
    ) -> Result<(Vec<GraphMethod>, Vec<PassStatus>), ProviderError> {
        let url = self.user_url(user_id, &["authentication", "methods"])?;
        let values = self.get_all(&url, Op::ListMethods).await?;
        let mut listed = Vec::new();
        let mut passes = Vec::new();
        for value in &values {
            let Some(method) = methods::parse_method(value) else {
                continue;
            };
            if method.method_type == MethodType::TemporaryAccessPass {
                passes.push(PassStatus::from_graph(value));
            }
            listed.push(method);
        }
        Ok((listed, passes))
    }

    /// Deletes one method through its type's endpoint.
    pub async fn delete_method(
        &self,
        user_id: &str,
        method: &GraphMethod,
    ) -> Result<(), ProviderError> {
        self.delete_method_of_type(user_id, &method.method.id, &method.method_type)
            .await
    }

    /// Deletes the method `method_id` of the given type (Graph has no
    /// delete by id alone).
    pub async fn delete_method_of_type(
        &self,
        user_id: &str,
        method_id: &str,
        method_type: &MethodType,
    ) -> Result<(), ProviderError> {
        let collection = methods::delete_collection(method_type, false)?;
        let mut path = vec!["authentication", collection];
        if method_type.deleted_by_id() {
            path.push(method_id);
        }
        let url = self.user_url(user_id, &path)?;
        self.delete(&url, Op::DeleteMethod).await
    }

    /// Issues a Temporary Access Pass. `lifetime_minutes: None` takes the
    /// tenant policy's default. Issuing one replaces any pass the user has.
    /// Never retried: a second POST would replace the first pass.
    pub async fn create_tap(
        &self,
        user_id: &str,
        lifetime_minutes: Option<u32>,
        one_time: bool,
    ) -> Result<IssuedPass, ProviderError> {
        let mut body = json!({ "isUsableOnce": one_time });
        if let Some(minutes) = lifetime_minutes {
            if !PASS_LIFETIME_MINUTES.contains(&minutes) {
                return Err(ProviderError::Conflict(
                    "a pass lives between 10 minutes and 30 days".into(),
                ));
            }
            body["lifetimeInMinutes"] = json!(minutes);
        }
        let url = self.user_url(user_id, &["authentication", "temporaryAccessPassMethods"])?;
        let mut raw = self.post(&url, Some(&body), Op::CreatePass).await?;
        let parsed = serde_json::from_slice::<Value>(&raw);
        raw.zeroize();
        let mut answer = parsed.map_err(|_| {
            ProviderError::Protocol("Microsoft Graph sent a pass we could not read".into())
        })?;
        let pass = match answer.get_mut("temporaryAccessPass").map(Value::take) {
            Some(Value::String(s)) if !s.is_empty() => Secret::new(s),
            _ => {
                return Err(ProviderError::Protocol(
                    "Microsoft Graph created a pass but did not show it".into(),
                ));
            }
        };
        Ok(IssuedPass {
            status: PassStatus::from_graph(&answer),
            pass,
        })
    }

    /// Registers a phone number for the user (`POST /users/{id}/authentication/phoneMethods`,
    /// contrib: `authentication-post-phonemethods.md`). Never retried after
    /// it may have reached Graph: the second POST would be refused as "a
    /// phone of this type already exists" and hide that the first worked.
    pub async fn add_phone(
        &self,
        user_id: &str,
        number: &PhoneNumber,
        phone_type: PhoneType,
    ) -> Result<GraphMethod, ProviderError> {
        let body = json!({ "phoneNumber": number.as_str(), "phoneType": phone_type.as_graph() });
        let url = self.user_url(user_id, &["authentication", "phoneMethods"])?;
        let raw = self.post(&url, Some(&body), Op::AddPhone).await?;
        let value: Value = serde_json::from_slice(&raw).map_err(|_| {
            ProviderError::Protocol("Microsoft Graph sent a phone method we could not read".into())
        })?;
        methods::parse_typed(&value, &MethodType::Phone).ok_or_else(|| {
            ProviderError::Protocol("Microsoft Graph sent a phone method without an id".into())
        })
    }

    /// Signs the user out everywhere: refresh tokens and browser sessions
    /// stop working within minutes. Access tokens already issued live on
    /// until they expire.
    pub async fn revoke_sessions(&self, user_id: &str) -> Result<(), ProviderError> {
        let url = self.user_url(user_id, &["revokeSignInSessions"])?;
        let raw = self.post(&url, None, Op::RevokeSessions).await?;
        // Any 2xx counts (a known issue: the status may differ from the
        // documented 200); only an explicit `false` is a refusal.
        let answer = serde_json::from_slice::<Value>(&raw).ok();
        if answer.and_then(|a| a.get("value").and_then(Value::as_bool)) == Some(false) {
            return Err(ProviderError::Protocol(
                "Microsoft Graph did not confirm the sign-out".into(),
            ));
        }
        Ok(())
    }
}

impl GraphAdmin {
    /// `/users/{id or UPN}/…`. A UPN that starts with `$` is written
    /// `/users('$x@y')` instead (user-get.md): after a slash OData would
    /// read `$…` as one of its own segments.
    fn user_url(&self, user: &str, rest: &[&str]) -> Result<Url, ProviderError> {
        let user = user_ref(user)?;
        let quoted;
        let mut path: Vec<&str> = if user.starts_with('$') {
            quoted = format!("users('{}')", user.replace('\'', "''"));
            vec![quoted.as_str()]
        } else {
            vec!["users", user]
        };
        path.extend_from_slice(rest);
        Ok(self.graph.url(&path))
    }
}

/// A user reference fit for one path segment: object id or UPN.
pub(super) fn user_ref(user: &str) -> Result<&str, ProviderError> {
    let user = user.trim();
    if user.is_empty() || user.len() > 256 || user.chars().any(char::is_control) {
        return Err(ProviderError::UnknownUser);
    }
    Ok(user)
}

/// The application permissions a helpdesk token must carry, each with the
/// narrower ones Graph also accepts (permissions tables in
/// docs/graph-facts.md). Any one of a row will do.
pub const REQUIRED_APP_ROLES: &[(&str, &[&str])] = &[
    (
        "UserAuthenticationMethod.ReadWrite.All",
        &["UserAuthenticationMethod.ReadWrite.All"],
    ),
    (
        "User.Read.All",
        &[
            "User.Read.All",
            "User.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
    ),
    (
        "User.RevokeSessions.All",
        &[
            "User.RevokeSessions.All",
            "User.ReadWrite.All",
            "Directory.ReadWrite.All",
        ],
    ),
];

/// What the tenant's Temporary Access Pass policy says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TapPolicy {
    pub enabled: bool,
    pub is_usable_once: bool,
    pub default_minutes: Option<u64>,
    pub minimum_minutes: Option<u64>,
    pub maximum_minutes: Option<u64>,
    /// How many groups (or "all users") the policy targets.
    pub targets: usize,
}

impl GraphAdmin {
    /// The application permissions in the app token (its `roles` claim).
    /// Graph's access tokens are JWTs; this only reads what the token says
    /// about itself, to tell an administrator what is missing.
    pub async fn granted_roles(&self) -> Result<Vec<String>, ProviderError> {
        let token = self.token().await?;
        let claims = super::id_token::claims(&token).ok_or_else(|| {
            ProviderError::Protocol("the app's access token cannot be read".into())
        })?;
        Ok(claims
            .get("roles")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| clean(s, 80))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass`
    /// (needs `Policy.Read.All` or `Policy.Read.AuthenticationMethod`).
    pub async fn tap_policy(&self) -> Result<TapPolicy, ProviderError> {
        let url = self.graph.url(&[
            "policies",
            "authenticationMethodsPolicy",
            "authenticationMethodConfigurations",
            "TemporaryAccessPass",
        ]);
        let p = self.get(&url, Op::ReadPolicy).await?;
        let minutes = |k: &str| p.get(k).and_then(Value::as_u64);
        Ok(TapPolicy {
            enabled: p.get("state").and_then(Value::as_str) == Some("enabled"),
            is_usable_once: p.get("isUsableOnce").and_then(Value::as_bool) == Some(true),
            default_minutes: minutes("defaultLifetimeInMinutes"),
            minimum_minutes: minutes("minimumLifetimeInMinutes"),
            maximum_minutes: minutes("maximumLifetimeInMinutes"),
            targets: p
                .get("includeTargets")
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
        })
    }
}
