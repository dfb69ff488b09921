//! The kiosk states the screen snapshots draw (tests/screens.rs and
//! tests/screens_contrast.rs): fixed data and short drives of the pure flow
//! to each screen.
#![allow(dead_code)]

use std::time::Duration;

use mfa_assist::flow::{self, Effect, Event, EventKind, Flow, Millis, ReqId, Screen, Settings};
use mfa_assist::keymap::Key;
use mfa_assist::provider::{
    Account, Approval, Capabilities, Confirm, Enrollment, Method, MethodKind, ProviderError,
    TrainingAccount, UsedFor,
};
use mfa_assist::secret::Secret;
use mfa_assist::ui::Branding;

// ---------------------------------------------------------------------------
// Fixed data
// ---------------------------------------------------------------------------

pub const USER: &str = "alex";
pub const PASS: &str = "Tap-Alex-4821";
pub const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
pub const PAYLOAD: &str = "otpauth://totp/MFA%20Training:alex%40training.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=MFA%20Training";

pub const SMALL: (u16, u16) = (80, 24);
pub const LARGE: (u16, u16) = (120, 40);
pub const BOTH: [(u16, u16); 2] = [SMALL, LARGE];

pub fn training_accounts() -> Vec<TrainingAccount> {
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
        notes: Vec::new(),
    })
    .collect()
}

pub fn capabilities(training: bool) -> Capabilities {
    Capabilities {
        add_kinds: vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode],
        can_delete: true,
        can_set_default: true,
        simulated_phone: training,
        training_accounts: training.then(training_accounts),
        ..Capabilities::default()
    }
}

pub fn settings(training: bool) -> Settings {
    Settings {
        languages: vec!["en".into()],
        kiosk: false,
        idle_timeout_ms: 180_000,
        done_countdown_ms: 30_000,
        capabilities: capabilities(training),
    }
}

pub fn branding() -> Branding {
    Branding {
        org_name: "Example University".into(),
        no_pass_help: "Ask the service desk for a Temporary Access Pass: bring photo ID,\n\
                       or call them and they will send it to your private email.\n\
                       Opening hours: Mon–Fri 8–17."
            .into(),
        helpdesk: "Service desk: +46 8 123 45 67".into(),
    }
}

pub fn account() -> Account {
    Account {
        username: "alex@training.example".into(),
        display_name: "Alex Lindqvist".into(),
        can_delete: true,
        cannot_add: Vec::new(),
    }
}

pub fn method(
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

pub const BOTH_USES: UsedFor = UsedFor {
    sign_in: true,
    password_reset: true,
};
pub const RESET_ONLY: UsedFor = UsedFor {
    sign_in: false,
    password_reset: true,
};

pub fn old_app() -> Method {
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

pub fn phone() -> Method {
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

pub fn email() -> Method {
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

pub fn new_app(kind: MethodKind) -> Method {
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
pub fn alex_methods() -> Vec<Method> {
    vec![old_app(), phone(), email()]
}

pub fn enrollment(kind: MethodKind) -> Enrollment {
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
pub struct Drive {
    pub flow: Flow,
    pub now: u64,
}

impl Drive {
    pub fn new(training: bool) -> Drive {
        Drive::with(settings(training))
    }

    pub fn with(settings: Settings) -> Drive {
        Drive {
            flow: Flow::new(settings),
            now: 1_000,
        }
    }

    pub fn send(&mut self, after_ms: u64, kind: EventKind) -> Vec<Effect> {
        self.now += after_ms;
        let effects = flow::update(&mut self.flow, Event::new(Millis(self.now), kind));
        if let Err(e) = self.flow.check_invariants() {
            panic!("invariant broken: {e}");
        }
        effects
    }

    /// A key, 200 ms after the last event.
    pub fn key(&mut self, key: Key) -> Vec<Effect> {
        self.send(200, EventKind::Key(key))
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(Key::Char(c));
        }
    }

    pub fn tick(&mut self, after_ms: u64) -> Vec<Effect> {
        self.send(after_ms, EventKind::Tick)
    }

    /// A provider answer, 600 ms after the last event (the training delay).
    pub fn answer(&mut self, kind: EventKind) -> Vec<Effect> {
        self.send(600, kind)
    }
}

/// The id of the one request among `effects`.
pub fn req(effects: &[Effect]) -> ReqId {
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
pub fn typed_sign_in(training: bool) -> Drive {
    let mut d = Drive::new(training);
    d.key(Key::Enter);
    assert!(matches!(d.flow.screen, Screen::SignIn { .. }));
    d.type_text(USER);
    d.key(Key::Tab);
    d.type_text(PASS);
    d
}

/// Presses Enter on a filled SignIn and returns the sign-in request.
pub fn submit_sign_in(d: &mut Drive) -> ReqId {
    let effects = d.key(Key::Enter);
    req(&effects)
}

pub fn sign_in_fails(error: ProviderError) -> Drive {
    let mut d = typed_sign_in(true);
    let r = submit_sign_in(&mut d);
    d.answer(EventKind::SignedIn {
        req: r,
        answer: Err(error),
    });
    d
}

/// Signed in; the method list is still loading. Returns its request.
pub fn signed_in_loading() -> (Drive, ReqId) {
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

pub fn on_methods(list: Vec<Method>) -> Drive {
    let (mut d, load) = signed_in_loading();
    d.answer(EventKind::MethodsLoaded {
        req: load,
        answer: Ok(list),
    });
    d
}

/// Methods with the old authenticator selected: the first load starts on it.
pub fn methods_old_app_selected() -> Drive {
    let d = on_methods(alex_methods());
    assert_eq!(
        d.flow.selected_method().map(|m| m.id.as_str()),
        Some("m-app")
    );
    d
}

/// Methods → Add (choice `kind`) → Platform (`android` or not).
pub fn on_platform(kind: MethodKind, android: bool) -> Drive {
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

pub fn on_prepare(kind: MethodKind, android: bool) -> Drive {
    let mut d = on_platform(kind, android);
    d.key(Key::Enter);
    assert_eq!(d.flow.screen, Screen::Prepare);
    d
}

pub fn on_scan(kind: MethodKind) -> Drive {
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

pub fn on_prove_code() -> Drive {
    let mut d = on_scan(MethodKind::AuthenticatorCode);
    d.key(Key::Enter);
    assert!(matches!(d.flow.screen, Screen::ProveCode { .. }));
    d
}

pub fn wrong_code(d: &mut Drive) {
    d.type_text("123456");
    let effects = d.key(Key::Enter);
    let r = req(&effects);
    d.answer(EventKind::CodeChecked {
        req: r,
        answer: Ok(false),
    });
}

/// Waiting for the notification, 12.3 s after it was sent, one poll answered.
pub fn on_approval() -> (Drive, ReqId) {
    let mut d = on_scan(MethodKind::AuthenticatorPush);
    let effects = d.key(Key::Enter);
    let r = req(&effects);
    assert!(matches!(d.flow.screen, Screen::ProveApproval { .. }));
    // Sent, with the number to match (as the training tenant does), then
    // one poll answered.
    d.answer(EventKind::ApprovalSent {
        req: r,
        number: Some("48".into()),
    });
    d.answer(EventKind::ApprovalPolled {
        req: r,
        answer: Ok(Approval::Pending),
    });
    d.tick(11_100);
    (d, r)
}

pub fn approval_polled(answer: Result<Approval, ProviderError>) -> Drive {
    let (mut d, r) = on_approval();
    d.answer(EventKind::ApprovalPolled { req: r, answer });
    d
}

/// `flow` drawn at 80x24 with the built-in texts and no QR.
pub fn draw_small(flow: &Flow) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let guide = mfa_assist::guide::Guide::built_in();
    let branding = branding();
    let view = mfa_assist::ui::View {
        flow,
        guide: &guide,
        branding: &branding,
        qr: None,
        qr_style: mfa_assist::ui::qr::QrStyle::HalfBlock,
        qr_invert: false,
    };
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(SMALL.0, SMALL.1)).unwrap();
    terminal.draw(|f| mfa_assist::ui::draw(f, &view)).unwrap();
    terminal
}

/// A drawn terminal's rows as text, one line per row.
pub fn screen_text(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
