//! Over 400 lines because the admin JWT's life and the calls made with it are one job.
//!
//! privacyIDEA for the helpdesk: an administrator's JWT, used for the
//! caller (`user` + `realm` on every call). Registration codes are the
//! passes the agent issues; every other token is a method.
//!
//! privacyIDEA's audit log records the administrator, not the agent:
//! whoever wraps this must record which agent did what.

use super::api::{Answer, Api};
use super::{PAGE_SIZE, PiSettings, all_tokens, api_for, text, token_path, tokens, wipe_strings};
use crate::provider::admin::{
    Admin, AdminCapabilities, Caller, CallerState, NewPass, PassName, PassRequest, Privilege,
};
use crate::provider::{ProviderError, PushApp, Reply};
use crate::secret::Secret;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// Admin JWTs live an hour unless the `jwt_validity` policy says otherwise;
/// renewing after 50 minutes keeps a request from setting off with one about
/// to lapse. A shorter lifetime still works: a 401 renews it at once.
const RENEW_AFTER: Duration = Duration::from_secs(50 * 60);
/// What the agent can pick, in minutes; the first is the default.
const PASS_LIFETIMES: [u32; 3] = [60, 480, 1440];
/// Longest pass accepted (30 days, as Entra allows): a registration code is
/// a full sign-in, so a longer one is more likely a mistake than a need.
const MAX_PASS_MINUTES: u32 = 43_200;
/// The description a new registration code gets, shown in privacyIDEA's UI.
const PASS_DESCRIPTION: &str = "Helpdesk pass (mfa-assist)";
/// Longer is not a user name anyone types.
const MAX_USERNAME: usize = 256;

/// Why [`PiAdmin::connect`] failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PiConnectError {
    /// The settings are wrong; the text says which and how.
    Config(String),
    /// `POST /auth` refused the user name or password.
    Refused {
        admin_user: String,
    },
    /// The account signed in, but as a user of a realm.
    NotAdmin {
        admin_user: String,
    },
    /// No realm is configured and the server has no default realm.
    NoRealm,
    Provider(ProviderError),
}

impl fmt::Display for PiConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PiConnectError::Config(why) => write!(f, "privacyIDEA settings: {why}"),
            PiConnectError::Refused { admin_user } => write!(
                f,
                "privacyIDEA refused the administrator sign-in of {admin_user:?}: wrong user \
                 name or password"
            ),
            PiConnectError::NotAdmin { admin_user } => write!(
                f,
                "{admin_user:?} signed in to privacyIDEA as a user, not as an administrator"
            ),
            PiConnectError::NoRealm => f.write_str(
                "privacyIDEA has no default realm, so the realm to look callers up in must be \
                 configured",
            ),
            PiConnectError::Provider(e) => write!(f, "privacyIDEA administrator sign-in: {e}"),
        }
    }
}

impl std::error::Error for PiConnectError {}

struct AdminJwt {
    token: Secret,
    got: Instant,
    /// Counts sign-ins, so a call that saw this JWT refused does not sign in
    /// again when another call already has.
    generation: u64,
}

/// One authenticated request, kept so it can be sent again with a new JWT.
enum Call<'a> {
    Get(&'a str, &'a [(&'a str, &'a str)]),
    Post(&'a str, &'a Value),
    Delete(&'a str, &'a [(&'a str, &'a str)]),
}

/// A user as `GET /user/` lists them; the rest of the entry is ignored.
#[derive(Deserialize)]
struct DirectoryUser {
    username: String,
    #[serde(default)]
    givenname: String,
    #[serde(default)]
    surname: String,
    #[serde(default)]
    realm: Option<String>,
}

/// privacyIDEA as the helpdesk's administrator.
pub struct PiAdmin {
    api: Api,
    base_url: String,
    /// The realm callers are in: the configured one, else the server's
    /// default, learnt at connect so every call names it.
    realm: String,
    /// Realms named privileged in the config.
    admin_realms: Vec<String>,
    admin_user: String,
    password: Secret,
    jwt: Mutex<Option<AdminJwt>>,
    /// One sign-in at a time: calls that find the JWT stale together wait
    /// for the first one's sign-in instead of each making their own.
    signing_in: tokio::sync::Mutex<()>,
}

impl fmt::Debug for PiAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PiAdmin")
            .field("base_url", &self.base_url)
            .field("realm", &self.realm)
            .field("admin_user", &self.admin_user)
            .finish_non_exhaustive()
    }
}

impl PiAdmin {
    /// Checks the settings and signs in, so a wrong password shows at
    /// start-up rather than mid-call.
    pub async fn connect(
        settings: PiSettings,
        admin_user: &str,
        admin_password: Secret,
    ) -> Result<PiAdmin, PiConnectError> {
        let api = api_for(&settings).map_err(PiConnectError::Config)?;
        let admin_user = admin_user.trim();
        if admin_user.is_empty() {
            return Err(PiConnectError::Config(
                "no administrator user name is set".into(),
            ));
        }
        if admin_password.is_empty() {
            return Err(PiConnectError::Config(
                "the administrator password is empty".into(),
            ));
        }
        let mut admin = PiAdmin {
            api,
            base_url: settings.base_url.clone(),
            realm: settings.realm.trim().to_string(),
            admin_realms: Vec::new(),
            admin_user: admin_user.to_string(),
            password: admin_password,
            jwt: Mutex::new(None),
            signing_in: tokio::sync::Mutex::new(()),
        };
        let token = admin.sign_in().await?;
        admin.store(token);
        if admin.realm.is_empty() {
            admin.realm = admin
                .default_realm()
                .await
                .map_err(PiConnectError::Provider)?
                .ok_or(PiConnectError::NoRealm)?;
        }
        Ok(admin)
    }

    /// The realm callers are looked up in.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// Realms whose users administer privacyIDEA or other systems
    /// (`privacyidea.admin_realms`): the desk changes nothing for them.
    pub fn with_admin_realms(mut self, realms: &[String]) -> PiAdmin {
        self.admin_realms = realms
            .iter()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        self
    }

    /// Callers live in the one realm the desk looks them up in, so whether
    /// they count as privileged follows from that realm.
    fn privilege(&self) -> Privilege {
        if self
            .admin_realms
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&self.realm))
        {
            Privilege::Privileged(vec![format!("admin realm {}", self.realm)])
        } else {
            Privilege::Ordinary
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<AdminJwt>> {
        // Every change is one assignment, so a panic elsewhere cannot leave
        // it half-written.
        self.jwt.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `POST /auth` as the administrator.
    async fn sign_in(&self) -> Result<Secret, PiConnectError> {
        let mut body = json!({ "username": self.admin_user, "password": self.password.expose() });
        let answer = self.api.post("auth", &body, None).await;
        wipe_strings(&mut body);
        let mut answer = answer.map_err(PiConnectError::Provider)?;
        if answer.status == StatusCode::UNAUTHORIZED {
            return Err(PiConnectError::Refused {
                admin_user: self.admin_user.clone(),
            });
        }
        if !answer.ok() {
            return Err(PiConnectError::Provider(answer.into_error()));
        }
        let value = &mut answer.envelope.result.value;
        let role = value
            .get("role")
            .and_then(Value::as_str)
            .map(str::to_string);
        let token = value.get("token").and_then(Value::as_str).map(Secret::new);
        // The answer held the JWT; only the Secret keeps it now.
        wipe_strings(value);
        if role.as_deref() != Some("admin") {
            return Err(PiConnectError::NotAdmin {
                admin_user: self.admin_user.clone(),
            });
        }
        token.ok_or_else(|| {
            PiConnectError::Provider(ProviderError::Protocol(
                "the administrator sign-in gave no session".into(),
            ))
        })
    }

    fn store(&self, token: Secret) -> (Secret, u64) {
        let mut slot = self.lock();
        let generation = slot.as_ref().map_or(0, |j| j.generation + 1);
        *slot = Some(AdminJwt {
            token: token.clone(),
            got: Instant::now(),
            generation,
        });
        (token, generation)
    }

    /// The JWT in hand, if it is young enough and not the one `refused`.
    fn usable_jwt(&self, refused: Option<u64>) -> Option<(Secret, u64)> {
        self.lock()
            .as_ref()
            .filter(|j| j.got.elapsed() < RENEW_AFTER && Some(j.generation) != refused)
            .map(|j| (j.token.clone(), j.generation))
    }

    /// A JWT to send: the one in hand, or a new one.
    async fn jwt(&self, refused: Option<u64>) -> Result<(Secret, u64), ProviderError> {
        if let Some(jwt) = self.usable_jwt(refused) {
            return Ok(jwt);
        }
        let _one_at_a_time = self.signing_in.lock().await;
        // Another call may have signed in while this one waited.
        if let Some(jwt) = self.usable_jwt(refused) {
            return Ok(jwt);
        }
        match self.sign_in().await {
            Ok(token) => Ok(self.store(token)),
            Err(PiConnectError::Provider(e)) => Err(e),
            // The password or the account's rights changed while running.
            Err(e) => Err(ProviderError::NotAllowed(e.to_string())),
        }
    }

    /// Sends `call` with the admin JWT, signing in again once when the
    /// server says the JWT is no good (expired early by policy, or the
    /// server's key changed).
    async fn call(&self, call: Call<'_>) -> Result<Answer, ProviderError> {
        let (jwt, generation) = self.jwt(None).await?;
        let answer = self.send(&call, &jwt).await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return Ok(answer);
        }
        // privacyIDEA checks the JWT before the endpoint runs, so a refused
        // write did nothing and may be sent again.
        let (jwt, _) = self.jwt(Some(generation)).await?;
        let answer = self.send(&call, &jwt).await?;
        if answer.status == StatusCode::UNAUTHORIZED {
            return Err(ProviderError::NotAllowed(
                "privacyIDEA refuses the helpdesk administrator's session".into(),
            ));
        }
        Ok(answer)
    }

    async fn send(&self, call: &Call<'_>, jwt: &Secret) -> Result<Answer, ProviderError> {
        match call {
            Call::Get(path, query) => self.api.get(path, query, jwt).await,
            Call::Post(path, body) => self.api.post(path, body, Some(jwt)).await,
            Call::Delete(path, query) => self.api.delete(path, query, jwt).await,
        }
    }

    /// `result.value` of a successful answer.
    async fn value(&self, call: Call<'_>) -> Result<Value, ProviderError> {
        let answer = self.call(call).await?;
        if answer.ok() {
            Ok(answer.envelope.result.value)
        } else {
            Err(admin_error(answer))
        }
    }

    /// The realm marked default on the server, if any.
    async fn default_realm(&self) -> Result<Option<String>, ProviderError> {
        let value = self.value(Call::Get("defaultrealm", &[])).await?;
        let realms = value.as_object().ok_or_else(|| {
            ProviderError::Protocol("the default realm has an unexpected shape".into())
        })?;
        Ok(realms
            .iter()
            .find(|(_, r)| r.get("default").and_then(Value::as_bool) != Some(false))
            .map(|(name, _)| name.clone()))
    }

    async fn find(&self, username: &str) -> Result<Caller, ProviderError> {
        let name = username.trim();
        if !plain_username(name) {
            return Err(ProviderError::UnknownUser);
        }
        let value = self
            .value(Call::Get(
                "user/",
                &[("username", name), ("realm", &self.realm)],
            ))
            .await?;
        let users: Vec<DirectoryUser> = serde_json::from_value(value)
            .map_err(|_| ProviderError::Protocol("the user list has an unexpected shape".into()))?;
        let here: Vec<&DirectoryUser> = users
            .iter()
            .filter(|u| {
                u.realm
                    .as_deref()
                    .is_none_or(|r| r.eq_ignore_ascii_case(&self.realm))
            })
            .collect();
        // The resolver may match without regard to case; the exact spelling
        // wins, otherwise only a single case-insensitive match counts.
        let found = match here.iter().find(|u| u.username == name) {
            Some(u) => Some(*u),
            None => {
                let mut alike = here
                    .iter()
                    .filter(|u| u.username.eq_ignore_ascii_case(name));
                match (alike.next(), alike.next()) {
                    (Some(u), None) => Some(*u),
                    _ => None,
                }
            }
        };
        let user = found.ok_or(ProviderError::UnknownUser)?;
        let full = format!("{} {}", user.givenname.trim(), user.surname.trim());
        let full = full.trim();
        Ok(Caller {
            id: user.username.clone(),
            username: user.username.clone(),
            display_name: if full.is_empty() {
                user.username.clone()
            } else {
                full.to_string()
            },
            // privacyIDEA's user stores have no "disabled" flag to read.
            enabled: None,
        })
    }

    async fn state(&self, caller: &Caller) -> Result<CallerState, ProviderError> {
        check_caller(caller)?;
        let tokens = all_tokens(|page| async move {
            self.value(Call::Get(
                "token/",
                &[
                    ("user", &caller.id),
                    ("realm", &self.realm),
                    ("page", &page),
                    ("pagesize", PAGE_SIZE),
                ],
            ))
            .await
        })
        .await?;
        let now = SystemTime::now();
        let (passes, tokens): (Vec<_>, Vec<_>) = tokens.into_iter().partition(|t| t.is_pass());
        // A token still in `clientwait`/`verify` cannot sign anyone in: it
        // is being added, not registered.
        let (methods, adding): (Vec<_>, Vec<_>) = tokens.into_iter().partition(|t| t.is_enrolled());
        Ok(CallerState {
            methods: methods
                .into_iter()
                .map(tokens::Token::into_method)
                .collect(),
            passes: passes.into_iter().map(|t| t.into_pass(now)).collect(),
            adding: adding.into_iter().map(tokens::Token::into_method).collect(),
            privilege: self.privilege(),
        })
    }

    async fn delete(&self, caller: &Caller, serial: &str) -> Result<(), ProviderError> {
        check_caller(caller)?;
        let path = token_path(serial)?;
        // An id from a stale screen, or a mistake, must never delete another
        // person's token: look first, so the agent is told why ...
        let value = self
            .value(Call::Get("token/", &[("serial", serial)]))
            .await?;
        let (found, _) = tokens::parse_page(value)?;
        let token = found
            .into_iter()
            .find(|t| t.serial == serial)
            .ok_or(ProviderError::NotFound)?;
        if token.username != caller.id || !token.user_realm.eq_ignore_ascii_case(&self.realm) {
            return Err(ProviderError::NotAllowed(
                "that token belongs to another account".into(),
            ));
        }
        // ... and name the owner in the delete too, so the server itself
        // refuses should the token change hands in between.
        let answer = self
            .call(Call::Delete(
                &path,
                &[("user", &caller.id), ("realm", &self.realm)],
            ))
            .await?;
        if answer.ok() {
            Ok(())
        } else {
            Err(admin_error(answer))
        }
    }

    async fn issue(&self, caller: &Caller, request: PassRequest) -> Result<NewPass, ProviderError> {
        check_caller(caller)?;
        let minutes = request.lifetime_minutes;
        if !(1..=MAX_PASS_MINUTES).contains(&minutes) {
            return Err(ProviderError::NotAllowed(format!(
                "a pass lifetime of {minutes} minutes (1 to {MAX_PASS_MINUTES})"
            )));
        }
        // Made here, always well-formed: privacyIDEA 3.14 leaves a
        // half-created token behind when it cannot parse the date.
        let end = super::validity::format(
            SystemTime::now() + Duration::from_secs(u64::from(minutes) * 60),
        );
        let body = json!({
            "type": "registration",
            "user": caller.id,
            "realm": self.realm,
            "description": PASS_DESCRIPTION,
            "validity_period_end": end,
        });
        let mut answer = self.call(Call::Post("token/init", &body)).await?;
        if !answer.ok() {
            return Err(admin_error(answer));
        }
        let detail = &mut answer.envelope.detail;
        let serial = text(detail, &["serial"]);
        let code = detail
            .get("registrationcode")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(Secret::new);
        // The code is also in `otpkey` (value and QR image): wipe them all.
        wipe_strings(detail);
        let serial = serial?;
        let Some(pass) = code else {
            // A pass nobody can read is no use, and must not stay usable.
            let _ = self.delete(caller, &serial).await;
            return Err(ProviderError::Protocol(
                "the new registration code was not in the answer".into(),
            ));
        };
        Ok(NewPass {
            pass,
            id: serial,
            expires: Some(super::validity::for_people(&end)),
            // privacyIDEA deletes a registration token on its first use.
            one_time: true,
        })
    }
}

impl Admin for PiAdmin {
    fn capabilities(&self) -> AdminCapabilities {
        AdminCapabilities {
            pass_name: PassName::RegistrationCode,
            pass_lifetimes: PASS_LIFETIMES.to_vec(),
            one_time_choice: false,
            one_time_default: true,
            // An issued JWT stays valid until it expires; nothing revokes it.
            can_revoke_sessions: false,
            push_app: PushApp::PrivacyIdeaAuthenticator,
            self_service_url: None,
            training_callers: None,
            // An SMS token is not a phone number on the account: not offered.
            can_add_phone: false,
            last_used: Default::default(),
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
}

/// A failed admin call in the app's terms. 904 is privacyIDEA's "user not
/// found in this realm".
fn admin_error(answer: Answer) -> ProviderError {
    if answer.status == StatusCode::BAD_REQUEST && answer.error_code() == 904 {
        return ProviderError::UnknownUser;
    }
    answer.into_error()
}

/// A name safe to send as a query value. `*` is a wildcard to the
/// resolver's search, and the server URL-decodes query values a second
/// time, so a `%` could name someone else.
fn plain_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_USERNAME
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '*' | '%'))
}

fn check_caller(caller: &Caller) -> Result<(), ProviderError> {
    if plain_username(&caller.id) {
        Ok(())
    } else {
        Err(ProviderError::UnknownUser)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_sent() {
        assert!(plain_username("alice"));
        assert!(plain_username("alice@example.edu"));
        assert!(!plain_username(""));
        assert!(!plain_username("al*"));
        assert!(!plain_username("al%69ce"));
        assert!(!plain_username("alice\n"));
        assert!(!plain_username(&"a".repeat(MAX_USERNAME + 1)));
    }

    /// A refusal as privacyIDEA words it: `result.error` with its number.
    fn refusal(status: StatusCode, code: i64) -> Answer {
        let envelope = serde_json::from_value(json!({
            "result": {
                "status": false,
                "error": { "code": code, "message": format!("ERR{code}: refused") }
            }
        }))
        .unwrap();
        Answer { status, envelope }
    }

    #[test]
    fn only_error_904_on_a_400_is_an_unknown_user() {
        assert_eq!(
            admin_error(refusal(StatusCode::BAD_REQUEST, 904)),
            ProviderError::UnknownUser
        );
        // 905 is privacyIDEA's ParameterError: the request was wrong, the
        // user may well exist.
        let other = admin_error(refusal(StatusCode::BAD_REQUEST, 905));
        assert_eq!(other, ProviderError::Protocol("HTTP 400 error 905".into()));
        let server = admin_error(refusal(StatusCode::INTERNAL_SERVER_ERROR, 904));
        assert!(
            matches!(server, ProviderError::Server { status: 500, .. }),
            "{server:?}"
        );
    }

    /// A name the server could read as a wildcard or decode into someone
    /// else's is never sent: the answer is "unknown user" before any call
    /// (the offline admin below would otherwise say the server is
    /// unreachable).
    #[tokio::test]
    async fn a_caller_whose_name_is_not_plain_is_never_sent() {
        let admin = offline();
        for id in ["al*", "al%69ce", "alice\n", ""] {
            let caller = Caller {
                id: id.into(),
                username: id.into(),
                display_name: id.into(),
                enabled: None,
            };
            assert_eq!(
                admin.state(&caller).await.err(),
                Some(ProviderError::UnknownUser),
                "{id:?}"
            );
            assert_eq!(
                admin.delete(&caller, "PIRE0001").await.err(),
                Some(ProviderError::UnknownUser),
                "{id:?}"
            );
            let request = PassRequest {
                lifetime_minutes: 60,
                one_time: true,
            };
            assert_eq!(
                admin.issue(&caller, request).await.err(),
                Some(ProviderError::UnknownUser),
                "{id:?}"
            );
        }
    }

    /// An admin that never signed in (no server needed for these checks).
    fn offline() -> PiAdmin {
        let settings = PiSettings {
            base_url: "http://127.0.0.1:9".into(),
            ..PiSettings::default()
        };
        PiAdmin {
            api: api_for(&settings).unwrap(),
            base_url: settings.base_url,
            realm: "r".into(),
            admin_realms: Vec::new(),
            admin_user: "admin".into(),
            password: Secret::new("pw"),
            jwt: Mutex::new(None),
            signing_in: tokio::sync::Mutex::new(()),
        }
    }

    #[test]
    fn callers_in_an_admin_realm_are_privileged() {
        assert_eq!(offline().privilege(), Privilege::Ordinary);
        let admin = offline().with_admin_realms(&["other".into(), " R ".into()]);
        assert_eq!(
            admin.privilege(),
            Privilege::Privileged(vec!["admin realm r".into()])
        );
    }

    #[test]
    fn an_old_or_refused_jwt_is_not_used_again() {
        let admin = offline();
        assert!(admin.usable_jwt(None).is_none());
        let (_, first) = admin.store(Secret::new("jwt-1"));
        assert_eq!(admin.usable_jwt(None).unwrap().0.expose(), "jwt-1");
        // The one the server just refused is not handed out again...
        assert!(admin.usable_jwt(Some(first)).is_none());
        // ... but a newer one, made meanwhile by another call, is.
        let (_, second) = admin.store(Secret::new("jwt-2"));
        assert_eq!(second, first + 1);
        assert_eq!(admin.usable_jwt(Some(first)).unwrap().0.expose(), "jwt-2");
        // Close to privacyIDEA's hour: renewed before it runs out.
        if let Some(jwt) = admin.lock().as_mut() {
            jwt.got = Instant::now()
                .checked_sub(RENEW_AFTER + Duration::from_secs(1))
                .unwrap();
        }
        assert!(admin.usable_jwt(None).is_none());
    }

    #[test]
    fn connect_errors_say_what_to_fix() {
        let e = PiConnectError::Refused {
            admin_user: "helpdesk".into(),
        };
        let text = e.to_string();
        assert!(
            text.contains("\"helpdesk\"") && text.contains("password"),
            "{text}"
        );
        let e = PiConnectError::NotAdmin {
            admin_user: "alice".into(),
        };
        assert!(e.to_string().contains("not as an administrator"), "{e}");
    }
}
