//! The words on every screen, per language, from `assets/guides/<lang>.toml`.
//! Views ask for a text by id; a missing translation falls back to English,
//! and a missing English text shows its id (a test keeps that from shipping).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

mod flat;
pub use flat::parse;

/// One built-in guide as build.rs flattened it: ids and texts back to back
/// in `blob`; `index` holds, per text sorted by id, where its id starts,
/// where its text starts (the id's end) and where the text ends.
#[derive(Debug)]
struct Flat {
    blob: &'static str,
    index: &'static [(u32, u32, u32)],
}

impl Flat {
    fn pairs(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        let blob = self.blob;
        self.index.iter().filter_map(move |&(id, text, end)| {
            let (id, text, end) = (id as usize, text as usize, end as usize);
            Some((blob.get(id..text)?, blob.get(text..end)?))
        })
    }
}

// `const BUILT_IN: &[(&str, Flat)]`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/guides.rs"));

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

/// The TOML is parsed at build time (build.rs); each language's table of
/// texts is built the first time a screen asks for one of them, not at
/// start. Parsing the TOML here was two thirds of the first frame's work.
#[derive(Debug, Clone, Default)]
pub struct Guide {
    // Shared, so the spoken copy the plain surface asks for on every page
    // costs no parsing and no copying.
    languages: Arc<Vec<Language>>,
    /// Screen-reader mode: `spoken.<id>` replaces `<id>` where there is one.
    spoken: bool,
}

/// Prefix of the texts that replace others in screen-reader mode, where
/// no QR code can be shown: `spoken.prepare.ready` for `prepare.ready`.
pub const SPOKEN: &str = "spoken.";

/// Suffix of a text's privacyIDEA wording: `sign_in.title_pi` replaces
/// `sign_in.title` where the provider is privacyIDEA (see `text_variant`).
pub const PRIVACYIDEA: &str = "_pi";

/// Placeholders filled when a language is parsed: the organisation's name
/// for the pass (privacyIDEA's registration code), mid-sentence and at the
/// start of one. Unset, each language's own `words.pass_name` fills them.
const PASS_NAME: &str = "{pass_name}";
const PASS_NAME_CAPITAL: &str = "{Pass_name}";

/// A language's texts by id; only those with the pass name filled in are
/// owned.
type Texts = HashMap<&'static str, Cow<'static, str>>;

#[derive(Debug, Clone)]
struct Language {
    code: &'static str,
    source: &'static Flat,
    /// The organisation's name for the pass in this language, if it set one.
    pass_name: Option<String>,
    texts: OnceLock<Texts>,
}

impl Language {
    fn texts(&self) -> &Texts {
        self.texts.get_or_init(|| {
            let texts = self.source.pairs().map(|(id, t)| (id, Cow::Borrowed(t)));
            fill_pass_name(texts.collect(), self.pass_name.as_deref())
        })
    }
}

fn fill_pass_name(mut texts: Texts, configured: Option<&str>) -> Texts {
    let name = configured
        .map(str::to_string)
        .or_else(|| texts.get("words.pass_name").map(|t| t.to_string()))
        .unwrap_or_else(|| "registration code".into());
    let capital = capitalise(&name);
    for text in texts.values_mut() {
        if text.contains('{') {
            *text = Cow::Owned(
                text.replace(PASS_NAME, &name)
                    .replace(PASS_NAME_CAPITAL, &capital),
            );
        }
    }
    texts
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Guide {
    /// The guides shipped in the binary. A guide that fails to parse is
    /// left out (its texts fall back to English); tests parse every one.
    pub fn built_in() -> Guide {
        let languages = BUILT_IN
            .iter()
            .map(|(code, source)| Language {
                code,
                source,
                pass_name: None,
                texts: OnceLock::new(),
            })
            .collect();
        Guide {
            languages: Arc::new(languages),
            spoken: false,
        }
    }

    /// The same texts as screen-reader mode says them: what speaks of a QR
    /// code says instead what the person does without one.
    pub fn spoken(&self) -> Guide {
        Guide {
            languages: Arc::clone(&self.languages),
            spoken: true,
        }
    }

    /// The organisation's name for the pass, per language (`(code, name)`),
    /// in the texts that name privacyIDEA's registration code. A language
    /// left out keeps its own word.
    pub fn with_pass_names(mut self, names: &[(String, String)]) -> Guide {
        for language in Arc::make_mut(&mut self.languages) {
            language.pass_name = names
                .iter()
                .find(|(code, _)| code == language.code)
                .map(|(_, name)| name.trim().to_string())
                .filter(|name| !name.is_empty());
            language.texts = OnceLock::new();
        }
        self
    }

    fn texts(&self, lang: &str) -> Option<&Texts> {
        self.languages
            .iter()
            .find(|l| l.code == lang)
            .map(Language::texts)
    }

    /// The text `id` in `lang`, else English, else the id itself.
    pub fn text<'a>(&'a self, lang: &str, id: &'a str) -> &'a str {
        self.text_variant(lang, id, None)
    }

    /// The text `id` in the wording `variant` (a suffix such as
    /// [`PRIVACYIDEA`]) where there is one, else the plain text. A variant
    /// missing in `lang` comes from English before the plain text does: the
    /// plain text may give advice that is wrong for this provider. A spoken
    /// guide takes the spoken text first, in the provider's wording if it has one.
    pub fn text_variant<'a>(&'a self, lang: &str, id: &'a str, variant: Option<&str>) -> &'a str {
        if self.spoken {
            let spoken = format!("{SPOKEN}{id}");
            let text = variant
                .and_then(|suffix| self.lookup(lang, &format!("{spoken}{suffix}")))
                .or_else(|| self.lookup(lang, &spoken));
            if let Some(text) = text {
                return text;
            }
        }
        if let Some(suffix) = variant {
            let key = format!("{id}{suffix}");
            if let Some(text) = self.lookup(lang, &key) {
                return text;
            }
        }
        self.lookup(lang, id).unwrap_or(id)
    }

    pub fn lookup<'a>(&'a self, lang: &str, id: &str) -> Option<&'a str> {
        self.texts(lang)
            .and_then(|m| m.get(id))
            .or_else(|| self.texts(FALLBACK).and_then(|m| m.get(id)))
            .map(|t| &**t)
    }

    /// The text with `{name}` placeholders filled in.
    pub fn fill(&self, lang: &str, id: &str, args: &[(&str, &str)]) -> String {
        self.fill_variant(lang, id, None, args)
    }

    /// [`Guide::fill`] of the text in the wording `variant` (see `text_variant`).
    pub fn fill_variant(
        &self,
        lang: &str,
        id: &str,
        variant: Option<&str>,
        args: &[(&str, &str)],
    ) -> String {
        let mut out = self.text_variant(lang, id, variant).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// Every text id of a language (for the translation completeness test).
    pub fn ids(&self, lang: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .texts(lang)
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What build.rs built in is what the TOML says, text for text.
    #[test]
    fn the_built_in_texts_are_the_guides_own() {
        let sources = [
            ("en", include_str!("../assets/guides/en.toml")),
            ("sv", include_str!("../assets/guides/sv.toml")),
            ("fi", include_str!("../assets/guides/fi.toml")),
        ];
        assert_eq!(BUILT_IN.len(), sources.len());
        for ((code, flat), (lang, text)) in BUILT_IN.iter().zip(sources) {
            assert_eq!(*code, lang);
            let parsed = parse(text).unwrap_or_default();
            let built: HashMap<String, String> = flat
                .pairs()
                .map(|(id, t)| (id.to_string(), t.to_string()))
                .collect();
            assert!(!built.is_empty(), "{lang}: no texts built in");
            let differ: Vec<&String> = parsed
                .keys()
                .chain(built.keys())
                .filter(|id| built.get(*id) != parsed.get(*id))
                .collect();
            assert!(
                differ.is_empty(),
                "{lang}: built in unlike the TOML: {differ:?}"
            );
        }
    }

    #[test]
    fn a_language_is_parsed_only_when_asked_for() {
        let parsed = |g: &Guide| -> Vec<&str> {
            g.languages
                .iter()
                .filter(|l| l.texts.get().is_some())
                .map(|l| l.code)
                .collect()
        };
        let g = Guide::built_in();
        assert!(parsed(&g).is_empty(), "parsed at start: {:?}", parsed(&g));
        assert_eq!(g.text("fi", "meta.name"), "Suomi");
        assert_eq!(parsed(&g), vec!["fi"]);
    }

    #[test]
    fn falls_back_to_english_then_the_id() {
        let g = Guide::built_in();
        assert_eq!(g.text("xx", "meta.name"), "English");
        assert_eq!(g.text("en", "no.such.text"), "no.such.text");
    }
}
