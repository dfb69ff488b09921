#![allow(clippy::unwrap_used, clippy::expect_used)]

//! Frame cost per screen, and bytes written to the terminal per keystroke.
//! Run with `cargo bench --bench render`. Plain timing loop (no harness):
//! prints mean / p50 / p99 in microseconds.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use mfa_assist::flow::{self, Event, EventKind, Flow, Millis, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::input::{self, Input};
use mfa_assist::kernel::Machine;
use mfa_assist::provider::{
    Account, Capabilities, Confirm, Enrollment, Method, MethodKind, TrainingAccount, UsedFor,
};
use mfa_assist::secret::Secret;
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{self, Branding, View};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::hint::black_box;
use std::time::{Duration, Instant};

const PAYLOAD: &str = "otpauth://totp/MFA%20Training:alex%40training.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=MFA%20Training";

fn settings() -> Settings {
    Settings {
        languages: vec!["en".into(), "sv".into(), "fi".into()],
        capabilities: Capabilities {
            add_kinds: vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode],
            can_delete: true,
            can_set_default: true,
            simulated_phone: true,
            training_accounts: Some(vec![TrainingAccount {
                username: "alex".into(),
                pass: "Tap-Alex-4821".into(),
                note: "lost phone: the common case".into(),
                notes: Vec::new(),
            }]),
            ..Capabilities::default()
        },
        ..Settings::default()
    }
}

fn step(flow: &mut Flow, kind: EventKind) -> Vec<flow::Effect> {
    let at = Millis(flow.now.0 + 10);
    flow::update(flow, Event::new(at, kind))
}

fn key(flow: &mut Flow, code: KeyCode) -> Vec<flow::Effect> {
    match input::translate(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))) {
        Input::Common(common) => step(flow, <Flow as Machine>::common(common)),
        _ => Vec::new(),
    }
}

fn req_of(effects: &[flow::Effect]) -> flow::ReqId {
    effects
        .iter()
        .find_map(|e| match e {
            flow::Effect::SignIn { req, .. }
            | flow::Effect::LoadMethods { req }
            | flow::Effect::BeginEnrollment { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap_or_default()
}

/// Welcome, Methods and Scan, reached through the real transition function.
fn screens() -> Vec<(&'static str, Flow)> {
    let mut out = Vec::new();
    let mut flow = Flow::new(settings());
    out.push(("welcome", flow.clone()));
    key(&mut flow, KeyCode::Enter);
    for c in "alex".chars() {
        key(&mut flow, KeyCode::Char(c));
    }
    key(&mut flow, KeyCode::Tab);
    for c in "Tap-Alex-4821".chars() {
        key(&mut flow, KeyCode::Char(c));
    }
    out.push(("sign_in", flow.clone()));
    let req = req_of(&key(&mut flow, KeyCode::Enter));
    let account = Account {
        username: "alex@training.example".into(),
        display_name: "Alex Lindqvist".into(),
        can_delete: true,
        cannot_add: Vec::new(),
    };
    let req = req_of(&step(
        &mut flow,
        EventKind::SignedIn {
            req,
            answer: Ok(account),
        },
    ));
    let method = |id: &str, kind, label: &str, default| Method {
        id: id.into(),
        kind,
        label: label.into(),
        added: Some("2021-09-14".into()),
        last_used: Some("2025-01-20".into()),
        is_default: default,
        used_for: UsedFor {
            sign_in: true,
            password_reset: true,
        },
    };
    let methods = vec![
        method("1", MethodKind::Phone, "Mobile +1 555-0142", true),
        method(
            "2",
            MethodKind::AuthenticatorPush,
            "Authenticator app (iPhone 11)",
            false,
        ),
    ];
    step(
        &mut flow,
        EventKind::MethodsLoaded {
            req,
            answer: Ok(methods),
        },
    );
    out.push(("methods", flow.clone()));
    for code in [
        KeyCode::Char('a'),
        KeyCode::Down,
        KeyCode::Enter,
        KeyCode::Enter,
    ] {
        key(&mut flow, code);
    }
    let req = req_of(&key(&mut flow, KeyCode::Enter));
    let enrollment = Enrollment {
        id: "e1".into(),
        kind: MethodKind::AuthenticatorCode,
        qr_payload: Secret::new(PAYLOAD),
        manual_key: Secret::new("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        account_name: "alex@training.example".into(),
        issuer: "MFA Training".into(),
        confirm: Confirm::Code { digits: 6 },
        registration: None,
    };
    step(
        &mut flow,
        EventKind::EnrollmentReady {
            req,
            answer: Ok(enrollment),
        },
    );
    out.push(("scan_qr", flow));
    out
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let n = samples.len().max(1);
    let mean = samples.iter().sum::<Duration>().as_secs_f64() * 1e6 / n as f64;
    let pick = |q: f64| samples[((n as f64 * q) as usize).min(n - 1)].as_secs_f64() * 1e6;
    println!(
        "{name:<34} mean {mean:>8.1} µs   p50 {:>8.1} µs   p99 {:>8.1} µs",
        pick(0.5),
        pick(0.99)
    );
}

fn main() {
    let guide = Guide::built_in();
    let branding = Branding {
        org_name: "Example University".into(),
        no_pass_help: "Order a pass at the ID portal,\nor ask the service desk.".into(),
        helpdesk: "Service desk: +46 8 123 45 67".into(),
    };
    let qr = QrMatrix::encode(PAYLOAD).ok();
    const ITERS: usize = 2000;

    for (name, flow) in screens() {
        let view = View {
            flow: &flow,
            guide: &guide,
            branding: &branding,
            qr: qr.as_ref(),
            qr_style: QrStyle::HalfBlock,
            qr_invert: false,
        };
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut samples = Vec::with_capacity(ITERS);
        for _ in 0..ITERS {
            // A full repaint each time: the worst case, not the diffed one.
            terminal.clear().expect("clear");
            let start = Instant::now();
            terminal.draw(|f| ui::draw(f, &view)).expect("draw");
            samples.push(start.elapsed());
        }
        report(&format!("frame 120x40 {name}"), samples);
    }

    let mut samples = Vec::with_capacity(ITERS);
    for _ in 0..ITERS {
        let start = Instant::now();
        black_box(QrMatrix::encode(black_box(PAYLOAD)).ok());
        samples.push(start.elapsed());
    }
    report("QR encode (once per enrollment)", samples);

    // Bytes sent to a real terminal backend for one keystroke on Sign in:
    // ratatui diffs the frames, so only the changed cells go out.
    let (_, mut flow) = screens().into_iter().nth(1).expect("sign-in screen");
    let area = Rect::new(0, 0, 120, 40);
    let written = Counter::default();
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(written.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("crossterm backend");
    let draw = |terminal: &mut Terminal<CrosstermBackend<Counter>>, flow: &Flow| {
        let view = View {
            flow,
            guide: &guide,
            branding: &branding,
            qr: None,
            qr_style: QrStyle::HalfBlock,
            qr_invert: false,
        };
        terminal.draw(|f| ui::draw(f, &view)).expect("draw");
    };
    draw(&mut terminal, &flow);
    let first = written.get();
    key(&mut flow, KeyCode::Char('x'));
    draw(&mut terminal, &flow);
    let per_key = written.get() - first;
    println!("bytes for the first full frame       {first}");
    println!("bytes written for one keystroke      {per_key}");
}

/// Counts the bytes a backend writes.
#[derive(Clone, Default)]
struct Counter(std::rc::Rc<std::cell::Cell<usize>>);

impl Counter {
    fn get(&self) -> usize {
        self.0.get()
    }
}

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
