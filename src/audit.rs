//! The helpdesk's records on disk: the append-only JSON-lines audit log and
//! the case summaries. Written by one thread in the order they were asked
//! for, so the async loop never waits on the disk. Nothing written here
//! ever holds a secret: the records are built from `helpdesk::Entry`,
//! which has no field that could carry one.

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

enum Job {
    Audit(String),
    Case {
        path: PathBuf,
        text: String,
        done: Box<dyn FnOnce(Result<String, String>) + Send>,
    },
}

/// Where records go, and the thread that writes them.
pub struct Records {
    jobs: mpsc::Sender<Job>,
    case_dir: PathBuf,
}

/// Create with owner-only permissions: these files name people.
fn open_private(path: &Path, append: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true);
    if append {
        options.append(true);
    } else {
        options.write(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
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
        if let Some(dir) = audit_log.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut log = open_private(audit_log, true)
            .map_err(|e| format!("cannot open the audit log {}: {e}", audit_log.display()))?;
        let (jobs, rx) = mpsc::channel::<Job>();
        let shown = audit_log.display().to_string();
        std::thread::Builder::new()
            .name("records".into())
            .spawn(move || {
                for job in rx {
                    match job {
                        Job::Audit(line) => {
                            let written = log
                                .write_all(line.as_bytes())
                                .and_then(|()| log.write_all(b"\n"))
                                .and_then(|()| log.sync_data());
                            if let Err(e) = written {
                                on_error(format!("the audit log {shown}: {e}"));
                            }
                        }
                        Job::Case { path, text, done } => done(write_case(&path, &text)),
                    }
                }
            })
            .map_err(|e| format!("cannot start the record writer: {e}"))?;
        Ok(Records {
            jobs,
            case_dir: case_dir.to_path_buf(),
        })
    }

    pub fn audit(&self, record: &Record) {
        if let Ok(line) = serde_json::to_string(record) {
            let _ = self.jobs.send(Job::Audit(line));
        }
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
        let _ = self.jobs.send(Job::Case {
            path,
            text,
            done: Box::new(done),
        });
    }
}

fn write_case(path: &Path, text: &str) -> Result<String, String> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut file = open_private(path, false).map_err(|e| format!("{shown}: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_data())
        .map_err(|e| format!("{shown}: {e}"))?;
    Ok(shown)
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
