//! Finding the file (flag, environment, user, system, built-in) and parsing it.

use super::*;

/// Where the configuration came from (for the startup log and `--help`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    /// `--config <path>`.
    Flag(PathBuf),
    /// `$MFA_ASSIST_CONFIG`.
    Env(PathBuf),
    /// `config.toml` in the OS config directory.
    UserDir(PathBuf),
    /// `config.toml` in [`SYSTEM_DIR`].
    SystemDir(PathBuf),
    /// No file: the built-in defaults.
    BuiltIn,
}

impl ConfigSource {
    /// The file read, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigSource::Flag(p)
            | ConfigSource::Env(p)
            | ConfigSource::UserDir(p)
            | ConfigSource::SystemDir(p) => Some(p),
            ConfigSource::BuiltIn => None,
        }
    }
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::Flag(p) => {
                write!(f, "{} (from --config)", clean(&p.display().to_string()))
            }
            ConfigSource::Env(p) => {
                write!(f, "{} (from ${ENV_VAR})", clean(&p.display().to_string()))
            }
            ConfigSource::UserDir(p) | ConfigSource::SystemDir(p) => {
                write!(f, "{}", clean(&p.display().to_string()))
            }
            ConfigSource::BuiltIn => f.write_str("built-in defaults"),
        }
    }
}

/// Find and load the configuration (see the module docs for the order).
pub fn load(flag: Option<&Path>) -> Result<(Config, ConfigSource), ConfigError> {
    let env = std::env::var_os(ENV_VAR);
    let dirs = directories::ProjectDirs::from("", "", "mfa-assist");
    load_in(
        flag,
        env.as_deref(),
        dirs.as_ref().map(|d| d.config_dir()),
        Some(Path::new(SYSTEM_DIR)),
    )
}

/// [`load_in`] with no system-wide directory.
pub fn load_with(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    user_dir: Option<&Path>,
) -> Result<(Config, ConfigSource), ConfigError> {
    load_in(flag, env, user_dir, None)
}

/// [`load`] without reading the environment or the real `/etc`: `env` is
/// the value of `$MFA_ASSIST_CONFIG` (empty counts as unset), `user_dir`
/// the OS config directory and `system_dir` the system-wide directory that
/// may hold `config.toml` (tests point it at a temporary directory).
pub fn load_in(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    user_dir: Option<&Path>,
    system_dir: Option<&Path>,
) -> Result<(Config, ConfigSource), ConfigError> {
    if let Some(path) = flag {
        let config = load_file(path, "given with --config")?;
        return Ok((config, ConfigSource::Flag(path.to_path_buf())));
    }
    if let Some(env) = env.filter(|e| !e.is_empty()) {
        let path = PathBuf::from(env);
        let config = load_file(&path, &format!("named by ${ENV_VAR}"))?;
        return Ok((config, ConfigSource::Env(path)));
    }
    if let Some(path) = existing(user_dir)? {
        let config = load_file(&path, "in the user config directory")?;
        return Ok((config, ConfigSource::UserDir(path)));
    }
    if let Some(path) = existing(system_dir)? {
        let config = load_file(&path, "in the system config directory")?;
        return Ok((config, ConfigSource::SystemDir(path)));
    }
    Ok((Config::default(), ConfigSource::BuiltIn))
}

/// `dir/config.toml` if it exists. A file we cannot even check is an error
/// rather than a silent fall-through to a less specific config.
pub(super) fn existing(dir: Option<&Path>) -> Result<Option<PathBuf>, ConfigError> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    let path = dir.join(FILE_NAME);
    match path.try_exists() {
        Ok(found) => Ok(found.then_some(path)),
        Err(e) => Err(ConfigError::new(
            ConfigErrorKind::Unreadable,
            format!("cannot check whether it exists: {}", io_reason(&e)),
        )
        .with_file(&path)),
    }
}

/// Read and [`parse`] one file. `named_by` says who asked for it.
pub(super) fn load_file(path: &Path, named_by: &str) -> Result<Config, ConfigError> {
    let unreadable = |msg: String| ConfigError::new(ConfigErrorKind::Unreadable, msg);
    if path.as_os_str().is_empty() {
        return Err(unreadable(format!("the path {named_by} is empty")));
    }
    let file = File::open(path).map_err(|e| {
        let err = if e.kind() == ErrorKind::NotFound {
            ConfigError::new(
                ConfigErrorKind::NotFound,
                format!("no such file ({named_by})"),
            )
        } else {
            unreadable(format!("cannot open it: {}", io_reason(&e)))
        };
        err.with_file(path)
    })?;
    match file.metadata() {
        Ok(meta) if meta.is_dir() => {
            return Err(unreadable(format!(
                "this is a directory, not a file ({named_by}); name the file itself, e.g. {}",
                clean(&path.join(FILE_NAME).display().to_string())
            ))
            .with_file(path));
        }
        Ok(_) => {}
        Err(e) => {
            return Err(unreadable(format!("cannot read it: {}", io_reason(&e))).with_file(path));
        }
    }
    let mut bytes = Vec::new();
    // One byte more than allowed tells "exactly at the limit" from "over it".
    let limit = u64::try_from(MAX_FILE_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(format!("cannot read it: {}", io_reason(&e))).with_file(path))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large().with_file(path));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bytes = e.as_bytes();
            let good = e.utf8_error().valid_up_to();
            let prefix = std::str::from_utf8(bytes.get(..good).unwrap_or_default()).unwrap_or("");
            return Err(
                ConfigError::new(ConfigErrorKind::NotUtf8, "the file is not UTF-8 text")
                    .with_hint("is this the right file? Save it as UTF-8 plain text")
                    .with_file(path)
                    .at(prefix, prefix.len()),
            );
        }
    };
    parse(&text, path)
}

/// Parse a config file's text and check it. `origin` is the file's path:
/// it appears in error messages, and a relative `provider.scenario` is
/// resolved against its directory.
pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large().with_file(origin));
    }
    let doc = DeTable::parse(text).map_err(|e| {
        let err = ConfigError::new(ConfigErrorKind::Syntax, short(e.message()))
            .with_hint("this is not valid TOML; see config.example.toml for the format")
            .with_file(origin);
        match e.span() {
            Some(span) => err.at(text, span.start),
            None => err,
        }
    })?;
    let mut config = Config::deserialize(toml::de::Deserializer::from(doc.clone()))
        .map_err(|e| schema_error(&e, text, doc.get_ref()).with_file(origin))?;

    if let Some(scenario) = &config.provider.scenario
        && scenario.is_relative()
        && !scenario.as_os_str().is_empty()
        && let Some(dir) = origin.parent()
    {
        config.provider.scenario = Some(dir.join(scenario));
    }
    for path in [
        &mut config.privacyidea.ca_bundle,
        &mut config.privacyidea.admin_password_file,
    ] {
        if let Some(given) = path.as_ref()
            && given.is_relative()
            && !given.as_os_str().is_empty()
            && let Some(dir) = origin.parent()
        {
            *path = Some(dir.join(given));
        }
    }
    for path in [
        &mut config.helpdesk.case_dir,
        &mut config.helpdesk.audit_log,
        &mut config.log.file,
        &mut config.audit.file,
    ]
    .into_iter()
    .flatten()
    {
        if path.is_relative()
            && !path.as_os_str().is_empty()
            && let Some(dir) = origin.parent()
        {
            *path = dir.join(&*path);
        }
    }
    if let Some(file) = &config.entra.client_secret_file
        && file.is_relative()
        && !file.as_os_str().is_empty()
        && let Some(dir) = origin.parent()
    {
        config.entra.client_secret_file = Some(dir.join(file));
    }
    let org = &mut config.organisation;
    for text in [&mut org.name, &mut org.no_pass_help, &mut org.helpdesk] {
        if text.contains("\r\n") {
            *text = text.replace("\r\n", "\n");
        }
    }
    for texts in org.translations_mut() {
        if let Some(text) = texts.no_pass_help.as_mut()
            && text.contains("\r\n")
        {
            *text = text.replace("\r\n", "\n");
        }
    }

    config.validate().map_err(|e| {
        let span = e.key().and_then(|key| value_span(doc.get_ref(), key));
        let e = e.with_file(origin);
        match span {
            Some(span) => e.at(text, span.start),
            None => e,
        }
    })?;
    Ok(config)
}
