//! floor: the cheapest a ratatui app can be, for `scripts/bench.sh`.
//!
//! Raw mode on the alternate screen, one bordered block titled "Welcome",
//! a sentence and a one-line field that echoes typed characters. It draws
//! only when an event arrives (no timers) and quits on q, Esc or Ctrl-C.

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::{Block, Paragraph};
use ratatui::{Frame, Terminal};
use std::io::{self, Stdout, stdout};

fn main() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen)?;
    let result = Terminal::new(CrosstermBackend::new(stdout())).and_then(|mut t| run(&mut t));
    // The terminal comes back whether or not the loop failed.
    execute!(stdout(), LeaveAlternateScreen)?;
    disable_raw_mode()?;
    result
}

fn run(terminal: &mut Terminal<CrosstermBackend<Stdout>>) -> io::Result<()> {
    let mut text = String::new();
    loop {
        terminal.draw(|frame| draw(frame, &text))?;
        // A blocking read: an untouched screen costs no wake-ups.
        if let Event::Key(key) = event::read()? {
            if key.kind != KeyEventKind::Press {
                continue;
            }
            match key.code {
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => break,
                KeyCode::Char('q') | KeyCode::Esc => break,
                KeyCode::Char(c) => text.push(c),
                KeyCode::Backspace => {
                    text.pop();
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn draw(frame: &mut Frame, text: &str) {
    let outer = Block::bordered().title("Welcome");
    let inner = outer.inner(frame.area());
    frame.render_widget(outer, frame.area());
    let [body, field_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(3)]).areas(inner);
    frame.render_widget(
        Paragraph::new("The floor: type to echo; q, Esc or Ctrl-C quits."),
        body,
    );
    let field = Block::bordered().title("Input");
    let inside = field.inner(field_area);
    frame.render_widget(Paragraph::new(text).block(field), field_area);
    // The cursor after the text, as a real field shows it.
    let typed = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
    frame.set_cursor_position((
        inside.x + typed.min(inside.width.saturating_sub(1)),
        inside.y,
    ));
}
