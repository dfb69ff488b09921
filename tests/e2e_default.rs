//! Issue 16 item 2, end to end against Entra as the fake Graph plays it
//! (tests/support/fake_graph): Graph v1.0 cannot change the default method,
//! so the kiosk must never send the person to `m`, which Entra does not
//! offer. The real binary in tmux:
//! - deleting the old Authenticator that is the default is refused by Graph;
//!   the screen says how at My Security Info, not "press m";
//! - once a new Authenticator is added, Done says how to make it the
//!   default at My Security Info.
//!
//! (Where the provider can change the default, `m` does it: the training
//! tenant's default is changed end to end in `tests/e2e_safe_order.rs` and
//! `tests/e2e.rs`; the flow is in `tests/flow.rs`, `make_default_*`.)
//!
//! `cargo build --release && MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e_default`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/screen.rs"]
#[allow(dead_code)]
mod screen;
#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;
#[path = "e2e/graph_server.rs"]
mod graph_server;

use graph_server::{GraphServer, user_code_on};
use std::time::Duration;
use tmux::{Tmux, flat};

const OLD_APP: &str = "Kim's old iPhone";
const NEW_APP: &str = "Kim's new iPhone";
const PORTAL: &str = "https://aka.ms/mysecurityinfo";

fn select_row(t: &Tmux, label: &str) {
    let selected = |s: &str| {
        s.lines()
            .find(|l| l.contains('▶'))
            .map(str::to_string)
            .unwrap_or_default()
    };
    for _ in 0..20 {
        let now = selected(&t.screen());
        if now.contains(label) {
            return;
        }
        t.keys(&["Down"]);
        t.wait_until("the selection to move down", tmux::TIMEOUT, |s| {
            selected(s) != now
        });
    }
    t.fail(&format!("could not select the row {label:?}"));
}

/// No text on `screen` sends the person to `m` to make a method the
/// default (`m` going back to the list, on Done, is fine).
fn offers_no_m(t: &Tmux, screen: &str) {
    let words = flat(&screen.replace(['│', '┌', '┐', '└', '┘', '─'], " "));
    for bad in ["press m to make", "m Make default"] {
        if words.contains(bad) {
            t.fail(&format!("the screen offers `{bad}`, which Entra cannot do"));
        }
    }
}

#[test]
fn entra_says_how_to_change_the_default_at_my_security_info() {
    let graph = GraphServer::start();
    let fake = &graph.fake;
    fake.device_interval(1);
    fake.script_device(&[]);
    // The old Authenticator stays the default (the fake's starting state).

    let t = Tmux::start_with_config("default_entra", 110, 48, &graph.config(), &[]);
    t.wait_for("Recover your sign-in");
    t.keys(&["Enter"]);
    let shown = t.wait_until("a device code to type", tmux::TIMEOUT, |s| {
        user_code_on(s).is_some()
    });
    let user_code = user_code_on(&shown).unwrap();
    assert!(fake.complete_device_sign_in(&user_code));
    t.wait_for("Signed in as Kim Akers");
    t.wait_for(OLD_APP);
    // The old phone is lost: the old Authenticator is to go first.
    t.wait_for_flat("or do you still have it?");
    t.keys(&["l"]);
    let list = t.wait_gone("or do you still have it?");
    offers_no_m(&t, &list);

    // Delete the default Authenticator: Graph refuses, the screen says how.
    select_row(&t, OLD_APP);
    t.keys(&["d"]);
    let screen = t.wait_until(
        "the delete confirmation or the blocked screen",
        tmux::TIMEOUT,
        |s| flat(s).contains("Press y to delete") || s.contains(PORTAL),
    );
    if flat(&screen).contains("Press y to delete") {
        t.keys(&["y"]);
    }
    let blocked = t.wait_for(PORTAL);
    t.expect_flat(&blocked, "can't change the default here");
    offers_no_m(&t, &blocked);
    assert!(
        fake.methods(fake_graph::KIM)
            .iter()
            .any(|m| m["displayName"] == OLD_APP),
        "the default Authenticator is still on the account"
    );

    // Add the new one; Done says how to make it the default.
    t.keys(&["Enter"]);
    t.wait_gone("can't be deleted yet");
    t.keys(&["a"]);
    t.wait_for("Step 4 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 5 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 6 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 7 of 9");
    t.wait_for_flat("Waiting for your phone to add the account");
    fake.register_authenticator(fake_graph::KIM, NEW_APP);
    let done = t.wait_until(
        "the new Authenticator to be noticed",
        Duration::from_secs(20),
        |s| s.contains("All done") && s.contains(NEW_APP),
    );
    t.expect_flat(
        &done,
        "To make the new app your default: at My Security Info",
    );
    t.expect(&done, PORTAL);
    offers_no_m(&t, &done);
}
