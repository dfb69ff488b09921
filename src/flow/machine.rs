//! The kiosk flow as a machine the driver runs.

use super::{Effect, Event, EventKind, Flow, update};
use crate::kernel::{Common, Machine, Millis};

impl Machine for Flow {
    type Event = EventKind;
    type Effect = Effect;

    fn common(event: Common) -> EventKind {
        match event {
            Common::Key(key) => EventKind::Key(key),
            Common::Paste(text) => EventKind::Paste(text),
            Common::Tick => EventKind::Tick,
            Common::Interrupt => EventKind::Interrupt,
        }
    }

    fn step(&mut self, at: Millis, _wall: u64, event: EventKind) -> Vec<Effect> {
        update(self, Event::new(at, event))
    }

    fn screen_name(&self) -> String {
        format!("{:?}", self.screen.context())
    }

    fn next_wakeup(&self) -> Option<Millis> {
        Flow::next_wakeup(self)
    }
}
