//! Stand-ins for journald's socket and `/dev/log`: a unix datagram socket
//! in a temporary directory, read by a thread, and parsers for what
//! arrives (journald's native protocol, the local syslog form).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A socket the app sends datagrams to; everything received is kept.
pub struct Sink {
    pub path: PathBuf,
    got: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Sink {
    pub fn bind(dir: &Path, name: &str) -> Sink {
        let path = dir.join(name);
        let socket = UnixDatagram::bind(&path).unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let keep = Arc::clone(&got);
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 256 * 1024];
            while let Ok(n) = socket.recv(&mut buf) {
                // The app's "is anybody there" probe is an empty datagram.
                if n > 0 {
                    keep.lock().unwrap().push(buf[..n].to_vec());
                }
            }
        });
        Sink { path, got }
    }

    pub fn datagrams(&self) -> Vec<Vec<u8>> {
        self.got.lock().unwrap().clone()
    }

    /// Everything received as text, for "no secret in here" checks.
    pub fn all_text(&self) -> String {
        self.datagrams()
            .iter()
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The journal entries received, each as field → value.
    pub fn entries(&self) -> Vec<BTreeMap<String, String>> {
        self.datagrams().iter().map(|d| parse_native(d)).collect()
    }

    /// Waits up to 10 s until `ready` holds for what arrived.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&Sink) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ready(self) {
            assert!(
                Instant::now() < deadline,
                "waited 10 s for {what}; received:\n{}",
                self.all_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// journald's native protocol: `KEY=value\n`, or `KEY\n` + 64-bit LE
/// length + value + `\n` for a value with newlines.
pub fn parse_native(mut bytes: &[u8]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    while !bytes.is_empty() {
        let line_end = bytes.iter().position(|&b| b == b'\n').unwrap();
        let line = &bytes[..line_end];
        if let Some(eq) = line.iter().position(|&b| b == b'=') {
            out.insert(
                String::from_utf8(line[..eq].to_vec()).unwrap(),
                String::from_utf8(line[eq + 1..].to_vec()).unwrap(),
            );
            bytes = &bytes[line_end + 1..];
        } else {
            let name = String::from_utf8(line.to_vec()).unwrap();
            let rest = &bytes[line_end + 1..];
            let len = u64::from_le_bytes(rest[..8].try_into().unwrap()) as usize;
            let value = String::from_utf8(rest[8..8 + len].to_vec()).unwrap();
            assert_eq!(rest[8 + len], b'\n', "a binary field ends with a newline");
            out.insert(name, value);
            bytes = &rest[8 + len + 1..];
        }
    }
    out
}

/// `<PRI>mfa-assist[PID]: @cee: {json}` → (PRI, the JSON).
pub fn parse_syslog(datagram: &[u8]) -> (u16, serde_json::Value) {
    let text = String::from_utf8(datagram.to_vec()).unwrap();
    let rest = text.strip_prefix('<').unwrap();
    let (pri, rest) = rest.split_once('>').unwrap();
    assert!(rest.starts_with("mfa-assist["), "{text}");
    let (_, json) = rest.split_once("]: @cee: ").unwrap();
    (pri.parse().unwrap(), serde_json::from_str(json).unwrap())
}
