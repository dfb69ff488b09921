#![allow(clippy::unwrap_used, clippy::expect_used)]

//! Bytes sent to the terminal per typed character, against the floor: the
//! cheapest ratatui text field (a bordered block echoing keys, as in
//! `benches/floor`). A byte count is deterministic, so this budget is a test;
//! times stay in `scripts/bench.sh`. Over a slow serial console or SSH link
//! every byte of every keystroke is latency.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use mfa_assist::flow::{Event, EventKind, Flow, Millis, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::input::{self, Input};
use mfa_assist::kernel::Common;
use mfa_assist::provider::{Capabilities, MethodKind};
use mfa_assist::ui::qr::QrStyle;
use mfa_assist::ui::{self, Branding, View};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Paragraph};
use ratatui::{Frame, Terminal, TerminalOptions, Viewport};
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

/// At most this many times the floor's bytes per typed character.
const BUDGET: f64 = 1.3;
const AREA: Rect = Rect::new(0, 0, 100, 40);

/// A writer whose bytes the test can read back.
#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Sink {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn terminal(sink: &Sink) -> Terminal<CrosstermBackend<Sink>> {
    Terminal::with_options(
        CrosstermBackend::new(sink.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(AREA),
        },
    )
    .unwrap()
}

/// The floor's frame: what any ratatui text field costs at least.
fn floor_frame(frame: &mut Frame, text: &str) {
    let outer = Block::bordered().title("Welcome");
    let inner = outer.inner(frame.area());
    frame.render_widget(outer, frame.area());
    let [_, field_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(3)]).areas(inner);
    let field = Block::bordered();
    let inside = field.inner(field_area);
    frame.render_widget(Paragraph::new(text).block(field), field_area);
    let typed = u16::try_from(text.chars().count()).unwrap();
    frame.set_cursor_position((inside.x + typed, inside.y));
}

/// Mean bytes the floor writes per typed character of `word`.
fn floor_per_key(word: &str) -> f64 {
    let sink = Sink::default();
    let mut terminal = terminal(&sink);
    let mut text = String::new();
    terminal.draw(|f| floor_frame(f, &text)).unwrap();
    sink.take();
    for c in word.chars() {
        text.push(c);
        terminal.draw(|f| floor_frame(f, &text)).unwrap();
    }
    sink.take().len() as f64 / word.chars().count() as f64
}

fn key(flow: &mut Flow, code: KeyCode) {
    let Input::Common(Common::Key(key)) =
        input::translate(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    else {
        panic!("{code:?} is not a key");
    };
    let kind = EventKind::Key(key);
    let at = Millis(flow.now.0 + 10);
    mfa_assist::flow::update(flow, Event::new(at, kind));
}

/// Mean bytes the app writes per typed character of `word` on the sign-in
/// screen, into the field that `tabs` Tab presses focus.
fn app_per_key(word: &str, tabs: usize) -> f64 {
    let guide = Guide::built_in();
    let branding = Branding {
        org_name: "Example University".into(),
        ..Branding::default()
    };
    let mut flow = Flow::new(Settings {
        languages: vec!["en".into()],
        capabilities: Capabilities {
            add_kinds: vec![MethodKind::AuthenticatorCode],
            can_delete: true,
            ..Capabilities::default()
        },
        ..Settings::default()
    });
    let sink = Sink::default();
    let mut terminal = terminal(&sink);
    let mut draw = |flow: &Flow| {
        let view = View {
            flow,
            guide: &guide,
            branding: &branding,
            qr: None,
            qr_style: QrStyle::HalfBlock,
            qr_invert: false,
        };
        terminal.draw(|f| ui::draw(f, &view)).unwrap();
    };
    key(&mut flow, KeyCode::Enter);
    for _ in 0..tabs {
        key(&mut flow, KeyCode::Tab);
    }
    draw(&flow);
    sink.take();
    for c in word.chars() {
        key(&mut flow, KeyCode::Char(c));
        draw(&flow);
    }
    sink.take().len() as f64 / word.chars().count() as f64
}

#[test]
fn typing_a_username_costs_little_more_than_the_floor() {
    let floor = floor_per_key("alexanderson");
    let app = app_per_key("alexanderson", 0);
    println!("username: app {app:.1} bytes per key, floor {floor:.1}");
    assert!(
        app <= floor * BUDGET,
        "{app:.1} bytes per key, floor {floor:.1}: over {BUDGET}x"
    );
}

#[test]
fn typing_a_pass_costs_little_more_than_the_floor() {
    let floor = floor_per_key("Tap-Alex-48");
    let app = app_per_key("Tap-Alex-48", 1);
    println!("pass: app {app:.1} bytes per key, floor {floor:.1}");
    // A pass shows as dots (3 bytes each in UTF-8) where the floor echoes ASCII.
    assert!(
        app <= floor * BUDGET + 2.0,
        "{app:.1} bytes per key, floor {floor:.1}: over {BUDGET}x"
    );
}
