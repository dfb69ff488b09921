//! A case file on a full disk (issue 19 item 3): the agent is told, and no
//! half-written case is left to pass for a whole one. The disk "fills up"
//! through a file-size limit (RLIMIT_FSIZE), set in a child process of
//! this test so nothing else (the harness's own output to a log file) is
//! limited with it.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mfa_assist::audit::Records;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

const CHILD: &str = "MFA_ASSIST_FULL_DISK_CHILD";
const NAME: &str = "a_case_that_does_not_fit_is_reported_and_removed";

#[test]
fn a_case_that_does_not_fit_is_reported_and_removed() {
    if std::env::var_os(CHILD).is_some() {
        in_child();
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "the child failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn in_child() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = tmp.path().join("cases");
    let records = Records::open(&tmp.path().join("audit.jsonl"), &cases, |why| {
        panic!("audit error: {why}")
    })
    .unwrap();
    // SAFETY: plain libc calls with valid arguments, in this child only.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let limit = libc::rlimit {
            rlim_cur: 4096,
            rlim_max: libc::RLIM_INFINITY,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
    let big = "x".repeat(64 * 1024);
    let (tx, rx) = mpsc::channel();
    records.save_case("20270115T080000Z", "kim", big, move |r| {
        let _ = tx.send(r);
    });
    let result = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let err = result.expect_err("a case bigger than the disk was saved");
    assert!(err.contains("20270115T080000Z-kim.txt"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&cases).unwrap().collect();
    assert!(left.is_empty(), "a half-written case was left: {left:?}");
}
