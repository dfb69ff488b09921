//! What ends a session from outside: SIGTERM, SIGHUP, SIGINT (only
//! arrives when the terminal is not in raw mode, e.g. `kill -INT`), SIGQUIT
//! (whose default would dump core and leave the screen as it is), and the
//! terminal going away without a signal (its other end closed: crossterm
//! would read nothing forever, at full CPU).

use futures::StreamExt;
use futures::stream::BoxStream;

/// Every way a session can be ended from outside, as one stream. Call it
/// before the terminal is taken over: from then on none of these kills the
/// process before the wipe and the clean-up.
pub fn session_enders() -> BoxStream<'static, ()> {
    futures::stream::select(signals(), crate::driver::tty::hangup()).boxed()
}

#[cfg(unix)]
fn signals() -> BoxStream<'static, ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        SignalKind::terminate(),
        SignalKind::hangup(),
        SignalKind::interrupt(),
        SignalKind::quit(),
    ];
    let streams: Vec<_> = kinds
        .into_iter()
        .filter_map(|k| signal(k).ok())
        .map(|mut s| futures::stream::poll_fn(move |cx| s.poll_recv(cx)).boxed())
        .collect();
    futures::stream::select_all(streams).boxed()
}

#[cfg(not(unix))]
fn signals() -> BoxStream<'static, ()> {
    futures::stream::pending().boxed()
}
