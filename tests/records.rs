//! The helpdesk's records on disk (issue 11 item 9, issue 19 item 3): the
//! audit log and case files are owner-only whatever was there before, never
//! written through a symlink, never overwrite one another, and a folder
//! that cannot be written or a full disk is reported, not swallowed.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mfa_assist::audit::{Record, Records};
use mfa_assist::helpdesk::{Change, Entry};
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn no_errors() -> impl Fn(String) + Send + 'static {
    |why| panic!("unexpected record error: {why}")
}

/// Saves one case and waits for the writer's answer.
fn save(records: &Records, stamp: &str, user: &str, text: &str) -> Result<String, String> {
    let (tx, rx) = mpsc::channel();
    records.save_case(stamp, user, text.to_string(), move |r| {
        let _ = tx.send(r);
    });
    rx.recv_timeout(Duration::from_secs(10)).unwrap()
}

fn entry() -> Entry {
    Entry {
        wall: 1_800_000_000,
        change: Change::LookedUp,
    }
}

fn audit(records: &Records) {
    records.audit(&Record {
        ts: "2027-01-15T08:00:00Z".into(),
        agent: "jdoe",
        provider: "training",
        caller: "kim",
        entry: &entry(),
    });
}

/// Waits for the writer thread to reach the log.
fn wait_for_lines(path: &Path, n: usize) -> String {
    for _ in 0..200 {
        let text = fs::read_to_string(path).unwrap_or_default();
        if text.lines().count() >= n {
            return text;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the audit log never got {n} lines");
}

struct Dirs {
    _tmp: tempfile::TempDir,
    log: PathBuf,
    cases: PathBuf,
}

fn dirs() -> Dirs {
    let tmp = tempfile::tempdir().unwrap();
    Dirs {
        log: tmp.path().join("log").join("audit.jsonl"),
        cases: tmp.path().join("cases"),
        _tmp: tmp,
    }
}

#[test]
fn new_files_are_owner_only() {
    let d = dirs();
    let records = Records::open(&d.log, &d.cases, no_errors()).unwrap();
    audit(&records);
    wait_for_lines(&d.log, 1);
    let path = save(&records, "20270115T080000Z", "kim", "case text").unwrap();
    assert_eq!(mode(&d.log), 0o600, "audit log");
    assert_eq!(mode(&d.cases), 0o700, "case folder");
    assert_eq!(mode(Path::new(&path)), 0o600, "case file");
    assert_eq!(fs::read_to_string(&path).unwrap(), "case text\n");
}

#[test]
fn existing_loose_permissions_are_tightened() {
    let d = dirs();
    fs::create_dir_all(d.log.parent().unwrap()).unwrap();
    fs::write(&d.log, "{\"earlier\":1}\n").unwrap();
    chmod(&d.log, 0o644);
    fs::create_dir_all(&d.cases).unwrap();
    chmod(&d.cases, 0o777);
    let records = Records::open(&d.log, &d.cases, no_errors()).unwrap();
    assert_eq!(mode(&d.log), 0o600, "audit log left at 0644");
    assert_eq!(mode(&d.cases), 0o700, "case folder left at 0777");
    audit(&records);
    // Appended, not truncated.
    let text = wait_for_lines(&d.log, 2);
    assert!(text.starts_with("{\"earlier\":1}\n"), "{text}");
}

#[test]
fn owner_only_permissions_are_left_as_they_were_set() {
    // Tightening takes group and other permissions away and nothing else:
    // an administrator's stricter choice (a case folder nobody may add to,
    // a log nobody may read) stands.
    let d = dirs();
    fs::create_dir_all(&d.cases).unwrap();
    chmod(&d.cases, 0o500);
    fs::create_dir_all(d.log.parent().unwrap()).unwrap();
    fs::write(&d.log, "").unwrap();
    chmod(&d.log, 0o200);
    let opened = Records::open(&d.log, &d.cases, no_errors()).map(|_| ());
    let (cases, log) = (mode(&d.cases), mode(&d.log));
    chmod(&d.cases, 0o700);
    opened.unwrap();
    assert_eq!(cases, 0o500, "case folder");
    assert_eq!(log, 0o200, "audit log");
}

#[test]
fn a_symlinked_audit_log_is_refused_and_its_target_untouched() {
    let d = dirs();
    fs::create_dir_all(d.log.parent().unwrap()).unwrap();
    let target = d.cases.with_file_name("elsewhere.txt");
    fs::write(&target, "not ours\n").unwrap();
    chmod(&target, 0o644);
    symlink(&target, &d.log).unwrap();
    let err = Records::open(&d.log, &d.cases, no_errors())
        .err()
        .expect("opened a symlinked log");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(fs::read_to_string(&target).unwrap(), "not ours\n");
    assert_eq!(mode(&target), 0o644);
}

#[test]
fn a_symlinked_case_folder_is_refused() {
    let d = dirs();
    let real = d.cases.with_file_name("real-cases");
    fs::create_dir_all(&real).unwrap();
    symlink(&real, &d.cases).unwrap();
    let err = Records::open(&d.log, &d.cases, no_errors())
        .err()
        .expect("opened a symlinked case folder");
    assert!(err.contains("symbolic link"), "{err}");
}

#[test]
fn a_symlink_where_a_case_goes_is_not_followed() {
    let d = dirs();
    let records = Records::open(&d.log, &d.cases, no_errors()).unwrap();
    let target = d.cases.with_file_name("victim.txt");
    fs::write(&target, "keep me\n").unwrap();
    symlink(&target, d.cases.join("20270115T080000Z-kim.txt")).unwrap();
    let path = save(&records, "20270115T080000Z", "kim", "the case").unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "keep me\n");
    assert!(
        !fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink(),
        "{path}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "the case\n");
}

#[test]
fn two_cases_for_one_caller_in_one_second_both_survive() {
    let d = dirs();
    let records = Records::open(&d.log, &d.cases, no_errors()).unwrap();
    let first = save(&records, "20270115T080000Z", "kim", "first call").unwrap();
    let second = save(&records, "20270115T080000Z", "kim", "second call").unwrap();
    let third = save(&records, "20270115T080000Z", "kim", "third call").unwrap();
    assert_ne!(first, second);
    assert_ne!(second, third);
    assert_eq!(fs::read_to_string(&first).unwrap(), "first call\n");
    assert_eq!(fs::read_to_string(&second).unwrap(), "second call\n");
    assert_eq!(fs::read_to_string(&third).unwrap(), "third call\n");
    assert!(second.ends_with("-kim-2.txt"), "{second}");
}

#[test]
fn a_failure_other_than_a_taken_name_is_reported_as_it_is() {
    // Only a name already taken moves on to `-2`, `-3`, …: any other
    // failure is the agent's to hear, in the system's words.
    let d = dirs();
    let records = Records::open(&d.log, &d.cases, no_errors()).unwrap();
    let stamp = "9".repeat(300);
    let err = save(&records, &stamp, "kim", "text").expect_err("saved");
    assert!(err.contains("File name too long"), "{err}");
    assert_eq!(fs::read_dir(&d.cases).unwrap().count(), 0);
}

#[test]
fn a_folder_that_cannot_be_written_is_reported() {
    let d = dirs();
    // A file where the folder should be: no user, root included, can
    // create the folder.
    fs::write(d.cases.with_file_name("blocker"), "").unwrap();
    let blocked = d.cases.with_file_name("blocker").join("cases");
    let err = Records::open(&d.log, &blocked, no_errors())
        .err()
        .expect("opened a case folder that cannot exist");
    assert!(err.contains("case folder"), "{err}");

    // The folder goes away mid-shift: the save says why.
    let records = Records::open(&d.log, &d.cases, no_errors()).unwrap();
    fs::remove_dir_all(&d.cases).unwrap();
    fs::write(&d.cases, "").unwrap();
    let err = save(&records, "20270115T080000Z", "kim", "text").expect_err("saved");
    assert!(err.contains(&d.cases.display().to_string()), "{err}");
}

#[test]
fn a_full_disk_under_the_audit_log_is_reported() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        panic!("/dev/full is missing: this test needs it on Linux");
    }
    let before = mode(full);
    let d = dirs();
    let (tx, rx) = mpsc::channel();
    let records = Records::open(full, &d.cases, move |why| {
        let _ = tx.send(why);
    })
    .unwrap();
    audit(&records);
    let why = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(why.contains("No space left on device"), "{why}");
    // A device is not ours to chmod.
    assert_eq!(mode(full), before);
}
