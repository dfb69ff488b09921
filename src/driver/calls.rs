//! The executors' provider calls: each runs on a task of its own, tells its
//! machine while the provider holds it (`Retry-After`), and sends its answer
//! back into the loop through the executor's channel. The kiosk and the
//! desk differ only in what they call and what the answers are called.

use super::bounded;
use crate::kernel::ReqId;
use crate::provider::ProviderError;
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

/// A message that says the call `req` waits out the provider's hold for
/// `wait`: "busy, still trying", not an error.
pub trait Held {
    fn held(req: ReqId, wait: Duration) -> Self;
}

/// The channel background work answers through, and the calls still running.
pub struct Calls<M> {
    tx: mpsc::UnboundedSender<M>,
    rx: mpsc::UnboundedReceiver<M>,
    running: Vec<AbortHandle>,
}

impl<M: Held + Send + 'static> Calls<M> {
    pub fn new() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Calls {
            tx,
            rx,
            running: Vec::new(),
        }
    }

    /// For work that answers more than once (pollers, record writers).
    pub fn sender(&self) -> mpsc::UnboundedSender<M> {
        self.tx.clone()
    }

    /// An answer that needs no call (the machine hears it on its next turn).
    pub fn send(&self, msg: M) {
        // The receiver lives as long as `self`: sending cannot fail here.
        let _ = self.tx.send(msg);
    }

    /// What the loop waits on.
    pub fn inbox(&mut self) -> &mut mpsc::UnboundedReceiver<M> {
        &mut self.rx
    }

    /// Runs a call someone waits for on a task of its own; the loop hears
    /// its holds and then its answer.
    pub fn spawn(&mut self, req: ReqId, call: impl Future<Output = M> + Send + 'static) {
        self.running.retain(|h| !h.is_finished());
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let answer = telling(req, &tx, call).await;
            let _ = tx.send(answer);
        });
        self.running.push(task.abort_handle());
    }

    /// Runs work that sends its own answers (through [`Calls::sender`]),
    /// dropped with the calls by [`Calls::abort`].
    pub fn spawn_task(&mut self, work: impl Future<Output = ()> + Send + 'static) {
        self.running.retain(|h| !h.is_finished());
        self.running.push(tokio::spawn(work).abort_handle());
    }

    /// Drops the calls still running: their answers no longer matter.
    pub fn abort(&mut self) {
        for h in self.running.drain(..) {
            h.abort();
        }
    }
}

impl<M: Held + Send + 'static> Default for Calls<M> {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs `work`; while the provider holds it, `tx` hears [`Held`] for `req`.
async fn telling<M: Held, T>(
    req: ReqId,
    tx: &mpsc::UnboundedSender<M>,
    work: impl Future<Output = T>,
) -> T {
    crate::throttle::telling_holds(&crate::throttle::ThrottleGate::process(), work, |wait| {
        let _ = tx.send(M::held(req, wait));
    })
    .await
}

/// One provider call as every executor makes it: bounded in time
/// ([`bounded`]) and written to the operations log as `op`.
pub async fn call<T>(
    op: &'static str,
    work: impl Future<Output = Result<T, ProviderError>>,
) -> Result<T, ProviderError> {
    crate::oplog::call(op, bounded(work)).await
}
