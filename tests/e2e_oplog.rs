//! The operational log and the central audit trail of the release binary,
//! in tmux: a whole kiosk recovery (the training tenant, and the real
//! privacyIDEA server) and a whole helpdesk call, with the log at trace
//! level to a file and the audit to journald and syslog stand-in sockets.
//! Every secret the test knows (passes, the registration code, the QR
//! payload, the key, the codes typed) is looked for in all of it; the
//! events an operator needs (one line per provider call, the steps, start
//! and exit) must be there.
//!
//! Run like `tests/e2e.rs` (`MFA_ASSIST_BIN`, and the privacyIDEA test under
//! `scripts/privacyidea/with-server.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/log_sink.rs"]
mod log_sink;
#[path = "support/privacyidea/mod.rs"]
mod pi;
#[path = "e2e/screen.rs"]
mod screen;
#[path = "e2e/tmux.rs"]
mod tmux;

use log_sink::{Sink, parse_syslog};
use screen::{Grid, manual_key_grouped, oathtool_code, parse_otpauth, wrong_code};
use std::time::{Duration, Instant};
use tmux::{DONE_COUNTDOWN_SECS, Tmux, flat};

const WELCOME: &str = "Recover your sign-in";
const AUDIT_ID: &str = mfa_assist::audit::trail::AUDIT_MESSAGE_ID;

/// Where the log and the audit go in these tests.
struct Ops {
    dir: tempfile::TempDir,
    journal: Sink,
    syslog: Sink,
}

impl Ops {
    fn new() -> Ops {
        let dir = tempfile::tempdir().unwrap();
        let journal = Sink::bind(dir.path(), "journal.sock");
        let syslog = Sink::bind(dir.path(), "log.sock");
        Ops {
            dir,
            journal,
            syslog,
        }
    }

    fn log_file(&self) -> std::path::PathBuf {
        self.dir.path().join("mfa-assist.log")
    }

    /// `[log]` at trace to a file, `[audit]` to both sockets (and the file
    /// too for the desk, which keeps one).
    fn config(&self, sinks: &str) -> String {
        format!(
            "[log]\nlevel = \"trace\"\ntarget = \"file\"\nfile = \"{}\"\n\n\
             [audit]\nsink = {sinks}\njournal_socket = \"{}\"\nsyslog_socket = \"{}\"\n",
            self.log_file().display(),
            self.journal.path.display(),
            self.syslog.path.display(),
        )
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log_file()).unwrap_or_default()
    }

    /// The audit records from the journal stand-in, as JSON.
    fn audit(&self) -> Vec<serde_json::Value> {
        self.journal
            .entries()
            .iter()
            .filter(|e| e.get("MESSAGE_ID").map(String::as_str) == Some(AUDIT_ID))
            .map(|e| serde_json::from_str(&e["AUDIT_JSON"]).unwrap())
            .collect()
    }

    /// Waits for `n` audit records, and checks syslog got the same.
    fn audit_when(&self, n: usize) -> Vec<serde_json::Value> {
        self.journal
            .wait_until(&format!("{n} audit records"), |_| self.audit().len() >= n);
        self.syslog
            .wait_until(&format!("{n} syslog lines"), |s| s.datagrams().len() >= n);
        let records = self.audit();
        let syslog: Vec<serde_json::Value> = self
            .syslog
            .datagrams()
            .iter()
            .map(|d| parse_syslog(d).1)
            .collect();
        assert_eq!(syslog, records, "syslog and the journal disagree");
        records
    }

    /// Fails if any secret is anywhere in the log or the audit. Six-digit
    /// codes are looked for only outside the log lines' timestamps (whose
    /// microseconds are six digits too) and as whole numbers.
    fn assert_secret_free(&self, secrets: &[&str], codes: &[&str]) {
        let log = self.log();
        let audit = format!("{}\n{}", self.journal.all_text(), self.syslog.all_text());
        for (what, text) in [("the log", &log), ("the audit", &audit)] {
            for secret in secrets.iter().filter(|s| !s.is_empty()) {
                let squashed: String = text.split_whitespace().collect();
                assert!(
                    !text.contains(secret) && !squashed.contains(secret),
                    "{what} holds the secret {secret:?}:\n{text}"
                );
            }
        }
        let untimed: String = log
            .lines()
            .map(|l| l.split_once(' ').map_or("", |(_, rest)| rest))
            .chain(audit.lines())
            .collect::<Vec<_>>()
            .join("\n");
        for code in codes {
            let whole = untimed.match_indices(code).any(|(i, _)| {
                let before = untimed[..i].chars().next_back();
                let after = untimed[i + code.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_digit())
                    && !after.is_some_and(|c| c.is_ascii_digit())
            });
            assert!(
                !whole,
                "the log or audit holds the code {code:?}:\n{untimed}"
            );
        }
    }
}

/// The log's lines for provider calls of `op` (one per call).
fn calls(log: &str, op: &str) -> usize {
    log.lines()
        .filter(|l| l.contains("provider call") && l.contains(&format!(" op={op} ")))
        .count()
}

fn expect_line(log: &str, what: &str, ok: impl Fn(&str) -> bool) {
    assert!(
        log.lines().any(ok),
        "the log has no line for {what}:\n{log}"
    );
}

fn actions(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["action"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// From the method list to the QR screen, a code app on an iPhone.
fn add_code_app(t: &Tmux) {
    t.keys(&["a"]);
    t.wait_for("Step 4 of 9");
    t.keys(&["Down"]);
    t.wait_for_line("the code app to be selected", |l| {
        l.contains('▶') && l.contains("Authenticator app (6-digit code)")
    });
    t.keys(&["Enter"]);
    t.wait_for("Step 5 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 6 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 7 of 9");
}

fn read_qr(t: &Tmux) -> String {
    t.wait_until("a QR code", tmux::TIMEOUT, |s| s.contains('█'));
    let start = Instant::now();
    loop {
        match Grid::parse(&t.screen_with_colours())
            .bitmap_from_colours()
            .decode()
        {
            Ok(codes) if codes.len() == 1 => return codes.into_iter().next().unwrap(),
            _ if start.elapsed() > tmux::TIMEOUT => t.fail("the QR does not decode"),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// The QR, the key shown instead, a wrong code and the right one, to Done;
/// returns (QR payload, key, the codes typed).
fn prove_with_code(t: &Tmux) -> (String, String, Vec<String>) {
    let uri = read_qr(t);
    let otp = parse_otpauth(&uri).unwrap_or_else(|e| t.fail(&e));
    t.keys(&["c"]);
    let manual = t.wait_until("the manual key", tmux::TIMEOUT, |s| {
        manual_key_grouped(s).is_some()
    });
    let key = manual_key_grouped(&manual).unwrap().replace(' ', "");
    assert_eq!(key.to_ascii_uppercase(), otp.secret.to_ascii_uppercase());
    t.keys(&["Enter"]);
    t.wait_for("Step 8 of 9");
    let wrong = wrong_code(&oathtool_code(&key));
    t.type_text(&wrong);
    t.keys(&["Enter"]);
    t.wait_for("didn't match");
    t.wait_gone("Checking the code");
    let right = oathtool_code(&key);
    t.type_text(&right);
    t.keys(&["Enter"]);
    t.wait_for("All done");
    (uri, key, vec![wrong, right])
}

/// The countdown returns to Welcome; Ctrl-C then ends the (non-kiosk) run.
fn countdown_and_quit(t: &Tmux) {
    t.wait_until(
        "the countdown to return to Welcome",
        Duration::from_secs(DONE_COUNTDOWN_SECS + 7),
        |s| s.contains(WELCOME),
    );
    t.keys(&["C-c"]);
    t.wait_for("EXITED:0");
}

/// What every run's log has: start, the steps, the session's end, stop.
fn assert_run_events(log: &str, mode: &str) {
    expect_line(log, "the start", |l| {
        l.contains(" started") && l.contains(&format!("mode={mode} "))
    });
    expect_line(log, "the session's end", |l| {
        l.contains("session ending reason=quit")
    });
    expect_line(log, "the stop", |l| l.contains(" stopped"));
}

/// Test: a whole kiosk recovery on the training tenant (a wrong pass, the
/// right one, delete, add a code app, a wrong code and the right one, the
/// countdown): the trace log and the audit hold none of the secrets, the
/// log has one line per provider call and every step, the audit exactly
/// the recovery.
#[test]
fn kiosk_recovery_on_the_training_tenant_logs_and_audits_no_secret() {
    let ops = Ops::new();
    let config = format!(
        "[training]\ndelay_ms = 50\n\n[kiosk]\ndone_countdown_secs = {DONE_COUNTDOWN_SECS}\n\n{}",
        ops.config("[\"journald\", \"syslog\"]")
    );
    let t = Tmux::start_with_config("oplog", 100, 45, &config, &[]);
    t.sign_in("alex", "Tap-Alex-0000");
    t.wait_for("2 attempts left");
    t.type_text("Tap-Alex-4821");
    t.keys(&["Enter"]);
    t.wait_for("Signed in as Alex Lindqvist");
    t.wait_for("Authenticator app (iPhone 11)");
    t.keys(&["Down", "d"]);
    t.wait_until("the delete confirmation", tmux::TIMEOUT, |s| {
        flat(s).contains("Press y to delete")
    });
    t.keys(&["y"]);
    t.wait_for_flat("Deleted “Authenticator app (iPhone 11)");
    t.wait_gone("Loading");
    add_code_app(&t);
    let (uri, key, codes) = prove_with_code(&t);
    countdown_and_quit(&t);

    let log = ops.log();
    assert_run_events(&log, "assistant");
    assert_eq!(calls(&log, "sign_in"), 2, "two sign-ins:\n{log}");
    assert_eq!(calls(&log, "delete_method"), 1, "{log}");
    assert_eq!(calls(&log, "begin_enrollment"), 1, "{log}");
    assert_eq!(calls(&log, "check_code"), 2, "{log}");
    assert!(calls(&log, "list_methods") >= 2, "{log}");
    expect_line(&log, "the wrong pass", |l| {
        l.contains(" op=sign_in ") && l.contains(" error=wrong_pass ")
    });
    for step in [
        "SignIn",
        "Methods",
        "ConfirmDelete",
        "Scan",
        "ProveCode",
        "Done",
        "Welcome",
    ] {
        expect_line(&log, &format!("the step {step}"), |l| {
            l.contains(" step ") && l.ends_with(&format!(" to={step}"))
        });
    }

    let records = ops.audit_when(5);
    assert_eq!(
        actions(&records),
        [
            "sign_in_failed",
            "sign_in_ok",
            "method_deleted",
            "method_added",
            "signed_out"
        ]
    );
    assert_eq!(records[0]["reason"], "wrong_pass");
    assert_eq!(records[3]["kind"], "authenticator_code");
    assert_eq!(records[4]["reason"], "done");

    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    ops.assert_secret_free(&["Tap-Alex-4821", "Tap-Alex-0000", &uri, &key], &codes);
}

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

/// Test: the same against the real privacyIDEA server: each provider call
/// one line, its HTTP exchanges with method, path (no query), status and
/// duration; no registration code, key, QR payload or code anywhere.
#[test]
fn kiosk_recovery_against_privacyidea_logs_and_audits_no_secret() {
    let server = pi::PiServer::from_env();
    let (user, old, code) = block_on(async {
        let user = server.create_user("oplog").await;
        let (old, _) = server.enroll_totp_for(&user, "lost phone").await;
        let code = server.issue_registration(&user, None).await;
        (user, old, code)
    });
    let ops = Ops::new();
    let config = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n\n\
         [kiosk]\ndone_countdown_secs = {DONE_COUNTDOWN_SECS}\n\n{}",
        server.url,
        server.realm,
        ops.config("[\"journald\", \"syslog\"]")
    );
    let t = Tmux::start_with_config("oplogpi", 110, 50, &config, &[]);
    t.sign_in(&user, &code);
    t.wait_for(&format!("Signed in as {user}"));
    t.wait_for(&old);
    t.keys(&["d"]);
    t.wait_until("the delete confirmation", tmux::TIMEOUT, |s| {
        flat(s).contains("Press y to delete")
    });
    t.keys(&["y"]);
    t.wait_for_flat("Deleted “lost phone");
    t.wait_gone("Loading");
    add_code_app(&t);
    let (uri, key, codes) = prove_with_code(&t);
    countdown_and_quit(&t);

    let log = ops.log();
    assert_run_events(&log, "assistant");
    assert_eq!(calls(&log, "sign_in"), 1, "{log}");
    assert_eq!(calls(&log, "delete_method"), 1, "{log}");
    assert_eq!(calls(&log, "begin_enrollment"), 1, "{log}");
    assert_eq!(calls(&log, "check_code"), 2, "{log}");
    // The call's line carries its last HTTP status (privacyIDEA sends no
    // request id).
    expect_line(&log, "the sign-in's status", |l| {
        l.contains("provider call op=sign_in outcome=ok ")
            && l.ends_with(" status=200 request_id=-")
    });
    // The HTTP exchanges, with the operation of the call they belong to.
    expect_line(&log, "the pass checked", |l| {
        l.contains(": http method=POST path=/auth ")
            && l.ends_with(" op=sign_in")
            && l.contains("status=200")
            && l.contains("duration_ms=")
    });
    expect_line(&log, "the token deleted", |l| {
        l.contains(": http method=DELETE path=/token/{} status=200 ")
            && l.ends_with(" op=delete_method")
    });
    assert!(
        !log.lines().any(|l| l.contains(" http ") && l.contains('?')),
        "a query string in the log:\n{log}"
    );

    let records = ops.audit_when(4);
    assert_eq!(
        actions(&records),
        ["sign_in_ok", "method_deleted", "method_added", "signed_out"]
    );
    assert!(
        records.iter().all(|r| r["user"] == user.as_str()),
        "{records:?}"
    );
    let label = records[1]["label"].as_str().unwrap();
    assert!(label.starts_with("lost phone"), "{label}");

    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    ops.assert_secret_free(&[&code, &uri, &key], &codes);
}

/// The pass as the screen shows it: the line of spaced groups under the
/// title, spaces removed.
fn read_pass(t: &Tmux, screen: &str) -> String {
    let mut lines = screen.lines().skip_while(|l| !l.contains("Read this"));
    lines.next();
    let Some(line) = lines.find(|l| !l.trim().is_empty()) else {
        t.fail("no pass under the title");
    };
    line.split_whitespace().collect()
}

/// Test: a whole helpdesk call on the training tenant (look up, verify,
/// reset, issue a pass, watch the caller register, finish): the pass is in
/// no log line and no audit record, the audit reaches journald and syslog
/// as well as the desk's file, and the log has the desk's provider calls.
#[test]
fn helpdesk_call_logs_and_audits_no_secret() {
    let ops = Ops::new();
    let dir = ops.dir.path();
    let config = format!(
        "[training]\ndelay_ms = 50\n\n[helpdesk]\nagent = \"e2e-agent\"\ncase_dir = \"{}\"\n\n{}\
         file = \"{}\"\n",
        dir.join("cases").display(),
        ops.config("[\"file\", \"journald\", \"syslog\"]"),
        dir.join("audit.jsonl").display(),
    );
    let t = Tmux::start_with_config("oplogdesk", 110, 40, &config, &["--helpdesk"]);
    t.wait_for("Who is calling?");
    t.type_text("alex");
    t.keys(&["Enter"]);
    t.wait_for("iPhone 11");
    t.keys(&["v"]);
    t.wait_for("must pass before anything can change");
    t.keys(&["Space", "Down", "Space"]);
    t.wait_for("enough. Press Enter");
    t.keys(&["Enter"]);
    t.wait_for("Identity verified: changes are unlocked.");
    t.keys(&["r"]);
    t.wait_for("in this order");
    t.keys(&["Enter"]);
    t.wait_for("No sign-in methods registered.");
    t.keys(&["p"]);
    t.wait_for("Valid for:");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Read this Temporary Access Pass");
    let pass = read_pass(&t, &screen);
    assert!(pass.len() >= 8, "{screen}");
    t.keys(&["Enter"]);
    t.wait_for_flat("hidden for good");
    t.keys(&["w"]);
    t.wait_for("Checking every");
    t.keys(&["t"]);
    t.wait_for("New: Authenticator app");
    t.keys(&["f"]);
    t.wait_for("Finish the call with");
    t.keys(&["Enter"]);
    t.wait_for("Saved to ");
    t.keys(&["Enter"]);
    t.wait_for("Who is calling?");
    t.keys(&["C-c"]);
    t.wait_for("EXITED:0");

    let log = ops.log();
    assert_run_events(&log, "helpdesk");
    assert_eq!(calls(&log, "lookup"), 1, "{log}");
    assert_eq!(calls(&log, "delete_method"), 2, "{log}");
    assert_eq!(calls(&log, "issue_pass"), 1, "{log}");
    expect_line(&log, "the desk's steps", |l| {
        l.contains(" step ") && l.ends_with(" to=DeskPass")
    });

    let want = [
        "looked_up",
        "verified",
        "deleted",
        "deleted",
        "pass_issued",
        "new_method_seen",
        "case_closed",
    ];
    let records = ops.audit_when(want.len());
    assert_eq!(actions(&records), want);
    let file: Vec<serde_json::Value> = std::fs::read_to_string(dir.join("audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(file, records, "the file and the journal disagree");
    ops.assert_secret_free(&[&pass], &[]);
}

/// Test: under systemd (`JOURNAL_STREAM` set) the log goes to journald by
/// itself, as native entries with one field per value, and nothing about
/// it reaches the terminal.
#[test]
fn under_systemd_the_log_goes_to_the_journal() {
    let ops = Ops::new();
    let config = format!(
        "[training]\ndelay_ms = 50\n\n[log]\njournal_socket = \"{}\"\n",
        ops.journal.path.display()
    );
    let t = Tmux::start_with_env(
        "oplogjd",
        100,
        45,
        &config,
        &[],
        &[("JOURNAL_STREAM", "8:1234")],
    );
    t.sign_in("alex", "Tap-Alex-4821");
    t.wait_for("Signed in as Alex Lindqvist");
    t.keys(&["C-c"]);
    t.wait_for("EXITED:0");
    ops.journal
        .wait_until("the stop", |s| s.all_text().contains("MESSAGE=stopped"));
    let entries = ops.journal.entries();
    let call = entries
        .iter()
        .find(|e| e.get("MFA_OP").map(String::as_str) == Some("sign_in"))
        .unwrap_or_else(|| panic!("no sign-in call:\n{}", ops.journal.all_text()));
    assert_eq!(call["MFA_OUTCOME"], "ok");
    assert_eq!(call["PRIORITY"], "6");
    assert_eq!(call["SYSLOG_IDENTIFIER"], "mfa-assist");
    assert_eq!(call["TARGET"], "mfa_assist::provider");
    assert!(
        call["MESSAGE"].starts_with("provider call op=sign_in outcome=ok duration_ms="),
        "{call:?}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.get("MFA_TO").map(String::as_str) == Some("Methods"))
    );
    // Info by default: no HTTP exchange, no debug entry.
    assert!(
        entries.iter().all(|e| e["PRIORITY"] != "7"),
        "{}",
        ops.journal.all_text()
    );
    assert!(
        t.app_stderr().trim().is_empty(),
        "stderr: {}",
        t.app_stderr()
    );
    ops.assert_secret_free(&["Tap-Alex-4821"], &[]);
}

/// Test: the kiosk under systemd audits to journald by itself, and its
/// service being stopped (SIGTERM) with someone signed in is audited as a
/// sign-out for that reason and logged as the session's end.
#[test]
fn a_kiosk_under_systemd_audits_to_the_journal_and_a_stop_says_signal() {
    let ops = Ops::new();
    let config = format!(
        "[training]\ndelay_ms = 50\n\n[kiosk]\nenabled = true\n\n\
         [log]\njournal_socket = \"{0}\"\n\n[audit]\njournal_socket = \"{0}\"\n",
        ops.journal.path.display()
    );
    let t = Tmux::start_with_env(
        "oplogsig",
        100,
        45,
        &config,
        &[],
        &[("JOURNAL_STREAM", "8:1234")],
    );
    t.sign_in("alex", "Tap-Alex-4821");
    t.wait_for("Signed in as Alex Lindqvist");
    let pid = t.app_pid().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    t.wait_for("EXITED:");
    ops.journal
        .wait_until("the stop", |s| s.all_text().contains("MESSAGE=stopped"));
    let actions = actions(&ops.audit());
    assert_eq!(
        actions,
        ["sign_in_ok", "signed_out"],
        "{}",
        ops.journal.all_text()
    );
    assert_eq!(ops.audit()[1]["reason"], "signal");
    let ending = ops
        .journal
        .entries()
        .into_iter()
        .find(|e| e["MESSAGE"].starts_with("session ending"))
        .unwrap();
    assert_eq!(ending["MFA_REASON"], "signal");
    ops.assert_secret_free(&["Tap-Alex-4821"], &[]);
}

/// Test: an audit sink that is not there stops the start with the reason,
/// rather than a kiosk running without its audit.
#[test]
fn an_unreachable_audit_sink_stops_the_start() {
    let config = "[kiosk]\nenabled = true\n\n[audit]\nsink = \"syslog\"\n\
                  syslog_socket = \"/nonexistent/mfa-assist/log.sock\"\n";
    let t = Tmux::start_with_config("oplogbad", 100, 45, config, &[]);
    t.wait_for("EXITED:1");
    let stderr = t.app_stderr();
    assert!(
        stderr.contains("the audit trail cannot reach syslog at /nonexistent/mfa-assist/log.sock"),
        "{stderr}"
    );
}
