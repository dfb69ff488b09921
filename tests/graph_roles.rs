//! Privileged callers on Entra ID (issue 10 item 5): `GraphDesk` reads the
//! caller's directory roles with `GET /users/{id}/transitiveMemberOf` and
//! reports them with the account state; a look that fails never passes
//! for "not privileged".

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

use fake_graph::{CLIENT_SECRET, FakeGraph, FaultReply, KIM};
use mfa_assist::provider::admin::{Admin, Privilege};
use mfa_assist::provider::graph::{GraphAdmin, GraphDesk};
use mfa_assist::secret::Secret;

async fn desk(fake: &FakeGraph) -> GraphDesk {
    let admin = GraphAdmin::connect(fake.settings(), Secret::new(CLIENT_SECRET))
        .await
        .unwrap();
    GraphDesk::new(admin)
}

async fn privilege(fake: &FakeGraph) -> Privilege {
    let d = desk(fake).await;
    let caller = d.lookup(KIM).await.unwrap();
    d.caller_state(&caller).await.unwrap().privilege
}

#[tokio::test]
async fn a_member_of_groups_only_is_ordinary() {
    let fake = FakeGraph::start().await;
    assert_eq!(privilege(&fake).await, Privilege::Ordinary);
    assert_eq!(fake.calls("GET", "transitiveMemberOf"), 1);
}

#[tokio::test]
async fn a_directory_role_makes_the_caller_privileged() {
    let fake = FakeGraph::start().await;
    fake.give_role(KIM, "Global Administrator");
    assert_eq!(
        privilege(&fake).await,
        Privilege::Privileged(vec!["Global Administrator".into()])
    );
}

#[tokio::test]
async fn a_role_whose_name_cannot_be_read_still_counts() {
    let fake = FakeGraph::start().await;
    fake.give_role(KIM, "Privileged Authentication Administrator");
    fake.hide_role_names();
    assert_eq!(
        privilege(&fake).await,
        Privilege::Privileged(vec!["a directory role".into()])
    );
}

#[tokio::test]
async fn a_failed_look_is_never_taken_for_ordinary() {
    for fault in [
        FaultReply::Forbidden,
        FaultReply::HtmlError,
        FaultReply::Malformed,
    ] {
        let fake = FakeGraph::start().await;
        fake.fail("GET", "transitiveMemberOf", 10, fault);
        let p = privilege(&fake).await;
        assert!(matches!(p, Privilege::CheckFailed(_)), "{p:?}");
        assert!(!p.allows_changes());
    }
}
