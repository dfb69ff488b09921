//! A helpdesk desk driven the way the driver drives it, with fixed data:
//! shared by the flow tests and the screen snapshots.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::flow::{Millis, ReqId};
use mfa_assist::helpdesk::{
    self, Change, Desk, DeskEffect, DeskEvent, DeskEventKind, DeskScreen, DeskSettings,
    Verification,
};
use mfa_assist::keymap::Key;
use mfa_assist::provider::admin::{AdminCapabilities, Caller, CallerState, PassName, Privilege};
use mfa_assist::provider::{Method, MethodKind, PushApp, UsedFor};

pub const PASS: &str = "Xq7+Lm2K9pZw";

pub fn caps() -> AdminCapabilities {
    AdminCapabilities {
        pass_name: PassName::TemporaryAccessPass,
        pass_lifetimes: vec![60, 480],
        one_time_choice: true,
        one_time_default: true,
        can_revoke_sessions: true,
        push_app: PushApp::MicrosoftAuthenticator,
        self_service_url: Some("https://aka.ms/mysecurityinfo".into()),
        training_callers: None,
        // Off here so the screens drawn before phones could be added stay
        // as they were; tests/desk_phone*.rs turn it on.
        can_add_phone: false,
        last_used: Default::default(),
    }
}

pub fn settings() -> DeskSettings {
    DeskSettings {
        checks: vec![
            "Name and username match".into(),
            "Date of birth matches".into(),
            "Code sent to private email read back".into(),
        ],
        required_checks: 2,
        escalation: "Call back on the number in the record.".into(),
        capabilities: caps(),
        agent: "jdoe".into(),
        watch_every_ms: 2000,
        watch_timeout_ms: 60_000,
        ..DeskSettings::default()
    }
}

pub fn method(id: &str, kind: MethodKind, label: &str, default: bool) -> Method {
    Method {
        id: id.into(),
        kind,
        label: label.into(),
        added: Some("2024-01-01".into()),
        last_used: Some("2025-01-01".into()),
        is_default: default,
        used_for: UsedFor {
            sign_in: true,
            password_reset: false,
        },
    }
}

pub fn old_state() -> CallerState {
    CallerState {
        methods: vec![
            method("m-phone", MethodKind::Phone, "+1 555 0142", true),
            method("m-app", MethodKind::AuthenticatorPush, "Pixel 7", false),
            method("m-mail", MethodKind::Email, "kim@home.example", false),
        ],
        passes: vec![],
        adding: vec![],
        privilege: Privilege::Ordinary,
    }
}

pub fn caller() -> Caller {
    Caller {
        id: "obj-1".into(),
        username: "kim@example.edu".into(),
        display_name: "Kim Berg".into(),
        enabled: Some(true),
    }
}

pub struct Harness {
    pub desk: Desk,
    pub at: u64,
}

impl Harness {
    pub fn new(settings: DeskSettings) -> Harness {
        Harness {
            desk: Desk::new(settings),
            at: 0,
        }
    }

    pub fn send(&mut self, kind: DeskEventKind) -> Vec<DeskEffect> {
        self.at += 10;
        helpdesk::update(
            &mut self.desk,
            DeskEvent {
                at: Millis(self.at),
                wall: 1_800_000_000 + self.at / 1000,
                kind,
            },
        )
    }

    pub fn key(&mut self, key: Key) -> Vec<DeskEffect> {
        self.send(DeskEventKind::Key(key))
    }

    pub fn ch(&mut self, c: char) -> Vec<DeskEffect> {
        self.key(Key::Char(c))
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.ch(c);
        }
    }

    pub fn advance(&mut self, ms: u64) -> Vec<DeskEffect> {
        self.at += ms;
        self.send(DeskEventKind::Tick)
    }

    /// Looks the caller up and loads `state`; returns on the Account screen.
    pub fn with_caller(settings: DeskSettings, state: CallerState) -> Harness {
        let mut h = Harness::new(settings);
        h.type_text("kim");
        let effects = h.key(Key::Enter);
        let req = lookup_req(&effects);
        let effects = h.send(DeskEventKind::LookedUp {
            req,
            answer: Ok(caller()),
        });
        let load = load_req(&effects);
        h.send(DeskEventKind::StateLoaded {
            req: load,
            answer: Ok(state),
        });
        assert_eq!(h.desk.screen, DeskScreen::Account);
        h
    }

    pub fn verified(settings: DeskSettings, state: CallerState) -> Harness {
        let mut h = Harness::with_caller(settings, state);
        h.ch('v');
        h.ch(' ');
        h.key(Key::Down);
        h.ch(' ');
        h.key(Key::Enter);
        assert!(matches!(
            h.desk.case.as_ref().unwrap().verification,
            Verification::Passed(_)
        ));
        h
    }
}

pub fn lookup_req(effects: &[DeskEffect]) -> ReqId {
    effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Lookup { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a lookup")
}

pub fn load_req(effects: &[DeskEffect]) -> ReqId {
    effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::LoadState { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a load")
}

pub fn delete_of(effects: &[DeskEffect]) -> Option<(ReqId, String)> {
    effects.iter().find_map(|e| match e {
        DeskEffect::Delete { req, method_id, .. } => Some((*req, method_id.clone())),
        _ => None,
    })
}

pub fn changes(effects: &[DeskEffect]) -> Vec<Change> {
    effects
        .iter()
        .filter_map(|e| match e {
            DeskEffect::Audit { entry, .. } => Some(entry.change.clone()),
            _ => None,
        })
        .collect()
}

/// Would run something on the caller's account.
pub fn is_change(effect: &DeskEffect) -> bool {
    matches!(
        effect,
        DeskEffect::Delete { .. } | DeskEffect::IssuePass { .. } | DeskEffect::Revoke { .. }
    )
}

/// The desk drawn at `(width, height)` with the built-in texts, as rows of
/// text.
pub fn drawn(desk: &Desk, size: (u16, u16)) -> String {
    rows(&rendered(desk, size))
}

/// Draws `desk` at 80x24 and 120x40, checks its texts are filled
/// ([`assert_texts_filled`] with `sections`) and hands each screen to
/// `snapshot` with its snapshot name and text (the caller asserts the
/// snapshot, so insta names it after the test file); returns the small
/// screen's text.
pub fn each_size(
    name: &str,
    desk: &Desk,
    sections: &[&str],
    mut snapshot: impl FnMut(&str, &str, &ratatui::Terminal<ratatui::backend::TestBackend>),
) -> String {
    let mut small = String::new();
    for size in [(80, 24), (120, 40)] {
        let terminal = rendered(desk, size);
        let screen = rows(&terminal);
        let snap = format!("{name}_{}x{}", size.0, size.1);
        assert_texts_filled(&snap, &screen, sections);
        snapshot(&snap, &screen, &terminal);
        if small.is_empty() {
            small = screen;
        }
    }
    small
}

/// Every desk snapshot's first promise: no raw text id of `sections` and
/// no unfilled placeholder on `screen`.
pub fn assert_texts_filled(snap: &str, screen: &str, sections: &[&str]) {
    for section in sections {
        let raw = screen.match_indices(section).any(|(i, _)| {
            screen[i + section.len()..].starts_with(|c: char| c.is_ascii_lowercase())
        });
        assert!(!raw, "{snap}: raw text id {section}… on screen:\n{screen}");
    }
    assert!(
        !screen.contains('{') && !screen.contains('}'),
        "{snap}: unfilled placeholder:\n{screen}"
    );
}

/// The desk drawn at `(width, height)` with the built-in texts.
pub fn rendered(
    desk: &Desk,
    (width, height): (u16, u16),
) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let guide = mfa_assist::guide::Guide::built_in();
    let branding = mfa_assist::ui::Branding {
        org_name: "Example University".into(),
        no_pass_help: String::new(),
        helpdesk: "Service desk: +46 8 123 45 67".into(),
    };
    let view = mfa_assist::ui::desk::DeskView {
        desk,
        guide: &guide,
        branding: &branding,
    };
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| mfa_assist::ui::desk::draw(f, &view))
        .unwrap();
    terminal
}

/// What `terminal` shows, as rows of text.
pub fn rows(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
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
