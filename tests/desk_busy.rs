//! The desk's "busy" notice goes when the request it waited for is
//! answered: left up, it had the agent wait for work no longer going on
//! (the kiosk's "One moment" had the same fault, see
//! `e2e_kiosk_cleanup::one_moment_goes_when_the_request_it_waits_for_is_answered`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::{Harness, load_req, old_state, settings};
use mfa_assist::helpdesk::{DeskEventKind, DeskNotice};

#[test]
fn busy_goes_when_the_request_it_waited_for_is_answered() {
    let mut h = Harness::verified(settings(), old_state());
    let req = load_req(&h.ch('g'));
    assert!(h.ch('g').is_empty(), "no second request while one is out");
    assert_eq!(h.desk.notice, Some(DeskNotice::Busy));
    h.send(DeskEventKind::StateLoaded {
        req,
        answer: Ok(old_state()),
    });
    assert_eq!(h.desk.notice, None);
}
