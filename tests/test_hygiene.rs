//! The test suite keeps itself honest: nothing is skipped without a word,
//! and a property test's failure is kept and replayed, never lost.
//! (Snapshots no test asserts any more are caught by
//! `scripts/unreferenced-snapshots.sh`, run by `scripts/test.sh`.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            (p.strip_prefix(root).unwrap().to_path_buf(), text)
        })
        .collect()
}

/// Every `proptest!` block saves its failures to
/// `proptest-regressions/<file>.txt`, which is committed and replayed first.
#[test]
fn property_tests_keep_their_failure_seeds() {
    let mut blocks = 0;
    for (path, text) in sources() {
        if path.ends_with("test_hygiene.rs") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let wanted = format!("FileFailurePersistence::Direct(\"proptest-regressions/{stem}.txt\")");
        for (at, _) in text.match_indices("proptest! {") {
            blocks += 1;
            let config = text.get(at..at + 600).unwrap_or(&text[at..]);
            assert!(
                config.contains("#![proptest_config(") && config.contains(&wanted),
                "{}: a proptest! block must set failure_persistence to {wanted}",
                path.display()
            );
        }
    }
    assert!(blocks >= 2, "the property tests were not found ({blocks})");
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("proptest-regressions/README.md")
            .is_file()
    );
}

/// An ignored test is a skipped promise: none are allowed. A test that
/// cannot run here must fail with the reason instead.
#[test]
fn no_test_is_ignored() {
    for (path, text) in sources() {
        if path.ends_with("test_hygiene.rs") {
            continue;
        }
        assert!(
            !text.contains("#[ignore"),
            "{} has an ignored test",
            path.display()
        );
    }
}
