//! The script panel shows every line of the script where the screen has
//! the room: a panel cut at a fixed height lost the words the agent was
//! about to read out (seen at 100x40 in tmux: the "Say" line after the
//! question about the old phone was cut off, with twenty empty rows above).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::script::script;

/// The last words of every script line are on the screen.
fn every_line_ends_on_screen(h: &Harness, size: (u16, u16)) {
    let guide = Guide::built_in();
    let shown = drawn(&h.desk, size);
    let flat = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    for line in script(&h.desk) {
        let text = guide.text("en", line.id);
        let tail: Vec<&str> = text.split_whitespace().rev().take(2).collect();
        let tail = tail.into_iter().rev().collect::<Vec<_>>().join(" ");
        // Placeholders are filled on screen; only check plain endings.
        if tail.contains('{') {
            continue;
        }
        assert!(
            flat.contains(&tail),
            "at {size:?} the script line {} ends off screen (`{tail}`):\n{shown}",
            line.id
        );
    }
}

#[test]
fn the_whole_script_shows_below_the_account_when_there_is_room() {
    let h = Harness::verified(settings(), old_state());
    assert!(
        script(&h.desk).len() >= 3,
        "the verified account's script asks about the old phone and says what to do"
    );
    every_line_ends_on_screen(&h, (100, 40));
}
