//! Where a helpdesk credential comes from (Graph's client secret,
//! privacyIDEA's admin password): an environment variable or a file, never
//! the command line (other users can read a process's arguments).

use crate::secret::Secret;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use zeroize::Zeroize;

/// Values longer than this are not a credential (Entra's secrets are ~40 chars).
const MAX_LEN: usize = 4096;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    /// The name of an environment variable.
    Env(String),
    /// A file holding the secret (a trailing newline is fine).
    File(PathBuf),
}

impl SecretSource {
    /// The secret, or a sentence for the operator. The error names the
    /// variable or file, never the value.
    pub fn load(&self) -> Result<Secret, String> {
        match self {
            SecretSource::Env(name) => from_lookup(name, |n| std::env::var_os(n)),
            SecretSource::File(path) => from_file(path),
        }
    }
}

/// Reads the variable `name` through `lookup` (the environment, or a test's
/// map).
pub fn from_lookup(
    name: &str,
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<Secret, String> {
    let Some(raw) = lookup(name) else {
        return Err(format!("the environment variable {name} is not set"));
    };
    let mut raw = raw
        .into_string()
        .map_err(|_| format!("the environment variable {name} is not valid UTF-8"))?;
    let secret = tidy(&raw);
    raw.zeroize();
    secret.ok_or_else(|| format!("the environment variable {name} is empty or too long"))
}

/// Reads a secret file. On Unix a file that other users may read or write
/// is refused: anyone on the machine could take or swap the secret.
pub fn from_file(path: &Path) -> Result<Secret, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read the secret file {}: {e}", path.display()))?;
        let mode = meta.permissions().mode();
        if mode & 0o006 != 0 {
            return Err(format!(
                "the secret file {} can be read or written by every user on this \
                 machine (mode {:o}); run `chmod 600 {}` and keep it that way",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    let mut bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the secret file {}: {e}", path.display()))?;
    let text = std::str::from_utf8(&bytes).ok().and_then(tidy);
    bytes.zeroize();
    text.ok_or_else(|| {
        format!(
            "the secret file {} is empty, too long or not text",
            path.display()
        )
    })
}

/// Trailing newline and surrounding whitespace go (editors and `echo` add
/// them; real secrets have none). Empty or oversized values are refused.
fn tidy(raw: &str) -> Option<Secret> {
    let value = raw.trim();
    (!value.is_empty() && value.len() <= MAX_LEN).then(|| Secret::new(value))
}
