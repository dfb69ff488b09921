//! The locked-down kiosk files under contrib/ (see docs/kiosk.md): the
//! systemd unit keeps mfa-assist on tty1 for ever as an unprivileged user
//! with no shell; systemd itself accepts the unit and creates the user; the
//! console font gives the QR code its room and has its glyphs.
//!
//! `systemd-analyze`, `systemd-sysusers` and the console fonts are optional
//! here (a loud skip) and required with MFA_ASSIST_CI=1 (.ci/run installs
//! them). The key settings are checked by parsing in any case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_mfa-assist");
const UNIT: &str = "contrib/systemd/mfa-assist-kiosk.service";
const SYSUSERS: &str = "contrib/sysusers.d/mfa-assist.conf";

/// The QR code needs about 100 columns by 40 rows (README, "Run it").
const QR_COLS: u32 = 100;
const QR_ROWS: u32 = 40;
/// The kiosk screen docs/kiosk.md is written for.
const SCREEN: (u32, u32) = (1920, 1080);
/// Terminus sizes console-setup ships, width x height (console-setup(5)).
const TERMINUS: [(u32, u32); 8] = [
    (6, 12),
    (8, 14),
    (8, 16),
    (10, 20),
    (11, 22),
    (12, 24),
    (14, 28),
    (16, 32),
];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    fs::read_to_string(repo(path)).unwrap()
}

/// `section -> key -> values`, in file order; a key may repeat.
type Unit = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn parse_unit(text: &str) -> Unit {
    let mut unit = Unit::new();
    let mut section = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            unit.entry(section.clone()).or_default();
            continue;
        }
        let (key, value) = line.split_once('=').expect("key=value");
        unit.entry(section.clone())
            .or_default()
            .entry(key.trim().to_string())
            .or_default()
            .push(value.trim().to_string());
    }
    unit
}

fn one<'a>(unit: &'a Unit, section: &str, key: &str) -> &'a str {
    let values = unit
        .get(section)
        .and_then(|s| s.get(key))
        .unwrap_or_else(|| panic!("[{section}] {key} is not set"));
    assert_eq!(values.len(), 1, "[{section}] {key} is set twice");
    &values[0]
}

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

#[test]
fn the_unit_runs_the_kiosk_on_tty1_for_ever_without_a_shell() {
    let unit = parse_unit(&read(UNIT));

    let exec = one(&unit, "Service", "ExecStart");
    let argv: Vec<&str> = exec.split_whitespace().collect();
    // Started directly: no shell, no wrapper that could be interrupted
    // into a prompt.
    assert_eq!(argv[0], "/usr/bin/mfa-assist", "{exec}");
    assert!(argv.contains(&"--kiosk"), "{exec}");
    // A missing config must be an error, not the training tenant.
    assert!(
        exec.contains("--config /etc/mfa-assist/config.toml"),
        "{exec}"
    );
    for shell in ["sh", "bash", "-c", "login", "agetty"] {
        assert!(
            !argv.iter().any(|a| a.ends_with(shell)),
            "{shell} in {exec}"
        );
    }

    // Back after every exit, and systemd never gives up restarting it.
    assert_eq!(one(&unit, "Service", "Restart"), "always");
    assert_eq!(one(&unit, "Unit", "StartLimitIntervalSec"), "0");

    // On tty1, in place of the login prompt, wiped between people.
    assert_eq!(one(&unit, "Service", "TTYPath"), "/dev/tty1");
    assert!(one(&unit, "Service", "StandardInput").starts_with("tty"));
    assert_eq!(one(&unit, "Service", "StandardOutput"), "tty");
    assert!(one(&unit, "Unit", "Conflicts").contains("getty@tty1.service"));
    for key in ["TTYReset", "TTYVHangup", "TTYVTDisallocate"] {
        assert_eq!(one(&unit, "Service", key), "yes", "{key}");
    }

    // As the unprivileged kiosk user, which cannot gain anything back.
    assert_eq!(one(&unit, "Service", "User"), "mfa-kiosk");
    assert_eq!(one(&unit, "Service", "NoNewPrivileges"), "yes");
    assert_eq!(one(&unit, "Service", "CapabilityBoundingSet"), "");
    assert_eq!(one(&unit, "Service", "ProtectSystem"), "strict");
    assert_eq!(one(&unit, "Service", "ProtectHome"), "yes");
    assert!(unit.contains_key("Install"));
}

#[test]
fn the_kiosk_user_has_no_home_no_shell_and_is_the_units_user() {
    let text = read(SYSUSERS);
    let line = text
        .lines()
        .find(|l| l.starts_with("u "))
        .expect("a user line");
    // u NAME ID "GECOS" HOME SHELL
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields[1], "mfa-kiosk");
    assert_eq!(fields[2], "-", "a system id, chosen by systemd-sysusers");
    assert_eq!(fields[fields.len() - 2], "/nonexistent");
    assert_eq!(fields[fields.len() - 1], "/usr/sbin/nologin");
    let unit = parse_unit(&read(UNIT));
    assert_eq!(one(&unit, "Service", "User"), fields[1]);
}

#[test]
fn systemd_sysusers_creates_the_user_in_a_scratch_root() {
    if !have(
        "systemd-sysusers",
        "creating the kiosk user with systemd-sysusers",
    ) {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    fs::create_dir(root.path().join("etc")).unwrap();
    let out = Command::new("systemd-sysusers")
        .arg(format!("--root={}", root.path().display()))
        .arg(repo(SYSUSERS))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let passwd = fs::read_to_string(root.path().join("etc/passwd")).unwrap();
    let entry = passwd
        .lines()
        .find(|l| l.starts_with("mfa-kiosk:"))
        .unwrap_or_else(|| panic!("no mfa-kiosk in {passwd}"));
    assert!(
        entry.ends_with(":/nonexistent:/usr/sbin/nologin"),
        "{entry}"
    );
    let uid: u32 = entry.split(':').nth(2).unwrap().parse().unwrap();
    assert!(uid < 1000, "a system user: {entry}");
}

#[test]
fn systemd_analyze_verify_accepts_the_unit_without_a_warning() {
    if !have(
        "systemd-analyze",
        "systemd-analyze verify of the kiosk unit",
    ) {
        return;
    }
    let host_units = Path::new("/usr/lib/systemd/system");
    if !host_units.join("sysinit.target").exists() {
        assert!(
            std::env::var("MFA_ASSIST_CI").as_deref() != Ok("1"),
            "no systemd units on this machine; .ci/run installs systemd"
        );
        eprintln!("\n######## SKIPPED systemd-analyze verify: no systemd units ########\n");
        return;
    }
    // A scratch root with the host's units (the targets ours refers to),
    // our unit, and the binary it starts.
    let root = tempfile::tempdir().unwrap();
    let units = root.path().join("usr/lib/systemd/system");
    fs::create_dir_all(&units).unwrap();
    let copy = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", host_units.display()))
        .arg(&units)
        .status()
        .unwrap();
    assert!(copy.success());
    fs::copy(repo(UNIT), units.join("mfa-assist-kiosk.service")).unwrap();
    fs::create_dir_all(root.path().join("usr/bin")).unwrap();
    fs::copy(BIN, root.path().join("usr/bin/mfa-assist")).unwrap();

    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(format!("--root={}", root.path().display()))
        .arg("mfa-assist-kiosk.service")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // An unknown key or a bad value is only a warning: any output fails.
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}

/// `FONTSIZE="12x24"` and friends from the console-setup example.
fn console_setup() -> BTreeMap<String, String> {
    read("contrib/kiosk/console-setup")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        .collect()
}

fn font_size(setup: &BTreeMap<String, String>) -> (u32, u32) {
    let (w, h) = setup["FONTSIZE"].split_once('x').expect("WxH");
    (w.parse().unwrap(), h.parse().unwrap())
}

fn grid((w, h): (u32, u32)) -> (u32, u32) {
    (SCREEN.0 / w, SCREEN.1 / h)
}

#[test]
fn the_console_font_is_the_largest_that_fits_the_qr_on_1920x1080() {
    let setup = console_setup();
    assert_eq!(setup["FONTFACE"], "Terminus");
    assert_eq!(setup["CHARMAP"], "UTF-8");
    let size = font_size(&setup);
    assert!(TERMINUS.contains(&size), "{size:?} is not a Terminus size");
    let (cols, rows) = grid(size);
    assert!(
        cols >= QR_COLS && rows >= QR_ROWS,
        "{size:?} gives {cols}x{rows}"
    );
    assert_eq!((cols, rows), (160, 45), "the numbers docs/kiosk.md gives");
    // Any larger size would not fit: the docs' "largest" holds.
    for bigger in TERMINUS.iter().filter(|s| s.1 > size.1) {
        let (c, r) = grid(*bigger);
        assert!(c < QR_COLS || r < QR_ROWS, "{bigger:?} also fits: {c}x{r}");
    }
    let doc = read("docs/kiosk.md");
    assert!(doc.contains("160") && doc.contains("45"), "docs/kiosk.md");
}

/// Characters a PSF2 console font has glyphs for (its Unicode table).
fn psf2_chars(bytes: &[u8]) -> String {
    assert_eq!(bytes[..4], [0x72, 0xb5, 0x4a, 0x86], "not a PSF2 font");
    let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
    let (header, flags, glyphs, glyph_bytes) = (word(8), word(12), word(16), word(20));
    assert_eq!(flags & 1, 1, "the font has no Unicode table");
    let table = &bytes[header + glyphs * glyph_bytes..];
    // Entries are UTF-8, ended by 0xFF; 0xFE starts a combining sequence.
    let cleaned: Vec<u8> = table
        .iter()
        .map(|&b| if b >= 0xfe { b'\n' } else { b })
        .collect();
    String::from_utf8_lossy(&cleaned).into_owned()
}

#[test]
fn the_console_font_has_the_qr_half_blocks_and_nordic_letters() {
    let setup = console_setup();
    let (w, h) = font_size(&setup);
    let file = format!(
        "/usr/share/consolefonts/{}-{}{h}x{w}.psf.gz",
        setup["CODESET"], setup["FONTFACE"]
    );
    if !Path::new(&file).exists() {
        assert!(
            std::env::var("MFA_ASSIST_CI").as_deref() != Ok("1"),
            "{file} is missing; .ci/run installs console-setup-linux"
        );
        eprintln!("\n######## SKIPPED the console font glyph check: no {file} ########\n");
        return;
    }
    let out = Command::new("gzip").args(["-dc", &file]).output().unwrap();
    assert!(out.status.success());
    let chars = psf2_chars(&out.stdout);
    let missing: String = "▀▄█åäöÅÄÖé"
        .chars()
        .filter(|c| !chars.contains(*c))
        .collect();
    assert!(missing.is_empty(), "{file} lacks {missing}");
}

#[test]
fn the_other_lockdown_files_say_what_docs_kiosk_md_promises() {
    let logind = parse_unit(&read("contrib/kiosk/logind-kiosk.conf"));
    assert_eq!(one(&logind, "Login", "NAutoVTs"), "0");
    assert_eq!(one(&logind, "Login", "ReserveVT"), "0");
    let sysctl = read("contrib/kiosk/sysctl-kiosk.conf");
    assert!(
        sysctl
            .lines()
            .any(|l| l.replace(' ', "") == "kernel.sysrq=0"),
        "{sysctl}"
    );
    let doc = read("docs/kiosk.md");
    for needed in [
        "mfa-assist-kiosk.service",
        "systemctl mask getty@tty1.service",
        "ctrl-alt-del.target",
        "logind-kiosk.conf",
        "sysctl-kiosk.conf",
        "console-setup",
        "mfa-kiosk",
    ] {
        assert!(
            doc.contains(needed),
            "docs/kiosk.md does not mention {needed}"
        );
    }
}
