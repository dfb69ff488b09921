//! The training tenant adds a phone number from the desk by Entra's rules
//! (one number per type, a mobile before an alternate mobile), so a trainee
//! meets the refusals a real tenant gives; the kiosk side sees the number.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mfa_assist::provider::admin::{Admin, Caller};
use mfa_assist::provider::phone::{PhoneNumber, PhoneType};
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::provider::{MethodKind, ProviderError};
use std::time::Duration;

fn tenant() -> TrainingTenant {
    TrainingTenant::default_scenario().with_delay(Duration::ZERO)
}

async fn caller(t: &TrainingTenant, name: &str) -> Caller {
    t.lookup(name).await.unwrap()
}

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse(text).unwrap()
}

fn conflict(error: ProviderError) -> String {
    match error {
        ProviderError::Conflict(why) => why,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn training_offers_adding_a_phone() {
    assert!(tenant().capabilities().can_add_phone);
}

#[tokio::test]
async fn an_added_number_is_on_the_account() {
    let t = tenant();
    let alex = caller(&t, "alex").await;
    let added = t
        .add_phone(&alex, &number("+46 70-123 45 67"), PhoneType::Office)
        .await
        .unwrap();
    assert_eq!(added.kind, MethodKind::Phone);
    assert_eq!(added.label, "Office phone +46 701234567");
    assert_eq!(added.last_used, None);
    let state = t.caller_state(&alex).await.unwrap();
    assert!(state.methods.iter().any(|m| m.id == added.id));
}

#[tokio::test]
async fn one_number_per_type() {
    let t = tenant();
    // Alex has "Mobile +1 555-0142".
    let alex = caller(&t, "alex").await;
    let why = conflict(
        t.add_phone(&alex, &number("+46 701234567"), PhoneType::Mobile)
            .await
            .unwrap_err(),
    );
    assert!(why.contains("already has a number of this type"), "{why}");
    t.add_phone(&alex, &number("+46 701234567"), PhoneType::AlternateMobile)
        .await
        .unwrap();
    let why = conflict(
        t.add_phone(&alex, &number("+46 709999999"), PhoneType::AlternateMobile)
            .await
            .unwrap_err(),
    );
    assert!(why.contains("already has a number of this type"), "{why}");
}

#[tokio::test]
async fn a_mobile_before_an_alternate_mobile() {
    let t = tenant();
    // Kim has an office phone only.
    let kim = caller(&t, "kim").await;
    let why = conflict(
        t.add_phone(&kim, &number("+46 701234567"), PhoneType::AlternateMobile)
            .await
            .unwrap_err(),
    );
    assert!(why.contains("mobile number is needed before"), "{why}");
    let why = conflict(
        t.add_phone(&kim, &number("+46 701234567"), PhoneType::Office)
            .await
            .unwrap_err(),
    );
    assert!(why.contains("already has"), "{why}");
    t.add_phone(&kim, &number("+46 701234567"), PhoneType::Mobile)
        .await
        .unwrap();
    t.add_phone(&kim, &number("+46 701234568"), PhoneType::AlternateMobile)
        .await
        .unwrap();
}
