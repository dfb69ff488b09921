//! The config file and the helpdesk's record paths.

use super::Line;
use crate::config::{Config, ConfigSource};
use std::path::Path;

pub fn config_file(source: &ConfigSource) -> Line {
    let found = match source {
        ConfigSource::Flag(p) => format!("{} (from --config)", p.display()),
        ConfigSource::Env(p) => format!("{} (from $MFA_ASSIST_CONFIG)", p.display()),
        ConfigSource::UserDir(p) => format!("{} (the user's config directory)", p.display()),
        ConfigSource::SystemDir(p) => format!("{} (the system-wide config)", p.display()),
        ConfigSource::BuiltIn => "no file: the built-in defaults (training tenant)".into(),
    };
    Line::pass("config file", found)
}

/// The audit log and the case directory: writable, and readable by this
/// account only (they name callers).
pub fn desk_paths(config: &Config) -> Vec<Line> {
    let paths = match crate::setup::desk_paths(config) {
        Ok(p) => p,
        Err(e) => {
            return vec![Line::fail(
                "helpdesk records",
                e,
                "set helpdesk.audit_log and helpdesk.case_dir in the config file",
            )];
        }
    };
    vec![
        file_line("audit log", &paths.audit_log),
        dir_line("case directory", &paths.case_dir),
    ]
}

fn file_line(check: &str, path: &Path) -> Line {
    let shown = path.display();
    if path.exists() {
        if let Some(line) = private(check, path, 0o600) {
            return line;
        }
        return match std::fs::OpenOptions::new().append(true).open(path) {
            Ok(_) => Line::pass(check, format!("{shown}: writable, owner-only")),
            Err(e) => Line::fail(
                check,
                format!("{shown}: cannot be written ({e})"),
                format!("give this account write access to {shown}"),
            ),
        };
    }
    match path.parent() {
        Some(dir) => match writable_dir(dir) {
            Ok(()) => Line::pass(
                check,
                format!("{shown}: not there yet; made owner-only (0600) at the first case"),
            ),
            Err(why) => Line::fail(
                check,
                format!("{shown}: {why}"),
                format!("create {} for this account (chmod 700)", dir.display()),
            ),
        },
        None => Line::fail(check, format!("{shown}: no directory"), "name a file path"),
    }
}

fn dir_line(check: &str, dir: &Path) -> Line {
    let shown = dir.display();
    if !dir.exists() {
        return match dir.parent().map(writable_dir) {
            Some(Ok(())) => Line::pass(
                check,
                format!("{shown}: not there yet; made owner-only (0700) at the first case"),
            ),
            _ => Line::fail(
                check,
                format!("{shown}: missing, and its parent cannot be written"),
                format!("mkdir -p {shown} && chmod 700 {shown}"),
            ),
        };
    }
    if let Some(line) = private(check, dir, 0o700) {
        return line;
    }
    match writable_dir(dir) {
        Ok(()) => Line::pass(check, format!("{shown}: writable, owner-only")),
        Err(why) => Line::fail(
            check,
            format!("{shown}: {why}"),
            format!("give this account write access to {shown}"),
        ),
    }
}

/// A failure line when group or others may read or write the path.
#[cfg(unix)]
fn private(check: &str, path: &Path, want: u32) -> Option<Line> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return None;
    }
    Some(Line::fail(
        check,
        format!("{}: mode {mode:03o}, others can read it", path.display()),
        format!("chmod {want:03o} {}", path.display()),
    ))
}

#[cfg(not(unix))]
fn private(_check: &str, _path: &Path, _want: u32) -> Option<Line> {
    None
}

/// Writes and removes a probe file: the only sure test of write access.
pub(super) fn writable_dir(dir: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    let probe = dir.join(format!(".mfa-assist-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| format!("cannot be written ({e})"))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
