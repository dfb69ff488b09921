//! mfa-assist: a terminal assistant for recovering multi-factor sign-in.

pub mod provider;
pub mod secret;
pub mod ui;
