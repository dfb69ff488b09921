//! README's "What the kiosk guarantees" names a test for every promise. A
//! test renamed or deleted must fail the suite, not leave the README
//! pointing at nothing: every `file::test` it names is a `#[test]` (or
//! `#[tokio::test]`) fn in `tests/file.rs`, every `…_suffix` is one in the
//! file named just before, every bare test-file name and path exists, and
//! every promise names at least one test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

const SECTION: &str = "## What the kiosk guarantees";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn section() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find(SECTION)
        .unwrap_or_else(|| panic!("README.md has no \"{SECTION}\" section"));
    let rest = &readme[start + SECTION.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The promises: one per top-level list item, continuation lines joined.
fn promises(section: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for line in section.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            items.push(item.to_string());
        } else if line.starts_with("  ")
            && let Some(last) = items.last_mut()
        {
            last.push(' ');
            last.push_str(line.trim());
        } else if !line.trim().is_empty() && !items.is_empty() {
            // A paragraph after the list ends it.
            break;
        }
    }
    items
}

fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The source of a test crate: `tests/name.rs` plus, for a crate split
/// into modules, every file under `tests/name/`.
fn crate_source(name: &str) -> Option<String> {
    let file = root().join("tests").join(format!("{name}.rs"));
    let mut text = std::fs::read_to_string(&file).ok()?;
    let dir = root().join("tests").join(name);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            text.push_str(&std::fs::read_to_string(p).unwrap_or_default());
        }
    }
    Some(text)
}

/// The names of the test fns in `source`: a fn whose attributes, just
/// above it, include `#[test]` or `#[tokio::test…]`.
fn test_fns(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut is_test = false;
    for line in source.lines() {
        let line = line.trim();
        if line.starts_with("#[test]") || line.starts_with("#[tokio::test") {
            is_test = true;
        } else if line.starts_with("#[") || line.starts_with("///") || line.starts_with("//") {
            // Other attributes and comments between the attribute and the fn.
        } else if let Some(rest) = line
            .strip_prefix("async fn ")
            .or_else(|| line.strip_prefix("fn "))
        {
            if is_test {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
            is_test = false;
        } else if !line.is_empty() {
            is_test = false;
        }
    }
    names
}

/// What a backticked word names, if it names a test: `Ok(description)`
/// when it exists, `Err(why)` when it does not, `None` for other words.
fn resolve(word: &str, last_crate: &mut Option<String>) -> Option<Result<String, String>> {
    if let Some(suffix) = word.strip_prefix('…') {
        let Some(name) = last_crate.clone() else {
            return Some(Err(format!("`{word}` follows no `file::test`")));
        };
        let Some(source) = crate_source(&name) else {
            return Some(Err(format!("`{word}`: there is no tests/{name}.rs")));
        };
        let found = test_fns(&source).into_iter().any(|f| f.ends_with(suffix));
        return Some(if found {
            Ok(format!("{name}::…{suffix}"))
        } else {
            Err(format!("no test in tests/{name}.rs ends with {suffix}"))
        });
    }
    if let Some((krate, test)) = word.split_once("::") {
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if !plain(krate) || !plain(test) {
            return None;
        }
        *last_crate = Some(krate.to_string());
        let Some(source) = crate_source(krate) else {
            return Some(Err(format!("`{word}`: there is no tests/{krate}.rs")));
        };
        return Some(if test_fns(&source).iter().any(|f| f == test) {
            Ok(word.to_string())
        } else {
            Err(format!("`{word}`: tests/{krate}.rs has no test fn {test}"))
        });
    }
    if word.starts_with("tests/") || word.starts_with("src/") {
        return Some(if root().join(word).is_file() {
            Ok(word.to_string())
        } else {
            Err(format!("`{word}` does not exist"))
        });
    }
    // A bare test crate name (`kiosk_cleanup_notice`): it must hold tests.
    if root().join("tests").join(format!("{word}.rs")).is_file() {
        let source = crate_source(word)?;
        return Some(if test_fns(&source).is_empty() {
            Err(format!("tests/{word}.rs holds no tests"))
        } else {
            Ok(word.to_string())
        });
    }
    None
}

#[test]
fn every_test_the_guarantees_name_exists() {
    let section = section();
    let promises = promises(&section);
    assert!(promises.len() >= 5, "the list was not found: {promises:?}");
    let mut missing = Vec::new();
    for promise in &promises {
        let mut last_crate = None;
        let mut named = 0;
        for word in backticked(promise) {
            match resolve(word, &mut last_crate) {
                Some(Ok(_)) => named += 1,
                Some(Err(why)) => missing.push(why),
                None => {}
            }
        }
        if named == 0 {
            let head: String = promise.chars().take(70).collect();
            missing.push(format!("the promise \"{head}…\" names no test"));
        }
    }
    assert!(
        missing.is_empty(),
        "README.md, {SECTION}:\n{}",
        missing.join("\n")
    );
}

/// The check itself can fail: a name that is not a test is caught.
#[test]
fn a_missing_test_is_caught() {
    let mut last = None;
    assert!(matches!(
        resolve("kiosk_idle::no_such_test_here", &mut last),
        Some(Err(_))
    ));
    assert!(matches!(
        resolve("no_such_crate::x", &mut last),
        Some(Err(_))
    ));
    assert!(matches!(
        resolve("…_no_such_suffix", &mut last),
        Some(Err(_))
    ));
    assert!(matches!(
        resolve("tests/no_such.rs", &mut last),
        Some(Err(_))
    ));
    assert!(resolve("NO_COLOR", &mut last).is_none());
    let mut last = None;
    assert!(matches!(
        resolve("readme_guarantees::a_missing_test_is_caught", &mut last),
        Some(Ok(_))
    ));
}
