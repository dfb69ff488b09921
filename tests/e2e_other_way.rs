//! Issue 16 item 4, end to end: a person whose phone number still works can
//! fix everything at My Security Info with "Sign in another way", and must
//! learn so before needing a pass. The real binary in tmux at 80×24, the
//! smallest supported window, in each language: Welcome says it, and the
//! sign-in help (the authenticator loop) names the same button.
//!
//! `cargo build --release && MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e_other_way`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/screen.rs"]
#[allow(dead_code)]
mod screen;
#[path = "e2e/tmux.rs"]
#[allow(dead_code)]
mod tmux;

use mfa_assist::guide::Guide;
use tmux::Tmux;

/// The button's name as the text quotes it (“…”).
fn quoted(text: &str) -> &str {
    text.split(['“', '”'])
        .nth(1)
        .expect("the button's name is quoted")
}

#[test]
fn welcome_and_the_sign_in_help_say_sign_in_another_way_in_every_language() {
    let guide = Guide::built_in();
    for lang in ["en", "sv", "fi"] {
        let t = Tmux::start(&format!("otherway_{lang}"), 80, 24, &["--lang", lang]);
        let welcome = t.wait_for(guide.text(lang, "welcome.title"));
        // Before any pass: Welcome shows the way out, whole.
        t.expect_flat(&welcome, guide.text(lang, "welcome.other_way"));
        t.expect(&welcome, "https://aka.ms/mysecurityinfo");
        let button = quoted(guide.text(lang, "welcome.other_way"));

        // On the sign-in screen the help explains the authenticator loop
        // and points to the same button.
        t.keys(&["Enter"]);
        t.wait_for(guide.text(lang, "sign_in.title"));
        t.keys(&["F1"]);
        let help = t.wait_for(guide.text(lang, "help.trouble"));
        // The help is a box: its borders are not words.
        let inside = help.replace(['│', '┌', '┐', '└', '┘', '─'], " ");
        t.expect_flat(&inside, button);
        assert!(
            guide.text(lang, "help.tips_sign_in").contains(button),
            "{lang}: the sign-in help names another button than Welcome"
        );
    }
}
