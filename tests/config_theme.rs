//! `[ui] theme`: "default", "high-contrast" or "light", a clear error otherwise, and
//! the example file documents it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::config::{self, ThemeConfig};
use mfa_assist::setup;
use mfa_assist::ui::theme::Theme;
use std::path::Path;

const EXAMPLE: &str = include_str!("../config.example.toml");

fn parse(text: &str) -> Result<config::Config, config::ConfigError> {
    config::parse(text, Path::new("/etc/mfa-assist/config.toml"))
}

#[test]
fn both_themes_are_read_and_default_is_the_default() {
    assert_eq!(parse("").unwrap().ui.theme, ThemeConfig::Default);
    let c = parse("[ui]\ntheme = \"high-contrast\"\n").unwrap();
    assert_eq!(c.ui.theme, ThemeConfig::HighContrast);
    assert_eq!(setup::theme(&c), Theme::HighContrast);
    let c = parse("[ui]\ntheme = \"default\"\n").unwrap();
    assert_eq!(setup::theme(&c), Theme::Default);
}

#[test]
fn an_unknown_theme_names_the_key_and_the_choices() {
    let err = parse("[ui]\ntheme = \"dark\"\n").unwrap_err();
    assert_eq!(err.key(), Some("ui.theme"));
    let msg = err.to_string();
    assert!(msg.contains("dark"), "{msg}");
    assert!(
        msg.contains("default") && msg.contains("high-contrast"),
        "{msg}"
    );
}

#[test]
fn the_example_documents_the_theme() {
    assert!(EXAMPLE.contains("theme = \"default\""));
    assert!(EXAMPLE.contains("\"high-contrast\""));
    parse(EXAMPLE).unwrap();
}

#[test]
fn the_light_theme_is_read_and_documented() {
    let c = parse("[ui]\ntheme = \"light\"\n").unwrap();
    assert_eq!(c.ui.theme, ThemeConfig::Light);
    assert_eq!(setup::theme(&c), Theme::Light);
    assert!(EXAMPLE.contains("\"light\""));
    let msg = parse("[ui]\ntheme = \"dark\"\n").unwrap_err().to_string();
    assert!(msg.contains("light"), "{msg}");
}
