//! The words on every screen, per language, from `assets/guides/<lang>.toml`.
//! Views ask for a text by id; a missing translation falls back to English,
//! and a missing English text shows its id (a test keeps that from shipping).

use std::collections::HashMap;

const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../assets/guides/en.toml")),
    ("sv", include_str!("../assets/guides/sv.toml")),
    ("fi", include_str!("../assets/guides/fi.toml")),
];

pub const FALLBACK: &str = "en";

/// The text id naming a method kind.
pub fn kind_id(kind: crate::provider::MethodKind) -> &'static str {
    use crate::provider::MethodKind as K;
    match kind {
        K::AuthenticatorPush => "kind.authenticator_push",
        K::AuthenticatorCode => "kind.authenticator_code",
        K::Phone => "kind.phone",
        K::Email => "kind.email",
        K::SecurityKey => "kind.security_key",
        K::Passkey => "kind.passkey",
        K::TemporaryPass => "kind.temporary_pass",
        K::Password => "kind.password",
        K::Other => "kind.other",
    }
}

#[derive(Debug, Clone, Default)]
pub struct Guide {
    languages: HashMap<String, HashMap<String, String>>,
}

impl Guide {
    /// The guides shipped in the binary. A guide that fails to parse is
    /// left out (its texts fall back to English); tests parse every one.
    pub fn built_in() -> Guide {
        let mut guide = Guide::default();
        for (lang, text) in BUILT_IN {
            if let Ok(map) = parse(text) {
                guide.languages.insert((*lang).to_string(), map);
            }
        }
        guide
    }

    pub fn has_language(&self, lang: &str) -> bool {
        self.languages.contains_key(lang)
    }

    /// The text `id` in `lang`, else English, else the id itself.
    pub fn text<'a>(&'a self, lang: &str, id: &'a str) -> &'a str {
        self.lookup(lang, id).unwrap_or(id)
    }

    pub fn lookup<'a>(&'a self, lang: &str, id: &str) -> Option<&'a str> {
        self.languages
            .get(lang)
            .and_then(|m| m.get(id))
            .or_else(|| self.languages.get(FALLBACK).and_then(|m| m.get(id)))
            .map(String::as_str)
    }

    /// The text with `{name}` placeholders filled in.
    pub fn fill(&self, lang: &str, id: &str, args: &[(&str, &str)]) -> String {
        let mut out = self.text(lang, id).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// Every text id of a language (for the translation completeness test).
    pub fn ids(&self, lang: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .languages
            .get(lang)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }
}

/// Flattens nested tables into dotted ids: `[welcome] title = ".."` is `welcome.title`.
pub fn parse(text: &str) -> Result<HashMap<String, String>, toml::de::Error> {
    let table: toml::Table = toml::from_str(text)?;
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    Ok(out)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let id = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&id, inner, out),
            toml::Value::String(s) => {
                out.insert(id, s.trim_end_matches('\n').to_string());
            }
            other => {
                out.insert(id, other.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_guide_parses() {
        for (lang, text) in BUILT_IN {
            assert!(parse(text).is_ok(), "{lang}.toml does not parse");
        }
    }

    #[test]
    fn falls_back_to_english_then_the_id() {
        let g = Guide::built_in();
        assert_eq!(g.text("xx", "meta.name"), "English");
        assert_eq!(g.text("en", "no.such.text"), "no.such.text");
    }
}
