//! Clean-up that must happen even when the session ends: the unfinished
//! method deleted on the server, the session closed. One queue, run in
//! order (the cancel before the sign-out that would end its session), and
//! waited for, within a bound, before the process exits: a spawned task
//! alone dies with the runtime.

use futures::future::BoxFuture;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

#[derive(Default)]
pub struct Cleanup {
    jobs: Option<mpsc::UnboundedSender<BoxFuture<'static, ()>>>,
    worker: Option<JoinHandle<()>>,
}

impl Cleanup {
    pub fn new() -> Cleanup {
        Cleanup::default()
    }

    /// Queues `job` after the ones already queued. The worker starts with
    /// the first job (on the runtime the driver runs on).
    pub fn push(&mut self, job: impl std::future::Future<Output = ()> + Send + 'static) {
        if self.jobs.is_none() {
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                return;
            };
            let (tx, mut rx) = mpsc::unbounded_channel::<BoxFuture<'static, ()>>();
            self.worker = Some(runtime.spawn(async move {
                while let Some(job) = rx.recv().await {
                    job.await;
                }
            }));
            self.jobs = Some(tx);
        }
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Box::pin(job));
        }
    }

    /// Waits until every queued job has run, or `bound` has passed (each
    /// job's own timeout is longer: a hung server must not hold the exit).
    /// Returns whether everything finished.
    pub async fn finish(&mut self, bound: Duration) -> bool {
        self.jobs = None;
        let Some(worker) = self.worker.take() else {
            return true;
        };
        let abort = worker.abort_handle();
        match tokio::time::timeout(bound, worker).await {
            Ok(_) => true,
            Err(_) => {
                abort.abort();
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[tokio::test]
    async fn jobs_run_in_order_and_finish_waits_for_them() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut cleanup = Cleanup::new();
        for (i, ms) in [(1, 30), (2, 0), (3, 10)] {
            let log = Arc::clone(&log);
            cleanup.push(async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                log.lock().unwrap_or_else(|e| e.into_inner()).push(i);
            });
        }
        assert!(cleanup.finish(Duration::from_secs(2)).await);
        assert_eq!(
            *log.lock().unwrap_or_else(|e| e.into_inner()),
            vec![1, 2, 3]
        );
    }

    #[tokio::test]
    async fn a_hung_job_holds_the_exit_only_as_long_as_the_bound() {
        let mut cleanup = Cleanup::new();
        cleanup.push(std::future::pending());
        let started = tokio::time::Instant::now();
        assert!(!cleanup.finish(Duration::from_millis(100)).await);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
