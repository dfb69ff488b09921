//! Views: pure functions from the flow to a frame.

pub mod qr;
