//! What the fake tenant holds, and the documented example data it starts
//! with.

use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// One answer of the token endpoint to a device-code poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceStep {
    Pending,
    SlowDown,
    Success,
    /// What is seen in practice: `code_expired`, AADSTS70020.
    Expired,
    /// What v2-oauth2-device-code.md documents: `expired_token` (AADSTS70019).
    ExpiredAsDocumented,
    Declined,
    BadCode,
}

/// A canned failure for the next N matching requests.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: String,
    pub path_part: String,
    pub remaining: u32,
    pub reply: FaultReply,
}

#[derive(Clone, Debug)]
pub enum FaultReply {
    /// 429 with Graph's throttling body; `Retry-After` as given.
    TooMany { retry_after: Option<String> },
    /// 503 with `Retry-After` as given.
    Unavailable { retry_after: Option<String> },
    /// 403 `Authorization_RequestDenied`, as when a permission or role is missing.
    Forbidden,
    /// 401 `InvalidAuthenticationToken` (expired token).
    Unauthorized,
    /// 200 with a body cut off mid-JSON.
    Malformed,
    /// 500 with a body that is not JSON (a proxy's HTML page).
    HtmlError,
    /// Waits this long, then answers normally.
    Slow(Duration),
    /// Any Graph error body with this status and code.
    Error {
        status: u16,
        code: &'static str,
        message: &'static str,
    },
}

/// Who a bearer token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// Delegated: the signed-in user (UPN).
    User(String),
    /// App-only (client credentials).
    App,
}

#[derive(Clone, Debug)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub query: String,
    pub authorized: bool,
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub upn: String,
    pub display_name: String,
    pub user_type: String,
    pub account_enabled: bool,
    pub methods: Vec<Value>,
    /// Graph v1.0 does not list it, but enforces it on DELETE.
    pub default_method: Option<String>,
    pub revocations: u32,
    /// `(polls left, device name)`: a new Authenticator appears after that
    /// many more GETs of `microsoftAuthenticatorMethods`.
    pub authenticator_after: Option<(u32, String)>,
    /// Every pass issued (the test side may read them; Graph never shows
    /// them again).
    pub issued_passes: Vec<String>,
    /// In a group the Temporary Access Pass policy targets.
    pub in_tap_policy: bool,
}

/// `temporaryAccessPassAuthenticationMethodConfiguration`, portal defaults.
#[derive(Clone, Debug)]
pub struct TapPolicy {
    pub enabled: bool,
    pub is_usable_once: bool,
    pub include_group: String,
}

impl Default for TapPolicy {
    fn default() -> Self {
        TapPolicy {
            enabled: true,
            is_usable_once: false,
            include_group: "kiosk-users".into(),
        }
    }
}

pub struct State {
    pub base: String,
    pub tenant: String,
    pub client_id: String,
    pub client_secret: String,
    pub users: Vec<User>,
    /// Who signs in at the end of a device-code flow.
    pub device_user: String,
    pub device_script: VecDeque<DeviceStep>,
    pub device_codes: Vec<String>,
    /// `(user code, device code)` of every device-code request.
    pub user_codes: Vec<(String, String)>,
    /// Device codes whose person has finished signing in on their phone:
    /// the next poll for one of them succeeds.
    pub device_approved: Vec<String>,
    pub device_interval: u64,
    pub device_polls: Vec<Instant>,
    /// The `scope` of the last device-code request.
    pub device_scope: Option<String>,
    pub tokens: HashMap<String, Principal>,
    /// Per access token, the permissions it carries (`scp` or `roles`).
    pub grants: HashMap<String, Vec<String>>,
    /// Per access token, when the person signed in (delegated only).
    pub signed_in_at: HashMap<String, Instant>,
    pub app_token_lifetime: Duration,
    /// Delegated permissions an administrator consented to for the app.
    pub delegated_consented: Vec<String>,
    /// Application permissions granted (with admin consent) to the app.
    pub app_roles: Vec<String>,
    /// "Allow public client flows" on the app registration.
    pub public_client: bool,
    /// The client secret has passed its end date.
    pub client_secret_expired: bool,
    /// A Conditional Access policy blocks device-code sign-in.
    pub device_code_blocked: bool,
    /// Self-service writes need a sign-in at most this old.
    pub reauth_window: Duration,
    /// The tenant's Temporary Access Pass policy.
    pub tap_policy: TapPolicy,
    pub faults: Vec<Fault>,
    pub log: Vec<Logged>,
    pub page_size: Option<usize>,
    pub last_error_request_id: Option<String>,
    pub tap_policy_minutes: (u32, u32),
    pub tap_default_minutes: u32,
    next: u64,
}

impl State {
    pub fn seeded(addr: SocketAddr) -> State {
        let mut s = State {
            base: format!("http://{addr}"),
            tenant: super::TENANT.into(),
            client_id: super::CLIENT_ID.into(),
            client_secret: super::CLIENT_SECRET.into(),
            users: Vec::new(),
            device_user: super::KIM.into(),
            device_script: [DeviceStep::Pending, DeviceStep::Success].into(),
            device_codes: Vec::new(),
            user_codes: Vec::new(),
            device_approved: Vec::new(),
            device_interval: 5,
            device_polls: Vec::new(),
            device_scope: None,
            tokens: HashMap::new(),
            grants: HashMap::new(),
            signed_in_at: HashMap::new(),
            delegated_consented: vec!["UserAuthenticationMethod.ReadWrite".into()],
            app_roles: vec![
                "UserAuthenticationMethod.ReadWrite.All".into(),
                "User.Read.All".into(),
                "User.RevokeSessions.All".into(),
            ],
            public_client: true,
            client_secret_expired: false,
            device_code_blocked: false,
            // rbac-authentication-methods-apis-write-others.md: 10 minutes.
            reauth_window: Duration::from_secs(600),
            tap_policy: TapPolicy::default(),
            app_token_lifetime: Duration::from_secs(3599),
            faults: Vec::new(),
            log: Vec::new(),
            page_size: None,
            last_error_request_id: None,
            // Portal defaults: 1 to 8 hours, 1 hour by default (docs/graph-facts.md).
            tap_policy_minutes: (60, 480),
            tap_default_minutes: 60,
            next: 0,
        };
        let kim = User {
            id: "48d31887-5fad-4d73-a9f5-3c356e68a038".into(),
            upn: super::KIM.into(),
            display_name: "Kim Akers".into(),
            user_type: "Member".into(),
            account_enabled: true,
            methods: every_method_type(),
            default_method: Some("6a8c4e2d-9a3b-4f1e-8d2c-1b5e7f9a0c31".into()),
            revocations: 0,
            authenticator_after: None,
            issued_passes: Vec::new(),
            in_tap_policy: true,
        };
        let guest = User {
            id: "0c2d5f1e-7b4a-4c3d-9e8f-a1b2c3d4e5f6".into(),
            upn: super::GUEST.into(),
            display_name: "Alex Wilber (Fabrikam)".into(),
            user_type: "Guest".into(),
            account_enabled: true,
            methods: vec![json!({
                "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
                "id": "28c10230-6103-485e-b985-444c60001490",
                "password": null,
                "createdDateTime": "2023-02-01T10:00:00Z"
            })],
            default_method: None,
            revocations: 0,
            authenticator_after: None,
            issued_passes: Vec::new(),
            in_tap_policy: true,
        };
        s.users = vec![kim, guest];
        s
    }

    pub fn next_number(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// A fresh GUID-shaped id.
    pub fn new_guid(&mut self) -> String {
        let n = self.next_number();
        format!(
            "{:08x}-0000-4000-8000-{:012x}",
            0xfa4e_0000u32 + (n as u32 & 0xffff),
            n
        )
    }

    /// Users by object id or UPN (case-insensitive, as Entra matches UPNs).
    pub fn user(&self, who: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.id == who || u.upn.eq_ignore_ascii_case(who))
    }

    pub fn user_mut(&mut self, who: &str) -> Option<&mut User> {
        self.users
            .iter_mut()
            .find(|u| u.id == who || u.upn.eq_ignore_ascii_case(who))
    }
}

/// A Microsoft Authenticator registration as `microsoftAuthenticatorMethods` lists it.
pub fn authenticator(id: &str, device: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        "id": id,
        "displayName": device,
        "deviceTag": "SoftwareTokenActivated",
        "phoneAppVersion": "6.2401.0119",
        // null unless registered for passwordless phone sign-in (docs/graph-facts.md).
        "createdDateTime": null
    })
}

/// One of every v1.0 type, with the fields docs/graph-facts.md lists, plus one type
/// this program cannot know (Microsoft adds them).
fn every_method_type() -> Vec<Value> {
    vec![
        json!({
            "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
            "id": "6a8c4e2d-9a3b-4f1e-8d2c-1b5e7f9a0c31",
            "displayName": "Kim's old iPhone",
            "deviceTag": "SoftwareTokenActivated",
            "phoneAppVersion": "6.2001.0140",
            "createdDateTime": "2023-03-14T09:12:40Z",
            "clientAppName": "microsoftAuthenticator"
        }),
        json!({
            "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
            "id": super::MOBILE_ID,
            "phoneNumber": "+1 2065555555",
            "phoneType": "mobile",
            "smsSignInState": "notAllowedByPolicy"
        }),
        json!({
            "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
            "id": "3ddfcfc8-9383-446f-83cc-3ab9be4be18f",
            "emailAddress": "kim@personal.example"
        }),
        // The v1.0 doc example writes `creationDateTime` here.
        json!({
            "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
            "id": "-2_GRUg2-HYz6_1YG4YRAQ2",
            "displayName": "Red key",
            "creationDateTime": "2020-08-10T06:44:09Z",
            "aaGuid": "2fc0579f-8113-47ea-b116-555a8db9202a",
            "model": "NFC key",
            "attestationCertificates": ["dbe793efdf1945e2df25d93653a1e8a3268a9075"],
            "attestationLevel": "attested"
        }),
        json!({
            "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod",
            "id": "b172893e-893e-b172-3e89-72b13e8972b1",
            "secretKey": null
        }),
        json!({
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
            "id": "6f1967b7-15e8-4935-ac26-d50770ed07a7",
            "temporaryAccessPass": null,
            "createdDateTime": "2024-05-02T08:00:00Z",
            "startDateTime": "2024-05-02T08:00:00Z",
            "lifetimeInMinutes": 60,
            "isUsableOnce": true,
            "isUsable": true,
            "methodUsabilityReason": "EnabledByPolicy"
        }),
        json!({
            "@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
            "id": "b5e01f81-1f81-b5e0-811f-e0b5811fe0b5",
            "displayName": "Kim's Surface Book",
            "createdDateTime": "2020-11-27T23:12:49Z",
            "keyStrength": "normal"
        }),
        json!({
            "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
            "id": "28c10230-6103-485e-b985-444c60001490",
            "password": null,
            "createdDateTime": "2019-06-01T12:00:00Z"
        }),
        json!({
            "@odata.type": "#microsoft.graph.platformCredentialAuthenticationMethod",
            "id": "c1d2e3f4-0000-4000-8000-00000000a001",
            "displayName": "Kim's MacBook",
            "createdDateTime": "2024-01-10T10:00:00Z",
            "keyStrength": "normal",
            "platform": "macOS"
        }),
        json!({
            "@odata.type": "#microsoft.graph.externalAuthenticationMethod",
            "id": "d4c3b2a1-0000-4000-8000-00000000e001",
            "displayName": "Contoso Hardware MFA",
            "configurationId": "contoso-ext-1"
        }),
        json!({
            "@odata.type": "#microsoft.graph.holographicAuthenticationMethod",
            "id": "e5f6a7b8-0000-4000-8000-00000000f001",
            "createdDateTime": "2026-01-01T00:00:00Z",
            "someNewField": {"nested": [1, 2, 3]}
        }),
    ]
}

/// `@odata.type` → collection, as Graph routes DELETE (docs/graph-facts.md).
pub fn collection_of(odata_type: &str) -> Option<&'static str> {
    let name = odata_type.trim_start_matches("#microsoft.graph.");
    Some(match name {
        "microsoftAuthenticatorAuthenticationMethod" => "microsoftAuthenticatorMethods",
        "phoneAuthenticationMethod" => "phoneMethods",
        "emailAuthenticationMethod" => "emailMethods",
        "fido2AuthenticationMethod" => "fido2Methods",
        "softwareOathAuthenticationMethod" => "softwareOathMethods",
        "temporaryAccessPassAuthenticationMethod" => "temporaryAccessPassMethods",
        "windowsHelloForBusinessAuthenticationMethod" => "windowsHelloForBusinessMethods",
        "passwordAuthenticationMethod" => "passwordMethods",
        "platformCredentialAuthenticationMethod" => "platformCredentialMethods",
        "externalAuthenticationMethod" => "externalAuthenticationMethods",
        // A singleton: `DELETE .../authentication/qrCodePinMethod` (v1.0,
        // qrcodepinauthenticationmethod-delete.md).
        "qrCodePinAuthenticationMethod" => "qrCodePinMethod",
        _ => return None,
    })
}
