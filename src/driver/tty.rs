//! Over 400 lines only with its unit tests (a pty pair each); the code is about 180 lines.
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
    use std::io;
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
                // A watch that cannot poll gives up quietly: the session
                // goes on as it would without the watch.
                if wait_for_hangup(fd).is_ok() {
                    let _ = tx.send(());
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

    /// Sleeps in `poll` until `fd`'s terminal hangs up (`Ok`), without a
    /// timeout (an idle kiosk's watch never wakes), and goes back to sleep
    /// when a signal interrupts it (a resize's SIGWINCH can land on this
    /// thread). `Err` only if `poll` itself fails.
    pub(super) fn wait_for_hangup(fd: RawFd) -> io::Result<()> {
        loop {
            let mut pfd = libc::pollfd {
                fd,
                events: 0,
                revents: 0,
            };
            // SAFETY: one valid pollfd, for the duration of the call.
            let n = unsafe { libc::poll(&mut pfd, 1, -1) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if pfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                return Ok(());
            }
        }
    }

    pub fn wake_reader_if_unread() {
        if let Some(fd) = tty_fd() {
            wake_if_unread(fd);
        }
    }

    /// Sets `fd`'s attributes to what they are (which wakes its readers),
    /// only while input is waiting unread: with nothing to read, waking
    /// crossterm would be a wasted round of system calls on every poll.
    pub(super) fn wake_if_unread(fd: RawFd) {
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

/// The watch and the wake on a pseudo-terminal of their own (`openpty`),
/// without the app: what they do is seen from the other side, the one a
/// terminal emulator holds, and from `/proc` for the watch's thread.
#[cfg(all(test, target_os = "linux"))]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::imp::{wait_for_hangup, wake_if_unread};
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
    use std::ptr::{null, null_mut};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    /// The app's side (`terminal`) and the emulator's (`emulator`).
    struct Pty {
        terminal: OwnedFd,
        emulator: OwnedFd,
    }

    fn pty() -> Pty {
        let (mut emulator, mut terminal) = (-1, -1);
        // SAFETY: two out-parameters; no name, termios or size wanted.
        let rc = unsafe { libc::openpty(&mut emulator, &mut terminal, null_mut(), null(), null()) };
        assert_eq!(rc, 0, "openpty: {}", io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned here only.
        unsafe {
            Pty {
                terminal: OwnedFd::from_raw_fd(terminal),
                emulator: OwnedFd::from_raw_fd(emulator),
            }
        }
    }

    /// `wait_for_hangup` on a thread of its own, which can be watched
    /// (its state and wake-ups in `/proc`) and signalled.
    struct Watch {
        tid: libc::pid_t,
        thread: libc::pthread_t,
        done: mpsc::Receiver<io::Result<()>>,
    }

    impl Watch {
        fn start(fd: RawFd) -> Watch {
            let (ids, ids_rx) = mpsc::channel();
            let (result, done) = mpsc::channel();
            std::thread::spawn(move || {
                // Only SIGUSR2 (sent by a test, to this thread) may land
                // here: signals other tests raise at the whole process
                // would wake the watch and spoil its count of wake-ups.
                // SAFETY: a set filled by sigfillset before use, applied
                // to this thread only.
                unsafe {
                    let mut set: libc::sigset_t = std::mem::zeroed();
                    libc::sigfillset(&mut set);
                    libc::sigdelset(&mut set, libc::SIGUSR2);
                    libc::pthread_sigmask(libc::SIG_SETMASK, &set, null_mut());
                }
                // SAFETY: both only name the calling thread.
                ids.send(unsafe { (libc::gettid(), libc::pthread_self()) })
                    .unwrap();
                result.send(wait_for_hangup(fd)).unwrap();
            });
            let (tid, thread) = ids_rx.recv().unwrap();
            Watch { tid, thread, done }
        }

        fn proc_file(&self, name: &str) -> Option<String> {
            std::fs::read_to_string(format!("/proc/self/task/{}/{name}", self.tid)).ok()
        }

        /// Sleeping: nothing but `poll` puts this thread to sleep.
        fn asleep(&self) -> bool {
            self.proc_file("stat").is_some_and(|stat| {
                // After "pid (comm) ": the state letter.
                stat.rsplit_once(") ")
                    .is_some_and(|(_, rest)| rest.starts_with('S'))
            })
        }

        fn wake_ups(&self) -> u64 {
            let status = self.proc_file("status").unwrap();
            status
                .lines()
                .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                .unwrap()
                .trim()
                .parse()
                .unwrap()
        }

        /// Waits until the thread sleeps (and `also` holds); panics if the
        /// watch ends first.
        fn until_asleep(&self, what: &str, also: impl Fn() -> bool) {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Ok(r) = self.done.try_recv() {
                    panic!("the watch ended before the terminal closed ({what}): {r:?}");
                }
                if also() && self.asleep() {
                    return;
                }
                assert!(Instant::now() < deadline, "the watch never slept ({what})");
                std::thread::sleep(Duration::from_millis(5));
            }
        }

        fn ended(&self) -> io::Result<()> {
            self.done
                .recv_timeout(Duration::from_secs(10))
                .expect("the watch did not end within 10 s of the hang-up")
        }
    }

    #[test]
    fn the_watch_ends_when_the_other_side_closes() {
        let Pty { terminal, emulator } = pty();
        let watch = Watch::start(terminal.as_raw_fd());
        watch.until_asleep("while the terminal is open", || true);
        drop(emulator);
        watch.ended().unwrap();
    }

    /// No timeout: an idle kiosk's watch sleeps until the terminal goes,
    /// it does not wake to look.
    #[test]
    fn the_watch_does_not_wake_while_the_terminal_is_open() {
        let Pty { terminal, emulator } = pty();
        let watch = Watch::start(terminal.as_raw_fd());
        watch.until_asleep("at the start", || true);
        let before = watch.wake_ups();
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(
            watch.wake_ups(),
            before,
            "the watch woke up while nothing happened"
        );
        drop(emulator);
        watch.ended().unwrap();
    }

    static HANDLED: AtomicUsize = AtomicUsize::new(0);

    extern "C" fn count_signal(_: libc::c_int) {
        HANDLED.fetch_add(1, Ordering::SeqCst);
    }

    /// A signal landing on the watch's thread (in the app, a resize's
    /// SIGWINCH can) interrupts `poll`; the watch goes back to sleep and
    /// still sees the hang-up. SIGUSR2 stands in for it here (no other test
    /// of this binary handles it).
    #[test]
    fn a_signal_on_the_watch_thread_does_not_end_the_watch() {
        // SAFETY: a handler that only counts, installed before any SIGUSR2
        // is sent; no SA_RESTART (poll is not restarted after a handler
        // anyway).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = count_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut action.sa_mask);
            assert_eq!(libc::sigaction(libc::SIGUSR2, &action, null_mut()), 0);
        }
        let Pty { terminal, emulator } = pty();
        let watch = Watch::start(terminal.as_raw_fd());
        watch.until_asleep("before the signal", || true);
        let handled = HANDLED.load(Ordering::SeqCst);
        // SAFETY: the thread is alive (it sleeps in poll) and SIGUSR2 is handled.
        assert_eq!(
            unsafe { libc::pthread_kill(watch.thread, libc::SIGUSR2) },
            0
        );
        watch.until_asleep("after the signal", || {
            HANDLED.load(Ordering::SeqCst) > handled
        });
        drop(emulator);
        watch.ended().unwrap();
    }

    /// A descriptor that is not open (POLLNVAL on every poll) ends the
    /// watch: it does not spin on it. (Not one just closed: another test's
    /// thread may open its number again at once.)
    #[test]
    fn a_descriptor_that_is_not_open_ends_the_watch() {
        let watch = Watch::start(RawFd::MAX);
        watch.ended().unwrap();
    }

    /// Linux's packet-mode flag for "the terminal's attributes were set".
    const TIOCPKT_IOCTL: u8 = 64;

    /// The app's terminal in raw mode (as the app sets it: a byte is
    /// readable as soon as it arrives) with EXTPROC, and the emulator's side
    /// in packet mode: every setting of the terminal's attributes then
    /// reaches the emulator as a TIOCPKT_IOCTL packet. That is how a test
    /// sees whether the attributes were set again.
    fn raw_pty_reporting_attributes() -> Pty {
        let p = pty();
        let on: libc::c_int = 1;
        // SAFETY: a termios filled by tcgetattr before use; TIOCPKT reads
        // one c_int.
        unsafe {
            let mut attrs: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(p.terminal.as_raw_fd(), &mut attrs), 0);
            libc::cfmakeraw(&mut attrs);
            attrs.c_lflag |= libc::EXTPROC;
            assert_eq!(
                libc::tcsetattr(p.terminal.as_raw_fd(), libc::TCSANOW, &attrs),
                0
            );
            assert_eq!(libc::ioctl(p.emulator.as_raw_fd(), libc::TIOCPKT, &on), 0);
        }
        p
    }

    /// Reads what the emulator's side has waiting: whether it was a report
    /// of the attributes being set.
    fn attributes_were_set(emulator: &OwnedFd) -> bool {
        let mut pfd = libc::pollfd {
            fd: emulator.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd; a buffer of its stated length.
        unsafe {
            if libc::poll(&mut pfd, 1, 0) != 1 {
                return false;
            }
            let mut packet = [0u8; 64];
            let n = libc::read(pfd.fd, packet.as_mut_ptr().cast(), packet.len());
            n >= 1 && packet[0] & TIOCPKT_IOCTL != 0
        }
    }

    /// Types `bytes` on the emulator's side and waits until the app's side
    /// has all of them unread (the line discipline takes them in on a work
    /// queue, maybe in parts, each part waking readers).
    fn type_and_wait(p: &Pty, bytes: &[u8]) {
        // SAFETY: a buffer of its stated length.
        let n = unsafe { libc::write(p.emulator.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        assert_eq!(n, bytes.len() as isize);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut unread: libc::c_int = 0;
            // SAFETY: FIONREAD writes one c_int.
            let rc = unsafe { libc::ioctl(p.terminal.as_raw_fd(), libc::FIONREAD, &mut unread) };
            assert_eq!(rc, 0);
            if unread as usize == bytes.len() {
                return;
            }
            assert!(Instant::now() < deadline, "{unread} of {n} bytes arrived");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// While bytes wait unread, an edge-triggered reader (crossterm's, via
    /// mio's epoll) that has already been told is told again: it reads on.
    #[test]
    fn unread_input_wakes_an_edge_triggered_reader() {
        let p = raw_pty_reporting_attributes();
        type_and_wait(&p, &[b'z'; 3000]);
        // SAFETY: an epoll descriptor owned here; one event buffer.
        unsafe {
            let epoll = OwnedFd::from_raw_fd(libc::epoll_create1(libc::EPOLL_CLOEXEC));
            let mut interest = libc::epoll_event {
                events: (libc::EPOLLIN | libc::EPOLLET) as u32,
                u64: 0,
            };
            assert_eq!(
                libc::epoll_ctl(
                    epoll.as_raw_fd(),
                    libc::EPOLL_CTL_ADD,
                    p.terminal.as_raw_fd(),
                    &mut interest
                ),
                0
            );
            let mut got = libc::epoll_event { events: 0, u64: 0 };
            let mut told = || libc::epoll_wait(epoll.as_raw_fd(), &mut got, 1, 0);
            assert_eq!(told(), 1, "ready when the reader starts waiting");
            assert_eq!(told(), 0, "edge-triggered: told once");
            wake_if_unread(p.terminal.as_raw_fd());
            assert_eq!(told(), 1, "the wake did not reach the reader");
        }
        assert!(attributes_were_set(&p.emulator));
    }

    /// With nothing unread the terminal is left alone: no wake, so no
    /// round of system calls each time the app looks for input.
    #[test]
    fn nothing_unread_leaves_the_terminal_alone() {
        let p = raw_pty_reporting_attributes();
        wake_if_unread(p.terminal.as_raw_fd());
        assert!(
            !attributes_were_set(&p.emulator),
            "woke with nothing unread"
        );
        // The same check sees a wake when there is one.
        type_and_wait(&p, b"z");
        wake_if_unread(p.terminal.as_raw_fd());
        assert!(attributes_were_set(&p.emulator));
    }
}
