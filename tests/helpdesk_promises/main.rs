//! The helpdesk's promises, one file per step: the gate before any change
//! (`gate`) and again at the confirmation (`confirm`), the pass shown once
//! and hidden on time (`pass`), the script (`script`), the lookup field
//! (`lookup`), keys offered only when they mean something and wake-ups only
//! when something moves (`offered`), the watch while the caller registers
//! (`watch`). One test binary for all of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/desk.rs"]
mod desk;

mod confirm;
mod gate;
mod keys;
mod lookup;
mod offered;
mod pass;
mod script;
mod stale;
mod watch;
