//! The words issue 16 asked for, on the screens where they are read, in
//! every language: the way out when the default cannot be changed here, the
//! warning after the last method is deleted, "sign in another way", what to
//! do when Microsoft asks for a password, guests, a lost phone still signed
//! in, and one Finnish name for the pass. States are reached by driving the
//! real `flow::update`; texts are read off the drawn screen.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test guide_words` and
//! read every changed `tests/snapshots/guide_words__*.snap` before committing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use mfa_assist::flow::{
    self, DeviceCodeInfo, Effect, Event, EventKind, Flow, Millis, ReqId, Screen, Settings,
};
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::provider::{
    Account, Capabilities, Confirm, Enrollment, Method, MethodKind, SignInKind, UsedFor,
};
use mfa_assist::secret::Secret;
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{self, Branding, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const LANGS: [&str; 3] = ["en", "sv", "fi"];
const SIZE: (u16, u16) = (80, 24);
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const PAYLOAD: &str = "otpauth://totp/MFA%20Training:robin%40training.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=MFA%20Training";
const BOTH_USES: UsedFor = UsedFor {
    sign_in: true,
    password_reset: true,
};

/// The training tenant can change the default; Entra through Graph v1.0 cannot.
fn settings(lang: &str, can_set_default: bool) -> Settings {
    Settings {
        languages: vec![lang.into()],
        kiosk: true,
        idle_timeout_ms: 180_000,
        done_countdown_ms: 30_000,
        capabilities: Capabilities {
            add_kinds: vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode],
            can_delete: true,
            can_set_default,
            ..Capabilities::default()
        },
    }
}

fn branding() -> Branding {
    Branding {
        org_name: "Example University".into(),
        no_pass_help: "Ask the service desk for a Temporary Access Pass.".into(),
        helpdesk: "Service desk: +46 8 123 45 67".into(),
    }
}

fn method(id: &str, kind: MethodKind, label: &str, is_default: bool) -> Method {
    Method {
        id: id.into(),
        kind,
        label: label.into(),
        added: Some("2024-09-02T08:14:00Z".into()),
        last_used: None,
        is_default,
        used_for: BOTH_USES,
    }
}

fn old_app(is_default: bool) -> Method {
    method(
        "m-app",
        MethodKind::AuthenticatorPush,
        "iPhone 11",
        is_default,
    )
}

struct Drive {
    flow: Flow,
    now: u64,
}

impl Drive {
    fn new(settings: Settings) -> Drive {
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

    fn key(&mut self, key: Key) -> Vec<Effect> {
        self.send(200, EventKind::Key(key))
    }

    fn answer(&mut self, kind: EventKind) -> Vec<Effect> {
        self.send(600, kind)
    }
}

fn req(effects: &[Effect]) -> ReqId {
    let ids: Vec<ReqId> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::SignIn { req, .. }
            | Effect::LoadMethods { req }
            | Effect::DeleteMethod { req, .. }
            | Effect::BeginEnrollment { req, .. }
            | Effect::CheckCode { req, .. } => Some(*req),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 1, "expected one request in {effects:?}");
    ids[0]
}

/// Signed in with a pass, the list loaded with `methods`.
fn on_methods(settings: Settings, methods: Vec<Method>) -> Drive {
    let mut d = Drive::new(settings);
    d.key(Key::Enter);
    for c in "robin".chars() {
        d.key(Key::Char(c));
    }
    d.key(Key::Tab);
    for c in "Tap-Robin-6614".chars() {
        d.key(Key::Char(c));
    }
    let r = req(&d.key(Key::Enter));
    let effects = d.answer(EventKind::SignedIn {
        req: r,
        answer: Ok(Account {
            username: "robin@training.example".into(),
            display_name: "Robin Berg".into(),
            can_delete: true,
            cannot_add: Vec::new(),
        }),
    });
    d.answer(EventKind::MethodsLoaded {
        req: req(&effects),
        answer: Ok(methods),
    });
    assert_eq!(d.flow.screen, Screen::Methods);
    d
}

fn draw(flow: &Flow) -> String {
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
        qr_style: QrStyle::default(),
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    terminal.draw(|frame| ui::draw(frame, &view)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The screen as one line of words, so a check does not depend on wrapping.
fn words(screen: &str) -> String {
    screen
        .replace(['│', '┌', '┐', '└', '┘', '─'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn check(name: &str, lang: &str, flow: &Flow) -> String {
    let screen = draw(flow);
    assert!(
        !screen.contains('{') && !screen.contains('}'),
        "{name}/{lang}: unfilled placeholder:\n{screen}"
    );
    insta::assert_snapshot!(format!("{name}_{lang}"), screen);
    words(&screen)
}

// ---------------------------------------------------------------------------
// 16.2: the default can't be deleted, and this provider can't change it
// ---------------------------------------------------------------------------

#[test]
fn default_blocked_without_set_default_points_to_my_security_info() {
    for lang in LANGS {
        let methods = vec![
            old_app(true),
            method("m-phone", MethodKind::Phone, "+46 70 *** **12", false),
        ];
        let mut d = on_methods(settings(lang, false), methods);
        d.key(Key::Char('d'));
        assert!(matches!(d.flow.screen, Screen::DeleteBlocked { .. }));
        let s = check("blocked_no_set_default", lang, &d.flow);
        assert!(s.contains("https://aka.ms/mysecurityinfo"), "{lang}: {s}");
        // `m` does nothing on this provider: no text may send the person there.
        assert!(!s.contains(" m "), "{lang}: the screen still offers m: {s}");
        assert!(
            !d.flow
                .action_available(mfa_assist::keymap::Action::MakeDefault),
            "the flow offers make-default where the provider cannot"
        );
        // The list screen says the same before the person even tries.
        d.key(Key::Esc);
        assert_eq!(d.flow.screen, Screen::Methods);
        let s = words(&draw(&d.flow));
        assert!(s.contains("https://aka.ms/mysecurityinfo"), "{lang}: {s}");
    }
}

#[test]
fn default_blocked_with_set_default_still_says_press_m() {
    let methods = vec![
        old_app(true),
        method("m-phone", MethodKind::Phone, "+46 70 *** **12", false),
    ];
    let mut d = on_methods(settings("en", true), methods);
    d.key(Key::Char('d'));
    let s = words(&draw(&d.flow));
    assert!(s.contains("press m"), "{s}");
    assert!(!s.contains("mysecurityinfo"), "{s}");
}

// ---------------------------------------------------------------------------
// 16.3: the last method deleted (robin)
// ---------------------------------------------------------------------------

#[test]
fn done_after_deleting_the_last_method_warns_about_the_next_sign_in() {
    for lang in LANGS {
        let mut d = on_methods(settings(lang, true), vec![old_app(true)]);
        d.key(Key::Char('d'));
        assert!(matches!(
            d.flow.screen,
            Screen::ConfirmDelete {
                last_sign_in: true,
                ..
            }
        ));
        let r = req(&d.key(Key::Char('y')));
        let effects = d.answer(EventKind::Deleted {
            req: r,
            answer: Ok(()),
        });
        if let Ok(load) = std::panic::catch_unwind(|| req(&effects)) {
            d.answer(EventKind::MethodsLoaded {
                req: load,
                answer: Ok(Vec::new()),
            });
        }
        assert!(d.flow.methods.is_empty());
        d.key(Key::Char('f'));
        assert!(matches!(d.flow.screen, Screen::Done { .. }));
        let s = check("done_no_methods", lang, &d.flow);
        let guide = Guide::built_in();
        let pass = match lang {
            "sv" => "tillfälligt åtkomstpass",
            "fi" => "väliaikaisen käyttöoikeustunnuksen",
            _ => "temporary access pass",
        };
        assert!(
            s.to_lowercase().contains(pass),
            "{lang}: no word of the pass `{pass}` on Done: {s}"
        );
        // The old text told the person to press a, which Done ignores.
        let none = words(guide.text(lang, "methods.none"));
        assert!(!s.contains(&none), "{lang}: Done still says `{none}`");
        assert!(d.key(Key::Char('a')).is_empty());
        assert!(matches!(d.flow.screen, Screen::Done { .. }));
        // What it does say works: m goes back, where a adds.
        d.key(Key::Char('m'));
        assert_eq!(d.flow.screen, Screen::Methods);
        d.key(Key::Char('a'));
        assert!(matches!(d.flow.screen, Screen::AddMethod { .. }));
    }
}

// ---------------------------------------------------------------------------
// 16.2 (Done) and 16.7: a proven Authenticator on a provider that cannot set
// the default; a lost phone may still be signed in
// ---------------------------------------------------------------------------

fn enrollment() -> Enrollment {
    Enrollment {
        id: "enr-1".into(),
        kind: MethodKind::AuthenticatorCode,
        qr_payload: Secret::new(PAYLOAD),
        manual_key: Secret::new(SECRET),
        account_name: "robin@training.example".into(),
        issuer: "MFA Training".into(),
        confirm: Confirm::Code { digits: 6 },
        registration: None,
    }
}

fn done_after_proving(lang: &str, can_set_default: bool) -> Drive {
    let phone = method("m-phone", MethodKind::Phone, "+46 70 *** **12", true);
    let mut d = on_methods(settings(lang, can_set_default), vec![phone.clone()]);
    d.key(Key::Char('a'));
    d.key(Key::Down);
    d.key(Key::Enter);
    d.key(Key::Enter);
    let r = req(&d.key(Key::Enter));
    d.answer(EventKind::EnrollmentReady {
        req: r,
        answer: Ok(enrollment()),
    });
    d.key(Key::Enter);
    assert!(matches!(d.flow.screen, Screen::ProveCode { .. }));
    let mut effects = Vec::new();
    for c in "123456".chars() {
        effects = d.key(Key::Char(c));
    }
    if !effects
        .iter()
        .any(|e| matches!(e, Effect::CheckCode { .. }))
    {
        effects = d.key(Key::Enter);
    }
    let effects = d.answer(EventKind::CodeChecked {
        req: req(&effects),
        answer: Ok(true),
    });
    assert!(matches!(d.flow.screen, Screen::Done { .. }));
    let new = method(
        "m-new",
        MethodKind::AuthenticatorCode,
        "Authenticator",
        false,
    );
    d.answer(EventKind::MethodsLoaded {
        req: req(&effects),
        answer: Ok(vec![phone, new]),
    });
    d
}

#[test]
fn done_says_how_to_make_the_new_app_default_where_the_provider_cannot() {
    for lang in LANGS {
        let d = done_after_proving(lang, false);
        let s = check("done_default_portal", lang, &d.flow);
        assert!(s.contains("https://aka.ms/mysecurityinfo"), "{lang}: {s}");
        // 16.7: the desk can end the lost phone's sessions; say so, with the line.
        assert!(s.contains("+46 8 123 45 67"), "{lang}: {s}");
    }
    // Where the provider can set the default, the flow offers it itself.
    let d = done_after_proving("en", true);
    assert!(!words(&draw(&d.flow)).contains("mysecurityinfo"));
}

// ---------------------------------------------------------------------------
// 16.4: sign in another way, on Welcome and in the authenticator-loop help
// ---------------------------------------------------------------------------

#[test]
fn welcome_and_loop_help_offer_sign_in_another_way() {
    let guide = Guide::built_in();
    for lang in LANGS {
        let mut d = Drive::new(settings(lang, true));
        let s = check("welcome", lang, &d.flow);
        let other_way = words(guide.text(lang, "welcome.other_way"));
        assert!(s.contains(&other_way), "{lang}: {s}");
        d.key(Key::Enter);
        d.key(Key::F(1));
        assert!(d.flow.help_open);
        let s = check("help_sign_in", lang, &d.flow);
        assert!(
            s.contains("mysecurityinfo") || s.contains("My Security Info") || {
                let t = guide.text(lang, "help.tips_sign_in");
                s.contains(&words(t))
            }
        );
    }
}

#[test]
fn welcome_on_privacyidea_does_not_send_people_to_microsoft() {
    let mut s = settings("en", false);
    s.capabilities.push_app = mfa_assist::provider::PushApp::PrivacyIdeaAuthenticator;
    let d = Drive::new(s);
    assert!(!words(&draw(&d.flow)).contains("mysecurityinfo"));
}

// ---------------------------------------------------------------------------
// 16.5: the device-code sign-in, and the scan step on Entra
// ---------------------------------------------------------------------------

#[test]
fn device_code_says_what_to_do_when_asked_for_a_password() {
    for lang in LANGS {
        let mut s = settings(lang, false);
        s.capabilities.sign_in = SignInKind::DeviceCode;
        let mut d = Drive::new(s);
        let effects = d.key(Key::Enter);
        let r = effects
            .iter()
            .find_map(|e| match e {
                Effect::BeginDeviceSignIn { req } => Some(*req),
                _ => None,
            })
            .expect("device sign-in starts");
        d.answer(EventKind::DeviceCodeIssued {
            req: r,
            answer: Ok(DeviceCodeInfo {
                user_code: "ABCD-EFGH".into(),
                verification_uri: "https://microsoft.com/devicelogin".into(),
                expires_in: Duration::from_secs(900),
            }),
        });
        let s = check("device_code", lang, &d.flow);
        let guide = Guide::built_in();
        // The button's name as Microsoft shows it, and the private window.
        let button = guide.text(lang, "device.steps");
        let quoted = button
            .split(['“', '”'])
            .nth(1)
            .expect("the button is quoted");
        assert!(s.contains(quoted), "{lang}: no `{quoted}` on screen: {s}");
    }
}

#[test]
fn scan_step_on_entra_does_not_say_sign_in_with_your_pass() {
    let guide = Guide::built_in();
    for lang in LANGS {
        let text = guide.text(lang, "scan.steps_appears");
        for banned in [
            "sign in with your pass",
            "logga in med ditt pass",
            "kirjaudu koodillasi",
        ] {
            assert!(!text.to_lowercase().contains(banned), "{lang}: {text}");
        }
    }
}

// ---------------------------------------------------------------------------
// 16.6 guests, 16.8 Finnish words
// ---------------------------------------------------------------------------

#[test]
fn guests_go_to_the_host_desk_not_home() {
    let guide = Guide::built_in();
    let host = [
        ("en", "our service desk"),
        ("sv", "vår\nservicedesk"),
        ("fi", "meidän palvelupisteemme"),
    ];
    for (lang, words_) in host {
        let t = guide.text(lang, "help.tips_welcome");
        assert!(
            words(t).contains(&words(words_)),
            "{lang}: guests are not sent to the host desk: {t}"
        );
    }
}

/// Microsoft's Finnish name for the Temporary Access Pass is "väliaikainen
/// käyttöoikeustunnus" (docs/terminology.md has the sources); every Finnish
/// text says that and nothing else: no "passi", no bare "tunnus".
#[test]
fn finnish_names_the_pass_one_way() {
    let guide = Guide::built_in();
    let mut bad = Vec::new();
    for id in guide.ids("fi") {
        // Placeholders are not words, and Microsoft's English product name
        // beside the Finnish one is the name the admin center shows.
        let t = without_placeholders(guide.text("fi", id))
            .to_lowercase()
            .replace("temporary access pass", "");
        for w in t.split(|c: char| !c.is_alphanumeric()) {
            // "käyttäjätunnus" is the username, "verkkotunnus" a domain,
            // "maatunnus" a country code: compounds, not the pass.
            let bare_tunnus = w.starts_with("tunnu");
            let other_name = w.starts_with("pass")
                || w.contains("oikeuspass")
                || w.starts_with("käyttöoikeuskoodi")
                || w.starts_with("pääsykoodi")
                || w == "tap";
            if bare_tunnus || other_name {
                bad.push(format!("{id}: {w}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "other names for the pass:\n{}",
        bad.join("\n")
    );
    assert_eq!(
        guide.text("fi", "kind.temporary_pass"),
        "Väliaikainen käyttöoikeustunnus"
    );
    assert_eq!(guide.text("fi", "sign_in.pass"), "Käyttöoikeustunnus");
    // Where Microsoft's sign-in page offers the pass instead of a password,
    // the button is named with the same word.
    for id in ["device.steps", "device.steps_no_qr", "help.tips_device"] {
        assert!(
            guide
                .text("fi", id)
                .contains("”Käytä väliaikaista käyttöoikeustunnusta”"),
            "{id}: {}",
            guide.text("fi", id)
        );
    }
}

fn without_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// "Käyttöoikeustunnus" sits right under "Käyttäjätunnus": the screen must
/// still say that the second field is the pass from the service desk, not the
/// username again.
#[test]
fn finnish_sign_in_tells_the_pass_from_the_username() {
    for lang in LANGS {
        let mut d = Drive::new(settings(lang, true));
        d.key(Key::Enter);
        assert!(matches!(d.flow.screen, Screen::SignIn { .. }));
        let screen = draw(&d.flow);
        if lang == "fi" {
            finnish_pass_field_says_where_it_comes_from(&screen);
        }
        insta::assert_snapshot!(format!("sign_in_{lang}"), screen);
    }
}

fn finnish_pass_field_says_where_it_comes_from(screen: &str) {
    let rows: Vec<&str> = screen.lines().collect();
    let user = rows
        .iter()
        .position(|r| r.contains("Käyttäjätunnus"))
        .expect("the username field");
    let pass = rows
        .iter()
        .position(|r| r.contains("Käyttöoikeustunnus"))
        .expect("the pass field");
    assert!(pass > user, "{screen}");
    // The row under the pass field says where it comes from.
    assert!(
        rows[pass + 1].contains("palvelupisteeltä saatu"),
        "no hint under the pass field:\n{screen}"
    );
    let all = words(screen);
    assert!(
        all.contains("palvelupisteeltä saamasi väliaikainen käyttöoikeustunnus"),
        "{all}"
    );
}

#[test]
fn texts_naming_mfa_use_the_organisations_words() {
    let guide = Guide::built_in();
    assert!(
        guide
            .text("sv", "desk.confirm_reset")
            .contains("tvåstegsverifiering")
    );
    assert!(
        guide
            .text("sv", "welcome.title")
            .contains("tvåstegsverifiering")
    );
    assert!(
        guide
            .text("fi", "desk.confirm_reset")
            .contains("monivaiheisen tunnistautumisen")
    );
    assert!(
        guide
            .text("fi", "welcome.title")
            .contains("vahva tunnistautumi")
    );
}

// ---------------------------------------------------------------------------
// 16.8: the helpdesk line is on every screen, not only in help and errors
// ---------------------------------------------------------------------------

#[test]
fn helpdesk_line_shows_on_screens_under_the_header() {
    let d = on_methods(settings("fi", true), vec![old_app(true)]);
    for flow in [&Drive::new(settings("en", true)).flow, &d.flow] {
        let screen = draw(flow);
        let row = screen.lines().nth(1).unwrap_or_default();
        assert!(row.contains("Service desk: +46 8 123 45 67"), "{screen}");
    }
}

#[test]
fn helpdesk_line_too_long_for_the_row_is_left_out_not_cut() {
    let flow = Drive::new(settings("en", true)).flow;
    let guide = Guide::built_in();
    let branding = Branding {
        helpdesk: format!("Service desk: {}", "+46 8 123 45 67, ".repeat(5)),
        ..branding()
    };
    let view = View {
        flow: &flow,
        guide: &guide,
        branding: &branding,
        qr: None,
        qr_style: QrStyle::default(),
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    terminal.draw(|frame| ui::draw(frame, &view)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let row: String = (0..SIZE.0).map(|x| buffer[(x, 1)].symbol()).collect();
    assert!(row.trim().is_empty(), "a cut helpdesk line: {row}");
}
