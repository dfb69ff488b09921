//! Turns terminal events into what every machine understands. The only
//! place that knows crossterm's key types.

use crate::kernel::Common;
use crate::keymap::Key;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a terminal event means to the app.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    Common(Common),
    /// The window changed size: redraw, nothing else.
    Redraw,
    Ignore,
}

pub fn translate(event: TermEvent) -> Input {
    match event {
        // Release events (Windows, kitty protocol) would double every key.
        TermEvent::Key(k) if k.kind != KeyEventKind::Release => match key(k) {
            Some(key) => Input::Common(Common::Key(key)),
            None => Input::Ignore,
        },
        TermEvent::Paste(text) => Input::Common(Common::Paste(text)),
        TermEvent::Resize(..) | TermEvent::FocusGained => Input::Redraw,
        _ => Input::Ignore,
    }
}

/// Text being typed or pasted into a field: it changes only what is
/// echoed, never the screen.
pub fn is_typing(event: &Option<std::io::Result<TermEvent>>) -> bool {
    match event {
        Some(Ok(TermEvent::Paste(_))) => true,
        Some(Ok(TermEvent::Key(k))) => {
            matches!(k.code, KeyCode::Char(_)) && !k.modifiers.contains(KeyModifiers::CONTROL)
        }
        _ => false,
    }
}

fn key(event: KeyEvent) -> Option<Key> {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => Key::BackTab,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> TermEvent {
        TermEvent::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        })
    }

    #[test]
    fn ctrl_letters_and_plain_letters_differ() {
        assert_eq!(
            translate(press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Input::Common(Common::Key(Key::Ctrl('c')))
        );
        assert_eq!(
            translate(press(KeyCode::Char('C'), KeyModifiers::SHIFT)),
            Input::Common(Common::Key(Key::Char('C')))
        );
    }

    #[test]
    fn key_release_is_ignored() {
        let mut release = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(translate(TermEvent::Key(release)), Input::Ignore);
    }
}
