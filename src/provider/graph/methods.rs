//! Graph's authentication-method types (`@odata.type`) and how each one
//! becomes a [`Method`]. An unknown type is a method of kind `Other`, never
//! an error: Microsoft adds types from time to time.

use super::errors::clean;
use crate::provider::{Method, MethodKind, ProviderError, UsedFor};
use serde_json::Value;

/// The `@odata.type` of a method, with the collection it lives in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MethodType {
    MicrosoftAuthenticator,
    Phone,
    Email,
    Fido2,
    SoftwareOath,
    TemporaryAccessPass,
    WindowsHelloForBusiness,
    Password,
    PlatformCredential,
    External,
    /// Beta only.
    HardwareOath,
    /// A singleton (frontline shared devices), not the Authenticator; v1.0.
    QrCodePin,
    /// Beta, deprecated.
    PasswordlessMicrosoftAuthenticator,
    /// A type this program does not know: the name after `microsoft.graph.`.
    Unknown(String),
}

/// `(type name after "#microsoft.graph.", type, collection under
/// /authentication/)`. An explicit table: the "strip Authentication, add s"
/// rule breaks for external methods and the QR singleton.
const TYPES: &[(&str, MethodType, &str)] = &[
    (
        "microsoftAuthenticatorAuthenticationMethod",
        MethodType::MicrosoftAuthenticator,
        "microsoftAuthenticatorMethods",
    ),
    (
        "phoneAuthenticationMethod",
        MethodType::Phone,
        "phoneMethods",
    ),
    (
        "emailAuthenticationMethod",
        MethodType::Email,
        "emailMethods",
    ),
    (
        "fido2AuthenticationMethod",
        MethodType::Fido2,
        "fido2Methods",
    ),
    (
        "softwareOathAuthenticationMethod",
        MethodType::SoftwareOath,
        "softwareOathMethods",
    ),
    (
        "temporaryAccessPassAuthenticationMethod",
        MethodType::TemporaryAccessPass,
        "temporaryAccessPassMethods",
    ),
    (
        "windowsHelloForBusinessAuthenticationMethod",
        MethodType::WindowsHelloForBusiness,
        "windowsHelloForBusinessMethods",
    ),
    (
        "passwordAuthenticationMethod",
        MethodType::Password,
        "passwordMethods",
    ),
    (
        "platformCredentialAuthenticationMethod",
        MethodType::PlatformCredential,
        "platformCredentialMethods",
    ),
    (
        "externalAuthenticationMethod",
        MethodType::External,
        "externalAuthenticationMethods",
    ),
    (
        "hardwareOathAuthenticationMethod",
        MethodType::HardwareOath,
        "hardwareOathMethods",
    ),
    (
        "qrCodePinAuthenticationMethod",
        MethodType::QrCodePin,
        "qrCodePinMethod",
    ),
    (
        "passwordlessMicrosoftAuthenticatorAuthenticationMethod",
        MethodType::PasswordlessMicrosoftAuthenticator,
        "passwordlessMicrosoftAuthenticatorMethods",
    ),
];

impl MethodType {
    /// From `#microsoft.graph.phoneAuthenticationMethod` (with or without
    /// the `#`).
    pub fn from_odata(odata_type: &str) -> MethodType {
        let name = odata_type
            .trim()
            .trim_start_matches('#')
            .trim_start_matches("microsoft.graph.");
        TYPES
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, t, _)| t.clone())
            .unwrap_or_else(|| MethodType::Unknown(clean(name, 80)))
    }

    /// The collection under `/authentication/` for GET and DELETE by id.
    pub fn collection(&self) -> Option<&'static str> {
        TYPES.iter().find(|(_, t, _)| t == self).map(|(_, _, c)| *c)
    }

    /// Whether Graph deletes this type at all. The password has no delete;
    /// unknown types have no known collection. The QR code and PIN is a
    /// singleton, deleted without an id (`DELETE …/qrCodePinMethod`, v1.0).
    pub fn can_delete(&self) -> bool {
        !matches!(self, MethodType::Password | MethodType::Unknown(_))
    }

    /// Whether a person may delete this type of their own (`/me`). External
    /// methods are managed by the organisation only; the QR code and PIN is
    /// documented for `/users/{id}` and administrators only.
    pub fn self_service_delete(&self) -> bool {
        self.can_delete() && !matches!(self, MethodType::External | MethodType::QrCodePin)
    }

    /// Whether the method's path names it by id (all but the singleton).
    pub fn deleted_by_id(&self) -> bool {
        !matches!(self, MethodType::QrCodePin)
    }

    pub fn kind(&self) -> MethodKind {
        match self {
            MethodType::MicrosoftAuthenticator | MethodType::PasswordlessMicrosoftAuthenticator => {
                MethodKind::AuthenticatorPush
            }
            MethodType::SoftwareOath | MethodType::HardwareOath => MethodKind::AuthenticatorCode,
            MethodType::Phone => MethodKind::Phone,
            MethodType::Email => MethodKind::Email,
            MethodType::Fido2 => MethodKind::SecurityKey,
            MethodType::WindowsHelloForBusiness | MethodType::PlatformCredential => {
                MethodKind::Passkey
            }
            MethodType::TemporaryAccessPass => MethodKind::TemporaryPass,
            MethodType::Password => MethodKind::Password,
            MethodType::External | MethodType::QrCodePin | MethodType::Unknown(_) => {
                MethodKind::Other
            }
        }
    }

    /// What Entra uses each type for. Graph does not say per method; this
    /// follows which types Entra offers for MFA and for self-service
    /// password reset.
    fn used_for(&self) -> UsedFor {
        let password_reset = matches!(
            self,
            MethodType::MicrosoftAuthenticator
                | MethodType::Phone
                | MethodType::Email
                | MethodType::SoftwareOath
                | MethodType::HardwareOath
        );
        let sign_in = !matches!(self, MethodType::Email | MethodType::Unknown(_));
        UsedFor {
            sign_in,
            password_reset,
        }
    }
}

/// A method as Graph lists it: the app's [`Method`] plus the Graph type,
/// which picks the endpoint to delete it with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphMethod {
    pub method: Method,
    pub method_type: MethodType,
}

/// One entry of a `value` array. `None` only when there is no usable id.
pub fn parse_method(value: &Value) -> Option<GraphMethod> {
    let id = text(value, "id")?;
    let odata = value
        .get("@odata.type")
        // The beta documentation's example writes `odata.type`.
        .or_else(|| value.get("odata.type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some(method_of_type(value, id, MethodType::from_odata(odata)))
}

/// An entry from a typed collection (e.g. `microsoftAuthenticatorMethods`),
/// where `@odata.type` may be left out.
pub fn parse_typed(value: &Value, method_type: &MethodType) -> Option<GraphMethod> {
    let id = text(value, "id")?;
    Some(method_of_type(value, id, method_type.clone()))
}

fn method_of_type(value: &Value, id: String, method_type: MethodType) -> GraphMethod {
    let display = text(value, "displayName");
    let label = match &method_type {
        MethodType::MicrosoftAuthenticator => {
            let device = display.unwrap_or_else(|| "Microsoft Authenticator".into());
            match text(value, "clientAppName").as_deref() {
                Some("outlookMobile") => format!("{device} (Outlook)"),
                _ => device,
            }
        }
        MethodType::PasswordlessMicrosoftAuthenticator => {
            display.unwrap_or_else(|| "Microsoft Authenticator (passwordless)".into())
        }
        MethodType::Phone => {
            let number = text(value, "phoneNumber").unwrap_or_else(|| "Phone".into());
            match text(value, "phoneType").as_deref() {
                Some("mobile") => format!("{number} (mobile)"),
                Some("alternateMobile") => format!("{number} (alternate mobile)"),
                Some("office") => format!("{number} (office)"),
                _ => number,
            }
        }
        MethodType::Email => text(value, "emailAddress").unwrap_or_else(|| "Email".into()),
        MethodType::Fido2 => display
            .or_else(|| text(value, "model"))
            .unwrap_or_else(|| "Security key".into()),
        MethodType::SoftwareOath => "Authenticator app (codes)".into(),
        MethodType::HardwareOath => value
            .get("device")
            .and_then(|d| text(d, "displayName").or_else(|| text(d, "serialNumber")))
            .unwrap_or_else(|| "Hardware token".into()),
        MethodType::TemporaryAccessPass => "Temporary Access Pass".into(),
        MethodType::WindowsHelloForBusiness => {
            display.unwrap_or_else(|| "Windows Hello for Business".into())
        }
        MethodType::Password => "Password".into(),
        MethodType::PlatformCredential => {
            display.unwrap_or_else(|| match text(value, "platform") {
                Some(p) => format!("Platform credential ({p})"),
                None => "Platform credential".into(),
            })
        }
        MethodType::External => display.unwrap_or_else(|| "External method".into()),
        MethodType::QrCodePin => "QR code and PIN".into(),
        MethodType::Unknown(name) => display.unwrap_or_else(|| {
            if name.is_empty() {
                "Unknown method".into()
            } else {
                name.clone()
            }
        }),
    };
    let added = text(value, "createdDateTime")
        // The v1.0 example for FIDO2 writes `creationDateTime`.
        .or_else(|| text(value, "creationDateTime"));
    GraphMethod {
        method: Method {
            id,
            kind: method_type.kind(),
            label: clean(&label, 80),
            added,
            last_used: text(value, "lastUsedDateTime"),
            // Graph v1.0 does not say which method is the default (only the
            // beta signInPreferences does).
            is_default: false,
            used_for: method_type.used_for(),
        },
        method_type,
    }
}

/// The collection to delete a method of this type from, or why it cannot
/// be deleted. `own`: the person deletes their own (kiosk, `/me`).
pub(crate) fn delete_collection(
    method_type: &MethodType,
    own: bool,
) -> Result<&'static str, ProviderError> {
    if own && method_type.can_delete() && !method_type.self_service_delete() {
        return Err(ProviderError::NotAllowed(match method_type {
            MethodType::External => "an external sign-in method is managed by your organisation; \
                 the helpdesk can remove it"
                .to_string(),
            _ => "the QR code and PIN can only be removed by the helpdesk".to_string(),
        }));
    }
    match method_type.collection() {
        Some(c) if method_type.can_delete() => Ok(c),
        _ => Err(ProviderError::NotAllowed(match method_type {
            MethodType::Password => {
                "Microsoft Graph cannot delete a password; reset it instead".to_string()
            }
            other => format!(
                "Microsoft Graph has no way to delete this kind of method ({})",
                method_type_name(other)
            ),
        })),
    }
}

fn method_type_name(t: &MethodType) -> &str {
    match t {
        MethodType::Unknown(name) => name,
        _ => t.collection().unwrap_or("unknown"),
    }
}

/// A non-empty string field, cleaned for the screen.
fn text(value: &Value, field: &str) -> Option<String> {
    value
        .get(field)
        .and_then(Value::as_str)
        .map(|s| clean(s, 200))
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_type_has_a_collection_and_round_trips() {
        for (name, t, collection) in TYPES {
            assert_eq!(
                MethodType::from_odata(&format!("#microsoft.graph.{name}")),
                *t
            );
            assert_eq!(t.collection(), Some(*collection));
        }
        assert_eq!(
            MethodType::from_odata("#microsoft.graph.newThingAuthenticationMethod"),
            MethodType::Unknown("newThingAuthenticationMethod".into())
        );
        assert_eq!(MethodType::Unknown("x".into()).collection(), None);
    }

    #[test]
    fn missing_id_is_skipped_missing_type_is_other() {
        assert!(
            parse_method(&json!({"@odata.type": "#microsoft.graph.emailAuthenticationMethod"}))
                .is_none()
        );
        let m = parse_method(&json!({"id": "x"})).unwrap();
        assert_eq!(m.method.kind, MethodKind::Other);
        assert_eq!(m.method.label, "Unknown method");
    }
}
