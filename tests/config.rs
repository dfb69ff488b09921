//! The config file: search order, error messages, validation, and the
//! example file staying equal to the built-in defaults.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use mfa_assist::config::{
    self, Config, ConfigError, ConfigErrorKind, ConfigSource, KioskConfig, ProviderKind,
    QrStyleConfig,
};
use mfa_assist::provider::secret_source::SecretSource;
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("../config.example.toml");

/// A directory of our own under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "mfa-assist-config-test-{}-{label}-{n}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn named(name: &str) -> String {
    format!("[organisation]\nname = \"{name}\"\n")
}

fn parse_err(text: &str) -> ConfigError {
    match config::parse(text, Path::new("/etc/mfa-assist/config.toml")) {
        Ok(c) => panic!("expected an error for {text:?}, got {c:?}"),
        Err(e) => e,
    }
}

fn parse_ok(text: &str) -> Config {
    match config::parse(text, Path::new("/etc/mfa-assist/config.toml")) {
        Ok(c) => c,
        Err(e) => panic!("expected {text:?} to parse, got: {e}"),
    }
}

/// A printed error must never carry anything that acts on the terminal.
fn assert_printable(message: &str) {
    assert!(
        !message.chars().any(|c| c.is_control()),
        "control character in {message:?}"
    );
}

// --- search order ---------------------------------------------------------

#[test]
fn flag_beats_env_beats_user_dir_beats_built_in() {
    let dir = TempDir::new("order");
    let flag = dir.write("flag.toml", named("From Flag"));
    let env = dir.write("env.toml", named("From Env"));
    let user = dir.path().join("user");
    let user_file = dir.write("user/config.toml", named("From User Dir"));
    let env_os = env.as_os_str();

    let (c, src) = config::load_with(Some(&flag), Some(env_os), Some(&user)).unwrap();
    assert_eq!(c.organisation.name, "From Flag");
    assert_eq!(src, ConfigSource::Flag(flag.clone()));
    assert_eq!(src.path(), Some(flag.as_path()));

    let (c, src) = config::load_with(None, Some(env_os), Some(&user)).unwrap();
    assert_eq!(c.organisation.name, "From Env");
    assert_eq!(src, ConfigSource::Env(env.clone()));

    let (c, src) = config::load_with(None, None, Some(&user)).unwrap();
    assert_eq!(c.organisation.name, "From User Dir");
    assert_eq!(src, ConfigSource::UserDir(user_file.clone()));

    let (c, src) = config::load_with(None, None, None).unwrap();
    assert_eq!(c, Config::default());
    assert_eq!(src, ConfigSource::BuiltIn);
    assert_eq!(src.path(), None);
}

#[test]
fn user_dir_file_is_optional() {
    let dir = TempDir::new("no-user-file");
    let (c, src) = config::load_with(None, None, Some(dir.path())).unwrap();
    assert_eq!(c, Config::default());
    assert_eq!(src, ConfigSource::BuiltIn);

    let missing = dir.path().join("does/not/exist");
    let (_, src) = config::load_with(None, None, Some(&missing)).unwrap();
    assert_eq!(src, ConfigSource::BuiltIn);
}

#[test]
fn empty_env_value_counts_as_unset() {
    let dir = TempDir::new("empty-env");
    let user_file = dir.write("config.toml", named("From User Dir"));
    let (c, src) = config::load_with(None, Some(OsStr::new("")), Some(dir.path())).unwrap();
    assert_eq!(c.organisation.name, "From User Dir");
    assert_eq!(src, ConfigSource::UserDir(user_file));
}

#[test]
fn load_uses_the_flag_first() {
    let dir = TempDir::new("load");
    let flag = dir.write("chosen.toml", named("Chosen"));
    let (c, src) = config::load(Some(&flag)).unwrap();
    assert_eq!(c.organisation.name, "Chosen");
    assert_eq!(src, ConfigSource::Flag(flag));
}

#[test]
fn missing_flag_file_is_an_error_naming_the_path() {
    let dir = TempDir::new("missing-flag");
    let user = dir.path().join("user");
    dir.write("user/config.toml", named("Not Used"));
    let missing = dir.path().join("typo-confg.toml");

    let err = config::load_with(Some(&missing), None, Some(&user)).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::NotFound);
    assert_eq!(err.file(), Some(missing.as_path()));
    let msg = err.to_string();
    assert!(msg.contains(&missing.display().to_string()), "{msg}");
    assert!(msg.contains("--config"), "{msg}");
    assert!(msg.contains("no such file"), "{msg}");
}

#[test]
fn missing_env_file_is_an_error_naming_the_variable() {
    let dir = TempDir::new("missing-env");
    let missing = dir.path().join("gone.toml");
    let err = config::load_with(None, Some(missing.as_os_str()), Some(dir.path())).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::NotFound);
    let msg = err.to_string();
    assert!(msg.contains(&missing.display().to_string()), "{msg}");
    assert!(msg.contains("MFA_ASSIST_CONFIG"), "{msg}");
}

#[test]
fn a_directory_instead_of_a_file_is_a_clear_error() {
    let dir = TempDir::new("is-dir");
    let err = config::load_with(Some(dir.path()), None, None).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::Unreadable);
    assert!(err.to_string().contains("directory"), "{err}");

    let err = config::load_with(Some(Path::new("")), None, None).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::Unreadable);
    assert!(err.to_string().contains("empty"), "{err}");
}

#[test]
fn a_broken_user_dir_file_is_an_error_not_a_silent_fallback() {
    let dir = TempDir::new("broken-user");
    let file = dir.write("config.toml", "[kiosk]\nenabled = yes\n");
    let err = config::load_with(None, None, Some(dir.path())).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::Syntax);
    assert_eq!(err.file(), Some(file.as_path()));
    assert_eq!(err.line(), Some(2));
}

// --- file contents ----------------------------------------------------------

#[test]
fn example_file_equals_the_defaults() {
    let parsed = config::parse(EXAMPLE, Path::new("config.example.toml"));
    assert_eq!(parsed, Ok(Config::default()));

    // The same file saved on Windows (CRLF line ends) still matches.
    let crlf = EXAMPLE.replace('\n', "\r\n");
    assert_eq!(
        config::parse(&crlf, Path::new("config.example.toml")),
        Ok(Config::default())
    );
    // ...and with a byte-order mark in front.
    let bom = format!("\u{feff}{EXAMPLE}");
    assert_eq!(
        config::parse(&bom, Path::new("config.example.toml")),
        Ok(Config::default())
    );
}

#[test]
fn example_file_mentions_every_option() {
    for key in [
        "[organisation]",
        "name",
        "no_pass_help",
        "helpdesk",
        "[provider]",
        "kind",
        "scenario",
        "[training]",
        "delay_ms",
        "[ui]",
        "language",
        "languages",
        "qr_invert",
        "qr_style",
        "[kiosk]",
        "enabled",
        "idle_timeout_secs",
        "done_countdown_secs",
    ] {
        assert!(
            EXAMPLE.contains(key),
            "config.example.toml does not mention {key}"
        );
    }
}

#[test]
fn defaults_are_as_documented() {
    let c = Config::default();
    assert_eq!(c.organisation.name, "Example University");
    assert!(c.organisation.no_pass_help.contains("ID portal"));
    assert!(c.organisation.no_pass_help.contains('\n'));
    assert_eq!(
        c.organisation.helpdesk,
        "Service desk: +46 8 123 45 67, desk in the library"
    );
    assert_eq!(c.provider.kind, ProviderKind::Training);
    assert_eq!(c.provider.scenario, None);
    assert_eq!(c.training.delay_ms, None);
    assert_eq!(c.ui.language, "en");
    assert_eq!(c.ui.languages, ["en", "sv", "fi"]);
    assert!(!c.ui.qr_invert);
    assert_eq!(c.ui.qr_style, QrStyleConfig::HalfBlock);
    assert_eq!(
        c.kiosk,
        KioskConfig {
            enabled: false,
            idle_timeout_secs: 180,
            done_countdown_secs: 30
        }
    );
    assert_eq!(c.validate(), Ok(()));
}

#[test]
fn empty_file_gives_the_defaults() {
    assert_eq!(parse_ok(""), Config::default());
    assert_eq!(parse_ok("# only a comment\n\n"), Config::default());
    assert_eq!(parse_ok("\u{feff}"), Config::default());
    assert_eq!(parse_ok("[kiosk]\n[ui]\n"), Config::default());

    let dir = TempDir::new("empty");
    let file = dir.write("empty.toml", "");
    let (c, src) = config::load_with(Some(&file), None, None).unwrap();
    assert_eq!(c, Config::default());
    assert_eq!(src, ConfigSource::Flag(file));
}

#[test]
fn a_partial_file_keeps_the_other_defaults() {
    let c = parse_ok(
        "[kiosk]\nenabled = true\nidle_timeout_secs = 0\n\n[ui]\nqr_style = \"wide_spaces\"\nqr_invert = true\n\n[training]\ndelay_ms = 0\n",
    );
    assert!(c.kiosk.enabled);
    assert_eq!(c.kiosk.idle_timeout_secs, 0);
    assert_eq!(c.kiosk.done_countdown_secs, 30);
    assert_eq!(c.ui.qr_style, QrStyleConfig::WideSpaces);
    assert!(c.ui.qr_invert);
    assert_eq!(c.training.delay(), Some(std::time::Duration::ZERO));
    assert_eq!(c.organisation, Config::default().organisation);
    assert_eq!(c.ui.languages, ["en", "sv", "fi"]);
}

#[test]
fn unknown_key_error_names_the_key_the_section_and_the_line() {
    let text = "[organisation]\nname = \"Uni\"\n\n[kiosk]\nenabled = true\nkisok = 3\n";
    let err = parse_err(text);
    assert_eq!(err.kind(), ConfigErrorKind::Schema);
    assert_eq!(err.key(), Some("kiosk.kisok"));
    assert_eq!(err.line(), Some(6));
    let msg = err.to_string();
    assert!(
        msg.starts_with("config file /etc/mfa-assist/config.toml: "),
        "{msg}"
    );
    assert!(msg.contains("unknown key `kisok`"), "{msg}");
    assert!(msg.contains("[kiosk]"), "{msg}");
    assert!(msg.contains("line 6"), "{msg}");
    assert!(
        msg.contains("idle_timeout_secs"),
        "the valid keys are listed: {msg}"
    );
}

#[test]
fn unknown_section_is_reported() {
    let err = parse_err("# settings\n[kisok]\nenabled = true\n");
    assert_eq!(err.kind(), ConfigErrorKind::Schema);
    assert_eq!(err.line(), Some(2));
    let msg = err.to_string();
    assert!(msg.contains("unknown key `kisok`"), "{msg}");
    assert!(
        msg.contains("`kiosk`"),
        "the valid sections are listed: {msg}"
    );
}

#[test]
fn wrong_type_names_the_key_and_the_line() {
    let err = parse_err("[kiosk]\nenabled = true\nidle_timeout_secs = \"180\"\n");
    assert_eq!(err.kind(), ConfigErrorKind::Schema);
    assert_eq!(err.key(), Some("kiosk.idle_timeout_secs"));
    assert_eq!(err.line(), Some(3));
    let msg = err.to_string();
    assert!(msg.contains("kiosk.idle_timeout_secs"), "{msg}");
    assert!(msg.contains("whole number"), "{msg}");
    assert!(msg.contains("line 3"), "{msg}");

    let err = parse_err("[kiosk]\nidle_timeout_secs = -5\n");
    assert_eq!(err.key(), Some("kiosk.idle_timeout_secs"));

    let err = parse_err("[ui]\nqr_invert = \"yes\"\n");
    assert_eq!(err.key(), Some("ui.qr_invert"));
    assert_eq!(err.line(), Some(2));

    let err = parse_err("kiosk = 3\n");
    assert_eq!(err.key(), Some("kiosk"));
    assert!(err.to_string().contains("[section]"), "{err}");
}

#[test]
fn unknown_enum_value_lists_the_choices() {
    let err = parse_err("[ui]\nqr_style = \"full_block\"\n");
    assert_eq!(err.key(), Some("ui.qr_style"));
    let msg = err.to_string();
    assert!(msg.contains("full_block"), "{msg}");
    assert!(
        msg.contains("half_block") && msg.contains("wide_spaces"),
        "{msg}"
    );

    let err = parse_err("[provider]\nkind = \"graph\"\n");
    assert_eq!(err.key(), Some("provider.kind"));
    assert!(err.to_string().contains("training"), "{err}");
}

#[test]
fn syntax_errors_give_the_line() {
    let err = parse_err("[ui]\nlanguage = \"en\n");
    assert_eq!(err.kind(), ConfigErrorKind::Syntax);
    assert_eq!(err.line(), Some(2));
    assert!(err.to_string().contains("line 2"), "{err}");

    let err = parse_err("[kiosk]\nenabled = true\n[kiosk]\nenabled = false\n");
    assert_eq!(err.kind(), ConfigErrorKind::Syntax);
    assert_eq!(err.line(), Some(3));
    assert!(err.to_string().contains("duplicate"), "{err}");
}

#[test]
fn invalid_language_is_rejected() {
    let err = parse_err("[ui]\nlanguage = \"de\"\n");
    assert_eq!(err.kind(), ConfigErrorKind::Invalid);
    assert_eq!(err.key(), Some("ui.language"));
    assert_eq!(err.line(), Some(2));
    let msg = err.to_string();
    assert!(
        msg.contains("\"de\"") && msg.contains("en, sv, fi"),
        "{msg}"
    );

    // Supported, but not offered.
    let err = parse_err("[ui]\nlanguage = \"fi\"\nlanguages = [\"en\", \"sv\"]\n");
    assert_eq!(err.key(), Some("ui.language"));
    assert!(
        err.to_string().contains("add it to `ui.languages`"),
        "{err}"
    );

    let err = parse_err("[ui]\nlanguages = [\"en\", \"de\"]\n");
    assert_eq!(err.key(), Some("ui.languages"));
    assert!(err.to_string().contains("\"de\""), "{err}");

    let err = parse_err("[ui]\nlanguages = []\n");
    assert_eq!(err.key(), Some("ui.languages"));

    let err = parse_err("[ui]\nlanguages = [\"en\", \"en\"]\n");
    assert!(err.to_string().contains("twice"), "{err}");

    let err = parse_err("[ui]\nlanguage = \"EN\"\n");
    assert_eq!(err.key(), Some("ui.language"));

    let c = parse_ok("[ui]\nlanguage = \"sv\"\nlanguages = [\"sv\", \"en\"]\n");
    assert_eq!(c.ui.language, "sv");
    assert_eq!(c.ui.languages, ["sv", "en"]);
}

#[test]
fn kiosk_ranges_are_checked() {
    let idle = |v: u64| {
        config::parse(
            &format!("[kiosk]\nidle_timeout_secs = {v}\n"),
            Path::new("c"),
        )
    };
    assert!(idle(0).is_ok());
    assert!(idle(15).is_ok());
    assert!(idle(86_400).is_ok());
    for bad in [1, 14, 86_401, u64::MAX / 2] {
        let err = idle(bad).unwrap_err();
        assert_eq!(err.key(), Some("kiosk.idle_timeout_secs"), "{bad}");
        assert_eq!(err.line(), Some(2));
    }
    let done = |v: u64| {
        config::parse(
            &format!("[kiosk]\ndone_countdown_secs = {v}\n"),
            Path::new("c"),
        )
    };
    assert!(done(3).is_ok());
    assert!(done(600).is_ok());
    for bad in [0, 2, 601] {
        assert_eq!(
            done(bad).unwrap_err().key(),
            Some("kiosk.done_countdown_secs"),
            "{bad}"
        );
    }
    // Too big for TOML's 64-bit signed integers.
    let err = parse_err("[kiosk]\nidle_timeout_secs = 99999999999999999999\n");
    assert_eq!(err.line(), Some(2));
}

#[test]
fn training_delay_is_bounded() {
    assert!(config::parse("[training]\ndelay_ms = 60000\n", Path::new("c")).is_ok());
    let err = parse_err("[training]\ndelay_ms = 60001\n");
    assert_eq!(err.key(), Some("training.delay_ms"));
}

#[test]
fn organisation_texts_are_checked() {
    let long = "x".repeat(2000);
    assert!(
        config::parse(
            &format!("[organisation]\nhelpdesk = \"{long}\"\n"),
            Path::new("c")
        )
        .is_ok()
    );
    let err = parse_err(&format!("[organisation]\nhelpdesk = \"{long}y\"\n"));
    assert_eq!(err.key(), Some("organisation.helpdesk"));
    assert!(err.to_string().contains("2001"), "{err}");

    // Characters, not bytes: 2000 letters of two bytes each are fine.
    let wide = "å".repeat(2000);
    assert!(
        config::parse(
            &format!("[organisation]\nname = \"{wide}\"\n"),
            Path::new("c")
        )
        .is_ok()
    );

    let err = parse_err("[organisation]\nname = \"  \"\n");
    assert_eq!(err.key(), Some("organisation.name"));

    let err = parse_err("[organisation]\nhelpdesk = \"\"\"\nline one\nline two\"\"\"\n");
    assert_eq!(err.key(), Some("organisation.helpdesk"));
    assert!(err.to_string().contains("more than one line"), "{err}");

    let c = parse_ok("[organisation]\nno_pass_help = \"\"\"\nline one\nline two\"\"\"\n");
    assert_eq!(c.organisation.no_pass_help, "line one\nline two");

    let err = parse_err("[organisation]\nno_pass_help = \"a\\tb\"\n");
    assert!(err.to_string().contains("tabs"), "{err}");
}

#[test]
fn terminal_escapes_never_reach_the_screen() {
    // In a value: refused, and the message shows the escape as text.
    let err = parse_err("[organisation]\nname = \"Uni\\u001b[2J\"\n");
    assert_eq!(err.key(), Some("organisation.name"));
    assert!(err.to_string().contains("U+001B"), "{err}");
    assert_printable(&err.to_string());

    // A right-to-left override would reorder the title bar.
    let err = parse_err("[organisation]\nname = \"Uni\\u202Eevil\"\n");
    assert_eq!(err.key(), Some("organisation.name"));

    // In an unknown key's name: the message escapes it.
    let err = parse_err("[ui]\n\"\\u001b[31mred\" = 1\n");
    assert_eq!(err.kind(), ConfigErrorKind::Schema);
    assert_printable(&err.to_string());

    // In the file name.
    let err = config::parse("kisok = 1", Path::new("/tmp/\u{1b}[2Jx.toml")).unwrap_err();
    assert_printable(&err.to_string());
}

#[test]
fn relative_scenario_is_resolved_against_the_config_dir() {
    let dir = TempDir::new("scenario");
    let file = dir.write(
        "etc/config.toml",
        "[provider]\nkind = \"training\"\nscenario = \"scenarios/class.toml\"\n",
    );
    let (c, _) = config::load_with(Some(&file), None, None).unwrap();
    assert_eq!(
        c.provider.scenario,
        Some(dir.path().join("etc").join("scenarios/class.toml"))
    );

    let c = config::parse(
        "[provider]\nscenario = \"class.toml\"\n",
        Path::new("/srv/mfa/config.toml"),
    )
    .unwrap();
    assert_eq!(
        c.provider.scenario,
        Some(PathBuf::from("/srv/mfa/class.toml"))
    );

    let c = config::parse(
        "[provider]\nscenario = \"/opt/scenarios/a.toml\"\n",
        Path::new("/srv/mfa/config.toml"),
    )
    .unwrap();
    assert_eq!(
        c.provider.scenario,
        Some(PathBuf::from("/opt/scenarios/a.toml"))
    );

    let err = parse_err("[provider]\nscenario = \"\"\n");
    assert_eq!(err.key(), Some("provider.scenario"));
}

#[test]
fn invalid_utf8_is_a_clear_error() {
    let dir = TempDir::new("utf8");
    let file = dir.write(
        "latin1.toml",
        b"[organisation]\nname = \"Lunds universitet \xe5\"\n",
    );
    let err = config::load_with(Some(&file), None, None).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::NotUtf8);
    assert_eq!(err.file(), Some(file.as_path()));
    assert_eq!(err.line(), Some(2));
    let msg = err.to_string();
    assert!(msg.contains("UTF-8"), "{msg}");
    assert!(msg.contains("line 2"), "{msg}");
    assert!(msg.contains(&file.display().to_string()), "{msg}");
}

#[test]
fn binary_junk_is_a_clear_error() {
    let dir = TempDir::new("junk");
    // A simple deterministic generator: no extra crates.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..40 {
        let len = 1 + (round * 97) % 3000;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 56) as u8
            })
            .collect();
        let file = dir.write(&format!("junk-{round}.toml"), &bytes);
        match config::load_with(Some(&file), None, None) {
            Ok((c, _)) => assert_eq!(c.validate(), Ok(())),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains(&file.display().to_string()), "{msg}");
                assert_printable(&msg);
            }
        }
    }
    // Valid UTF-8, but not TOML, with a NUL in it.
    let file = dir.write("nul.toml", "name\0 = 1\n");
    let err = config::load_with(Some(&file), None, None).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::Syntax);
    assert_printable(&err.to_string());
}

#[test]
fn huge_file_is_refused() {
    let dir = TempDir::new("huge");
    let mut text = String::from("# padding\n");
    text.push_str(&"#".repeat(config::MAX_FILE_BYTES));
    let file = dir.write("huge.toml", &text);
    let err = config::load_with(Some(&file), None, None).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::TooLarge);
    assert!(err.to_string().contains("larger than"), "{err}");

    assert_eq!(
        config::parse(&text, Path::new("huge.toml"))
            .unwrap_err()
            .kind(),
        ConfigErrorKind::TooLarge
    );
}

#[test]
fn deeply_nested_input_does_not_overflow() {
    for text in [
        format!("a = {}", "[".repeat(200_000)),
        format!("a = {}", "{a = ".repeat(100_000)),
        format!("a{} = 1", ".a".repeat(100_000)),
        format!("[a{}]", ".a".repeat(100_000)),
        format!("[ui]\nlanguages = {}", "[".repeat(100_000)),
    ] {
        let err = parse_err(&text);
        assert_printable(&err.to_string());
        assert!(err.to_string().len() < 2000, "message stays short");
    }
}

#[test]
fn long_bad_values_are_shortened_in_messages() {
    let long = "z".repeat(100_000);
    let err = parse_err(&format!("[kiosk]\nidle_timeout_secs = \"{long}\"\n"));
    assert!(err.to_string().len() < 1000, "{}", err.to_string().len());
    let err = parse_err(&format!("[ui]\nlanguage = \"{long}\"\n"));
    assert!(err.to_string().len() < 1000, "{}", err.to_string().len());
}

#[test]
fn validate_works_without_a_file() {
    let mut c = Config::default();
    c.ui.language = "de".into();
    let err = c.validate().unwrap_err();
    assert_eq!(err.file(), None);
    assert_eq!(err.line(), None);
    assert!(err.to_string().starts_with("configuration: "), "{err}");
}

// --- never panics -----------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // A failing case is saved and replayed first on every later run.
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("proptest-regressions/config.txt")
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parse_never_panics_on_any_text(text in any::<String>()) {
        if let Err(e) = config::parse(&text, Path::new("p.toml")) {
            assert_printable(&e.to_string());
        }
    }

    /// Near-valid files: the example with a few characters deleted,
    /// duplicated or replaced.
    #[test]
    fn parse_never_panics_on_edited_example(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<char>()), 1..6)
    ) {
        let mut chars: Vec<char> = EXAMPLE.chars().collect();
        for (at, op, c) in edits {
            let i = at.index(chars.len());
            match op {
                0 => { chars.remove(i); }
                1 => chars.insert(i, chars[i]),
                _ => chars[i] = c,
            }
        }
        let text: String = chars.into_iter().collect();
        match config::parse(&text, Path::new("p.toml")) {
            Ok(c) => prop_assert_eq!(c.validate(), Ok(())),
            Err(e) => {
                let msg = e.to_string();
                assert_printable(&msg);
                prop_assert!(msg.starts_with("config file p.toml: "), "{}", msg);
            }
        }
    }
}

#[test]
fn privacyidea_needs_a_base_url_and_https() {
    let e = parse_err("[provider]\nkind = \"privacyidea\"\n");
    assert!(e.to_string().contains("privacyidea.base_url"), "{e}");
    let e = parse_err(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"http://mfa.example.edu\"\n",
    );
    assert!(e.to_string().contains("https"), "{e}");
    assert_printable(&e.to_string());
    let c = parse_ok(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://mfa.example.edu\"\n\
         realm = \"students\"\nmethods = [\"code\"]\n",
    );
    assert_eq!(c.privacyidea.realm, "students");
    let e = parse_err(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://x.example\"\nmethods = []\n",
    );
    assert!(e.to_string().contains("privacyidea.methods"), "{e}");
    // A server on this machine may use plain http (tests, a local proxy).
    parse_ok(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"http://127.0.0.1:5001\"\n",
    );
}

#[test]
fn entra_needs_a_tenant_and_a_client_id() {
    let e = parse_err("[provider]\nkind = \"entra\"\n");
    assert!(e.to_string().contains("entra.tenant"), "{e}");
    let e =
        parse_err("[provider]\nkind = \"entra\"\n[entra]\ntenant = \"contoso.onmicrosoft.com\"\n");
    assert!(e.to_string().contains("entra.client_id"), "{e}");
    let c = parse_ok(
        "[provider]\nkind = \"entra\"\n[entra]\ntenant = \"contoso.onmicrosoft.com\"\n\
         client_id = \"00000000-0000-0000-0000-000000000001\"\n",
    );
    assert_eq!(c.entra.graph_base, "https://graph.microsoft.com/v1.0");
    let provider = mfa_assist::setup::provider(&c, None).expect("an Entra provider");
    assert_eq!(
        provider.capabilities().sign_in,
        mfa_assist::provider::SignInKind::DeviceCode
    );
}

#[test]
fn privacyidea_admin_settings_default_and_are_documented() {
    let c = Config::default();
    assert_eq!(c.privacyidea.admin_user, "");
    assert_eq!(
        c.privacyidea.admin_password_env,
        "MFA_ASSIST_PI_ADMIN_PASSWORD"
    );
    assert_eq!(c.privacyidea.admin_password_file, None);
    for key in ["admin_user", "admin_password_env", "admin_password_file"] {
        assert!(
            EXAMPLE.contains(key),
            "config.example.toml does not mention {key}"
        );
    }
    let c = parse_ok(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://mfa.example.edu\"\n\
         admin_user = \"helpdesk\"\nadmin_password_env = \"PI_HELPDESK_PW\"\n",
    );
    assert_eq!(c.privacyidea.admin_user, "helpdesk");
    assert_eq!(c.privacyidea.admin_password_env, "PI_HELPDESK_PW");
}

#[test]
fn the_privacyidea_admin_password_never_goes_in_the_file() {
    let e = parse_err(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://x.example\"\n\
         admin_password = \"hunter2\"\n",
    );
    assert_eq!(e.kind(), ConfigErrorKind::Schema);
    assert_eq!(e.line(), Some(5));
    assert!(e.to_string().contains("admin_password"), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");

    // Written into the variable-name key by mistake: refused, and the
    // message says where the password belongs.
    let e = parse_err(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://x.example\"\n\
         admin_password_env = \"s3cret pass!\"\n",
    );
    assert_eq!(e.key(), Some("privacyidea.admin_password_env"));
    assert_eq!(e.line(), Some(5));
    assert!(
        e.to_string().contains("not an environment variable name"),
        "{e}"
    );
    assert!(e.to_string().contains("never in this file"), "{e}");
    assert!(
        !e.to_string().contains("s3cret"),
        "the value is not repeated: {e}"
    );
    assert_printable(&e.to_string());
    for bad in ["", "1ABC", "A-B", "A B"] {
        let e = parse_err(&format!(
            "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://x.example\"\n\
             admin_password_env = \"{bad}\"\n"
        ));
        assert_eq!(e.key(), Some("privacyidea.admin_password_env"), "{bad:?}");
    }
}

#[test]
fn privacyidea_admin_user_and_file_are_checked() {
    let e = parse_err(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://x.example\"\n\
         admin_user = \"help\\u001b[2Jdesk\"\n",
    );
    assert_eq!(e.key(), Some("privacyidea.admin_user"));
    assert_eq!(e.line(), Some(5));
    assert_printable(&e.to_string());

    let e = parse_err(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://x.example\"\n\
         admin_password_file = \"\"\n",
    );
    assert_eq!(e.key(), Some("privacyidea.admin_password_file"));
    assert!(e.to_string().contains("empty path"), "{e}");

    // A relative file is read from the config file's directory.
    let c = config::parse(
        "[privacyidea]\nadmin_password_file = \"secrets/pi-admin\"\n",
        Path::new("/srv/mfa/config.toml"),
    )
    .unwrap();
    assert_eq!(
        c.privacyidea.admin_password_file,
        Some(PathBuf::from("/srv/mfa/secrets/pi-admin"))
    );
}

#[tokio::test]
async fn helpdesk_on_privacyidea_explains_what_is_missing() {
    let mut c = parse_ok(
        "[provider]\nkind = \"privacyidea\"\n[privacyidea]\nbase_url = \"https://mfa.example.edu\"\n",
    );
    let e = setup_admin_error(&c).await;
    assert!(e.contains("admin_user"), "{e}");
    assert!(!e.contains('\n'), "one line: {e}");

    c.privacyidea.admin_user = "helpdesk".into();
    c.privacyidea.admin_password_env = "MFA_ASSIST_CONFIG_TEST_UNSET_VARIABLE".into();
    let e = setup_admin_error(&c).await;
    assert!(
        e.contains("MFA_ASSIST_CONFIG_TEST_UNSET_VARIABLE") && e.contains("not set"),
        "{e}"
    );

    let dir = TempDir::new("pi-admin");
    let missing = dir.path().join("no-such-file");
    c.privacyidea.admin_password_file = Some(missing.clone());
    let e = setup_admin_error(&c).await;
    assert!(e.contains(&missing.display().to_string()), "{e}");
    assert!(!e.contains('\n'), "one line: {e}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let open = dir.write("open-pw", "pw-everyone-can-read\n");
        fs::set_permissions(&open, fs::Permissions::from_mode(0o644)).unwrap();
        c.privacyidea.admin_password_file = Some(open);
        let e = setup_admin_error(&c).await;
        assert!(e.contains("chmod 600"), "{e}");
        assert!(!e.contains("pw-everyone-can-read"), "{e}");
    }
}

/// Why helpdesk mode cannot start with `config` (it must not).
async fn setup_admin_error(config: &mfa_assist::config::Config) -> String {
    match mfa_assist::setup::admin(config, None).await {
        Ok(_) => panic!("helpdesk mode started, but should have been refused"),
        Err(e) => e,
    }
}

const ENTRA: &str = "[provider]\nkind = \"entra\"\n[entra]\ntenant = \"contoso.onmicrosoft.com\"\n\
                     client_id = \"00000000-0000-0000-0000-000000000001\"\n";

#[test]
fn entra_client_secret_comes_from_a_variable_by_default() {
    let c = parse_ok(ENTRA);
    assert_eq!(c.entra.client_secret_env, "MFA_ASSIST_ENTRA_CLIENT_SECRET");
    assert_eq!(c.entra.client_secret_env, config::DEFAULT_CLIENT_SECRET_ENV);
    assert_eq!(c.entra.client_secret_file, None);
    assert_eq!(
        mfa_assist::setup::client_secret_source(&c.entra),
        SecretSource::Env("MFA_ASSIST_ENTRA_CLIENT_SECRET".into())
    );
    for key in ["client_secret_env", "client_secret_file"] {
        assert!(EXAMPLE.contains(key), "config.example.toml lacks {key}");
    }

    let c = parse_ok(&format!(
        "{ENTRA}client_secret_env = \"HELPDESK_GRAPH_SECRET\"\n"
    ));
    assert_eq!(
        mfa_assist::setup::client_secret_source(&c.entra),
        SecretSource::Env("HELPDESK_GRAPH_SECRET".into())
    );
}

#[test]
fn entra_client_secret_file_wins_and_is_read_from_the_config_dir() {
    let c = config::parse(
        &format!("{ENTRA}client_secret_file = \"secrets/graph\"\n"),
        Path::new("/srv/mfa/config.toml"),
    )
    .unwrap();
    let expected = PathBuf::from("/srv/mfa/secrets/graph");
    assert_eq!(
        c.entra.client_secret_file.as_deref(),
        Some(expected.as_path())
    );
    assert_eq!(
        mfa_assist::setup::client_secret_source(&c.entra),
        SecretSource::File(expected)
    );
    let c = parse_ok(&format!("{ENTRA}client_secret_file = \"/etc/mfa/graph\"\n"));
    assert_eq!(
        c.entra.client_secret_file,
        Some(PathBuf::from("/etc/mfa/graph"))
    );

    let e = parse_err(&format!("{ENTRA}client_secret_file = \"\"\n"));
    assert_eq!(e.key(), Some("entra.client_secret_file"));
    assert_eq!(e.line(), Some(6));
}

#[test]
fn entra_client_secret_env_must_be_a_variable_name() {
    for bad in ["", "MY VAR", "1ST", "A=B", "$SECRET"] {
        let e = parse_err(&format!("{ENTRA}client_secret_env = \"{bad}\"\n"));
        assert_eq!(e.key(), Some("entra.client_secret_env"), "{bad:?}: {e}");
        assert_eq!(e.line(), Some(6), "{e}");
        assert!(e.to_string().contains("not the secret itself"), "{e}");
        assert_printable(&e.to_string());
    }
    // The secret itself pasted here is not echoed back to the screen.
    let pasted = "Abc8Q~x1YzW.vT_5uR-4sQ3pO2nM1lK0jI9hG8fE";
    let e = parse_err(&format!("{ENTRA}client_secret_env = \"{pasted}\"\n"));
    assert!(!e.to_string().contains(pasted), "{e}");
    assert!(!e.to_string().contains("Abc8Q"), "{e}");
    assert!(!format!("{e:?}").contains("Abc8Q"), "{e:?}");
    // Only checked when Entra is the provider.
    parse_ok("[entra]\nclient_secret_env = \"MY VAR\"\n");
}

#[test]
fn entra_client_secret_is_refused_in_the_file_without_echoing_it() {
    let secret = "Zz9Q~verysecretvalue.abc";
    let e = parse_err(&format!("{ENTRA}client_secret = \"{secret}\"\n"));
    assert_eq!(e.key(), Some("entra.client_secret"));
    assert_eq!(e.line(), Some(6));
    let text = e.to_string();
    assert!(
        text.contains("must not be written in the config file"),
        "{text}"
    );
    assert!(text.contains("MFA_ASSIST_ENTRA_CLIENT_SECRET"), "{text}");
    assert!(text.contains("client_secret_file"), "{text}");
    assert!(!text.contains("verysecret"), "{text}");
    assert!(!format!("{e:?}").contains("verysecret"));
    // Any shape of value, even under another provider: never kept.
    let e = parse_err("[entra]\nclient_secret = { value = \"verysecret\" }\n");
    assert_eq!(e.key(), Some("entra.client_secret"), "{e}");
    let c = config::parse(
        "[entra]\nclient_secret = \"verysecret\"\n",
        Path::new("/etc/mfa-assist/config.toml"),
    );
    assert!(!format!("{c:?}").contains("verysecret"));
}
