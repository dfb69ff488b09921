//! Two things crossterm's input reader does not do on Unix, done beside it
//! on the same terminal file descriptor (stdin when it is a terminal, else
//! `/dev/tty`, as crossterm chooses).
//!
//! - Hang-up: when the terminal's other end closes, `read` returns 0 for
//!   ever and crossterm spins on it without reporting anything. A thread
//!   blocked in `poll` sees `POLLHUP` and ends the session.
//! - Bursts: crossterm waits for readiness edge-triggered and stops after
//!   one 1 KiB read once it has an event, so the rest of a burst (a paste
//!   on a terminal without bracketed paste) stays unread until another key
//!   arrives. When crossterm is waiting while bytes are still unread,
//!   setting the terminal's attributes to what they already are wakes its
//!   readers (the line discipline announces "ready" on every change), and
//!   crossterm reads on.

use futures::Stream;
use futures::stream::BoxStream;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Ends (yields once) when the terminal hangs up.
pub fn hangup() -> BoxStream<'static, ()> {
    imp::hangup()
}

/// Wraps the terminal's event stream so a burst is read to its end.
pub struct Unstick<S> {
    inner: S,
}

impl<S> Unstick<S> {
    pub fn new(inner: S) -> Unstick<S> {
        Unstick { inner }
    }
}

impl<S> Stream for Unstick<S>
where
    S: Stream<Item = io::Result<crossterm::event::Event>> + Unpin,
{
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if next.is_pending() {
            imp::wake_reader_if_unread();
        }
        next
    }
}

#[cfg(unix)]
mod imp {
    use futures::StreamExt;
    use futures::stream::BoxStream;
    use std::os::fd::{AsRawFd, RawFd};
    use std::sync::OnceLock;

    /// The terminal crossterm reads: stdin if it is one, else `/dev/tty`
    /// (kept open for the life of the process).
    fn tty_fd() -> Option<RawFd> {
        static TTY: OnceLock<Option<std::fs::File>> = OnceLock::new();
        // SAFETY: isatty only inspects the descriptor.
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            return Some(libc::STDIN_FILENO);
        }
        TTY.get_or_init(|| std::fs::File::open("/dev/tty").ok())
            .as_ref()
            .map(AsRawFd::as_raw_fd)
    }

    pub fn hangup() -> BoxStream<'static, ()> {
        let Some(fd) = tty_fd() else {
            return futures::stream::pending().boxed();
        };
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("tty-hangup".into())
            .spawn(move || {
                loop {
                    let mut pfd = libc::pollfd {
                        fd,
                        events: 0,
                        revents: 0,
                    };
                    // SAFETY: one valid pollfd, for the duration of the call.
                    let n = unsafe { libc::poll(&mut pfd, 1, -1) };
                    if n < 0 {
                        if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
                        {
                            continue;
                        }
                        return;
                    }
                    if pfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                        let _ = tx.send(());
                        return;
                    }
                }
            });
        if spawned.is_err() {
            return futures::stream::pending().boxed();
        }
        // Once, then silence: the session ends on the first.
        futures::stream::once(rx)
            .filter_map(|r| async move { r.ok() })
            .chain(futures::stream::pending())
            .boxed()
    }

    pub fn wake_reader_if_unread() {
        let Some(fd) = tty_fd() else { return };
        let mut unread: libc::c_int = 0;
        // SAFETY: FIONREAD writes one c_int.
        if unsafe { libc::ioctl(fd, libc::FIONREAD, &mut unread) } != 0 || unread <= 0 {
            return;
        }
        // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
        let mut attrs: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: attrs outlives both calls; TCSANOW neither waits nor flushes.
        unsafe {
            if libc::tcgetattr(fd, &mut attrs) == 0 {
                libc::tcsetattr(fd, libc::TCSANOW, &attrs);
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use futures::StreamExt;
    use futures::stream::BoxStream;

    pub fn hangup() -> BoxStream<'static, ()> {
        futures::stream::pending().boxed()
    }

    pub fn wake_reader_if_unread() {}
}
