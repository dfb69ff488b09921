//! The guides in `assets/guides/`: every language parses, has the same ids
//! and placeholders as English, fits the screen, and every text id the
//! source code asks for exists in English.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use mfa_assist::guide::{self, Guide};

const EN: &str = include_str!("../assets/guides/en.toml");
const SV: &str = include_str!("../assets/guides/sv.toml");
const FI: &str = include_str!("../assets/guides/fi.toml");

const LANGUAGES: &[(&str, &str)] = &[("en", EN), ("sv", SV), ("fi", FI)];

/// Key labels sit in the footer and the help list; they must stay short.
const MAX_KEY_LABEL: usize = 22;
/// No line of a text may be longer than this (a kiosk may be 80 columns).
const MAX_LINE: usize = 100;

fn parsed(lang: &str, text: &str) -> HashMap<String, String> {
    match guide::parse(text) {
        Ok(map) => map,
        Err(e) => panic!("assets/guides/{lang}.toml does not parse:\n{e}"),
    }
}

fn all_parsed() -> Vec<(&'static str, HashMap<String, String>)> {
    LANGUAGES
        .iter()
        .map(|(lang, text)| (*lang, parsed(lang, text)))
        .collect()
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('}') else { break };
        let name = &rest[..end];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.insert(name.to_string());
            rest = &rest[end + 1..];
        }
    }
    out
}

#[test]
fn every_language_parses() {
    for (lang, text) in LANGUAGES {
        let map = parsed(lang, text);
        assert!(!map.is_empty(), "{lang}.toml has no texts");
        assert!(
            map.get("meta.name").is_some_and(|n| !n.trim().is_empty()),
            "{lang}.toml has no [meta] name"
        );
    }
    let built_in = Guide::built_in();
    for (lang, _) in LANGUAGES {
        assert!(
            !built_in.ids(lang).is_empty(),
            "Guide::built_in() left out {lang}"
        );
    }
}

#[test]
fn translations_have_exactly_the_english_ids() {
    let en: BTreeSet<String> = parsed("en", EN).into_keys().collect();
    let mut problems = Vec::new();
    for (lang, text) in LANGUAGES.iter().filter(|(l, _)| *l != "en") {
        let ids: BTreeSet<String> = parsed(lang, text).into_keys().collect();
        let missing: Vec<&String> = en.difference(&ids).collect();
        let extra: Vec<&String> = ids.difference(&en).collect();
        if !missing.is_empty() {
            problems.push(format!("{lang}.toml is missing {missing:?}"));
        }
        if !extra.is_empty() {
            problems.push(format!("{lang}.toml has ids English lacks {extra:?}"));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn built_in_guide_agrees_with_the_files() {
    let g = Guide::built_in();
    for (lang, map) in all_parsed() {
        let mut ids: Vec<&str> = map.keys().map(String::as_str).collect();
        ids.sort_unstable();
        assert_eq!(g.ids(lang), ids, "ids of {lang}");
        // As read: the pass's name filled in with the language's own word.
        let name = map["words.pass_name"].clone();
        let mut capital = name.chars();
        let capital: String = match capital.next() {
            Some(c) => c.to_uppercase().chain(capital).collect(),
            None => String::new(),
        };
        for (id, text) in &map {
            let text = text
                .replace("{pass_name}", &name)
                .replace("{Pass_name}", &capital);
            assert_eq!(g.lookup(lang, id), Some(text.as_str()), "{lang}: {id}");
        }
    }
}

#[test]
fn placeholders_are_the_same_in_every_language() {
    let languages = all_parsed();
    let Some((_, en)) = languages.iter().find(|(l, _)| *l == "en") else {
        panic!("no English guide");
    };
    let mut problems = Vec::new();
    let mut ids: Vec<&String> = en.keys().collect();
    ids.sort_unstable();
    for id in ids {
        // The pass's name is filled in when a language is read, and each
        // language's grammar decides whether a sentence names it.
        let filled_on_read = |mut names: BTreeSet<String>| {
            names.remove("pass_name");
            names.remove("Pass_name");
            names
        };
        let want = filled_on_read(placeholders(&en[id]));
        for (lang, map) in languages.iter().filter(|(l, _)| *l != "en") {
            let Some(text) = map.get(id) else { continue };
            let got = filled_on_read(placeholders(text));
            if got != want {
                problems.push(format!("{lang} {id}: {got:?}, English has {want:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn fill_replaces_every_placeholder() {
    let g = Guide::built_in();
    for (lang, map) in all_parsed() {
        for (id, text) in &map {
            let names = placeholders(text);
            let args: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "X")).collect();
            let filled = g.fill(lang, id, &args);
            for name in &names {
                assert!(
                    !filled.contains(&format!("{{{name}}}")),
                    "{lang} {id}: {{{name}}} left after fill: {filled}"
                );
            }
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

/// Every `"section.name"` string literal in `source` (dotted, lower-case),
/// as (id, line number).
fn dotted_literals(source: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let mut rest = line;
        while let Some(q) = rest.find('"') {
            rest = &rest[q + 1..];
            let len = rest
                .find(|c: char| !(is_id_char(c) || c == '.'))
                .unwrap_or(rest.len());
            let candidate = &rest[..len];
            if rest[len..].starts_with('"')
                && candidate.contains('.')
                && candidate.split('.').all(|part| !part.is_empty())
            {
                out.push((candidate.to_string(), n + 1));
            }
        }
    }
    out
}

#[test]
fn every_text_id_the_code_asks_for_exists_in_english() {
    let en = parsed("en", EN);
    let sections: BTreeSet<&str> = en.keys().filter_map(|id| id.split('.').next()).collect();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no .rs files under {}", src.display());

    let mut asked = 0;
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &files {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => panic!("cannot read {}: {e}", file.display()),
        };
        let shown = file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(file);
        for (id, line) in dotted_literals(&source) {
            let section = id.split('.').next().unwrap_or_default();
            if !sections.contains(section) {
                continue;
            }
            asked += 1;
            if !en.contains_key(&id) {
                missing
                    .entry(id)
                    .or_default()
                    .push(format!("{}:{line}", shown.display()));
            }
        }
    }
    assert!(
        asked > 50,
        "found only {asked} text ids in src/; is the scan broken?"
    );
    let report: Vec<String> = missing
        .iter()
        .map(|(id, places)| format!("{id}  (asked for at {})", places.join(", ")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} text id(s) used in src/ are missing from en.toml:\n{}",
        missing.len(),
        report.join("\n")
    );
}

#[test]
fn the_scan_finds_literals() {
    let found = dotted_literals(r#"view.t("key.back"); f("a.b_2", x); "no dots"; "x.""#);
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["key.back", "a.b_2"]);
}

#[test]
fn key_labels_are_short() {
    let mut problems = Vec::new();
    for (lang, map) in all_parsed() {
        let mut keys: Vec<(&String, &String)> = map
            .iter()
            .filter(|(id, _)| id.starts_with("key.") || id.starts_with("spoken.key."))
            .collect();
        assert!(!keys.is_empty(), "{lang} has no [key] texts");
        keys.sort_unstable();
        for (id, text) in keys {
            let len = text.chars().count();
            if len > MAX_KEY_LABEL {
                problems.push(format!("{lang} {id} is {len} chars: {text:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "key labels longer than {MAX_KEY_LABEL}:\n{}",
        problems.join("\n")
    );
}

/// The file with TOML's line-ending backslashes turned into plain line
/// breaks, so a paragraph the renderer wraps is measured line by line as
/// written rather than as one joined line.
fn as_written(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trailing = body.len() - body.trim_end_matches('\\').len();
        if trailing % 2 == 1 {
            out.push_str(&body[..body.len() - 1]);
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    out
}

#[test]
fn no_line_is_too_long() {
    let mut problems = Vec::new();
    for (lang, text) in LANGUAGES {
        let map = parsed(lang, &as_written(text));
        let mut ids: Vec<&String> = map.keys().collect();
        ids.sort_unstable();
        for id in ids {
            for line in map[id].lines() {
                let len = line.chars().count();
                if len > MAX_LINE {
                    problems.push(format!("{lang} {id} has a {len}-char line: {line:?}"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "lines longer than {MAX_LINE}:\n{}",
        problems.join("\n")
    );
}

#[test]
fn as_written_only_splits_continuations() {
    // a = """
    // one \
    // two\\
    // three"""
    let text = "a = \"\"\"\none \\\ntwo\\\\\nthree\"\"\"\n";
    assert_eq!(parsed("test", text)["a"], "one two\\\nthree");
    assert_eq!(parsed("test", &as_written(text))["a"], "one \ntwo\\\nthree");
}
