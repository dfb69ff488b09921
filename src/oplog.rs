//! Over 400 lines only with its unit tests: where the log goes and what each line says.
//!
//! The operational log: what an operator needs to see why a kiosk or desk
//! is slow or failing (provider calls with their status, duration and the
//! server's request id, retries, throttling, timeouts, step changes, start
//! and exit), through `tracing`.
//!
//! Never a secret: every event names only static words, numbers, status
//! codes, request ids and URL paths with their identifiers left out
//! ([`path_for_log`]). Nothing logs an `Effect`, an `Event`, a request, a
//! body or a `ProviderError`'s text (which may quote the server); errors go
//! in as [`error_kind`].
//!
//! Never on the terminal the screens are drawn on: by default the log goes
//! to journald when systemd connected our output to it, to a file when one
//! is set, else nowhere; stderr only when it is not a terminal.

use crate::config::{LogConfig, LogLevel, LogTarget};
use crate::journal;
use crate::provider::ProviderError;
use std::fmt::Write as _;
use std::future::Future;
use std::io::IsTerminal;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;
use tracing::field::{Field, Visit};
use tracing::{Instrument, Level, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// Where the log goes, decided once at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    Off,
    Journald(PathBuf),
    File(PathBuf),
    Stderr,
}

/// What the process knows about its surroundings, read once (tests pass
/// their own).
#[derive(Clone, Copy, Debug, Default)]
pub struct Surroundings {
    /// systemd connected stdout or stderr to the journal (`JOURNAL_STREAM`).
    pub journal_stream: bool,
    pub stderr_is_terminal: bool,
    /// The screens will be drawn (not `check`, `man`, …).
    pub draws: bool,
}

impl Surroundings {
    pub fn now(draws: bool) -> Surroundings {
        Surroundings {
            journal_stream: std::env::var_os("JOURNAL_STREAM").is_some_and(|v| !v.is_empty()),
            stderr_is_terminal: std::io::stderr().is_terminal(),
            draws,
        }
    }
}

/// Where `config` sends the log here.
pub fn destination(config: &LogConfig, around: Surroundings) -> Result<Destination, String> {
    let journal = || {
        Destination::Journald(
            config
                .journal_socket
                .clone()
                .unwrap_or_else(|| PathBuf::from(journal::JOURNALD_SOCKET)),
        )
    };
    Ok(match config.target {
        LogTarget::Off => Destination::Off,
        LogTarget::Journald => journal(),
        LogTarget::File => match &config.file {
            Some(file) => Destination::File(file.clone()),
            None => return Err("log.target is \"file\" but log.file is not set".into()),
        },
        LogTarget::Stderr if around.draws && around.stderr_is_terminal => {
            return Err(
                "log.target is \"stderr\", but stderr is the terminal the assistant \
                        draws on; set log.file, use \"journald\", or redirect stderr (2>file)"
                    .into(),
            );
        }
        LogTarget::Stderr => Destination::Stderr,
        LogTarget::Auto if around.journal_stream => journal(),
        LogTarget::Auto => match &config.file {
            Some(file) => Destination::File(file.clone()),
            None => Destination::Off,
        },
    })
}

fn level_filter(level: LogLevel) -> LevelFilter {
    match level {
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Trace => LevelFilter::TRACE,
    }
}

/// Which events pass: `RUST_LOG` when set (`info`, `mfa_assist::http=debug`,
/// …: targets and levels, no span filters), else `log.level` for this
/// program's own events.
pub fn filter(level: LogLevel, rust_log: Option<&str>) -> Result<Targets, String> {
    match rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        Some(spec) => spec
            .parse::<Targets>()
            .map_err(|e| format!("RUST_LOG={spec:?} is not understood ({e}); e.g. RUST_LOG=debug")),
        None => Ok(Targets::new().with_target("mfa_assist", level_filter(level))),
    }
}

/// Installs the log for this process. Call once, before the terminal is
/// taken over, so a log that cannot be opened stops the start with a
/// message instead of being lost silently.
pub fn init(config: &LogConfig, around: Surroundings) -> Result<Destination, String> {
    let dest = destination(config, around)?;
    let rust_log = std::env::var("RUST_LOG").ok();
    let targets = filter(config.level, rust_log.as_deref())?;
    let out = match &dest {
        Destination::Off => return Ok(dest),
        Destination::File(path) => Out::Text(Mutex::new(Box::new(open_log(path)?))),
        Destination::Journald(path) => {
            let sender = journal::Sender::new(path)
                .and_then(journal::Sender::without_waiting)
                .map_err(|e| format!("cannot open a socket for the journal: {e}"))?;
            sender.reachable().map_err(|e| {
                format!(
                    "the journal is not reachable at {} ({e}); set [log] target",
                    path.display()
                )
            })?;
            Out::Journald(sender)
        }
        Destination::Stderr => Out::Text(Mutex::new(Box::new(std::io::stderr()))),
    };
    tracing_subscriber::registry()
        .with(targets)
        .with(Lines { out })
        .try_init()
        .map_err(|e| format!("cannot start the log: {e}"))?;
    Ok(dest)
}

/// Appends; created owner- and group-readable (operators read it, nobody
/// else needs to).
fn open_log(path: &Path) -> Result<std::fs::File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o640);
    }
    options
        .open(path)
        .map_err(|e| format!("cannot open the log file {}: {e}", path.display()))
}

/// An error in the log's words: its kind, never its text (which may quote
/// the server).
pub fn error_kind(error: &ProviderError) -> &'static str {
    match error {
        ProviderError::WrongPass { .. } => "wrong_pass",
        ProviderError::Locked => "locked",
        ProviderError::PassExpired => "pass_expired",
        ProviderError::PassUsed => "pass_used",
        ProviderError::PassRejected => "pass_rejected",
        ProviderError::UnknownUser => "unknown_user",
        ProviderError::TooManyTries => "too_many_tries",
        ProviderError::NotAllowed(_) => "not_allowed",
        ProviderError::NotFound => "not_found",
        ProviderError::DefaultMethod => "default_method",
        ProviderError::Conflict(_) => "conflict",
        ProviderError::RateLimited { .. } => "rate_limited",
        ProviderError::SessionExpired => "session_expired",
        ProviderError::ReauthRequired => "reauth_required",
        ProviderError::SignInExpired => "sign_in_expired",
        ProviderError::SignInDeclined => "sign_in_declined",
        ProviderError::Server { .. } => "server",
        ProviderError::Unreachable => "unreachable",
        ProviderError::ServerDown => "server_down",
        ProviderError::Timeout => "timeout",
        ProviderError::Protocol(_) => "protocol",
    }
}

/// A provider call, logged once when it ends: the operation, ok or the
/// error's kind, and how long it took. The HTTP exchanges it makes are
/// logged inside its span, so they carry the operation too.
pub async fn call<T>(
    op: &'static str,
    work: impl Future<Output = Result<T, ProviderError>>,
) -> Result<T, ProviderError> {
    timed(op, Level::INFO, work).await
}

/// A poll (the same call made again and again while waiting): at debug,
/// so an info log holds the calls that change something.
pub async fn poll<T>(
    op: &'static str,
    work: impl Future<Output = Result<T, ProviderError>>,
) -> Result<T, ProviderError> {
    timed(op, Level::DEBUG, work).await
}

async fn timed<T>(
    op: &'static str,
    level: Level,
    work: impl Future<Output = Result<T, ProviderError>>,
) -> Result<T, ProviderError> {
    // The last HTTP answer's status and request id are recorded on the
    // span by `http::exchange`, so the one line per call carries them.
    let span = tracing::info_span!(
        target: "mfa_assist::provider",
        "provider",
        op,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty
    );
    let started = Instant::now();
    let result = work.instrument(span.clone()).await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let _inside = span.enter();
    match (&result, level) {
        (Ok(_), Level::INFO) => {
            tracing::info!(target: "mfa_assist::provider", op, outcome = "ok", duration_ms, "provider call");
        }
        (Ok(_), _) => {
            tracing::debug!(target: "mfa_assist::provider", op, outcome = "ok", duration_ms, "provider poll");
        }
        (Err(e), Level::INFO) => {
            tracing::warn!(target: "mfa_assist::provider", op, outcome = "error", error = error_kind(e), duration_ms, "provider call");
        }
        (Err(e), _) => {
            tracing::debug!(target: "mfa_assist::provider", op, outcome = "error", error = error_kind(e), duration_ms, "provider poll");
        }
    }
    result
}

/// A URL path with anything that could name a person or an object left
/// out: segments of letters (`token`, `init`, `authentication`, `$count`)
/// stay, the rest (ids, serials, user names with `@` or digits) become
/// `{}`. The query is never logged.
pub fn path_for_log(url: &reqwest::Url) -> String {
    let mut out = String::new();
    for segment in url.path().split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        let word = segment.len() <= 40
            && segment
                .chars()
                .all(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | '$' | '.'));
        out.push_str(if word { segment } else { "{}" });
    }
    if out.is_empty() || url.path().ends_with('/') {
        out.push('/');
    }
    out
}

/// The request id a server put on its answer, when it gives one (Graph:
/// `request-id`; proxies and others: `x-request-id`), cut to a sane size
/// and to characters that cannot break a log line.
pub fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    ["request-id", "x-request-id", "x-ms-request-id"]
        .into_iter()
        .find_map(|name| headers.get(name)?.to_str().ok())
        .map(|v| {
            v.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
                .take(80)
                .collect()
        })
}

/// Fields of an event or span as text.
#[derive(Default)]
struct Fields {
    message: String,
    pairs: Vec<(&'static str, String)>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.pairs.push((field.name(), value.to_string()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.pairs.push((field.name(), text));
        }
    }
}

/// A span's fields, kept for the events inside it.
struct SpanFields(Vec<(&'static str, String)>);

/// Where the lines go.
enum Out {
    /// One native journal entry per event: the message with its fields
    /// (what `journalctl` shows), and each field on its own
    /// (`MFA_OP=sign_in`, for `journalctl MFA_OP=sign_in`).
    Journald(journal::Sender),
    /// One text line per event: `time LEVEL target: message k=v …`. Written
    /// here rather than by `tracing-subscriber`'s `fmt` layer, which would
    /// cost the binary more than the rest of the log together.
    Text(Mutex<Box<dyn std::io::Write + Send>>),
}

/// Each event with the fields of the spans it is in (the provider call's
/// operation, status and request id), to journald or as a text line.
struct Lines {
    out: Out,
}

impl<S> tracing_subscriber::Layer<S> for Lines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields.pairs));
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        if let Some(span) = ctx.span(id)
            && let Some(SpanFields(pairs)) = span.extensions_mut().get_mut::<SpanFields>()
        {
            for (name, value) in fields.pairs {
                pairs.retain(|(n, _)| *n != name);
                pairs.push((name, value));
            }
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(pairs)) = span.extensions().get::<SpanFields>() {
                    for (name, value) in pairs {
                        if !fields.pairs.iter().any(|(n, _)| n == name) {
                            fields.pairs.push((name, value.clone()));
                        }
                    }
                }
            }
        }
        let meta = event.metadata();
        let mut message = fields.message.clone();
        for (name, value) in &fields.pairs {
            let _ = write!(message, " {name}={}", shown(value));
        }
        match &self.out {
            Out::Journald(sender) => {
                let priority = match *meta.level() {
                    Level::ERROR => journal::Priority::Err,
                    Level::WARN => journal::Priority::Warning,
                    Level::INFO => journal::Priority::Info,
                    _ => journal::Priority::Debug,
                };
                let mut entry = journal::Entry::new(&message, priority);
                entry.field("TARGET", meta.target());
                for (name, value) in &fields.pairs {
                    entry.field(&format!("MFA_{name}"), value);
                }
                // A journal that went away costs the log, never the session.
                let _ = sender.send(entry.bytes());
            }
            Out::Text(writer) => {
                let line = format!(
                    "{} {:>5} {}: {message}\n",
                    crate::timefmt::rfc3339_millis(std::time::SystemTime::now()),
                    meta.level(),
                    meta.target()
                );
                let mut writer = writer.lock().unwrap_or_else(|e| e.into_inner());
                // A full disk costs the log, never the session.
                let _ = writer
                    .write_all(line.as_bytes())
                    .and_then(|()| writer.flush());
            }
        }
    }
}

/// A value as a log line shows it: bare when it is one word, quoted (with
/// escapes) when it has spaces, quotes or control characters, so a line
/// always splits back into its fields.
fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    let bare = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '=');
    if bare {
        std::borrow::Cow::Borrowed(value)
    } else {
        std::borrow::Cow::Owned(format!("{value:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s)
            .unwrap_or_else(|_| reqwest::Url::parse("http://x/").unwrap_or_else(|_| unreachable!()))
    }

    #[test]
    fn paths_keep_words_and_drop_identifiers() {
        assert_eq!(
            path_for_log(&url("https://pi/validate/check?pass=123456")),
            "/validate/check"
        );
        assert_eq!(path_for_log(&url("https://pi/token/")), "/token/");
        assert_eq!(
            path_for_log(&url("https://pi/token/TOTP0001A2B3")),
            "/token/{}"
        );
        assert_eq!(
            path_for_log(&url(
                "https://g/v1.0/users/kim@example.edu/authentication/methods"
            )),
            "/{}/users/{}/authentication/methods"
        );
        assert_eq!(path_for_log(&url("https://g/")), "/");
    }

    #[test]
    fn request_ids_are_read_and_cannot_break_a_line() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let mut h = HeaderMap::new();
        assert_eq!(request_id(&h), None);
        h.insert(
            "request-id",
            HeaderValue::from_static("6a1b2c3d-0000-4e5f a\"b"),
        );
        assert_eq!(request_id(&h).as_deref(), Some("6a1b2c3d-0000-4e5fab"));
        let mut h = HeaderMap::new();
        h.insert("x-request-id", HeaderValue::from_static("abc"));
        assert_eq!(request_id(&h).as_deref(), Some("abc"));
    }

    #[test]
    fn stderr_is_refused_when_it_is_the_screen() {
        let config = LogConfig {
            target: LogTarget::Stderr,
            ..LogConfig::default()
        };
        let screen = Surroundings {
            journal_stream: false,
            stderr_is_terminal: true,
            draws: true,
        };
        assert!(destination(&config, screen).is_err());
        let redirected = Surroundings {
            stderr_is_terminal: false,
            ..screen
        };
        assert_eq!(destination(&config, redirected), Ok(Destination::Stderr));
    }

    #[test]
    fn auto_is_the_journal_under_systemd_else_the_file_else_nothing() {
        let mut config = LogConfig::default();
        let plain = Surroundings {
            journal_stream: false,
            stderr_is_terminal: true,
            draws: true,
        };
        assert_eq!(destination(&config, plain), Ok(Destination::Off));
        config.file = Some("/tmp/x.log".into());
        assert_eq!(
            destination(&config, plain),
            Ok(Destination::File("/tmp/x.log".into()))
        );
        let systemd = Surroundings {
            journal_stream: true,
            ..plain
        };
        assert_eq!(
            destination(&config, systemd),
            Ok(Destination::Journald(journal::JOURNALD_SOCKET.into()))
        );
    }

    #[test]
    fn rust_log_wins_over_the_level() {
        assert!(filter(LogLevel::Info, Some("mfa_assist=trace")).is_ok());
        assert!(filter(LogLevel::Info, Some("debug")).is_ok());
        assert!(filter(LogLevel::Info, Some("mfa_assist=loud")).is_err());
        assert!(filter(LogLevel::Info, None).is_ok());
    }
}
