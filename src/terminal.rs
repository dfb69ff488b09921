//! Entering and leaving the full-screen terminal. Leaving happens on every
//! path: normal exit, error (`Drop`), and panic (hook), exactly once.

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

/// Where the terminal is: [`IDLE`], [`ACTIVE`] (raw mode, maybe the
/// alternate screen) or [`RESTORING`] (one thread is putting it back).
static STATE: AtomicU8 = AtomicU8::new(IDLE);
const IDLE: u8 = 0;
const ACTIVE: u8 = 1;
const RESTORING: u8 = 2;
/// How long a second caller of [`restore`] waits for the first to finish.
/// With `panic = "abort"` two threads can panic at once (a broken clock
/// fails every thread): the second must not abort the process while the
/// first is half-way through putting the terminal back.
const RESTORE_WAIT: Duration = Duration::from_secs(1);
/// The plain surface is in use: no alternate screen to leave, nothing but
/// the wipe to write.
static PLAIN: AtomicBool = AtomicBool::new(false);
static KIOSK_WIPE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Holds the terminal in raw mode on the alternate screen until dropped.
/// A whole frame goes out in one write: stdout's own line buffer would send
/// it in 1 KiB pieces, and a terminal can show the half-drawn frame between.
const FRAME_BUFFER: usize = 64 * 1024;

/// The real terminal as ratatui draws on it.
pub type Tui = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

pub struct TerminalGuard {
    pub terminal: Tui,
}

impl TerminalGuard {
    /// `wipe_on_exit`: also clear the normal screen and its scrollback when
    /// leaving (kiosk: the next person must find nothing).
    pub fn enter(wipe_on_exit: bool) -> io::Result<TerminalGuard> {
        KIOSK_WIPE.store(wipe_on_exit, Ordering::SeqCst);
        install_panic_hook();
        enable_raw_mode()?;
        STATE.store(ACTIVE, Ordering::SeqCst);
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableBracketedPaste) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
            FRAME_BUFFER,
            stdout,
        ))) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

/// Holds the terminal in raw mode (keys arrive one by one) for the plain
/// surface: the normal screen, no alternate screen, no bracketed paste, no
/// hidden cursor, so a screen reader follows the text as it is written.
pub struct PlainGuard;

impl PlainGuard {
    /// `wipe_on_exit` as for [`TerminalGuard::enter`].
    pub fn enter(wipe_on_exit: bool) -> io::Result<PlainGuard> {
        KIOSK_WIPE.store(wipe_on_exit, Ordering::SeqCst);
        PLAIN.store(true, Ordering::SeqCst);
        install_panic_hook();
        enable_raw_mode()?;
        STATE.store(ACTIVE, Ordering::SeqCst);
        if wipe_on_exit {
            // A kiosk starts on an empty screen and scrollback, as the
            // alternate screen would show it.
            let mut stdout = io::stdout();
            if let Err(e) = wipe(&mut stdout) {
                restore();
                return Err(e);
            }
        }
        Ok(PlainGuard)
    }
}

impl Drop for PlainGuard {
    fn drop(&mut self) {
        restore();
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as the shell expects it. Safe to call twice, and
/// from several threads at once: only one restores, the others return when
/// it has finished (or after [`RESTORE_WAIT`], should it never finish).
pub fn restore() {
    match STATE.compare_exchange(ACTIVE, RESTORING, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => {}
        Err(RESTORING) => {
            // Counted in sleeps, not read from a clock: a failing clock may
            // be what is panicking.
            let step = Duration::from_millis(1);
            let mut waited = Duration::ZERO;
            while STATE.load(Ordering::SeqCst) == RESTORING && waited < RESTORE_WAIT {
                std::thread::sleep(step);
                waited += step;
            }
            return;
        }
        Err(_) => return,
    }
    let mut stdout = io::stdout();
    if PLAIN.load(Ordering::SeqCst) {
        // Off the prompt's line, so the shell (or the wipe) starts clean.
        let _ = stdout.write_all(b"\r\n");
        let _ = stdout.flush();
    } else {
        let _ = execute!(
            stdout,
            DisableBracketedPaste,
            LeaveAlternateScreen,
            cursor::Show
        );
    }
    if KIOSK_WIPE.load(Ordering::SeqCst) {
        let _ = wipe(&mut stdout);
    }
    let _ = disable_raw_mode();
    STATE.store(IDLE, Ordering::SeqCst);
}

/// Clears the visible screen and the scrollback (`CSI 3 J`).
pub fn wipe(out: &mut impl Write) -> io::Result<()> {
    execute!(
        out,
        Clear(ClearType::All),
        Clear(ClearType::Purge),
        cursor::MoveTo(0, 0)
    )
}

/// Restore first, then let the previous hook print the panic on a sane
/// terminal. The message never includes app state, so no secret leaks.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = Arc::new(std::panic::take_hook());
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Wipes the real terminal's scrollback for the driver.
pub struct RealScreen;

impl crate::driver::Screen for RealScreen {
    fn wipe_scrollback(&mut self) -> io::Result<()> {
        let mut out = io::stdout();
        execute!(out, Clear(ClearType::Purge))
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        let mut out = io::stdout();
        out.write_all(crate::clipboard::osc52(text).as_bytes())?;
        out.flush()
    }
}
