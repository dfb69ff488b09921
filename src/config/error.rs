//! [`ConfigError`]: every problem worded for the person who fixes it, with
//! the file, the key and the line.

use super::*;

/// What kind of problem a [`ConfigError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// A file named by `--config` or `$MFA_ASSIST_CONFIG` does not exist.
    NotFound,
    /// The file exists but cannot be read (permissions, a directory, ...).
    Unreadable,
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not UTF-8 text.
    NotUtf8,
    /// Not valid TOML.
    Syntax,
    /// Valid TOML, but a key is unknown or has the wrong type.
    Schema,
    /// Every key is known, but a value is not allowed.
    Invalid,
}

/// A configuration problem, worded for the person who has to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(Box<ErrorDetail>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct ErrorDetail {
    kind: ConfigErrorKind,
    file: Option<PathBuf>,
    key: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    hint: Option<String>,
}

impl ConfigError {
    pub(super) fn new(kind: ConfigErrorKind, message: impl Into<String>) -> Self {
        ConfigError(Box::new(ErrorDetail {
            kind,
            file: None,
            key: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }))
    }

    pub(super) fn invalid(key: &str, message: impl Into<String>) -> Self {
        let mut e = ConfigError::new(ConfigErrorKind::Invalid, message);
        e.0.key = Some(key.to_string());
        e
    }

    pub(super) fn with_file(mut self, file: &Path) -> Self {
        self.0.file = Some(file.to_path_buf());
        self
    }

    pub(super) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }

    pub(super) fn at(mut self, text: &str, pos: usize) -> Self {
        let (line, column) = line_col(text, pos);
        self.0.line = Some(line);
        self.0.column = Some(column);
        self
    }

    pub fn kind(&self) -> ConfigErrorKind {
        self.0.kind
    }

    /// The config file, when the problem is in one.
    pub fn file(&self) -> Option<&Path> {
        self.0.file.as_deref()
    }

    /// The dotted key, e.g. `kiosk.idle_timeout_secs`, when known.
    pub fn key(&self) -> Option<&str> {
        self.0.key.as_deref()
    }

    /// 1-based line in the file, when known.
    pub fn line(&self) -> Option<usize> {
        self.0.line
    }

    /// 1-based column (in characters), when known.
    pub fn column(&self) -> Option<usize> {
        self.0.column
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.file {
            Some(file) => write!(f, "config file {}: ", clean(&file.display().to_string()))?,
            None => f.write_str("configuration: ")?,
        }
        f.write_str(&clean(&self.0.message))?;
        match (self.0.line, self.0.column) {
            (Some(line), Some(column)) => write!(f, " at line {line}, column {column}")?,
            (Some(line), None) => write!(f, " at line {line}")?,
            _ => {}
        }
        if let Some(hint) = &self.0.hint {
            write!(f, " ({})", clean(hint))?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

pub(super) fn too_large() -> ConfigError {
    ConfigError::new(
        ConfigErrorKind::TooLarge,
        format!("the file is larger than {MAX_FILE_BYTES} bytes"),
    )
    .with_hint("is this the right file? A config file is a few kilobytes")
}

/// Turn a serde error from the deserializer into our wording, with the key
/// and the position when toml gives a span.
pub(super) fn schema_error(e: &toml::de::Error, text: &str, doc: &DeTable<'_>) -> ConfigError {
    let raw = e.message();
    let path = e.span().and_then(|span| key_path_at(doc, span.start));
    let mut err = ConfigError::new(ConfigErrorKind::Schema, String::new());

    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(rest);
        let table = path
            .as_ref()
            .and_then(|p| p.split_last().map(|(_, parent)| parent.join(".")))
            .filter(|t| !t.is_empty());
        err.0.message = match &table {
            Some(table) => format!("unknown key {} in [{table}]", short(name)),
            None => format!("unknown key {}", short(name)),
        };
        err.0.hint = expected.map(|x| short(&x));
        err.0.key = path.map(|p| p.join("."));
    } else if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let (name, expected) = split_expected(rest);
        let key = path.map(|p| p.join("."));
        err.0.message = match &key {
            Some(key) => format!("`{key}` has the unknown value {}", short(name)),
            None => format!("unknown value {}", short(name)),
        };
        err.0.hint = expected.map(|x| short(&x));
        err.0.key = key;
    } else {
        let message = short(&humanise(raw));
        let key = path.map(|p| p.join("."));
        err.0.message = match &key {
            Some(key) => format!("`{key}`: {message}"),
            None => message,
        };
        err.0.key = key;
    }
    match e.span() {
        Some(span) => err.at(text, span.start),
        None => err,
    }
}

/// `` `x`, expected one of `a`, `b` `` -> (`` `x` ``, "expected one of ...").
pub(super) fn split_expected(rest: &str) -> (&str, Option<String>) {
    match rest.split_once(", ") {
        Some((name, tail)) if tail.starts_with("expected") => (name, Some(humanise(tail))),
        Some((name, tail)) if tail.starts_with("there are no") => {
            (name, Some("this section takes no keys".to_string()))
        }
        Some((name, tail)) => (name, Some(tail.to_string())),
        None => (rest, None),
    }
}

/// Plainer words for serde's Rust type names.
pub(super) fn humanise(message: &str) -> String {
    let message = match message.find("expected struct ") {
        Some(i) => format!(
            "{}expected a [section] of keys",
            message.get(..i).unwrap_or_default()
        ),
        None => message.to_string(),
    };
    message
        .replace(" as i128", " (too large)")
        .replace("expected u64", "expected a whole number (0 or more)")
        .replace("expected a string", "expected text in quotes")
        .replace("expected path string", "expected a file path in quotes")
}

/// The dotted key whose name or value covers byte `pos`.
pub(super) fn key_path_at(doc: &DeTable<'_>, pos: usize) -> Option<Vec<String>> {
    let mut path = Vec::new();
    let mut table = doc;
    // Our schema is two levels deep; deeper documents fail before here.
    for _ in 0..4 {
        let mut next = None;
        for (key, value) in table.iter() {
            if key.span().contains(&pos) {
                path.push(key.get_ref().to_string());
                return Some(path);
            }
            if let DeValue::Table(inner) = value.get_ref() {
                if value.span().contains(&pos) || table_covers(inner, pos) {
                    next = Some((key.get_ref().to_string(), inner));
                    break;
                }
            } else if value.span().contains(&pos) {
                path.push(key.get_ref().to_string());
                return Some(path);
            }
        }
        let (name, inner) = next?;
        path.push(name);
        table = inner;
    }
    None
}

/// Whether any key or value directly in `table` covers `pos` (a `[section]`
/// header's span need not cover its body).
pub(super) fn table_covers(table: &DeTable<'_>, pos: usize) -> bool {
    table
        .iter()
        .any(|(k, v)| k.span().contains(&pos) || v.span().contains(&pos))
}

/// The span of the value of a dotted key, e.g. `ui.language`.
pub(super) fn value_span(doc: &DeTable<'_>, dotted: &str) -> Option<Range<usize>> {
    let mut parts = dotted.split('.').peekable();
    let mut table = doc;
    while let Some(part) = parts.next() {
        let (key, value) = table.iter().find(|(k, _)| k.get_ref() == part)?;
        if parts.peek().is_none() {
            let span = value.span();
            return Some(if span.is_empty() { key.span() } else { span });
        }
        match value.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => return Some(key.span()),
        }
    }
    None
}

/// 1-based line and column (in characters) of byte `pos` in `text`.
pub(super) fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = text.get(..pos).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

pub(super) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::NotFound => "not found".into(),
        _ => e.to_string(),
    }
}

/// A value in quotes, shortened and with odd characters escaped.
pub(super) fn quoted(value: &str) -> String {
    short(&format!("{value:?}"))
}

/// Messages stay readable even when a value is a megabyte of junk.
pub(super) fn short(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// Characters that would be invisible or rearrange text on a terminal.
pub(super) fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Escape anything that could act on the terminal when printed.
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_invisible_format(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
