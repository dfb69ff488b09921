//! After sign-out the new method's key is gone from the kiosk's memory: the
//! release binary in tmux is taken to the QR, the key read off the screen,
//! the person signs out, and then every writable mapping of the running
//! process (`/proc/PID/mem`) is searched for the key: raw, base32 and hex.
//!
//! Run like `tests/e2e.rs` (`MFA_ASSIST_BIN`; the privacyIDEA test under
//! `scripts/privacyidea/with-server.sh`). Reading another process's memory
//! needs the same user and `kernel.yama.ptrace_scope` 0, or root.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/privacyidea/mod.rs"]
mod pi;
#[path = "e2e/screen.rs"]
mod screen;
#[path = "e2e/tmux.rs"]
mod tmux;

use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;
use tmux::Tmux;

const WELCOME: &str = "Recover your sign-in";

/// One place a needle was found: which form, where, in which mapping.
#[derive(Debug)]
struct Hit {
    form: &'static str,
    addr: u64,
    mapping: String,
}

/// Searches every readable and writable mapping of `pid` (heap, thread
/// stacks and arenas, the binary's data) for each needle.
fn scan(pid: u32, needles: &[(&'static str, Vec<u8>)]) -> Vec<Hit> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let mut mem = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap_or_else(|e| {
        panic!("cannot open /proc/{pid}/mem ({e}): run as root or with kernel.yama.ptrace_scope=0")
    });
    let mut hits = Vec::new();
    let mut readable = 0usize;
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (Some(range), Some(perms)) = (fields.next(), fields.next()) else {
            continue;
        };
        if !perms.starts_with("rw") {
            continue;
        }
        let (lo, hi) = range.split_once('-').unwrap();
        let lo = u64::from_str_radix(lo, 16).unwrap();
        let hi = u64::from_str_radix(hi, 16).unwrap();
        let mut data = vec![0u8; usize::try_from(hi - lo).unwrap()];
        // Guard pages and special mappings do not read; they hold nothing.
        if mem.seek(SeekFrom::Start(lo)).is_err() || mem.read_exact(&mut data).is_err() {
            continue;
        }
        readable += data.len();
        for (form, needle) in needles {
            let mut at = 0;
            while let Some(i) = find(&data[at..], needle) {
                hits.push(Hit {
                    form,
                    addr: lo + (at + i) as u64,
                    mapping: line.to_string(),
                });
                at += i + 1;
            }
        }
    }
    assert!(readable > 1 << 20, "read only {readable} bytes of {pid}");
    hits
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn base32_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        bits = (bits << 5) | u64::from(v);
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// The key as the manual-entry screen shows it, spaces taken out.
fn key_on_screen(t: &Tmux) -> String {
    t.keys(&["c"]);
    let screen = t.wait_for("Type this key into your app");
    let line = screen
        .lines()
        .find(|l| l.trim_start().starts_with("Key "))
        .unwrap_or_else(|| t.fail("no Key line"));
    line.trim_start()["Key".len()..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// From the method list to the code app's QR.
fn to_the_qr(t: &Tmux, slow: Duration) {
    t.keys(&["a"]);
    t.wait_for("Which method");
    t.keys(&["Down", "Enter"]);
    t.wait_for("What kind of phone");
    t.keys(&["Enter"]);
    t.wait_for("Get the app ready");
    t.keys(&["Enter"]);
    t.wait_until("the QR", slow, |s| s.contains("Scan this QR code"));
}

/// Back out of the QR and sign out from the method list.
fn sign_out(t: &Tmux) {
    for screen in ["Get the app ready", "What kind of phone", "Which method"] {
        t.keys(&["Escape"]);
        t.wait_for(screen);
    }
    t.keys(&["Escape"]);
    t.wait_for("Signed in as");
    t.keys(&["f"]);
    t.wait_for("Sign out now");
    t.keys(&["Enter"]);
    t.wait_for(WELCOME);
    // The clean-up (cancel, sign-out sweep) runs in the background.
    std::thread::sleep(Duration::from_millis(1500));
}

fn needles(key_b32: &str) -> Vec<(&'static str, Vec<u8>)> {
    let raw = base32_decode(key_b32);
    assert_eq!(raw.len(), 20, "a 160-bit key: {key_b32}");
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        ("raw", raw),
        ("base32", key_b32.as_bytes().to_vec()),
        ("hex", hex.into_bytes()),
    ]
}

fn assert_gone(t: &Tmux, key_b32: &str, forms: &[&str]) {
    let pid = t.app_pid();
    let hits: Vec<Hit> = scan(pid, &needles(key_b32))
        .into_iter()
        .filter(|h| forms.contains(&h.form))
        .collect();
    assert!(
        hits.is_empty(),
        "after sign-out the key is still in memory {} time(s):\n{}",
        hits.len(),
        hits.iter()
            .map(|h| format!("  {} at {:#x} in {}", h.form, h.addr, h.mapping))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Test: the training tenant makes the key itself (20 random bytes). After
/// sign-out no copy of it is left, in any form: the tenant's record of the
/// enrollment is wiped where it lies, and so are the stack frames that
/// built it.
#[test]
fn training_key_is_gone_from_memory_after_sign_out() {
    let config = "[training]\ndelay_ms = 50\n\n[kiosk]\nenabled = true\n";
    let t = Tmux::start_with_config("memtrain", 110, 50, config, &[]);
    t.wait_for(WELCOME);
    t.keys(&["Enter"]);
    t.wait_for("Username");
    t.type_text("alex");
    t.keys(&["Enter"]);
    t.type_text("Tap-Alex-4821");
    t.keys(&["Enter"]);
    t.wait_for("Signed in as");
    t.wait_gone("Loading");
    to_the_qr(&t, tmux::TIMEOUT);
    let key = key_on_screen(&t);
    // The scan works: the key is there while the QR is.
    let pid = t.app_pid();
    assert!(
        scan(pid, &needles(&key)).iter().any(|h| h.form == "raw"),
        "the scan must find the raw key while it is in use"
    );
    sign_out(&t);
    assert_gone(&t, &key, &["raw", "base32", "hex"]);
}

/// Test: privacyIDEA sends the key (`token/init`: base32, hex and in two
/// URIs). After sign-out the raw key and every copy in buffers the app
/// owns are wiped; what the README lists as library buffers may remain, so
/// this checks the raw key only, which no library keeps.
#[test]
fn privacyidea_key_is_gone_from_memory_after_sign_out() {
    let server = pi::PiServer::from_env();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (user, code) = rt.block_on(async {
        let user = server.create_user("e2emem").await;
        let code = server.issue_registration(&user, None).await;
        (user, code)
    });
    let config = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n\n\
         [kiosk]\nenabled = true\n",
        server.url, server.realm
    );
    let t = Tmux::start_with_config("mempi", 110, 50, &config, &[]);
    t.wait_for(WELCOME);
    t.keys(&["Enter"]);
    t.wait_for("Username");
    t.type_text(&user);
    t.keys(&["Enter"]);
    t.type_text(&code);
    t.keys(&["Enter"]);
    t.wait_until("signed in", Duration::from_secs(30), |s| {
        s.contains("Signed in as")
    });
    t.wait_gone("Loading");
    to_the_qr(&t, Duration::from_secs(40));
    let key = key_on_screen(&t);
    sign_out(&t);
    assert_gone(&t, &key, &["raw"]);
}
