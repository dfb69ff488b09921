//! Issue 16 item 3, end to end: the real binary in tmux asks whether the old
//! phone is lost or still at hand, and follows the answer.
//! - noa still has the old phone: the new Authenticator is added and proven
//!   first, then the app goes back to the list with the old one selected,
//!   and only then is it deleted.
//! - alex lost it: the old one is deleted first, then the new one added.
//!
//! `cargo build --release && MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e_safe_order`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/screen.rs"]
#[allow(dead_code)]
mod screen;
#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use tmux::{Tmux, flat};

fn sign_in(t: &Tmux, user: &str, pass: &str, old_app: &str) -> String {
    t.sign_in(user, pass);
    t.wait_for(old_app);
    t.wait_for_flat("lost, stolen or broken, or do you still have it?")
}

/// From the list: a notification Authenticator, iPhone, through the QR, to
/// the simulated phone, which approves.
fn add_and_prove_push(t: &Tmux) {
    t.keys(&["a"]);
    t.wait_for("Step 4 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 5 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 6 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 7 of 9");
    t.wait_gone("Making your QR code");
    t.keys(&["Enter"]);
    t.wait_for("TRAINING PHONE");
    approve_on_training_phone(t);
}

/// The simulated phone approves the test notification: number matching,
/// so the number the screen shows is typed into it first.
fn approve_on_training_phone(t: &Tmux) {
    let label = "Type this number into the app:";
    let screen = t.wait_for(label);
    let number: String = screen
        .lines()
        .find_map(|l| l.split(label).nth(1))
        .unwrap_or_default()
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if number.len() != 2 {
        t.fail("no two-digit number to match on the approval screen");
    }
    t.type_text(&number);
    t.keys(&["a"]);
}

#[test]
fn old_phone_at_hand_new_one_first_then_the_old_one() {
    let t = Tmux::start("safeorder_hand", 100, 40, &[]);
    let old = "Authenticator app (Galaxy A52)";
    let asked = sign_in(&t, "noa", "Tap-Noa-3158", old);
    t.expect(&asked, "h  I still have it");
    t.keys(&["h"]);
    let hint = t.wait_for_flat("Keep the old phone for now");
    t.expect_not(
        &hint,
        "I still have it",
        "answered: the question's keys are gone",
    );

    // Deleting the old one first is flagged, and n keeps it.
    t.keys(&["d"]);
    let confirm = t.wait_for_flat("You still have this phone");
    t.expect_flat(&confirm, "Press y to delete");
    t.keys(&["n"]);
    t.wait_for_flat("Keep the old phone for now");

    add_and_prove_push(&t);
    // Proven: back on the list (not Done), the old one selected.
    let list = t.wait_for_flat("Your new method works. Now delete the old phone's");
    // The list is refreshed for the new method; a key while it loads is "busy".
    let list = if list.contains("Loading") {
        t.wait_gone("Loading")
    } else {
        list
    };
    t.expect(&list, "Step 3 of 9");
    t.expect_not(&list, "All done", "Done comes after the old one is gone");
    if !list.lines().any(|l| l.contains('▶')) {
        t.fail("nothing selected");
    }
    let selected = t.wait_for_line("the old app selected", |l| l.contains('▶'));
    // At 100 columns kind and label share a row; the label is on it or the next.
    let rows: Vec<&str> = selected.lines().collect();
    let i = rows.iter().position(|l| l.contains('▶')).unwrap();
    let around = rows[i..(i + 2).min(rows.len())].join(" ");
    if !around.contains("Galaxy A52") {
        t.fail("the old Authenticator is not the selected row");
    }
    t.keys(&["d"]);
    let confirm = t.wait_for_flat("Press y to delete");
    t.expect_not(
        &flat(&confirm),
        "You still have this phone",
        "the new one works now: no warning",
    );
    t.keys(&["y"]);
    t.wait_for_flat(&format!("Deleted “{old}”"));
    t.wait_gone("Loading");
    t.keys(&["f"]);
    let done = t.wait_for("Step 9 of 9");
    t.expect(&done, "All done");
    t.expect_not(&done, old, "the old app was deleted");
}

#[test]
fn old_phone_lost_old_one_first_as_before() {
    let t = Tmux::start("safeorder_lost", 100, 40, &[]);
    let old = "Authenticator app (iPhone 11)";
    sign_in(&t, "alex", "Tap-Alex-4821", old);
    t.keys(&["l"]);
    let hint = t.wait_for_flat("Lost this phone? Press d to delete");
    t.expect_not(
        &hint,
        "Old phone lost",
        "answered: the question's keys are gone",
    );
    // l put the cursor on the old Authenticator: d deletes it, no warning.
    t.keys(&["d"]);
    let confirm = t.wait_for_flat("Press y to delete");
    t.expect_flat(&confirm, old);
    t.expect_not(
        &flat(&confirm),
        "You still have this phone",
        "lost: deleting first is right",
    );
    t.keys(&["y"]);
    t.wait_for_flat(&format!("Deleted “{old}”"));
    t.wait_gone("Loading");
    add_and_prove_push(&t);
    let done = t.wait_for("All done");
    t.expect_not(&done, old, "the old app was deleted first");
}
