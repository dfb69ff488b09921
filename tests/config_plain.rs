//! `[ui] mode`: "full" or "plain", a clear error otherwise, and the example
//! file documents it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::config::{self, UiMode};
use std::path::Path;

const EXAMPLE: &str = include_str!("../config.example.toml");

fn parse(text: &str) -> Result<config::Config, config::ConfigError> {
    config::parse(text, Path::new("/etc/mfa-assist/config.toml"))
}

#[test]
fn both_modes_are_read_and_full_is_the_default() {
    assert_eq!(parse("").unwrap().ui.mode, UiMode::Full);
    assert_eq!(
        parse("[ui]\nmode = \"plain\"\n").unwrap().ui.mode,
        UiMode::Plain
    );
    assert_eq!(
        parse("[ui]\nmode = \"full\"\n").unwrap().ui.mode,
        UiMode::Full
    );
}

#[test]
fn an_unknown_mode_names_the_key_and_the_choices() {
    let err = parse("[ui]\nmode = \"braille\"\n").unwrap_err();
    assert_eq!(err.key(), Some("ui.mode"));
    let msg = err.to_string();
    assert!(msg.contains("braille"), "{msg}");
    assert!(msg.contains("full") && msg.contains("plain"), "{msg}");
}

#[test]
fn the_example_documents_the_mode() {
    assert!(EXAMPLE.contains("mode = \"full\""));
    assert!(EXAMPLE.contains("\"plain\""));
    parse(EXAMPLE).unwrap();
}
