//! The kiosk screens in the high-contrast theme (`[ui] theme =
//! "high-contrast"`): no colour at all outside the QR code, so they read the
//! same on a light or dark background, at TERM=linux and with NO_COLOR; and,
//! in every theme, selection and focus shown by more than colour.
//!
//! Snapshots show each row and, under it, its attributes: R reverse video,
//! B bold, T bold+underline, U underline. Regenerate with
//! `INSTA_UPDATE=always cargo test --test screens_contrast` and read them.
//! The state helpers are those of tests/screens.rs.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]
use std::time::Duration;

use mfa_assist::flow::{self, Effect, Event, EventKind, Flow, Millis, ReqId, Screen, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::provider::{
    Account, Approval, Capabilities, Confirm, Enrollment, Method, MethodKind, ProviderError,
    TrainingAccount, UsedFor,
};
use mfa_assist::secret::Secret;
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{self, Branding, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

// ---------------------------------------------------------------------------
// Fixed data
// ---------------------------------------------------------------------------

const USER: &str = "alex";
const PASS: &str = "Tap-Alex-4821";
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const PAYLOAD: &str = "otpauth://totp/MFA%20Training:alex%40training.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=MFA%20Training";

const SMALL: (u16, u16) = (80, 24);
const LARGE: (u16, u16) = (120, 40);
const BOTH: [(u16, u16); 2] = [SMALL, LARGE];

fn training_accounts() -> Vec<TrainingAccount> {
    [
        ("alex", "Tap-Alex-4821", "lost phone: the common case"),
        ("sam", "Tap-Sam-7390", "pass has expired"),
        ("kim", "Tap-Kim-2057", "default app blocks delete"),
        ("robin", "Tap-Robin-6614", "only one sign-in method"),
    ]
    .into_iter()
    .map(|(u, p, n)| TrainingAccount {
        username: u.into(),
        pass: p.into(),
        note: n.into(),
    })
    .collect()
}

fn capabilities(training: bool) -> Capabilities {
    Capabilities {
        add_kinds: vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode],
        can_delete: true,
        can_set_default: true,
        simulated_phone: training,
        training_accounts: training.then(training_accounts),
        ..Capabilities::default()
    }
}

fn settings(training: bool) -> Settings {
    Settings {
        languages: vec!["en".into()],
        kiosk: false,
        idle_timeout_ms: 180_000,
        done_countdown_ms: 30_000,
        capabilities: capabilities(training),
    }
}

fn branding() -> Branding {
    Branding {
        org_name: "Example University".into(),
        no_pass_help: "Ask the service desk for a Temporary Access Pass: bring photo ID,\n\
                       or call them and they will send it to your private email.\n\
                       Opening hours: Mon–Fri 8–17."
            .into(),
        helpdesk: "Service desk: +46 8 123 45 67".into(),
    }
}

fn account() -> Account {
    Account {
        username: "alex@training.example".into(),
        display_name: "Alex Lindqvist".into(),
    }
}

fn method(
    id: &str,
    kind: MethodKind,
    label: &str,
    added: &str,
    last_used: Option<&str>,
    is_default: bool,
    used_for: UsedFor,
) -> Method {
    Method {
        id: id.into(),
        kind,
        label: label.into(),
        added: Some(added.into()),
        last_used: last_used.map(Into::into),
        is_default,
        used_for,
    }
}

const BOTH_USES: UsedFor = UsedFor {
    sign_in: true,
    password_reset: true,
};
const RESET_ONLY: UsedFor = UsedFor {
    sign_in: false,
    password_reset: true,
};

fn old_app() -> Method {
    method(
        "m-app",
        MethodKind::AuthenticatorPush,
        "Authenticator app (iPhone 11)",
        "2021-09-14T08:12:00Z",
        Some("2025-01-20T07:45:10Z"),
        false,
        BOTH_USES,
    )
}

fn phone() -> Method {
    method(
        "m-phone",
        MethodKind::Phone,
        "Mobile +1 555-0142",
        "2021-09-14T08:10:00Z",
        Some("2023-06-02T16:01:00Z"),
        true,
        BOTH_USES,
    )
}

fn email() -> Method {
    method(
        "m-email",
        MethodKind::Email,
        "alex.lindqvist@mail.example",
        "2021-09-14T08:11:00Z",
        None,
        false,
        RESET_ONLY,
    )
}

fn new_app(kind: MethodKind) -> Method {
    method(
        "m-new",
        kind,
        "Authenticator app",
        "2025-03-05T12:03:00Z",
        None,
        false,
        BOTH_USES,
    )
}

/// The provider lists them in its own order; the flow puts the default first.
fn alex_methods() -> Vec<Method> {
    vec![old_app(), phone(), email()]
}

fn enrollment(kind: MethodKind) -> Enrollment {
    Enrollment {
        id: "enr-1".into(),
        kind,
        qr_payload: Secret::new(PAYLOAD),
        manual_key: Secret::new(SECRET),
        account_name: "alex@training.example".into(),
        issuer: "MFA Training".into(),
        confirm: match kind {
            MethodKind::AuthenticatorCode => Confirm::Code { digits: 6 },
            _ => Confirm::Approval {
                poll_every: Duration::from_secs(2),
                timeout: Duration::from_secs(60),
            },
        },
        registration: None,
    }
}

// ---------------------------------------------------------------------------
// Driving the flow
// ---------------------------------------------------------------------------

/// A flow plus a clock that only this test moves.
struct Drive {
    flow: Flow,
    now: u64,
}

impl Drive {
    fn new(training: bool) -> Drive {
        Drive::with(settings(training))
    }

    fn with(settings: Settings) -> Drive {
        Drive {
            flow: Flow::new(settings),
            now: 1_000,
        }
    }

    fn send(&mut self, after_ms: u64, kind: EventKind) -> Vec<Effect> {
        self.now += after_ms;
        let effects = flow::update(&mut self.flow, Event::new(Millis(self.now), kind));
        if let Err(e) = self.flow.check_invariants() {
            panic!("invariant broken: {e}");
        }
        effects
    }

    /// A key, 200 ms after the last event.
    fn key(&mut self, key: Key) -> Vec<Effect> {
        self.send(200, EventKind::Key(key))
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(Key::Char(c));
        }
    }

    fn tick(&mut self, after_ms: u64) -> Vec<Effect> {
        self.send(after_ms, EventKind::Tick)
    }

    /// A provider answer, 600 ms after the last event (the training delay).
    fn answer(&mut self, kind: EventKind) -> Vec<Effect> {
        self.send(600, kind)
    }
}

/// The id of the one request among `effects`.
fn req(effects: &[Effect]) -> ReqId {
    let ids: Vec<ReqId> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::SignIn { req, .. }
            | Effect::LoadMethods { req }
            | Effect::DeleteMethod { req, .. }
            | Effect::SetDefault { req, .. }
            | Effect::BeginEnrollment { req, .. }
            | Effect::CheckCode { req, .. }
            | Effect::StartApproval { req, .. } => Some(*req),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 1, "expected one request in {effects:?}");
    ids[0]
}

/// Welcome → SignIn with the username typed and the pass typed (masked).
fn typed_sign_in(training: bool) -> Drive {
    let mut d = Drive::new(training);
    d.key(Key::Enter);
    assert!(matches!(d.flow.screen, Screen::SignIn { .. }));
    d.type_text(USER);
    d.key(Key::Tab);
    d.type_text(PASS);
    d
}

/// Presses Enter on a filled SignIn and returns the sign-in request.
fn submit_sign_in(d: &mut Drive) -> ReqId {
    let effects = d.key(Key::Enter);
    req(&effects)
}

fn sign_in_fails(error: ProviderError) -> Drive {
    let mut d = typed_sign_in(true);
    let r = submit_sign_in(&mut d);
    d.answer(EventKind::SignedIn {
        req: r,
        answer: Err(error),
    });
    d
}

/// Signed in; the method list is still loading. Returns its request.
fn signed_in_loading() -> (Drive, ReqId) {
    let mut d = typed_sign_in(true);
    let r = submit_sign_in(&mut d);
    let effects = d.answer(EventKind::SignedIn {
        req: r,
        answer: Ok(account()),
    });
    assert_eq!(d.flow.screen, Screen::Methods);
    let load = req(&effects);
    (d, load)
}

fn on_methods(list: Vec<Method>) -> Drive {
    let (mut d, load) = signed_in_loading();
    d.answer(EventKind::MethodsLoaded {
        req: load,
        answer: Ok(list),
    });
    d
}

/// Methods with the old authenticator selected: the first load starts on it.
fn methods_old_app_selected() -> Drive {
    let d = on_methods(alex_methods());
    assert_eq!(
        d.flow.selected_method().map(|m| m.id.as_str()),
        Some("m-app")
    );
    d
}

/// Methods → Add (choice `kind`) → Platform (`android` or not).
fn on_platform(kind: MethodKind, android: bool) -> Drive {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('a'));
    if kind == MethodKind::AuthenticatorCode {
        d.key(Key::Down);
    }
    d.key(Key::Enter);
    assert_eq!(d.flow.screen, Screen::Platform);
    if android {
        d.key(Key::Right);
    }
    d
}

fn on_prepare(kind: MethodKind, android: bool) -> Drive {
    let mut d = on_platform(kind, android);
    d.key(Key::Enter);
    assert_eq!(d.flow.screen, Screen::Prepare);
    d
}

fn on_scan(kind: MethodKind) -> Drive {
    let mut d = on_prepare(kind, false);
    let effects = d.key(Key::Enter);
    let r = req(&effects);
    d.answer(EventKind::EnrollmentReady {
        req: r,
        answer: Ok(enrollment(kind)),
    });
    assert_eq!(d.flow.screen, Screen::Scan { manual: false });
    d
}

fn on_prove_code() -> Drive {
    let mut d = on_scan(MethodKind::AuthenticatorCode);
    d.key(Key::Enter);
    assert!(matches!(d.flow.screen, Screen::ProveCode { .. }));
    d
}

fn wrong_code(d: &mut Drive) {
    d.type_text("123456");
    let effects = d.key(Key::Enter);
    let r = req(&effects);
    d.answer(EventKind::CodeChecked {
        req: r,
        answer: Ok(false),
    });
}

/// Waiting for the notification, 12.3 s after it was sent, one poll answered.
fn on_approval() -> (Drive, ReqId) {
    let mut d = on_scan(MethodKind::AuthenticatorPush);
    let effects = d.key(Key::Enter);
    let r = req(&effects);
    assert!(matches!(d.flow.screen, Screen::ProveApproval { .. }));
    d.answer(EventKind::ApprovalPolled {
        req: r,
        answer: Ok(Approval::Pending),
    });
    d.tick(11_700);
    (d, r)
}

fn approval_polled(answer: Result<Approval, ProviderError>) -> Drive {
    let (mut d, r) = on_approval();
    d.answer(EventKind::ApprovalPolled { req: r, answer });
    d
}

// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Drawing in a theme
// ---------------------------------------------------------------------------

use mfa_assist::ui::qr::{DARK, LIGHT};
use mfa_assist::ui::theme::{self, Theme};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::sync::Mutex;

/// The theme is one per process; tests here take turns.
static THEME: Mutex<()> = Mutex::new(());

fn draw_in(theme_: Theme, flow: &Flow, (w, h): (u16, u16)) -> Buffer {
    let _turn = THEME.lock().unwrap_or_else(|e| e.into_inner());
    theme::set(theme_);
    let guide = Guide::built_in();
    let branding = branding();
    let qr = flow
        .enrollment
        .as_ref()
        .map(|e| QrMatrix::encode(e.qr_payload.expose()).unwrap());
    let view = View {
        flow,
        guide: &guide,
        branding: &branding,
        qr: qr.as_ref(),
        qr_style: QrStyle::HalfBlock,
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, &view)).unwrap();
    theme::set(Theme::Default);
    terminal.backend().buffer().clone()
}

fn mark(m: Modifier) -> char {
    if m.contains(Modifier::REVERSED) {
        'R'
    } else if m.contains(Modifier::BOLD | Modifier::UNDERLINED) {
        'T'
    } else if m.contains(Modifier::BOLD) {
        'B'
    } else if m.contains(Modifier::UNDERLINED) {
        'U'
    } else {
        ' '
    }
}

/// Each row, then its attribute marks when it has any.
fn styled(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let text: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let marks: String = (0..buf.area.width)
            .map(|x| mark(buf[(x, y)].modifier))
            .collect();
        out.push_str(text.trim_end());
        out.push('\n');
        if !marks.trim().is_empty() {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
    }
    out
}

/// High contrast uses the terminal's own colours everywhere but the QR.
fn assert_colourless(name: &str, buf: &Buffer) {
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            for c in [cell.fg, cell.bg] {
                assert!(
                    c == Color::Reset || c == DARK || c == LIGHT,
                    "{name}: colour {c:?} at ({x},{y}) {:?}",
                    cell.symbol()
                );
            }
        }
    }
}

fn check(name: &str, flow: &Flow) {
    for size in BOTH {
        let buf = draw_in(Theme::HighContrast, flow, size);
        assert_colourless(name, &buf);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), styled(&buf));
    }
}

/// The row holding `needle`, and whether the cells of `needle` there carry
/// `modifier`.
fn row_of(buf: &Buffer, needle: &str) -> (String, Modifier) {
    for y in 0..buf.area.height {
        let cells: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let text: String = cells.concat();
        if let Some(byte) = text.find(needle) {
            let col = text[..byte].chars().count() as u16;
            let mut common = Modifier::all();
            for x in col..col + needle.chars().count() as u16 {
                common &= buf[(x, y)].modifier;
            }
            return (text, common);
        }
    }
    panic!("{needle:?} not on screen:\n{}", styled(buf));
}

// ---------------------------------------------------------------------------
// Every kiosk screen, high contrast
// ---------------------------------------------------------------------------

#[test]
fn welcome() {
    check("welcome", &Drive::new(true).flow);
}

#[test]
fn sign_in() {
    check("sign_in", &typed_sign_in(true).flow);
}

#[test]
fn sign_in_error() {
    check(
        "sign_in_error",
        &sign_in_fails(ProviderError::PassExpired).flow,
    );
}

#[test]
fn methods() {
    check("methods", &methods_old_app_selected().flow);
}

#[test]
fn confirm_delete() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('d'));
    check("confirm_delete", &d.flow);
}

#[test]
fn add_and_platform() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('a'));
    check("add", &d.flow);
    check(
        "platform",
        &on_platform(MethodKind::AuthenticatorCode, true).flow,
    );
    check(
        "prepare",
        &on_prepare(MethodKind::AuthenticatorCode, false).flow,
    );
}

#[test]
fn scan_keeps_the_qr_dark_on_light() {
    let d = on_scan(MethodKind::AuthenticatorCode);
    check("scan", &d.flow);
    let buf = draw_in(Theme::HighContrast, &d.flow, LARGE);
    let qr_cells = buf
        .content()
        .iter()
        .filter(|c| c.bg == LIGHT || c.fg == DARK)
        .count();
    assert!(
        qr_cells > 100,
        "the QR lost its fixed colours:\n{}",
        styled(&buf)
    );
}

#[test]
fn prove_code_and_wrong_code() {
    let mut d = on_prove_code();
    d.type_text("12");
    check("prove_code", &d.flow);
    let mut d = on_prove_code();
    wrong_code(&mut d);
    check("wrong_code", &d.flow);
}

#[test]
fn approval() {
    check("approval", &on_approval().0.flow);
    check(
        "approval_denied",
        &approval_polled(Ok(Approval::Rejected)).flow,
    );
}

#[test]
fn help() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('?'));
    check("help", &d.flow);
}

// ---------------------------------------------------------------------------
// Selection and focus are more than colour, in every theme
// ---------------------------------------------------------------------------

fn more_than_colour(m: Modifier) -> bool {
    m.intersects(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
}

#[test]
fn selection_and_focus_do_not_rest_on_colour() {
    for theme_ in [Theme::Default, Theme::HighContrast] {
        // The method table: a marker on the selected row, and an attribute.
        let d = methods_old_app_selected();
        let buf = draw_in(theme_, &d.flow, SMALL);
        let selected = d.flow.selected_method().unwrap().label.clone();
        let (row, m) = row_of(&buf, &selected);
        // A row may take two lines (label, then device): the marker is on
        // the first.
        let text = styled(&buf);
        let lines: Vec<&str> = text.lines().collect();
        let at = lines.iter().position(|l| l.contains(&selected)).unwrap();
        assert!(
            lines[at].contains('▶') || lines[at.saturating_sub(2)].contains('▶'),
            "{theme_:?}: no marker near {row}\n{text}"
        );
        assert!(more_than_colour(m), "{theme_:?}: {row} is only coloured");

        // Add and Platform choices.
        let mut d = methods_old_app_selected();
        d.key(Key::Char('a'));
        let buf = draw_in(theme_, &d.flow, SMALL);
        let text = styled(&buf);
        let marked = text
            .lines()
            .find(|l| l.contains('▶'))
            .unwrap_or_default()
            .to_string();
        assert!(!marked.is_empty(), "{theme_:?}: Add has no marker:\n{text}");
        let d = on_platform(MethodKind::AuthenticatorCode, true);
        let buf = draw_in(theme_, &d.flow, SMALL);
        let text = styled(&buf);
        assert!(
            text.contains('▶'),
            "{theme_:?}: Platform has no marker:\n{text}"
        );

        // The focused sign-in field.
        let d = typed_sign_in(true);
        let buf = draw_in(theme_, &d.flow, SMALL);
        let text = styled(&buf);
        let focused = text
            .lines()
            .find(|l| l.contains('▶') && l.contains('•'))
            .unwrap_or_else(|| panic!("{theme_:?}: focused pass field unmarked:\n{text}"))
            .to_string();
        let (_, m) = row_of(&buf, "•");
        assert!(
            more_than_colour(m),
            "{theme_:?}: focused {focused} is only coloured"
        );
    }
}

#[test]
fn high_contrast_selection_is_reverse_video() {
    let d = methods_old_app_selected();
    let buf = draw_in(Theme::HighContrast, &d.flow, SMALL);
    let selected = d.flow.selected_method().unwrap().label.clone();
    let (_, m) = row_of(&buf, &selected);
    assert!(m.contains(Modifier::REVERSED), "{}", styled(&buf));
}
