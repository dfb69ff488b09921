//! A model of Microsoft Graph's throttling for one tenant, in-process and
//! on tokio's clock, so a fleet (`examples/fleet.rs`) or a test can run
//! hours of polling in paused time. It answers as Graph documents it and as
//! `tests/support/fake_graph` does: 429 with `Retry-After` (seconds until
//! the oldest counted request leaves the 10 s window), and under the
//! resource-unit reading `x-ms-resource-unit` on every answer and
//! `x-ms-throttle-limit-percentage` above 0.8 of the limit. Sources:
//! `microsoftgraph/microsoft-graph-docs-contrib`, `concepts/throttling-limits.md`
//! and its includes (docs/capacity.md quotes them).

#![allow(dead_code)]

use reqwest::header::{HeaderMap, HeaderValue};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use tokio::time::Instant;

pub const WINDOW: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reading {
    /// Identity and access reports: 5 requests per 10 s per app per tenant.
    Strict,
    /// Identity and access: this many resource units per 10 s per app and
    /// tenant (S 3,500, M 5,000, L 8,000).
    Units(u32),
}

/// One answer: the status and the throttle headers.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
}

/// The limiter of one tenant; `app` names an app registration.
pub struct Limiter {
    pub reading: Reading,
    accepted: HashMap<u32, VecDeque<(Instant, u32)>>,
}

impl Limiter {
    pub fn new(reading: Reading) -> Limiter {
        Limiter {
            reading,
            accepted: HashMap::new(),
        }
    }

    /// One request of `app` costing `cost` resource units, now.
    pub fn call(&mut self, app: u32, cost: u32) -> Answer {
        let now = Instant::now();
        let log = self.accepted.entry(app).or_default();
        while log
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= WINDOW)
        {
            log.pop_front();
        }
        let (used, limit, this) = match self.reading {
            Reading::Strict => (log.len() as u32, 5, 1),
            Reading::Units(budget) => (log.iter().map(|(_, c)| c).sum(), budget, cost),
        };
        let mut headers = HeaderMap::new();
        if used + this > limit {
            // When the oldest accepted request leaves the window.
            let free_at = log.front().map_or(now, |(t, _)| *t + WINDOW);
            let secs = free_at
                .duration_since(now)
                .as_millis()
                .div_ceil(1000)
                .max(1);
            headers.insert("retry-after", HeaderValue::from(secs as u64));
            return Answer {
                status: 429,
                headers,
            };
        }
        log.push_back((now, this));
        if let Reading::Units(budget) = self.reading {
            headers.insert("x-ms-resource-unit", HeaderValue::from(cost));
            let fraction = f64::from(used + this) / f64::from(budget);
            // Documented: sent only above 0.8 of the limit.
            if fraction > 0.8
                && let Ok(v) = HeaderValue::from_str(&format!("{fraction:.2}"))
            {
                headers.insert("x-ms-throttle-limit-percentage", v);
            }
        }
        Answer {
            status: 200,
            headers,
        }
    }
}
