//! Issue 16 item 4, end to end: a person whose phone number still works can
//! fix everything at My Security Info with "Sign in another way", and must
//! learn so before needing a pass. The real binary in tmux at 80×24, the
//! smallest supported window, in each language:
//! - as an Entra kiosk (the fake Graph): Welcome itself says it, whole;
//! - on the training tenant, whose practice box leaves Welcome no room for
//!   it at this size: Welcome's help says it, and so does the sign-in help
//!   (the authenticator loop), naming the same button.
//!
//! `cargo build --release && MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e_other_way`
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
#[allow(dead_code)]
mod graph_server;

use graph_server::GraphServer;
use mfa_assist::guide::Guide;
use tmux::Tmux;

const LANGS: [&str; 3] = ["en", "sv", "fi"];

/// The button's name as the text quotes it (“…” in English, ”…” in Swedish
/// and Finnish).
fn quoted(text: &str) -> &str {
    text.split(['“', '”'])
        .nth(1)
        .expect("the button's name is quoted")
}

/// A help overlay's text without its box.
fn inside(screen: &str) -> String {
    screen.replace(['│', '┌', '┐', '└', '┘', '─'], " ")
}

#[test]
fn entra_welcome_says_sign_in_another_way_in_every_language() {
    let guide = Guide::built_in();
    let graph = GraphServer::start();
    for lang in LANGS {
        let t = Tmux::start_with_config(
            &format!("otherway_entra_{lang}"),
            80,
            24,
            &graph.config(),
            &["--lang", lang],
        );
        let welcome = t.wait_for(guide.text(lang, "welcome.title"));
        t.expect_flat(&welcome, guide.text(lang, "welcome.other_way"));
        t.expect(&welcome, "https://aka.ms/mysecurityinfo");
    }
}

#[test]
fn training_help_says_sign_in_another_way_before_and_after_the_pass_screen() {
    let guide = Guide::built_in();
    for lang in LANGS {
        let button = quoted(guide.text(lang, "welcome.other_way"));
        let t = Tmux::start(&format!("otherway_help_{lang}"), 80, 24, &["--lang", lang]);
        t.wait_for(guide.text(lang, "welcome.title"));
        // Welcome's help, before any pass.
        t.keys(&["?"]);
        let help = t.wait_for(guide.text(lang, "help.trouble"));
        t.expect_flat(&inside(&help), button);
        t.keys(&["Escape"]);
        t.wait_gone(guide.text(lang, "help.trouble"));

        // The sign-in help: the authenticator loop and the same button.
        t.keys(&["Enter"]);
        t.wait_for(guide.text(lang, "sign_in.title"));
        t.keys(&["F1"]);
        let help = t.wait_for(guide.text(lang, "help.trouble"));
        t.expect_flat(&inside(&help), button);
    }
}
