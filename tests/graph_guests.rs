//! Issue 16 item 6: a guest's MFA is registered in the host (resource)
//! tenant, so the host's desk resets it (Microsoft Learn, entra-docs
//! `external-id/authentication-conditional-access.md`, "MFA reset (proof up)
//! for B2B collaboration users"), as the Finnish university's guide says.
//! Entra refuses guests a Temporary Access Pass, so the desk's way is to
//! delete the lost method; the refusal of a pass says so instead of sending
//! the guest to their home organisation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

use fake_graph::{CLIENT_SECRET, FakeGraph, GUEST};
use mfa_assist::provider::admin::{Admin, PassRequest};
use mfa_assist::provider::graph::{GraphAdmin, GraphDesk};
use mfa_assist::provider::{MethodKind, ProviderError};
use mfa_assist::secret::Secret;

const GUEST_APP: &str = "4b7e0c1a-2d3f-4e5a-8b9c-0d1e2f3a4b5c";

#[tokio::test]
async fn the_host_desk_deletes_a_guests_lost_authenticator_and_says_so() {
    let fake = FakeGraph::start().await;
    fake.state()
        .user_mut(GUEST)
        .unwrap()
        .methods
        .push(fake_graph::state::authenticator(
            GUEST_APP,
            "Pixel 6 (guest)",
        ));
    let admin = GraphAdmin::connect(fake.settings(), Secret::new(CLIENT_SECRET))
        .await
        .unwrap();
    let d = GraphDesk::new(admin);
    let guest = d.lookup(GUEST).await.unwrap();

    // No pass for a guest, and the words say what the desk does instead.
    let why = match d
        .issue_pass(
            &guest,
            PassRequest {
                lifetime_minutes: 60,
                one_time: true,
            },
        )
        .await
        .unwrap_err()
    {
        ProviderError::NotAllowed(why) => why,
        other => panic!("{other:?}"),
    };
    assert!(!why.contains("home organisation"), "{why}");
    assert!(why.contains("this desk resets them"), "{why}");

    // What it says is possible: the guest's Authenticator in our tenant goes.
    let state = d.caller_state(&guest).await.unwrap();
    let app = state
        .methods
        .iter()
        .find(|m| m.kind == MethodKind::AuthenticatorPush)
        .expect("the guest's Authenticator is listed");
    d.delete_method(&guest, &app.id).await.unwrap();
    let after = d.caller_state(&guest).await.unwrap();
    assert!(
        after
            .methods
            .iter()
            .all(|m| m.kind != MethodKind::AuthenticatorPush)
    );
}
