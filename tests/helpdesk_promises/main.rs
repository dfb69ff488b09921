//! The helpdesk's promises, one file per step: the gate before any change
//! (`gate`), the pass shown once and hidden on time (`pass`), the script
//! (`script`), the lookup field (`lookup`). One test binary for all of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/desk.rs"]
mod desk;

mod gate;
mod keys;
mod lookup;
mod pass;
mod script;
