//! What Microsoft Graph checks before it runs a request: the permission in
//! the access token (`scp` for a delegated token, `roles` for an app token)
//! against the endpoint's permissions table, and for a POST with a body the
//! `Content-Type`. Sources per endpoint are in `docs/graph-facts.md`.
//!
//! Each entry accepts the least-privileged permission and the higher ones
//! the same table lists; anything else is refused with a 403, as Graph does.

/// Permissions a request may carry: `(delegated, application)`. An empty
/// list means that kind of token is "Not supported" for the endpoint.
pub struct Needs {
    pub delegated: &'static [&'static str],
    pub application: &'static [&'static str],
}

const READ_METHODS: Needs = Needs {
    // authentication-list-methods-permissions.md
    delegated: &[
        "UserAuthenticationMethod.Read",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite",
        "UserAuthenticationMethod.ReadWrite.All",
    ],
    application: &[
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
    ],
};

const READ_AUTHENTICATOR: Needs = Needs {
    // microsoftauthenticatorauthenticationmethod-list-permissions.md
    delegated: &[
        "UserAuthenticationMethod.Read",
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite",
        "UserAuthenticationMethod.ReadWrite.All",
        "UserAuthMethod-MicrosoftAuthApp.Read",
        "UserAuthMethod-MicrosoftAuthApp.Read.All",
        "UserAuthMethod-MicrosoftAuthApp.ReadWrite",
        "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
    ],
    application: &[
        "UserAuthenticationMethod.Read.All",
        "UserAuthenticationMethod.ReadWrite.All",
        "UserAuthMethod-MicrosoftAuthApp.Read.All",
        "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
    ],
};

/// `*-delete-permissions.md` of every method type: the broad permission,
/// or the method type's own granular one.
fn write_method(granular: &'static str) -> Needs {
    let (delegated, application): (&'static [&'static str], &'static [&'static str]) =
        match granular {
            "MicrosoftAuthApp" => (
                &[
                    "UserAuthenticationMethod.ReadWrite",
                    "UserAuthenticationMethod.ReadWrite.All",
                    "UserAuthMethod-MicrosoftAuthApp.ReadWrite",
                    "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
                ],
                &[
                    "UserAuthenticationMethod.ReadWrite.All",
                    "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
                ],
            ),
            "Phone" => (
                &[
                    "UserAuthenticationMethod.ReadWrite",
                    "UserAuthenticationMethod.ReadWrite.All",
                    "UserAuthMethod-Phone.ReadWrite",
                    "UserAuthMethod-Phone.ReadWrite.All",
                ],
                &[
                    "UserAuthenticationMethod.ReadWrite.All",
                    "UserAuthMethod-Phone.ReadWrite.All",
                ],
            ),
            "TAP" => (
                // Nobody issues a pass to themselves: `.All` only.
                &[
                    "UserAuthenticationMethod.ReadWrite.All",
                    "UserAuthMethod-TAP.ReadWrite.All",
                ],
                &[
                    "UserAuthenticationMethod.ReadWrite.All",
                    "UserAuthMethod-TAP.ReadWrite.All",
                ],
            ),
            "QR" => (
                &[
                    "UserAuthenticationMethod.ReadWrite.All",
                    "UserAuthMethod-QR.ReadWrite.All",
                ],
                &[
                    "UserAuthenticationMethod.ReadWrite.All",
                    "UserAuthMethod-QR.ReadWrite.All",
                ],
            ),
            _ => (
                &[
                    "UserAuthenticationMethod.ReadWrite",
                    "UserAuthenticationMethod.ReadWrite.All",
                ],
                &["UserAuthenticationMethod.ReadWrite.All"],
            ),
        };
    Needs {
        delegated,
        application,
    }
}

const READ_USER: Needs = Needs {
    // user-get-permissions.md
    delegated: &[
        "User.Read",
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    application: &[
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
};

const REVOKE_SESSIONS: Needs = Needs {
    // user-revokesigninsessions-permissions.md (current: User.RevokeSessions.All;
    // the older copy: User.ReadWrite.All / Directory.ReadWrite.All)
    delegated: &[
        "User.RevokeSessions.All",
        "User.ReadWrite.All",
        "Directory.ReadWrite.All",
    ],
    application: &[
        "User.RevokeSessions.All",
        "User.ReadWrite.All",
        "Directory.ReadWrite.All",
    ],
};

const READ_TAP_POLICY: Needs = Needs {
    // temporaryaccesspassauthenticationmethodconfiguration-get-permissions.md
    delegated: &[
        "Policy.Read.AuthenticationMethod",
        "Policy.ReadWrite.AuthenticationMethod",
        "Policy.Read.All",
    ],
    application: &[
        "Policy.Read.AuthenticationMethod",
        "Policy.ReadWrite.AuthenticationMethod",
        "Policy.Read.All",
    ],
};

/// The granular permission family of a method collection.
fn family(collection: &str) -> &'static str {
    match collection {
        "microsoftAuthenticatorMethods" => "MicrosoftAuthApp",
        "phoneMethods" => "Phone",
        "temporaryAccessPassMethods" => "TAP",
        "qrCodePinMethod" => "QR",
        _ => "",
    }
}

/// What `method` on the path after `/me` or `/users/{id}` needs; `None` for
/// routes the fake does not check (it answers them with its own errors).
pub fn needs(method: &str, rest: &[&str]) -> Option<Needs> {
    Some(match (method, rest) {
        ("GET", []) => READ_USER,
        ("POST", ["revokeSignInSessions"]) => REVOKE_SESSIONS,
        ("GET", ["authentication", "methods"]) => READ_METHODS,
        ("GET", ["authentication", "microsoftAuthenticatorMethods", ..]) => READ_AUTHENTICATOR,
        ("GET", ["authentication", _, ..]) => READ_METHODS,
        // A person may delete their own pass (users see and delete it on
        // My Security Info); only issuing one is for others.
        ("DELETE", ["authentication", "temporaryAccessPassMethods", ..]) => Needs {
            delegated: &[
                "UserAuthenticationMethod.ReadWrite",
                "UserAuthenticationMethod.ReadWrite.All",
                "UserAuthMethod-TAP.ReadWrite",
                "UserAuthMethod-TAP.ReadWrite.All",
            ],
            application: &[
                "UserAuthenticationMethod.ReadWrite.All",
                "UserAuthMethod-TAP.ReadWrite.All",
            ],
        },
        ("DELETE", ["authentication", collection, ..]) => write_method(family(collection)),
        ("POST", ["authentication", collection]) => write_method(family(collection)),
        _ => return None,
    })
}

/// The tenant-wide Temporary Access Pass policy.
pub fn policy_needs() -> Needs {
    READ_TAP_POLICY
}

/// Whether a token with these permissions may make the request.
pub fn allows(needs: &Needs, delegated: bool, granted: &[String]) -> bool {
    let accepted = if delegated {
        needs.delegated
    } else {
        needs.application
    };
    granted.iter().any(|g| accepted.contains(&g.as_str()))
}

/// The least-privileged permission (first in the table), for messages.
pub fn least(needs: &Needs, delegated: bool) -> &'static str {
    let list = if delegated {
        needs.delegated
    } else {
        needs.application
    };
    list.first().copied().unwrap_or("(not supported)")
}
