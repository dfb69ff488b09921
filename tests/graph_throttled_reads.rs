//! A read the fake Graph refuses with 429 (Graph's throttling body and
//! `Retry-After`, as Microsoft documents it: `concepts/throttling.md`) is
//! sent again after each wait for as long as `throttle::THROTTLED_BUDGET`
//! allows, not given up after three tries: the person then gets the list
//! rather than "busy, try again".

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

use fake_graph::{DeviceStep, FakeGraph, FaultReply};
use mfa_assist::provider::graph::GraphProvider;
use mfa_assist::provider::{DevicePoll, Provider, Session};

async fn sign_in(fake: &FakeGraph, p: &GraphProvider) -> Session {
    fake.script_device(&[DeviceStep::Success]);
    let code = p.begin_device_sign_in().await.unwrap();
    match p.poll_device_sign_in(&code).await.unwrap() {
        DevicePoll::Done(session) => session,
        other => panic!("expected a session, got {other:?}"),
    }
}

#[tokio::test]
async fn a_list_refused_four_times_is_sent_a_fifth_time_and_answered() {
    let fake = FakeGraph::start().await;
    let p = GraphProvider::new(fake.settings()).unwrap();
    let session = sign_in(&fake, &p).await;
    fake.fail(
        "GET",
        "/me/authentication/methods",
        4,
        FaultReply::TooMany {
            retry_after: Some("1".into()),
        },
    );
    let methods = p.list_methods(&session).await.unwrap();
    assert_eq!(methods.len(), 11);
    assert_eq!(fake.calls("GET", "/me/authentication/methods"), 5);
}
