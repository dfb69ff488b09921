//! The helpdesk's records on disk: the append-only JSON-lines audit log and
//! the case summaries. Written by one thread in the order they were asked
//! for, so the async loop never waits on the disk. Nothing written here
//! ever holds a secret: the records are built from `helpdesk::Entry`,
//! which has no field that could carry one.

pub mod kiosk;
pub mod trail;

pub use trail::{Plan, Sinks, Trail};

use crate::helpdesk::Entry;
use serde::Serialize;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};

use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// One line of the audit log.
#[derive(Serialize)]
pub struct Record<'a> {
    pub ts: String,
    pub agent: &'a str,
    pub provider: &'a str,
    pub caller: &'a str,
    #[serde(flatten)]
    pub entry: &'a Entry,
}

/// A case summary to write, and who hears how it went.
struct CaseJob {
    path: PathBuf,
    text: String,
    done: Box<dyn FnOnce(Result<String, String>) + Send>,
}

/// Where records go, and the threads that write them.
pub struct Records {
    trail: Trail,
    cases: mpsc::Sender<CaseJob>,
    case_dir: PathBuf,
}

/// Files that name people: owner-only, never through a symlink (someone
/// who can write the folder could point the name elsewhere), and an
/// existing file with looser permissions is tightened first.
fn open_private(path: &Path, append: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    if append {
        options.create(true).append(true);
    } else {
        // Never overwrite: a name that exists is somebody's record.
        options.write(true).create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path).map_err(|e| explain_symlink(path, e))?;
    #[cfg(unix)]
    tighten(&file.metadata()?, |p| file.set_permissions(p), 0o600)?;
    Ok(file)
}

/// `ELOOP` from `O_NOFOLLOW` in words.
fn explain_symlink(path: &Path, e: io::Error) -> io::Error {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return io::Error::other(format!(
            "{} is a symbolic link; records are never written through one",
            path.display()
        ));
    }
    let _ = path;
    e
}

/// Takes group and other permissions away when they are set.
#[cfg(unix)]
fn tighten(
    meta: &fs::Metadata,
    set: impl FnOnce(fs::Permissions) -> io::Result<()>,
    mode: u32,
) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // A device (`/dev/full`, a log pipe) is the administrator's choice and
    // not ours to change.
    let ours = meta.is_file() || meta.is_dir();
    if ours && meta.permissions().mode() & 0o077 != 0 {
        set(fs::Permissions::from_mode(mode)).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "others can read it and its permissions cannot be tightened to {mode:o}: {e}"
                ),
            )
        })?;
    }
    Ok(())
}

/// Creates `dir` owner-only if missing. The case folder (`own`) is ours
/// alone: it must be a real directory, not a symlink, and is tightened to
/// 0700. The audit log's folder may be shared (a log directory), so only
/// the log file itself is held to that.
fn create_private_dir(dir: &Path, own: bool) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    if !own {
        return Ok(());
    }
    let meta = fs::symlink_metadata(dir)?;
    if meta.file_type().is_symlink() {
        return Err(io::Error::other(format!(
            "{} is a symbolic link; records are never written through one",
            dir.display()
        )));
    }
    #[cfg(unix)]
    tighten(&meta, |p| fs::set_permissions(dir, p), 0o700)?;
    Ok(())
}

/// Opens (creating it and its directory) the JSON-lines audit file.
pub(crate) fn open_log(audit_log: &Path) -> Result<File, String> {
    if let Some(dir) = audit_log.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir, false)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    open_private(audit_log, true)
        .map_err(|e| format!("cannot open the audit log {}: {e}", audit_log.display()))
}

impl Records {
    /// Opens the audit log (creating it and its directory) so a log that
    /// cannot be written stops helpdesk mode at start, not mid-call.
    /// `on_error` hears about later write failures.
    pub fn open(
        audit_log: &Path,
        case_dir: &Path,
        on_error: impl Fn(String) + Send + 'static,
    ) -> Result<Records, String> {
        let plan = Plan {
            file: Some(audit_log.to_path_buf()),
            ..Plan::default()
        };
        Records::open_with(&plan, case_dir, on_error)
    }

    /// As [`Records::open`], with the audit going to the sinks of `plan`.
    pub fn open_with(
        plan: &Plan,
        case_dir: &Path,
        on_error: impl Fn(String) + Send + 'static,
    ) -> Result<Records, String> {
        let sinks = Sinks::open(plan)?;
        // The case folder is checked now too, so a bad one shows at start.
        create_private_dir(case_dir, true)
            .map_err(|e| format!("the case folder {}: {e}", case_dir.display()))?;
        let trail = Trail::start(sinks, on_error)?;
        let (cases, rx) = mpsc::channel::<CaseJob>();
        std::thread::Builder::new()
            .name("cases".into())
            .spawn(move || {
                for job in rx {
                    (job.done)(write_case(&job.path, &job.text));
                }
            })
            .map_err(|e| format!("cannot start the case writer: {e}"))?;
        Ok(Records {
            trail,
            cases,
            case_dir: case_dir.to_path_buf(),
        })
    }

    pub fn audit(&self, record: &Record) {
        self.trail.record(record);
    }

    /// Writes a case summary as `<case_dir>/<stamp>-<username>.txt`;
    /// `done` gets the path or why it failed.
    pub fn save_case(
        &self,
        stamp: &str,
        username: &str,
        text: String,
        done: impl FnOnce(Result<String, String>) + Send + 'static,
    ) {
        let path = self
            .case_dir
            .join(format!("{stamp}-{}.txt", file_safe(username)));
        let _ = self.cases.send(CaseJob {
            path,
            text,
            done: Box::new(done),
        });
    }
}

/// Most cases written for one caller in the same second before giving up.
const MAX_SAME_NAME: u32 = 100;

/// Writes `text` to `path`, or to `path` with `-2`, `-3`, … before the
/// extension when a case of that name exists: never over another case.
fn write_case(path: &Path, text: &str) -> Result<String, String> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir, true).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let (mut file, path) = (1..=MAX_SAME_NAME)
        .find_map(|n| {
            let candidate = numbered(path, n);
            match open_private(&candidate, false) {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => None,
                other => Some(other.map(|f| (f, candidate))),
            }
        })
        .unwrap_or_else(|| {
            Err(io::Error::other(format!(
                "{MAX_SAME_NAME} cases of this name exist already"
            )))
        })
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let shown = path.display().to_string();
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_data());
    if let Err(e) = written {
        // A half-written case must not pass for a whole one.
        drop(file);
        let _ = fs::remove_file(&path);
        return Err(format!("{shown}: {e}"));
    }
    Ok(shown)
}

/// `case.txt`, `case-2.txt`, `case-3.txt`, …
fn numbered(path: &Path, n: u32) -> PathBuf {
    if n <= 1 {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

/// A username as part of a file name: letters, digits, `.-_@` only.
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if safe.is_empty() || safe.starts_with('.') {
        format!("caller{safe}")
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_escape_the_case_dir() {
        assert_eq!(file_safe("../../etc/passwd"), "caller.._.._etc_passwd");
        assert_eq!(file_safe("kim@example.edu"), "kim@example.edu");
        assert_eq!(file_safe(""), "caller");
    }
}
