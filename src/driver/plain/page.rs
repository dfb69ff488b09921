//! One screen as a screen reader should get it: lines in reading order, the
//! selected line, the keys, and the prompt the cursor waits at.

/// A screen's text for the plain surface. Built by the views from the same
/// state the full-screen surface draws from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// Which screen this is: a new key means a new screen, written whole.
    pub key: String,
    /// The screen's text, top to bottom, without decoration.
    pub lines: Vec<String>,
    /// The line the selection or the focus is on, with its `> ` mark; said
    /// again when it moves.
    pub focus: Option<String>,
    /// `Keys: Enter sign in, Tab next field, F1 help`.
    pub keys: String,
    pub prompt: Prompt,
    /// Seconds left on the soonest countdown the lines show (a sign-out,
    /// a wait that runs out, a code that expires): the changed lines are
    /// said again when it reaches one of the [`Differ`](super::Differ)'s marks.
    pub countdown: Option<u64>,
}

/// Where the cursor waits, and what typing there shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prompt {
    pub label: String,
    pub echo: Echo,
}

/// What has been typed at the prompt, as it may be shown (and so spoken).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Echo {
    /// Not a text field: keys act, nothing is echoed.
    #[default]
    None,
    /// The typed text, echoed character by character.
    Text(String),
    /// A secret: one neutral mark per character, never the character.
    Masked(usize),
}

impl Echo {
    /// The text that stands for what has been typed.
    pub fn shown(&self) -> String {
        match self {
            Echo::None => String::new(),
            Echo::Text(text) => text.clone(),
            Echo::Masked(n) => MASK.repeat(*n),
        }
    }
}

/// What a secret's character is echoed as.
pub const MASK: &str = "*";
