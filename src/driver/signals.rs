//! What ends a session from outside: SIGTERM, SIGHUP, SIGINT (only
//! arrives when the terminal is not in raw mode, e.g. `kill -INT`), SIGQUIT
//! (whose default would dump core and leave the screen as it is), and the
//! terminal going away without a signal (its other end closed: crossterm
//! would read nothing forever, at full CPU).

use futures::StreamExt;
use futures::stream::BoxStream;
use std::sync::atomic::{AtomicU8, Ordering};

/// Why a session was ended from outside, for the log and the audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// SIGTERM, SIGINT or SIGQUIT: someone or something stopped us.
    Signal,
    /// SIGHUP, or the terminal went away.
    HangUp,
}

/// The last reason an ender fired. Kept beside the stream (whose items stay
/// `()`, so every caller and test that hands the driver its own enders is
/// unchanged); `None` until one fires.
static LAST: AtomicU8 = AtomicU8::new(0);

fn note(reason: EndReason) {
    let code = match reason {
        EndReason::Signal => 1,
        EndReason::HangUp => 2,
    };
    LAST.store(code, Ordering::Relaxed);
}

/// Why the last ender of [`session_enders`] fired, if one did.
pub fn last_end_reason() -> Option<EndReason> {
    match LAST.load(Ordering::Relaxed) {
        1 => Some(EndReason::Signal),
        2 => Some(EndReason::HangUp),
        _ => None,
    }
}

/// Every way a session can be ended from outside, as one stream. Call it
/// before the terminal is taken over: from then on none of these kills the
/// process before the wipe and the clean-up.
pub fn session_enders() -> BoxStream<'static, ()> {
    let hangup = crate::driver::tty::hangup().map(|()| note(EndReason::HangUp));
    futures::stream::select(signals(), hangup).boxed()
}

#[cfg(unix)]
fn signals() -> BoxStream<'static, ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        (SignalKind::terminate(), EndReason::Signal),
        (SignalKind::hangup(), EndReason::HangUp),
        (SignalKind::interrupt(), EndReason::Signal),
        (SignalKind::quit(), EndReason::Signal),
    ];
    let streams: Vec<_> = kinds
        .into_iter()
        .filter_map(|(k, reason)| signal(k).ok().map(|s| (s, reason)))
        .map(|(mut s, reason)| {
            futures::stream::poll_fn(move |cx| s.poll_recv(cx))
                .map(move |()| note(reason))
                .boxed()
        })
        .collect();
    futures::stream::select_all(streams).boxed()
}

#[cfg(not(unix))]
fn signals() -> BoxStream<'static, ()> {
    futures::stream::pending().boxed()
}

/// Real signals raised at this test process, one after another: each ends
/// the session once, with its reason (the log's and the audit's `reason`).
/// A SIGHUP that said "signal" (its reason noted nowhere, or read back
/// wrong) would show only in the log and the audit, which no tmux test
/// reads.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn each_signal_ends_the_session_with_its_reason() {
        let mut enders = session_enders();
        for (signal, reason) in [
            (libc::SIGHUP, EndReason::HangUp),
            (libc::SIGTERM, EndReason::Signal),
            (libc::SIGHUP, EndReason::HangUp),
            (libc::SIGINT, EndReason::Signal),
            (libc::SIGHUP, EndReason::HangUp),
            (libc::SIGQUIT, EndReason::Signal),
        ] {
            // SAFETY: raise only sends a signal to this process; the
            // handlers session_enders installed take it.
            assert_eq!(unsafe { libc::raise(signal) }, 0);
            let ended = tokio::time::timeout(Duration::from_secs(10), enders.next()).await;
            assert_eq!(ended, Ok(Some(())), "signal {signal} ends the session");
            assert_eq!(last_end_reason(), Some(reason), "signal {signal}");
        }
    }
}
