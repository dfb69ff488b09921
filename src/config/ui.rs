//! `[ui]` and `[kiosk]`: how the screens look and how a kiosk behaves.

use super::*;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// Language at start; one of `languages`.
    pub language: String,
    /// Languages the person can switch between, in this order.
    pub languages: Vec<String>,
    /// Swap the QR colours, for monochrome terminals.
    pub qr_invert: bool,
    pub qr_style: QrStyleConfig,
    /// Colours of everything but the QR code (which is always dark on light).
    pub theme: ThemeConfig,
    /// Full screen, or plain lines for screen readers.
    pub mode: UiMode,
}

/// How the screens are shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UiMode {
    /// Drawn on the whole terminal: boxes, colours, the QR code.
    #[default]
    Full,
    /// For screen readers (speakup, Orca): each screen written once as
    /// plain lines, then only what changed; no drawing, no colours.
    Plain,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            language: "en".into(),
            languages: SUPPORTED_LANGUAGES
                .iter()
                .map(|l| (*l).to_string())
                .collect(),
            qr_invert: false,
            qr_style: QrStyleConfig::default(),
            theme: ThemeConfig::default(),
            mode: UiMode::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeConfig {
    #[default]
    Default,
    /// The terminal's own foreground and background with bold, underline
    /// and reverse video only: readable on light and dark backgrounds, on
    /// the Linux console and with NO_COLOR.
    HighContrast,
    /// Colours for a light terminal background.
    Light,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QrStyleConfig {
    /// Two modules per cell with half blocks.
    #[default]
    HalfBlock,
    /// Each module as two coloured spaces, for terminals that draw half
    /// blocks double-width.
    WideSpaces,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KioskConfig {
    /// Kiosk mode: Ctrl-C does not quit; exit by SIGTERM/SIGHUP.
    pub enabled: bool,
    /// Return to Welcome after this long without a key; 0 = never.
    pub idle_timeout_secs: u64,
    /// How long the Done screen counts down before returning to Welcome.
    pub done_countdown_secs: u64,
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            enabled: false,
            idle_timeout_secs: 180,
            done_countdown_secs: 30,
        }
    }
}
