//! `mfa-assist man` and `mfa-assist completions <shell>`: generated from the
//! command line definition, the man page renders without warnings and names
//! every option, each completion script parses in its own shell.
//!
//! A missing groff, zsh or fish is a loud skip of that one check, except
//! with MFA_ASSIST_CI=1 (.ci/run installs them), where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_mfa-assist");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn stdout(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "mfa-assist {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether `tool` can run; a loud skip (or a CI failure) when it cannot.
fn have(tool: &str, what: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("MFA_ASSIST_CI").as_deref() != Ok("1"),
            "{tool} is missing; .ci/run installs it"
        );
        eprintln!("\n######## SKIPPED {what}: {tool} is not installed ########\n");
    }
    found
}

/// Runs `cmd args... <file>` on `text` written to a temporary file.
fn check_with(cmd: &str, args: &[&str], text: &str, name: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    Command::new(cmd)
        .args(args)
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Every long option `--help` lists.
fn options() -> Vec<String> {
    let help = stdout(&["--help"]);
    let mut opts: Vec<String> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_string)
        .collect();
    opts.sort();
    opts.dedup();
    assert!(opts.contains(&"--kiosk".to_string()), "{opts:?}");
    opts
}

#[test]
fn the_man_page_is_roff_and_names_every_option_and_the_config_files() {
    let page = stdout(&["man"]);
    assert!(page.contains("\n.TH mfa-assist 1 "), "{page}");
    for opt in options() {
        // roff escapes the dashes of an option: \-\-kiosk.
        let escaped = opt.replace('-', "\\-");
        assert!(
            page.contains(&escaped) || page.contains(&opt),
            "the man page lacks {opt}"
        );
    }
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "FILES",
        "ENVIRONMENT",
        "EXIT STATUS",
    ] {
        assert!(
            page.contains(&format!(".SH {section}\n"))
                || page.contains(&format!(".SH \"{section}\"\n")),
            "no {section}"
        );
    }
    assert!(page.contains("/etc/mfa\\-assist/config.toml"), "{page}");
    assert!(page.contains("MFA_ASSIST_CONFIG"));
    // The help subcommand is clap's, not a page of its own.
    assert!(!page.contains("mfa\\-assist\\-help(1)"), "{page}");
}

#[test]
fn the_man_page_renders_without_warnings() {
    if !have("groff", "the man page rendering check") {
        return;
    }
    let page = stdout(&["man"]);
    let out = check_with("groff", &["-man", "-Tutf8", "-ww"], &page, "mfa-assist.1");
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && warnings.is_empty(), "{warnings}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("/etc/mfa-assist/config.toml"), "{text}");
}

#[test]
fn each_completion_script_parses_in_its_shell() {
    for (shell, args, name) in [
        ("bash", &["-n"][..], "mfa-assist.bash"),
        ("zsh", &["-n"][..], "_mfa-assist"),
        ("fish", &["-n"][..], "mfa-assist.fish"),
    ] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains("kiosk"), "{shell}: {script}");
        assert!(script.contains("helpdesk"), "{shell}");
        if !have(shell, &format!("the {shell} syntax check")) {
            continue;
        }
        let out = check_with(shell, args, &script, name);
        assert!(
            out.status.success(),
            "{shell} -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn bash_completes_an_option() {
    if !have("bash", "the bash completion run") {
        return;
    }
    let script = stdout(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mfa-assist.bash");
    std::fs::write(&file, script).unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(
            r#"source "$1"
fn=$(complete -p mfa-assist | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
COMP_WORDS=(mfa-assist --hel); COMP_CWORD=1; COMP_LINE="mfa-assist --hel"; COMP_POINT=${#COMP_LINE}
"$fn" mfa-assist --hel mfa-assist
printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg("_")
        .arg(&file)
        .output()
        .unwrap();
    let got = String::from_utf8_lossy(&out.stdout);
    let mut got: Vec<&str> = got.lines().collect();
    got.sort_unstable();
    assert_eq!(got, ["--help", "--helpdesk"]);
}

#[test]
fn an_unknown_shell_is_a_usage_error_naming_the_choices() {
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tcsh") && err.contains("bash"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    for args in [&["man"][..], &["completions", "zsh"][..]] {
        let mut child = Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.status.success(), "{args:?}: {err}");
    }
}

#[test]
fn the_generated_files_are_not_committed_by_hand() {
    // They are made at package time (scripts/package.sh); a stale copy in
    // the tree would drift from --help.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for stale in [
        "mfa-assist.1",
        "contrib/mfa-assist.1",
        "contrib/completions",
    ] {
        assert!(!root.join(stale).exists(), "{stale} is in the tree");
    }
    let script = std::fs::read_to_string(root.join("scripts/package.sh")).unwrap();
    for made in [
        "man",
        "completions bash",
        "completions zsh",
        "completions fish",
    ] {
        assert!(
            script.contains(&format!("\"$bin\" {made}")),
            "scripts/package.sh does not run `mfa-assist {made}`"
        );
    }
}
