//! The helpdesk desk as a machine the driver runs.

use super::{Desk, DeskEffect, DeskEvent, DeskEventKind, update};
use crate::kernel::{Common, Machine, Millis};

impl Machine for Desk {
    type Event = DeskEventKind;
    type Effect = DeskEffect;

    fn common(event: Common) -> DeskEventKind {
        match event {
            Common::Key(key) => DeskEventKind::Key(key),
            Common::Paste(text) => DeskEventKind::Paste(text),
            Common::Tick => DeskEventKind::Tick,
            Common::Interrupt => DeskEventKind::Interrupt,
        }
    }

    fn step(&mut self, at: Millis, wall: u64, kind: DeskEventKind) -> Vec<DeskEffect> {
        update(self, DeskEvent { at, wall, kind })
    }

    fn screen_name(&self) -> String {
        format!("{:?}", self.context())
    }

    fn next_wakeup(&self) -> Option<Millis> {
        Desk::next_wakeup(self)
    }
}
