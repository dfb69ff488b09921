//! The one driver both modes run on. It waits on the terminal, on the
//! executor's background answers, on the machine's next timer and on what
//! ends a session from outside; feeds each to the machine; hands the
//! effects to the executor; does what needs the terminal (draw, wipe,
//! copy); and on the way out finishes the clean-up already started.
//! Nothing here decides: the machines do, the executors run their effects.

mod calls;
mod cleanup;
pub mod plain;
mod screen;
mod signals;
mod surface;
pub mod tty;

pub use calls::{Calls, Held, call};
pub use cleanup::Cleanup;
pub use plain::{Page, PlainSurface};
pub use screen::{NoScrollback, Screen};
pub use signals::{EndReason, last_end_reason, session_enders};
pub use surface::{FullSurface, Surface};

use crate::input::{self, Input};
use crate::kernel::{Common, Machine, Millis};
use futures::{Stream, StreamExt};
use ratatui::Frame;
use std::future::Future;
use std::io;
use std::task::Poll;
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// No provider call may hang the screen longer than this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the end of a session may wait for its clean-up (the
/// unfinished method deleted, the session closed) before the process exits.
pub const CLEANUP_BOUND: Duration = Duration::from_secs(3);
/// Input that is already waiting is taken in one go, up to this long,
/// before the screen is drawn again: a burst of thousands of keys costs one
/// frame, not thousands.
const INPUT_BATCH: Duration = Duration::from_millis(20);

/// What an effect needs from the terminal, handed back by the executor.
#[derive(Debug, PartialEq, Eq)]
pub enum Term {
    /// Clear the screen and the scrollback.
    Wipe,
    /// Offer text to the terminal's clipboard.
    Copy(String),
    /// Draw once more and end the session.
    Quit,
}

/// What an event the machine just took came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A key, a paste, a clipboard result.
    Person,
    /// A provider's answer or another background message.
    Answer,
    /// The machine's own timer.
    Timer,
    /// The session was ended from outside.
    Ended(EndReason),
}

/// The mode-specific half of a run: holds the machine, runs its effects.
pub trait Executor {
    type Machine: Machine;
    /// What background tasks send back.
    type Msg: Send;

    fn machine(&self) -> &Self::Machine;
    fn machine_mut(&mut self) -> &mut Self::Machine;
    fn messages(&mut self) -> &mut mpsc::UnboundedReceiver<Self::Msg>;
    /// What a background message means to the machine, if anything.
    fn receive(&mut self, msg: Self::Msg) -> Option<<Self::Machine as Machine>::Event>;
    /// Runs one effect, or hands back what it needs from the terminal.
    fn execute(&mut self, effect: <Self::Machine as Machine>::Effect) -> Option<Term>;
    /// After an event's effects have run (the kiosk encodes its QR here).
    fn settle(&mut self) {}
    /// The machine took an event from `cause`: `before` is how it was
    /// (the kiosk audits what changed).
    fn stepped(&mut self, _before: &Self::Machine, _cause: Cause) {}
    /// How a copy to the clipboard went; the machine hears it as an event.
    fn copied(&mut self, _result: io::Result<()>) -> Option<<Self::Machine as Machine>::Event> {
        None
    }
    fn draw(&self, frame: &mut Frame);
    /// The same state as plain lines, for the plain surface.
    fn page(&self) -> Page;
    /// Stops pollers and requests whose answers no longer matter.
    fn stop(&mut self);
    /// The clean-up queue the end of the session waits for.
    fn cleanup(&mut self) -> &mut Cleanup;
}

/// Where the next event came from.
enum Next<M> {
    Input(Option<io::Result<crossterm::event::Event>>),
    Msg(M),
    Ended,
    Tick,
}

/// Runs until the machine quits, the input ends or something from outside
/// ends the session; then waits (within [`CLEANUP_BOUND`]) for the clean-up.
/// `surface` is the full screen ([`FullSurface`]) or the plain one.
pub async fn run<X, S, E>(
    exec: &mut X,
    surface: &mut dyn Surface<X>,
    screen: &mut dyn Screen,
    input: S,
    enders: E,
) -> io::Result<()>
where
    X: Executor,
    S: Stream<Item = io::Result<crossterm::event::Event>> + Unpin,
    E: Stream<Item = ()> + Unpin,
{
    let result = Driver {
        exec: &mut *exec,
        surface,
        screen,
        started: Instant::now(),
        ending: false,
        dirty: true,
        cause: Cause::Person,
    }
    .run(input, enders)
    .await;
    exec.stop();
    exec.cleanup().finish(CLEANUP_BOUND).await;
    result
}

struct Driver<'a, X: Executor> {
    exec: &'a mut X,
    surface: &'a mut dyn Surface<X>,
    screen: &'a mut dyn Screen,
    started: Instant,
    /// The session is ending: the terminal may be gone, so its errors no
    /// longer stop the clean-up.
    ending: bool,
    dirty: bool,
    /// Where the event being fed came from.
    cause: Cause,
}

/// What handling one event led to.
enum Outcome {
    Go,
    Quit,
}

impl<X: Executor> Driver<'_, X> {
    async fn run<S, E>(mut self, mut input: S, mut enders: E) -> io::Result<()>
    where
        S: Stream<Item = io::Result<crossterm::event::Event>> + Unpin,
        E: Stream<Item = ()> + Unpin,
    {
        loop {
            if self.dirty {
                self.draw()?;
                self.dirty = false;
            }
            let wake = self
                .exec
                .machine()
                .next_wakeup()
                .map(|t| self.started + Duration::from_millis(t.0));
            let next: Next<X::Msg> = tokio::select! {
                event = input.next() => Next::Input(event),
                Some(msg) = self.exec.messages().recv() => Next::Msg(msg),
                Some(()) = enders.next() => Next::Ended,
                () = sleep_until(wake), if wake.is_some() => Next::Tick,
            };
            self.cause = match next {
                Next::Input(_) => Cause::Person,
                Next::Msg(_) => Cause::Answer,
                Next::Tick => Cause::Timer,
                Next::Ended => Cause::Ended(last_end_reason().unwrap_or(EndReason::Signal)),
            };
            let outcome = match next {
                Next::Input(event) => {
                    let mut outcome = self.on_input(event)?;
                    // Take what is already waiting before drawing again.
                    let until = Instant::now() + INPUT_BATCH;
                    while matches!(outcome, Outcome::Go) && Instant::now() < until {
                        // Polled with this task's own waker: crossterm keeps
                        // the first waker it is given, so a throwaway one
                        // (`now_or_never`) would lose the next key.
                        let polled =
                            std::future::poll_fn(|cx| Poll::Ready(input.poll_next_unpin(cx))).await;
                        let Poll::Ready(event) = polled else { break };
                        self.echo_before(&event)?;
                        outcome = self.on_input(event)?;
                    }
                    outcome
                }
                Next::Msg(msg) => match self.exec.receive(msg) {
                    Some(event) => self.feed(event)?,
                    None => Outcome::Go,
                },
                Next::Ended => self.end()?,
                Next::Tick => self.feed(X::Machine::common(Common::Tick))?,
            };
            if let Outcome::Quit = outcome {
                let reason = match self.cause {
                    Cause::Ended(EndReason::Signal) => "signal",
                    Cause::Ended(EndReason::HangUp) => "hang_up",
                    _ => "quit",
                };
                tracing::info!(target: "mfa_assist::driver", reason, "session ending");
                return Ok(());
            }
        }
    }

    /// Typed text and the Enter or Tab that acts on it can arrive in one
    /// batch; a surface that echoes typing is shown the typing first, or the
    /// echo is lost to the next screen and the listener never hears it.
    fn echo_before(
        &mut self,
        event: &Option<io::Result<crossterm::event::Event>>,
    ) -> io::Result<()> {
        if self.dirty && self.surface.echoes_typing() && !input::is_typing(event) {
            self.draw()?;
            self.dirty = false;
        }
        Ok(())
    }

    fn on_input(
        &mut self,
        event: Option<io::Result<crossterm::event::Event>>,
    ) -> io::Result<Outcome> {
        match event {
            // The terminal is gone: end the session as a hang-up would.
            None => {
                self.cause = Cause::Ended(EndReason::HangUp);
                self.end()
            }
            Some(Err(e)) => {
                self.cause = Cause::Ended(EndReason::HangUp);
                self.end()?;
                Err(e)
            }
            Some(Ok(event)) => match input::translate(event) {
                Input::Common(common) => self.feed(X::Machine::common(common)),
                Input::Redraw => {
                    self.dirty = true;
                    Ok(Outcome::Go)
                }
                Input::Ignore => Ok(Outcome::Go),
            },
        }
    }

    /// Ends the session the machine's way (wipe, clean-up), and the run
    /// even if the machine did not ask to quit.
    fn end(&mut self) -> io::Result<Outcome> {
        self.ending = true;
        self.feed(X::Machine::common(Common::Interrupt))?;
        Ok(Outcome::Quit)
    }

    fn now(&self) -> Millis {
        Millis(u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    fn feed(&mut self, event: <X::Machine as Machine>::Event) -> io::Result<Outcome> {
        let now = self.now();
        let machine = self.exec.machine_mut();
        let before = machine.clone();
        let effects = machine.step(now, wall_secs(), event);
        let changed = *self.exec.machine() != before;
        self.dirty |= changed;
        if changed {
            let (from, to) = (before.screen_name(), self.exec.machine().screen_name());
            if from != to {
                tracing::info!(target: "mfa_assist::state", from, to, "step");
            }
            self.exec.stepped(&before, self.cause);
        }
        let mut outcome = Outcome::Go;
        let mut failed = None;
        for effect in effects {
            let done = match self.exec.execute(effect) {
                None => Ok(()),
                Some(Term::Wipe) => self.wipe(),
                Some(Term::Copy(text)) => {
                    // A clipboard that cannot be reached is worth a notice,
                    // never the session.
                    let result = self.screen.copy(&text);
                    if let Some(event) = self.exec.copied(result) {
                        self.feed(event)?;
                    }
                    Ok(())
                }
                Some(Term::Quit) => {
                    outcome = Outcome::Quit;
                    self.draw()
                }
            };
            // Every effect runs even when the terminal fails: the clean-up
            // effects after a failed wipe still matter.
            if let Err(e) = done
                && failed.is_none()
            {
                failed = Some(e);
            }
        }
        self.exec.settle();
        match failed {
            Some(e) if !self.ending => Err(e),
            _ => Ok(outcome),
        }
    }

    fn wipe(&mut self) -> io::Result<()> {
        self.surface.wipe()?;
        self.screen.wipe_scrollback()?;
        self.dirty = true;
        Ok(())
    }

    fn draw(&mut self) -> io::Result<()> {
        let drawn = self.surface.draw(&*self.exec);
        match drawn {
            Err(_) if self.ending => Ok(()),
            other => other,
        }
    }
}

fn wall_secs() -> u64 {
    crate::timefmt::unix_secs(SystemTime::now())
}

/// A provider call that gives up after [`REQUEST_TIMEOUT`], not counting
/// the time it waits out the provider's `Retry-After` (the process's
/// throttle gate): that is the server's wish, shown on screen as "busy,
/// still trying", not a hang. After the last hold the call has the whole
/// bound again; holds count for at most [`crate::throttle::THROTTLED_BUDGET`].
pub async fn bounded<T>(
    call: impl Future<Output = Result<T, crate::provider::ProviderError>>,
) -> Result<T, crate::provider::ProviderError> {
    bounded_by(&crate::throttle::ThrottleGate::process(), call).await
}

/// [`bounded`], with the holds of `gate` (a simulated machine's own).
pub async fn bounded_by<T>(
    gate: &crate::throttle::ThrottleGate,
    call: impl Future<Output = Result<T, crate::provider::ProviderError>>,
) -> Result<T, crate::provider::ProviderError> {
    let started = Instant::now();
    let latest = started + crate::throttle::THROTTLED_BUDGET + REQUEST_TIMEOUT;
    let mut until = started + REQUEST_TIMEOUT;
    tokio::pin!(call);
    loop {
        tokio::select! {
            answer = &mut call => return answer,
            () = tokio::time::sleep_until(until) => {
                let later = (gate.hold_ends() + REQUEST_TIMEOUT).min(latest);
                if later <= until {
                    return Err(crate::provider::ProviderError::Timeout);
                }
                until = later;
            }
        }
    }
}

pub async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
