//! Speaking to the system's log daemons over their local sockets, without
//! a library: journald's native protocol (structured fields, one datagram
//! per entry, to `/run/systemd/journal/socket`) and the local syslog form
//! (`/dev/log`, read by rsyslog, syslog-ng and journald alike). The
//! operational log (`oplog`) and the central audit trail (`audit`) both go
//! through here. The socket paths are settings so tests can stand in for
//! the daemons with a socket of their own.

use std::io;
#[cfg(unix)]
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

/// journald's socket for native entries.
pub const JOURNALD_SOCKET: &str = "/run/systemd/journal/socket";
/// The local syslog socket.
pub const SYSLOG_SOCKET: &str = "/dev/log";
/// How every entry names its sender (`journalctl -t mfa-assist`).
pub const IDENTIFIER: &str = "mfa-assist";
/// syslog facility 10, authpriv: security and authorisation messages, kept
/// apart from the general log by every distribution's syslog set-up.
pub const FACILITY_AUTHPRIV: u8 = 10;

/// syslog severities, as journald's PRIORITY field also uses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    Err = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}

/// One journal entry being built: `KEY=value` fields in the native
/// protocol's framing.
#[derive(Default)]
pub struct Entry {
    bytes: Vec<u8>,
}

impl Entry {
    pub fn new(message: &str, priority: Priority) -> Entry {
        let mut entry = Entry::default();
        entry.field("MESSAGE", message);
        entry.field("PRIORITY", &(priority as u8).to_string());
        entry.field("SYSLOG_IDENTIFIER", IDENTIFIER);
        entry
    }

    /// Adds a field. A name journald would refuse is made acceptable
    /// (upper case letters, digits and `_`, not starting with `_` or a
    /// digit, at most 64 bytes) rather than losing the entry. A value with
    /// a newline goes in the protocol's length-prefixed form.
    pub fn field(&mut self, name: &str, value: &str) {
        let name = field_name(name);
        self.bytes.extend_from_slice(name.as_bytes());
        if value.contains('\n') {
            self.bytes.push(b'\n');
            let len = u64::try_from(value.len()).unwrap_or(u64::MAX);
            self.bytes.extend_from_slice(&len.to_le_bytes());
        } else {
            self.bytes.push(b'=');
        }
        self.bytes.extend_from_slice(value.as_bytes());
        self.bytes.push(b'\n');
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// A journald field name made from any text: `request_id` → `REQUEST_ID`.
pub fn field_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.starts_with('_') {
        out.remove(0);
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "F_");
    }
    out.truncate(64);
    out
}

/// One line for the local syslog socket: `<PRI>mfa-assist[PID]: text`.
/// The daemon adds the time and the host itself.
pub fn syslog_line(priority: Priority, text: &str) -> Vec<u8> {
    let pri = u16::from(FACILITY_AUTHPRIV) * 8 + priority as u16;
    // A newline would end the record early in a classic syslog reader.
    let text = text.replace(['\n', '\r'], " ");
    format!("<{pri}>{IDENTIFIER}[{}]: {text}", std::process::id()).into_bytes()
}

/// A datagram socket to one daemon's path. Unbound: the daemon never
/// answers, and nothing on this machine needs to reach us.
pub struct Sender {
    #[cfg(unix)]
    socket: UnixDatagram,
    path: PathBuf,
}

impl Sender {
    #[cfg(unix)]
    pub fn new(path: &Path) -> io::Result<Sender> {
        Ok(Sender {
            socket: UnixDatagram::unbound()?,
            path: path.to_path_buf(),
        })
    }

    #[cfg(not(unix))]
    pub fn new(_path: &Path) -> io::Result<Sender> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "journald and syslog sockets exist on Unix only",
        ))
    }

    /// Never waits: a journal that cannot keep up loses lines rather than
    /// stalling the screen (the operational log's choice; the audit trail
    /// has a thread of its own and waits).
    #[cfg(unix)]
    pub fn without_waiting(self) -> io::Result<Sender> {
        self.socket.set_nonblocking(true)?;
        Ok(self)
    }

    #[cfg(not(unix))]
    pub fn without_waiting(self) -> io::Result<Sender> {
        Ok(self)
    }

    #[cfg(unix)]
    pub fn send(&self, datagram: &[u8]) -> io::Result<()> {
        self.socket.send_to(datagram, &self.path).map(|_| ())
    }

    #[cfg(not(unix))]
    pub fn send(&self, _datagram: &[u8]) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether something listens at the path now: a kiosk told to log to
    /// the journal on a machine without one is told at start.
    pub fn reachable(&self) -> io::Result<()> {
        // An empty datagram is valid and ignored by journald and syslog.
        self.send(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_the_native_framing() {
        let mut e = Entry::new("hello", Priority::Info);
        e.field("request_id", "abc");
        e.field("note", "two\nlines");
        let mut want =
            b"MESSAGE=hello\nPRIORITY=6\nSYSLOG_IDENTIFIER=mfa-assist\nREQUEST_ID=abc\nNOTE\n"
                .to_vec();
        want.extend_from_slice(&9u64.to_le_bytes());
        want.extend_from_slice(b"two\nlines\n");
        assert_eq!(e.bytes(), want.as_slice());
    }

    #[test]
    fn field_names_journald_accepts() {
        assert_eq!(field_name("http.status"), "HTTP_STATUS");
        assert_eq!(field_name("_hidden"), "HIDDEN");
        assert_eq!(field_name("9lives"), "F_9LIVES");
        assert_eq!(field_name(""), "F_");
        assert_eq!(field_name(&"a".repeat(80)).len(), 64);
    }

    #[test]
    fn syslog_lines_are_authpriv_and_one_line() {
        let line = String::from_utf8(syslog_line(Priority::Notice, "a\nb")).unwrap_or_default();
        assert!(line.starts_with("<85>mfa-assist["), "{line}");
        assert!(line.ends_with("]: a b"), "{line}");
    }
}
