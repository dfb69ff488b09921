//! Over 400 lines because the one HTTP client's rules (https, retries, limits, errors) are one job.
//!
//! HTTP plumbing shared by the providers that talk to a server (Graph,
//! privacyIDEA): one `reqwest::Client`, the https-only rule, `Retry-After`,
//! retries for reads (writes only after a 429), and the mapping of transport failures to
//! [`ProviderError`].
//!
//! Nothing here ever formats a request, a URL with a query, a header or a
//! body into an error: those may carry tokens, passes or client secrets.

use super::ProviderError;
use crate::secret::Secret;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use zeroize::Zeroize;

/// How long to wait for a TCP + TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Answers larger than this are refused: nothing these providers send comes
/// close, and a runaway body must not eat a kiosk's memory.
pub const MAX_BODY: usize = 4 * 1024 * 1024;
/// A server asking us to wait longer than this is treated as "wait an hour":
/// it keeps the arithmetic sane whatever the header says.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// What the shared client is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// Extra trusted CA certificates (PEM, one or more) for on-premises
    /// servers; the system's roots stay trusted too.
    pub ca_bundle: Option<PathBuf>,
    /// Ignore the `*_proxy` variables. Set it when every server is on this
    /// machine: loopback traffic has no business going through a proxy.
    pub direct: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            ca_bundle: None,
            direct: false,
        }
    }
}

/// Builds the one client a provider uses for all its requests (connection
/// pool, TLS settings and timeouts in one place). The error is a sentence
/// for the person who wrote the configuration.
pub fn build_client(config: &HttpConfig) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.timeout)
        .user_agent(concat!("mfa-assist/", env!("CARGO_PKG_VERSION")))
        // No provider API we call answers with a redirect; following one
        // could carry a bearer token somewhere unexpected, so a 3xx is
        // reported as an unexpected answer instead.
        .redirect(reqwest::redirect::Policy::none());
    if config.direct {
        builder = builder.no_proxy();
    }
    if let Some(path) = &config.ca_bundle {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read the CA bundle {}: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
            format!(
                "the CA bundle {} is not a PEM certificate file",
                path.display()
            )
        })?;
        if certs.is_empty() {
            return Err(format!(
                "the CA bundle {} contains no certificates",
                path.display()
            ));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
        .build()
        .map_err(|_| "cannot set up HTTPS (no usable certificate store?)".to_string())
}

/// Parses a configured base URL and insists on https, except towards this
/// machine (tests and local proxies). The error names the setting's value
/// (never a secret) and says what to change.
pub fn check_base_url(url: &str) -> Result<Url, String> {
    let parsed = Url::parse(url.trim()).map_err(|_| format!("`{url}` is not a valid URL"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => {
            return Err(format!(
                "`{url}` uses plain http; use https (plain http is allowed only to \
                 127.0.0.1, ::1 or localhost)"
            ));
        }
        other => return Err(format!("`{url}`: unsupported scheme `{other}`, use https")),
    }
    if parsed.host().is_none() {
        return Err(format!("`{url}` has no host name"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "the URL for host `{}` must not contain a user name or password",
            parsed.host_str().unwrap_or_default()
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "the URL for host `{}` must not have a query (?…) or fragment (#…)",
            parsed.host_str().unwrap_or_default()
        ));
    }
    Ok(parsed)
}

/// Whether the URL's host is this machine (127.0.0.0/8, ::1, localhost).
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// `Retry-After` from a response's headers, if present and readable.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

/// `Retry-After` is either whole seconds or an HTTP-date (RFC 9110 §10.2.3).
/// A date in the past means "now" (zero); anything unreadable is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only, so the only failure is overflow: a huge wait.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    }
    let at = parse_http_date(value)?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// An HTTP-date in any of the three forms RFC 9110 §5.6.7 says a recipient
/// must accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
pub fn parse_http_date(value: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let (day, month, year, time) = match parts.as_slice() {
        [_, day, month, year, time, "GMT"] => (
            day.parse().ok()?,
            month_number(month)?,
            year.parse().ok()?,
            *time,
        ),
        [_, date, time, "GMT"] => {
            let mut fields = date.split('-');
            let day = fields.next()?.parse().ok()?;
            let month = month_number(fields.next()?)?;
            let short: i64 = fields.next()?.parse().ok()?;
            // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
            let year = if short >= 70 {
                1900 + short
            } else {
                2000 + short
            };
            if fields.next().is_some() {
                return None;
            }
            (day, month, year, *time)
        }
        [_, month, day, time, year] => (
            day.parse().ok()?,
            month_number(month)?,
            year.parse().ok()?,
            *time,
        ),
        _ => return None,
    };
    let mut hms = time.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let m: u64 = hms.next()?.parse().ok()?;
    let s: u64 = hms.next()?.parse().ok()?;
    // The grammar's years have four digits: a larger one would overflow the
    // day count below.
    if hms.next().is_some() || h > 23 || m > 59 || s > 60 || !(0..=9999).contains(&year) {
        return None;
    }
    let days = super::calendar::days_from_civil(year, month, day);
    // A day the month does not have (31 April, 0 May) would quietly become
    // a day of the month next to it: not a date to trust.
    if super::calendar::civil_from_days(days) != (year, month, day) {
        return None;
    }
    let secs = u64::try_from(days).ok()?.checked_mul(86_400)? + h * 3600 + m * 60 + s;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|m| *m == name)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// How reads are retried. Writes are never retried here: a POST or DELETE
/// that timed out may well have happened (only a 429, which says it did
/// not, is sent again, by [`send_once`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// Wait before the second try; doubles each time.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// All tries and waits together stay within this; the app's own bound
    /// on a provider call is 30 s.
    pub budget: Duration,
    /// Per try, unless the request sets its own; `None` keeps the client's.
    pub attempt_timeout: Option<Duration>,
    /// How long a read refused with 429 keeps being sent again after the
    /// server's wait, waits included; 429s do not count as tries.
    pub throttled_budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(4),
            budget: Duration::from_secs(25),
            attempt_timeout: Some(DEFAULT_TIMEOUT),
            throttled_budget: crate::throttle::THROTTLED_BUDGET,
        }
    }
}

impl RetryPolicy {
    /// One try, no waiting: for tests and callers that poll anyway.
    pub fn none() -> Self {
        RetryPolicy {
            attempts: 1,
            throttled_budget: Duration::ZERO,
            ..RetryPolicy::default()
        }
    }

    fn backoff(&self, retry: u32) -> Duration {
        let base = self
            .first_backoff
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_backoff);
        // Up to a quarter more, so clients that failed together do not come
        // back together; the clock's nanoseconds are random enough for that.
        let spread = u64::try_from(base.as_millis() / 4).unwrap_or(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::from(d.subsec_nanos()))
            .unwrap_or(0);
        base + Duration::from_millis(nanos.checked_rem(spread).unwrap_or(0))
    }
}

fn is_idempotent_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether this status means "busy, come back later".
pub fn is_throttled(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
}

/// Sends a read (GET/HEAD/OPTIONS) built by `make`. A 429 is sent again
/// once its `Retry-After` (or the gate's hold, which every call of the
/// process honours) is over, for as long as the policy's
/// `throttled_budget` allows, however many times: the server said when to
/// come back. Connection failures, timeouts and 503 are tried again with
/// back-off, at most `attempts` tries within `budget`. When the budget runs
/// out on a 429/503 that response is returned, so the caller can report
/// [`ProviderError::RateLimited`] with the server's wait.
///
/// Anything but a read is refused without being sent.
pub async fn send_idempotent<F>(
    policy: &RetryPolicy,
    mut make: F,
) -> Result<Response, ProviderError>
where
    F: FnMut() -> RequestBuilder,
{
    let started = Instant::now();
    let mut retry = 0u32;
    loop {
        let remaining = policy.budget.saturating_sub(started.elapsed());
        if remaining.is_zero() {
            return Err(ProviderError::Timeout);
        }
        let tries_left = retry + 1 < policy.attempts;
        // The first request tells which server, so which gate.
        let (client, first) = make().build_split();
        let first =
            first.map_err(|_| ProviderError::Protocol("could not build the request".into()))?;
        if !is_idempotent_read(first.method()) {
            return Err(ProviderError::Protocol(
                "only reads may be sent with retries".into(),
            ));
        }
        let gate = crate::throttle::ThrottleGate::for_origin(first.url());
        let per_try = first
            .timeout()
            .copied()
            .or(policy.attempt_timeout)
            .map_or(remaining, |t| t.min(remaining));
        let mut first = Some(first);
        // A hold already running is waited out as before, within the
        // budget; the gate's own wait below covers the rest of it.
        gate.wait_turn(remaining).await;
        let throttled_budget = policy.throttled_budget.saturating_sub(started.elapsed());
        let sent = gate
            .send(throttled_budget, || {
                let request = first.take().map_or_else(
                    || {
                        make().build().map_err(|_| {
                            ProviderError::Protocol("could not build the request".into())
                        })
                    },
                    Ok,
                );
                let client = client.clone();
                async move {
                    let mut request = request?;
                    *request.timeout_mut() = Some(per_try);
                    exchange(&client, request).await
                }
            })
            .await;
        match sent {
            // A 503 may be the server failing, not pacing: tried again
            // only within the tries and the budget.
            Ok(response) if response.status() == StatusCode::SERVICE_UNAVAILABLE && tries_left => {
                let wait = retry_after(response.headers()).unwrap_or_else(|| policy.backoff(retry));
                if started.elapsed() + wait >= policy.budget {
                    return Ok(response);
                }
                drop(response);
                log_retry("throttled", retry, wait);
                tokio::time::sleep(wait).await;
            }
            Ok(response) => return Ok(response),
            Err(error) => {
                let wait = policy.backoff(retry);
                let transport = matches!(
                    error,
                    ProviderError::Unreachable | ProviderError::ServerDown | ProviderError::Timeout
                );
                if !transport || !tries_left || started.elapsed() + wait >= policy.budget {
                    return Err(error);
                }
                log_retry(crate::oplog::error_kind(&error), retry, wait);
                tokio::time::sleep(wait).await;
            }
        }
        retry += 1;
    }
}

fn log_retry(reason: &'static str, retry: u32, wait: Duration) {
    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    tracing::info!(target: "mfa_assist::http", reason, attempt = retry + 2, wait_ms, "read sent again");
}

/// One HTTP exchange, logged as one line: method, path (no query, no
/// identifiers), status, duration and the server's request id; a 429 or
/// 503 and a failure without an answer at warn.
pub async fn exchange(
    client: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Response, ProviderError> {
    let method = request.method().clone();
    let path = crate::oplog::path_for_log(request.url());
    let started = Instant::now();
    let sent = client.execute(request).await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            // "-" when the server gives none (privacyIDEA does not).
            let request_id =
                crate::oplog::request_id(response.headers()).unwrap_or_else(|| "-".into());
            let call = tracing::Span::current();
            call.record("status", status);
            call.record("request_id", request_id.as_str());
            if is_throttled(response.status()) {
                let retry_after_s = retry_after(response.headers())
                    .map_or(-1, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
                tracing::warn!(target: "mfa_assist::http", %method, path, status, duration_ms, request_id, retry_after_s, "http throttled");
            } else {
                tracing::debug!(target: "mfa_assist::http", %method, path, status, duration_ms, request_id, "http");
            }
            Ok(response)
        }
        Err(e) => {
            let error = map_reqwest_error(&e);
            tracing::warn!(target: "mfa_assist::http", %method, path, error = crate::oplog::error_kind(&error), duration_ms, "http failed");
            Err(error)
        }
    }
}

/// Sends any request once (the way to send a POST or DELETE), except that a
/// 429 is sent again after its `Retry-After` (or the gate's hold) within
/// [`crate::throttle::WRITE_BUDGET`]: a 429 means the server did not carry it
/// out. A 503, a 500 or a timeout is never re-sent. Waits out a running
/// hold first and reports the answer's throttle headers to the gates.
pub async fn send_once(request: RequestBuilder) -> Result<Response, ProviderError> {
    crate::throttle::send_once_gated(request).await
}

/// [`send_once`] with its own budget for sending a 429'd write again.
pub async fn send_once_within(
    request: RequestBuilder,
    budget: Duration,
) -> Result<Response, ProviderError> {
    crate::throttle::send_once_gated_within(request, budget).await
}

/// Transport failures in the words the UI knows. The reqwest error itself is
/// dropped: its text holds the URL.
pub fn map_reqwest_error(error: &reqwest::Error) -> ProviderError {
    if error.is_timeout() {
        ProviderError::Timeout
    } else if error.is_body() || error.is_decode() {
        ProviderError::Protocol("the answer was cut off or unreadable".into())
    } else if server_not_answering(error) {
        ProviderError::ServerDown
    } else if error.is_connect() || error.is_request() {
        ProviderError::Unreachable
    } else if error.is_redirect() {
        ProviderError::Protocol("the server answered with a redirect".into())
    } else if error.is_builder() {
        ProviderError::Protocol("could not build the request".into())
    } else {
        ProviderError::Unreachable
    }
}

/// The request reached the server's machine, so the network is fine, but
/// the server did not answer: the connection was refused (nothing listens),
/// or it was reset or closed after it was made. A name that does not
/// resolve, or no route, is the network's.
fn server_not_answering(error: &reqwest::Error) -> bool {
    use std::io::ErrorKind;
    // Not a connect error: the connection was made, then lost unanswered.
    if error.is_request() && !error.is_connect() {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
            );
        }
        source = e.source();
    }
    false
}

/// A 429 or 503 as [`ProviderError::RateLimited`], with the server's wait.
pub fn throttled_error(status: StatusCode, headers: &HeaderMap) -> Option<ProviderError> {
    is_throttled(status).then(|| ProviderError::RateLimited {
        retry_after: retry_after(headers),
    })
}

/// Reads a whole answer, refusing one larger than `limit` bytes.
pub async fn read_body(mut response: Response, limit: usize) -> Result<Vec<u8>, ProviderError> {
    if response
        .content_length()
        .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
    {
        return Err(ProviderError::Protocol("the answer is too large".into()));
    }
    // Answers carry keys and tokens (privacyIDEA's token/init holds the new
    // key three times over): the buffer is sized from the declared length
    // and grown by hand, the old one wiped, so no reallocation leaves a
    // copy behind in freed memory.
    let declared = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let mut body = Vec::with_capacity(declared.max(BODY_START).min(limit));
    let read = async {
        while let Some(chunk) = response.chunk().await.map_err(|e| map_reqwest_error(&e))? {
            if body.len() + chunk.len() > limit {
                return Err(ProviderError::Protocol("the answer is too large".into()));
            }
            grow_wiping(&mut body, chunk.len());
            body.extend_from_slice(&chunk);
        }
        Ok(())
    };
    match read.await {
        Ok(()) => Ok(body),
        Err(e) => {
            body.zeroize();
            Err(e)
        }
    }
}

/// Where a body buffer starts when the answer declares no length.
const BODY_START: usize = 16 * 1024;

/// Makes room for `more` bytes in `buf` without `Vec`'s own reallocation:
/// a bigger buffer gets the contents, the old one is wiped before it is
/// freed.
fn grow_wiping(buf: &mut Vec<u8>, more: usize) {
    let need = buf.len().saturating_add(more);
    if need <= buf.capacity() {
        return;
    }
    let mut bigger = Vec::with_capacity(need.max(buf.capacity().saturating_mul(2)));
    bigger.extend_from_slice(buf);
    buf.zeroize();
    *buf = bigger;
}

/// `Authorization: Bearer …`, marked sensitive so it never shows in
/// reqwest's or hyper's debug output.
pub fn bearer(token: &Secret) -> Result<HeaderValue, ProviderError> {
    let mut text = String::with_capacity(token.expose().len() + 7);
    text.push_str("Bearer ");
    text.push_str(token.expose());
    let value = HeaderValue::from_str(&text);
    text.zeroize();
    let mut value =
        value.map_err(|_| ProviderError::Protocol("the access token is not usable".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_required_except_loopback() {
        assert!(check_base_url("https://graph.microsoft.com/v1.0").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/v1.0").is_ok());
        assert!(check_base_url("http://[::1]:8080").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        let e = check_base_url("http://graph.example.com").unwrap_err();
        assert!(e.contains("https"), "{e}");
        assert!(check_base_url("ftp://x.example").is_err());
        assert!(check_base_url("not a url").is_err());
        assert!(check_base_url("https://user:pw@x.example").is_err());
        assert!(check_base_url("https://x.example/?a=1").is_err());
        // A host that merely starts with "localhost" is not this machine.
        assert!(check_base_url("http://localhost.evil.example").is_err());
        assert!(check_base_url("http://127.0.0.1.nip.io").is_err());
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:39 1994", now),
            Some(Duration::from_secs(2))
        );
        // In the past: go ahead now.
        assert_eq!(
            parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn http_date_epoch_and_leap_year() {
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(UNIX_EPOCH)
        );
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(1_709_208_000))
        );
        assert_eq!(parse_http_date("Thu, 29 Foo 2024 12:00:00 GMT"), None);
        assert_eq!(parse_http_date("Thu, 29 Feb 2024 25:00:00 GMT"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert!(p.backoff(0) >= Duration::from_millis(500));
        assert!(p.backoff(0) < Duration::from_millis(626));
        assert!(p.backoff(1) >= Duration::from_secs(1));
        assert!(p.backoff(30) <= Duration::from_secs(5));
    }

    /// Each wait is the doubled backoff plus up to a quarter more, never
    /// less and never more, and the extra does vary: clients that failed
    /// together come back spread out. cargo-mutants 2026-12-04: the quarter
    /// `/ 4` → `% 4` (no spread at all) passed `backoff_grows_and_is_capped`.
    #[test]
    fn backoff_adds_a_varying_spread_of_up_to_a_quarter() {
        let p = RetryPolicy::default();
        let waits: Vec<Duration> = (0..200)
            .map(|_| {
                std::thread::sleep(Duration::from_micros(37));
                p.backoff(0)
            })
            .collect();
        let range = Duration::from_millis(500)..Duration::from_millis(625);
        assert!(
            waits.iter().all(|w| range.contains(w)),
            "every wait in 500..625 ms: {waits:?}"
        );
        assert!(
            waits.iter().any(|w| *w > Duration::from_millis(500)),
            "some wait above the plain 500 ms: {waits:?}"
        );
        let capped = p.backoff(30);
        assert!(
            (Duration::from_secs(4)..Duration::from_secs(5)).contains(&capped),
            "{capped:?}"
        );
    }

    /// An answer's buffer is grown here, never by `Vec` itself (which would
    /// leave the old copy of a key in freed memory): after `grow_wiping`
    /// the next bytes fit without a reallocation, and nothing is lost.
    /// cargo-mutants 2026-12-04: `grow_wiping` emptied, and its `<=` → `>`,
    /// passed every test (`extend_from_slice` grew the buffer instead).
    #[test]
    fn a_body_buffer_is_grown_by_hand_with_room_for_the_next_bytes() {
        let mut buf = Vec::with_capacity(4);
        buf.extend_from_slice(b"abcd");
        grow_wiping(&mut buf, 10);
        assert!(buf.capacity() >= 14, "{}", buf.capacity());
        assert_eq!(buf, b"abcd");
        // Room already there: left as it is.
        let mut roomy = Vec::with_capacity(64);
        roomy.extend_from_slice(b"abcd");
        grow_wiping(&mut roomy, 10);
        assert_eq!(roomy.capacity(), 64);
        assert_eq!(roomy, b"abcd");
    }

    #[test]
    fn bearer_is_sensitive() {
        let v = bearer(&Secret::new("tok-123")).unwrap();
        assert!(v.is_sensitive());
        assert!(!format!("{v:?}").contains("tok-123"));
        assert!(bearer(&Secret::new("bad\nvalue")).is_err());
    }

    #[tokio::test]
    async fn writes_are_refused_by_the_retrying_sender() {
        let client = build_client(&HttpConfig {
            direct: true,
            ..HttpConfig::default()
        })
        .unwrap();
        // Port 9 (discard): nothing is sent anyway.
        let e = send_idempotent(&RetryPolicy::default(), || {
            client.post("http://127.0.0.1:9/x")
        })
        .await
        .unwrap_err();
        assert!(matches!(e, ProviderError::Protocol(_)), "{e:?}");
    }

    #[test]
    fn missing_ca_bundle_is_explained() {
        let config = HttpConfig {
            ca_bundle: Some("/nonexistent/ca.pem".into()),
            ..HttpConfig::default()
        };
        let e = build_client(&config).unwrap_err();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }
}
