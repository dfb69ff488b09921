//! Flattens the built-in guides (`assets/guides/<lang>.toml`) at build time:
//! parsing the TOML at start was two thirds of the work before the first
//! frame (docs/performance.md). Each language becomes one text blob (ids
//! and texts back to back) and an index of offsets into it, sorted by id;
//! plain numbers, so the binary carries no relocation per text.

use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "src/guide/flat.rs"]
#[allow(dead_code)]
mod flat;

/// The built-in languages, in the order the app lists them.
const LANGUAGES: &[&str] = &["en", "sv", "fi"];

fn main() {
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        fail("OUT_DIR is not set (run by cargo)");
    };
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/guide/flat.rs");
    let mut code = String::from("const BUILT_IN: &[(&str, Flat)] = &[\n");
    for lang in LANGUAGES {
        let path = format!("assets/guides/{lang}.toml");
        println!("cargo::rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| fail(&format!("cannot read {path}: {e}")));
        let texts =
            flat::parse(&text).unwrap_or_else(|e| fail(&format!("{path} does not parse:\n{e}")));
        let mut ids: Vec<&String> = texts.keys().collect();
        ids.sort_unstable();
        let mut blob = String::new();
        let mut index = String::new();
        for id in ids {
            let start = blob.len();
            blob.push_str(id);
            let split = blob.len();
            blob.push_str(&texts[id]);
            let _ = write!(index, "({start}, {split}, {}), ", blob.len());
        }
        let blob_file = out_dir.join(format!("guide-{lang}.txt"));
        std::fs::write(&blob_file, &blob)
            .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", blob_file.display())));
        let _ = writeln!(
            code,
            "    ({lang:?}, Flat {{ blob: include_str!(concat!(env!(\"OUT_DIR\"), \"/guide-{lang}.txt\")), index: &[{index}] }}),"
        );
    }
    code.push_str("];\n");
    let code_file = out_dir.join("guides.rs");
    std::fs::write(&code_file, code)
        .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", code_file.display())));
}

fn fail(message: &str) -> ! {
    eprintln!("build.rs: {message}");
    std::process::exit(1)
}
