//! The desk adds a phone number the caller reads out, on Microsoft Entra
//! ID: `GraphDesk::add_phone` against the fake Graph, which answers as
//! `authentication-post-phonemethods.md` documents (one phone per type, a
//! mobile before an alternate mobile, `+{country code} {number}x{ext}`;
//! docs/graph-facts.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

use fake_graph::{
    ALT_MOBILE_ID, CLIENT_ID, CLIENT_SECRET, FakeGraph, FaultReply, KIM, MOBILE_ID, OFFICE_ID,
    TENANT,
};
use mfa_assist::provider::admin::{Admin, Caller};
use mfa_assist::provider::graph::{GraphAdmin, GraphDesk};
use mfa_assist::provider::phone::{PhoneNumber, PhoneType};
use mfa_assist::provider::{MethodKind, ProviderError};
use mfa_assist::secret::Secret;
use serde_json::{Value, json};

async fn desk(fake: &FakeGraph) -> GraphDesk {
    let admin = GraphAdmin::connect(fake.settings(), Secret::new(CLIENT_SECRET))
        .await
        .unwrap();
    GraphDesk::new(admin)
}

async fn kim(desk: &GraphDesk) -> Caller {
    desk.lookup(KIM).await.unwrap()
}

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse(text).unwrap()
}

fn phones(fake: &FakeGraph) -> Vec<Value> {
    fake.methods(KIM)
        .into_iter()
        .filter(|m| m["@odata.type"] == "#microsoft.graph.phoneAuthenticationMethod")
        .collect()
}

fn conflict(error: ProviderError) -> String {
    match error {
        ProviderError::Conflict(why) => why,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn entra_offers_adding_a_phone() {
    let fake = FakeGraph::start().await;
    assert!(desk(&fake).await.capabilities().can_add_phone);
}

#[tokio::test]
async fn an_office_number_is_added_in_graphs_format() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    let added = d
        .add_phone(&caller, &number("+1 (425) 555-0100"), PhoneType::Office)
        .await
        .unwrap();
    assert_eq!(added.id, OFFICE_ID);
    assert_eq!(added.kind, MethodKind::Phone);
    assert_eq!(added.label, "+1 4255550100 (office)");
    assert_eq!(fake.calls("POST", "/authentication/phoneMethods"), 1);
    let office: Vec<Value> = phones(&fake)
        .into_iter()
        .filter(|p| p["phoneType"] == "office")
        .collect();
    assert_eq!(office.len(), 1);
    assert_eq!(office[0]["phoneNumber"], "+1 4255550100");
    // The desk sees it at the next read, and can delete it by its type
    // without listing again.
    let state = d.caller_state(&caller).await.unwrap();
    assert!(state.methods.iter().any(|m| m.id == OFFICE_ID));
    d.delete_method(&caller, OFFICE_ID).await.unwrap();
    assert!(phones(&fake).iter().all(|p| p["phoneType"] != "office"));
}

#[tokio::test]
async fn one_number_per_type_in_the_agents_words() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    // Kim has a mobile number already.
    let why = conflict(
        d.add_phone(&caller, &number("+46 701234567"), PhoneType::Mobile)
            .await
            .unwrap_err(),
    );
    assert!(why.contains("already has a number of this type"), "{why}");
    assert!(why.contains("delete it first"), "{why}");
    // Graph's reference goes along, for the administrator.
    assert!(
        why.contains("request-id") || why.contains("reference"),
        "{why}"
    );
    assert_eq!(phones(&fake).len(), 1);
}

#[tokio::test]
async fn a_mobile_comes_before_an_alternate_mobile() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    d.caller_state(&caller).await.unwrap();
    fake.set_default_method(KIM, None);
    d.delete_method(&caller, MOBILE_ID).await.unwrap();
    let why = conflict(
        d.add_phone(
            &caller,
            &number("+46 701234567"),
            PhoneType::AlternateMobile,
        )
        .await
        .unwrap_err(),
    );
    assert!(why.contains("mobile number before"), "{why}");
    d.add_phone(&caller, &number("+46 701234567"), PhoneType::Mobile)
        .await
        .unwrap();
    let alt = d
        .add_phone(
            &caller,
            &number("+46 707654321"),
            PhoneType::AlternateMobile,
        )
        .await
        .unwrap();
    assert_eq!(alt.id, ALT_MOBILE_ID);
}

/// A 503 may come after Graph did the work: the POST is not sent again
/// (a second one would be refused as "already exists" and hide that the
/// first worked).
#[tokio::test]
async fn an_add_that_may_have_happened_is_not_sent_twice() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    fake.fail(
        "POST",
        "/phoneMethods",
        1,
        FaultReply::Unavailable { retry_after: None },
    );
    d.add_phone(&caller, &number("+1 4255550100"), PhoneType::Office)
        .await
        .unwrap_err();
    assert_eq!(fake.calls("POST", "/phoneMethods"), 1);
}

/// The fake refuses a number not in Graph's format the way the reference
/// describes ("rejected when creating … if they do not match"); the app
/// never sends one (`PhoneNumber` is checked first), so this is asked
/// directly, as another client would.
#[tokio::test]
async fn the_fake_refuses_a_number_graph_would_refuse() {
    let fake = FakeGraph::start().await;
    let client = reqwest::Client::new();
    let token: Value = client
        .post(format!(
            "{}/{TENANT}/oauth2/v2.0/token",
            fake.authority_base()
        ))
        .form(&[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_string();
    for bad in [
        "+12065555555",
        "2065555555",
        "+1 206-555-5555",
        "+1 2065555555x",
    ] {
        let answer = client
            .post(format!(
                "{}/users/{KIM}/authentication/phoneMethods",
                fake.graph_base()
            ))
            .bearer_auth(&token)
            .json(&json!({"phoneNumber": bad, "phoneType": "office"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{bad}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["error"]["code"], "badRequest", "{bad}");
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
    assert!(phones(&fake).iter().all(|p| p["phoneType"] != "office"));
}
