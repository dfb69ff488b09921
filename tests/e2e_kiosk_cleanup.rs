//! The person backs out of the QR while the privacyIDEA server is away: the
//! release binary in tmux, the real server behind the cutting proxy of
//! `tests/support/privacyidea/proxy.rs`. And "One moment", said when a key
//! would start a request while another is out, goes when that one is done
//! (it used to stay, and the person waited for nothing).
//!
//! Run like `tests/e2e_kiosk.rs` (`MFA_ASSIST_BIN`, under
//! `scripts/privacyidea/with-server.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/privacyidea/mod.rs"]
mod pi;
#[path = "e2e/screen.rs"]
mod screen;
#[path = "e2e/tmux.rs"]
mod tmux;

use pi::proxy::CutProxy;
use std::time::{Duration, Instant};
use tmux::{Tmux, flat};

const WELCOME: &str = "Recover your sign-in";
/// A `token/init` on a busy shared test machine takes seconds, not the
/// 10 s of `tmux::TIMEOUT` at worst; the kiosk's own bound is 30 s.
const SLOW: Duration = Duration::from_secs(40);

fn unfinished(server: &pi::PiServer, rt: &tokio::runtime::Runtime, user: &str) -> Vec<String> {
    rt.block_on(server.tokens(user))
        .iter()
        .filter(|t| t["rollout_state"] != "enrolled" && t["tokentype"] != "registration")
        .map(|t| format!("{} {}", t["serial"], t["rollout_state"]))
        .collect()
}

/// From the method list to the TOTP QR.
fn code_app_qr(t: &Tmux) {
    t.keys(&["a"]);
    t.wait_for("Which method");
    t.keys(&["Down", "Enter"]);
    t.wait_for("What kind of phone");
    t.keys(&["Enter"]);
    t.wait_for("Get the app ready");
    t.keys(&["Enter"]);
    t.wait_until("the QR", SLOW, |s| s.contains("Scan this QR code"));
}

/// Test: at the TOTP QR the server goes away and the person presses Esc.
/// The DELETE fails: the screen says the method could not be removed and
/// who can remove it. With the server back the person starts again: a new
/// QR comes (the old token is swept away on the way), and signing out
/// leaves nothing unfinished on the server.
#[test]
fn backing_out_with_the_server_down_says_so_and_the_kiosk_goes_on() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = pi::PiServer::from_env();
    let proxy = rt.block_on(CutProxy::start(&server.url));
    let (user, code) = rt.block_on(async {
        let user = server.create_user("e2ecut").await;
        let code = server.issue_registration(&user, None).await;
        (user, code)
    });
    let config = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n\
         request_timeout_secs = 5\n\n[kiosk]\nenabled = true\n",
        proxy.url(),
        server.realm
    );
    let t = Tmux::start_with_config("picut", 120, 60, &config, &[]);
    t.wait_for(WELCOME);
    t.keys(&["Enter"]);
    t.wait_for("Username");
    t.type_text(&user);
    t.keys(&["Enter"]);
    t.type_text(&code);
    t.keys(&["Enter"]);
    t.wait_until("signed in", SLOW, |s| s.contains("Signed in as"));
    t.wait_gone("Loading");
    code_app_qr(&t);
    assert_eq!(unfinished(&server, &rt, &user).len(), 1);

    rt.block_on(proxy.cut());
    t.keys(&["Escape"]);
    let screen = t.wait_until("the clean-up notice", SLOW, |s| {
        flat(s).contains("could not remove the unfinished sign-in method")
    });
    assert!(screen.contains("Get the app ready"), "{screen}");
    assert!(!screen.contains('█'), "the QR is gone:\n{screen}");
    assert_eq!(
        unfinished(&server, &rt, &user).len(),
        1,
        "the server was away: the TOTP stays in verify"
    );

    // The server is back; the person tries again.
    rt.block_on(proxy.restore());
    t.keys(&["Enter"]);
    let started = Instant::now();
    let screen = t.wait_until("a new QR", SLOW, |s| {
        s.contains("Scan this QR code") || s.contains("went wrong") || s.contains("try again")
    });
    assert!(
        screen.contains("Scan this QR code"),
        "after {:?}:\n{screen}\n{}",
        started.elapsed(),
        t.app_stderr()
    );
    let left = unfinished(&server, &rt, &user);
    assert_eq!(left.len(), 1, "only the new token: {left:?}");

    // Out of the QR and signed out: nothing unfinished stays.
    t.keys(&["Escape"]);
    t.wait_for("Get the app ready");
    let deadline = Instant::now() + SLOW;
    loop {
        let left = unfinished(&server, &rt, &user);
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "left on the server: {left:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Test: Enter on "Get the app ready" while the method list is still
/// loading is answered "One moment: still working on the last step". That
/// notice used to stay on screen after the list had come: nothing was being
/// worked on, no QR came, and the person waited in front of "One moment".
/// It goes when the request it waits for is answered, and Enter then shows
/// the QR. (Training tenant with 2 s per call, so the list is surely still
/// loading.)
#[test]
fn one_moment_goes_when_the_request_it_waits_for_is_answered() {
    let config = "[training]\ndelay_ms = 2000\n\n[kiosk]\nenabled = true\n";
    let t = Tmux::start_with_config("busy", 110, 50, config, &[]);
    t.wait_for(WELCOME);
    t.keys(&["Enter"]);
    t.wait_for("Username");
    t.type_text("alex");
    t.keys(&["Enter"]);
    t.type_text("Tap-Alex-4821");
    t.keys(&["Enter"]);
    t.wait_for("Signed in as");
    // Straight on, while "Loading your sign-in methods" is out.
    t.keys(&["a"]);
    t.wait_for("Which method");
    t.keys(&["Down", "Enter"]);
    t.wait_for("What kind of phone");
    t.keys(&["Enter"]);
    t.wait_for("Get the app ready");
    t.keys(&["Enter"]);
    t.wait_for_flat("One moment");
    let screen = t.wait_until("One moment to go", Duration::from_secs(8), |s| {
        !flat(s).contains("One moment")
    });
    t.expect(&screen, "Get the app ready");
    t.keys(&["Enter"]);
    t.wait_until("the QR", SLOW, |s| s.contains("Scan this QR code"));
}
