//! Waiting for a new Microsoft Authenticator: what was there when the
//! person started, so the first id that was not is the new registration.

use std::collections::HashSet;

/// Watches one kiosk may keep open; the oldest goes first.
const MAX_WATCHES: usize = 8;

struct Watch {
    id: String,
    account: String,
    known: HashSet<String>,
}

#[derive(Default)]
pub(crate) struct Watches {
    open: Vec<Watch>,
    next: u64,
}

impl Watches {
    /// Starts a watch over the account's current Authenticator ids and
    /// returns its enrollment id.
    pub fn start(&mut self, account: &str, known: Vec<String>) -> String {
        self.next = self.next.wrapping_add(1);
        let id = format!("graph-authenticator-{}", self.next);
        if self.open.len() >= MAX_WATCHES {
            self.open.remove(0);
        }
        self.open.push(Watch {
            id: id.clone(),
            account: account.to_string(),
            known: known.into_iter().collect(),
        });
        id
    }

    pub fn exists(&self, account: &str, id: &str) -> bool {
        self.open.iter().any(|w| w.id == id && w.account == account)
    }

    /// Ids in `now` that were not there at the start; `None` if there is
    /// no such watch (cancelled, signed out, or another account's).
    pub fn new_ids(&self, account: &str, id: &str, now: &[String]) -> Option<Vec<String>> {
        let watch = self
            .open
            .iter()
            .find(|w| w.id == id && w.account == account)?;
        Some(
            now.iter()
                .filter(|i| !watch.known.contains(*i))
                .cloned()
                .collect(),
        )
    }

    pub fn cancel(&mut self, account: &str, id: &str) {
        self.open.retain(|w| !(w.id == id && w.account == account));
    }

    pub fn forget_account(&mut self, account: &str) {
        self.open.retain(|w| w.account != account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_by_id() {
        let mut w = Watches::default();
        let id = w.start("kim", vec!["a".into(), "b".into()]);
        assert_eq!(w.new_ids("kim", &id, &["a".into()]), Some(vec![]));
        assert_eq!(
            w.new_ids("kim", &id, &["a".into(), "c".into()]),
            Some(vec!["c".to_string()])
        );
        assert_eq!(w.new_ids("alex", &id, &[]), None);
        w.cancel("kim", &id);
        assert!(!w.exists("kim", &id));
    }

    #[test]
    fn oldest_watch_goes_first() {
        let mut w = Watches::default();
        let first = w.start("kim", vec![]);
        for _ in 0..MAX_WATCHES {
            w.start("kim", vec![]);
        }
        assert!(!w.exists("kim", &first));
    }
}
