//! The public kiosk leaves nothing behind: the release binary in tmux.
//!
//! - The idle sign-out while the phone is awaited, against the real
//!   privacyIDEA server: the push QR (with its enrollment credential) goes
//!   after the idle timeout, "Still there?" shows first, and the unfinished
//!   token is deleted on the server.
//! - The QR is dark modules on light paper whatever `NO_COLOR` or `TERM` say:
//!   read off the screen with its colours and decoded.
//!
//! Run like `tests/e2e.rs` (`MFA_ASSIST_BIN`, and the privacyIDEA test under
//! `scripts/privacyidea/with-server.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/privacyidea/mod.rs"]
mod pi;
#[path = "e2e/screen.rs"]
mod screen;
#[path = "e2e/tmux.rs"]
mod tmux;

use screen::{Grid, parse_otpauth};
use std::time::{Duration, Instant};
use tmux::{Tmux, flat};

const WELCOME: &str = "Recover your sign-in";

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

/// From the method list to the QR: `downs` picks the method on Add.
fn add_until_qr(t: &Tmux, downs: usize) {
    t.keys(&["a"]);
    t.wait_for("Step 4 of 9");
    for _ in 0..downs {
        t.keys(&["Down"]);
    }
    t.keys(&["Enter"]);
    t.wait_for("Step 5 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 6 of 9");
    t.keys(&["Enter"]);
    t.wait_for("Step 7 of 9");
}

/// The QR read off the screen from glyphs and colours: every QR cell must be
/// ink 16 on paper 231 (no terminal default colour, which a dark or light
/// theme would decide), and the picture must decode as dark on light.
fn read_qr(t: &Tmux) -> String {
    t.wait_until("a QR code", tmux::TIMEOUT, |s| s.contains('█'));
    let start = Instant::now();
    loop {
        let grid = Grid::parse(&t.screen_with_colours());
        let (cells, odd) = grid.qr_cells();
        let decoded = grid.bitmap_from_colours().decode();
        match decoded {
            Ok(codes) if cells >= 21 * 10 && odd.is_empty() && codes.len() == 1 => {
                return codes.into_iter().next().unwrap();
            }
            _ if start.elapsed() > tmux::TIMEOUT => t.fail(&format!(
                "the QR must be drawn ink 16 on paper 231 and decode: {cells} such cells, \
                 odd {:?}, decode {decoded:?}",
                &odd[..odd.len().min(3)]
            )),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn qr_under(tag: &str, env: &[(&str, &str)]) {
    let t = Tmux::start_with_env(tag, 110, 50, "", &[], env);
    t.sign_in("alex", "Tap-Alex-4821");
    t.wait_for("Step 3 of 9");
    t.wait_gone("Loading");
    add_until_qr(&t, 1);
    let uri = read_qr(&t);
    parse_otpauth(&uri).unwrap_or_else(|e| t.fail(&e));
}

/// Test: NO_COLOR=1 used to drop the QR's colours with the rest, leaving
/// the glyphs light on a dark terminal: an inverted code.
#[test]
fn qr_is_dark_on_light_under_no_color() {
    qr_under("nocolor", &[("NO_COLOR", "1")]);
}

#[test]
fn qr_is_dark_on_light_on_term_dumb() {
    qr_under("dumb", &[("TERM", "dumb")]);
}

#[test]
fn qr_is_dark_on_light_on_the_linux_console_with_no_color() {
    qr_under("linux", &[("TERM", "linux"), ("NO_COLOR", "1")]);
}

#[test]
fn qr_is_dark_on_light_on_vt100() {
    qr_under("vt100", &[("TERM", "vt100")]);
}

/// Test: with `idle_timeout_secs = 15` a privacyIDEA push QR waiting for the
/// phone (300 s registration wait) is asked about after 7.5 s ("Still
/// there?"), and at 15 s it is wiped, the person is signed out, and the
/// unfinished token is gone from the server.
#[test]
fn privacyidea_push_qr_is_wiped_after_the_idle_timeout() {
    let server = pi::PiServer::from_env();
    let (user, code) = block_on(async {
        let user = server.create_user("e2eidle").await;
        let code = server.issue_registration(&user, None).await;
        (user, code)
    });
    let config = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n\n\
         [kiosk]\nenabled = true\nidle_timeout_secs = 15\n",
        server.url, server.realm
    );
    let t = Tmux::start_with_config("piidle", 120, 60, &config, &[]);
    t.sign_in(&user, &code);
    t.wait_for(&format!("Signed in as {user}"));
    t.wait_gone("Loading");
    add_until_qr(&t, 0);
    let uri = read_qr(&t);
    assert!(uri.starts_with("otpauth://pipush/"), "{uri}");
    let shown = Instant::now();
    let pending = block_on(server.tokens(&user));
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0]["rollout_state"], "clientwait");

    t.wait_until("Still there?", Duration::from_secs(15), |s| {
        s.contains("Still there?")
    });
    let asked = shown.elapsed();
    assert!(
        asked < Duration::from_secs(15),
        "asked after {asked:?}, not before the sign-out"
    );
    let screen = t.wait_until("the sign-out", Duration::from_secs(15), |s| {
        s.contains(WELCOME)
    });
    let gone = shown.elapsed();
    assert!(
        gone < Duration::from_secs(20),
        "the QR stayed {gone:?}, far beyond the 15 s idle timeout"
    );
    assert!(
        flat(&screen).contains("signed out because nothing happened"),
        "{screen}"
    );
    assert!(!screen.contains('█'), "no QR left on screen:\n{screen}");
    // The clean-up runs in the background: give it a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = block_on(server.tokens(&user));
        if left.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the unfinished token stays on the server: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
