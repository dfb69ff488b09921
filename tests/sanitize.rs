//! One sanitiser for every provider string: the training tenant's text and
//! its scenario errors never carry a terminal command or a bidi control.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::provider::Provider;
use mfa_assist::provider::sanitize::{self, Sanitized};
use mfa_assist::provider::scenario::Scenario;
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::secret::Secret;

/// Test: a scenario whose username holds an ESC used to print it raw in the
/// error (`account 1 (\x1b[2J…)`), clearing the admin's terminal.
#[test]
fn a_scenario_error_never_prints_a_raw_escape() {
    let text = "[[accounts]]\nusername = \"ev\\u001b[2Jil\\u202e\"\npass = \"Tap-1\"\n";
    let err = Scenario::parse(text).unwrap_err().to_string();
    assert!(!err.chars().any(sanitize::is_hostile), "{err:?}");
    assert!(err.contains("ev\u{FFFD}[2Jil\u{FFFD}"), "{err:?}");
}

/// Test: the training tenant wrapped as the app wraps every provider: a
/// display name with U+202E and a method label with an ESC arrive cleaned.
#[tokio::test]
async fn the_wrapper_cleans_accounts_and_method_labels() {
    let scenario = "[[accounts]]\nusername = \"eve\"\npass = \"Tap-Eve-1234\"\n\
        display_name = \"Eve \\u202eresU\"\n\n[[accounts.methods]]\nkind = \"phone\"\n\
        label = \"+46 \\u001b]52;c;AAAA\\u0007 phone\"\nis_default = true\n";
    let tenant = TrainingTenant::from_scenario(Scenario::parse(scenario).unwrap());
    let p = Sanitized(Box::new(tenant) as Box<dyn Provider>);
    let session = p
        .sign_in("eve", &Secret::new("Tap-Eve-1234"))
        .await
        .unwrap();
    assert_eq!(session.account.display_name, "Eve \u{FFFD}resU");
    let methods = p.list_methods(&session).await.unwrap();
    let label = &methods[0].label;
    assert!(!label.chars().any(sanitize::is_hostile), "{label:?}");
    assert_eq!(label, "+46 \u{FFFD}]52;c;AAAA\u{FFFD} phone");
}
