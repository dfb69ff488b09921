//! A guide's TOML as dotted ids: `[welcome] title = ".."` is `welcome.title`.
//! Shared by the build script (build.rs flattens the built-in guides once,
//! at build time, so the first frame parses no TOML) and the library (tests
//! read the raw files with it). Only `std` and `toml` here: build.rs
//! includes this file by path.

use std::collections::HashMap;

/// Every text of a guide by id, placeholders left as they are.
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
