//! The desk's footer and help name the key that issues a pass the way the
//! provider and the script name the pass: on privacyIDEA the script says
//! "issue a registration code (p)", so the key says so too (seen in a walk
//! against the real server: the footer said "Issue pass").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::provider::admin::PassName;

#[test]
fn on_privacyidea_the_key_issues_a_code() {
    let mut s = settings();
    s.capabilities.pass_name = PassName::RegistrationCode;
    let mut h = Harness::verified(s, old_state());
    let screen = drawn(&h.desk, (120, 40));
    assert!(screen.contains(" p  Issue code"), "{screen}");
    assert!(!screen.contains("Issue pass"), "{screen}");
    h.ch('?');
    let help = drawn(&h.desk, (120, 40));
    assert!(help.contains("Issue code"), "{help}");
}

#[test]
fn on_entra_and_training_it_issues_a_pass() {
    let h = Harness::verified(settings(), old_state());
    let screen = drawn(&h.desk, (120, 40));
    assert!(screen.contains(" p  Issue pass"), "{screen}");
}
