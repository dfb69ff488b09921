//! The system-wide config in /etc/mfa-assist: where it sits in the search
//! order. The tests point the "system dir" at a temporary directory through
//! `config::load_in`; they never touch the real /etc.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use mfa_assist::config::{self, Config, ConfigErrorKind, ConfigSource};

fn named(name: &str) -> String {
    format!("[organisation]\nname = \"{name}\"\n")
}

fn write(path: &Path, contents: &str) -> PathBuf {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, contents).unwrap();
    path.to_path_buf()
}

#[test]
fn the_system_file_is_the_real_etc_path() {
    assert_eq!(config::SYSTEM_DIR, "/etc/mfa-assist");
}

#[test]
fn flag_then_env_then_user_dir_then_system_dir_then_built_in() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let flag = write(&root.join("flag.toml"), &named("From Flag"));
    let env = write(&root.join("env.toml"), &named("From Env"));
    let user = root.join("user");
    let user_file = write(&user.join("config.toml"), &named("From User Dir"));
    let system = root.join("etc/mfa-assist");
    let system_file = write(&system.join("config.toml"), &named("From System Dir"));
    let env = Some(env.as_os_str());

    let load = |flag: Option<&Path>, env, user: Option<&Path>| {
        config::load_in(flag, env, user, Some(&system)).unwrap()
    };

    let (c, src) = load(Some(&flag), env, Some(&user));
    assert_eq!(c.organisation.name, "From Flag");
    assert_eq!(src, ConfigSource::Flag(flag.clone()));

    let (c, src) = load(None, env, Some(&user));
    assert_eq!(c.organisation.name, "From Env");
    assert!(matches!(src, ConfigSource::Env(_)), "{src:?}");

    let (c, src) = load(None, None, Some(&user));
    assert_eq!(c.organisation.name, "From User Dir");
    assert_eq!(src, ConfigSource::UserDir(user_file.clone()));

    // The user has a config dir but no file in it: the system file is next.
    fs::remove_file(&user_file).unwrap();
    let (c, src) = load(None, None, Some(&user));
    assert_eq!(c.organisation.name, "From System Dir");
    assert_eq!(src, ConfigSource::SystemDir(system_file.clone()));
    assert_eq!(src.path(), Some(system_file.as_path()));
    assert_eq!(src.to_string(), system_file.display().to_string());

    // No home directory at all (a kiosk user without one): still found.
    let (c, src) = load(None, None, None);
    assert_eq!(c.organisation.name, "From System Dir");
    assert_eq!(src, ConfigSource::SystemDir(system_file.clone()));

    // An empty $MFA_ASSIST_CONFIG counts as unset here too.
    let (c, _) = load(None, Some(std::ffi::OsStr::new("")), None);
    assert_eq!(c.organisation.name, "From System Dir");

    fs::remove_file(&system_file).unwrap();
    let (c, src) = load(None, None, Some(&user));
    assert_eq!(c, Config::default());
    assert_eq!(src, ConfigSource::BuiltIn);
}

#[test]
fn files_are_never_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let user = tmp.path().join("user");
    write(&user.join("config.toml"), "[ui]\nlanguage = \"sv\"\n");
    let system = tmp.path().join("system");
    write(&system.join("config.toml"), &named("From System Dir"));

    let (c, src) = config::load_in(None, None, Some(&user), Some(&system)).unwrap();
    assert!(matches!(src, ConfigSource::UserDir(_)), "{src:?}");
    assert_eq!(c.ui.language, "sv");
    assert_eq!(c.organisation.name, Config::default().organisation.name);
}

#[test]
fn a_broken_system_file_is_an_error_naming_it_not_a_silent_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    let system = tmp.path().join("system");
    let file = write(&system.join("config.toml"), "[kiosk]\nenabled = yes\n");

    let err =
        config::load_in(None, None, Some(&tmp.path().join("none")), Some(&system)).unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::Syntax);
    assert_eq!(err.file(), Some(file.as_path()));
    assert!(
        err.to_string().contains(&file.display().to_string()),
        "{err}"
    );
}

#[test]
fn load_with_keeps_its_meaning_without_a_system_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let (c, src) = config::load_with(None, None, Some(tmp.path())).unwrap();
    assert_eq!(c, Config::default());
    assert_eq!(src, ConfigSource::BuiltIn);
}
