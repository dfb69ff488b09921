//! The privileged-caller gate reads the caller's directory roles
//! (`transitiveMemberOf`). The desk's watch reads the account every few
//! seconds; the roles are read once per call (at the lookup, and again
//! only after `ROLES_FRESH_FOR`), not at every poll.

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

#[tokio::test]
async fn the_watchs_polls_do_not_read_the_roles_again() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let kim = d.lookup(KIM).await.unwrap();
    // The first read and twenty watch polls (a minute at 3 s).
    for _ in 0..21 {
        let state = d.caller_state(&kim).await.unwrap();
        assert_eq!(state.privilege, Privilege::Ordinary);
    }
    assert_eq!(fake.calls("GET", "/authentication/methods"), 21);
    assert_eq!(fake.calls("GET", "/transitiveMemberOf"), 1);
}

#[tokio::test]
async fn a_new_call_reads_the_roles_afresh() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let kim = d.lookup(KIM).await.unwrap();
    assert_eq!(
        d.caller_state(&kim).await.unwrap().privilege,
        Privilege::Ordinary
    );
    fake.give_role(KIM, "Global Administrator");
    // The next call about the same person sees the role.
    let kim = d.lookup(KIM).await.unwrap();
    assert_eq!(
        d.caller_state(&kim).await.unwrap().privilege,
        Privilege::Privileged(vec!["Global Administrator".into()])
    );
    assert_eq!(fake.calls("GET", "/transitiveMemberOf"), 2);
}

#[tokio::test]
async fn a_failed_read_is_not_kept() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let kim = d.lookup(KIM).await.unwrap();
    // The permission to read roles missing (a 403 is not retried).
    fake.fail("GET", "/transitiveMemberOf", 1, FaultReply::Forbidden);
    let state = d.caller_state(&kim).await.unwrap();
    assert!(
        matches!(state.privilege, Privilege::CheckFailed(_)),
        "{:?}",
        state.privilege
    );
    // Treated as privileged until a read succeeds; the next poll tries again.
    let state = d.caller_state(&kim).await.unwrap();
    assert_eq!(state.privilege, Privilege::Ordinary);
    let before = fake.calls("GET", "/transitiveMemberOf");
    d.caller_state(&kim).await.unwrap();
    assert_eq!(fake.calls("GET", "/transitiveMemberOf"), before);
}
