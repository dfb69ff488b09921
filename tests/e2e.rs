//! End-to-end tests: the real binary in a real pseudo-terminal (tmux), driven
//! by key presses and checked by reading the screen, as a person would.
//!
//! Needs `tmux` and `oathtool` (Debian: `apt-get install tmux oathtool`).
//! Runs `$MFA_ASSIST_BIN` if set, else the binary cargo builds for the tests:
//!
//! ```sh
//! cargo build --release && MFA_ASSIST_BIN=target/release/mfa-assist cargo test --test e2e
//! ```
//!
//! Every test starts its own tmux server on a private socket, so the tests
//! run in parallel; nothing sleeps for a fixed time, every step waits for the
//! text it expects (50 ms polling, 10 s timeout, the last screen on failure).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "e2e/screen.rs"]
mod screen;
#[path = "e2e/tmux.rs"]
mod tmux;

use screen::{Grid, manual_key_grouped, oathtool_code, parse_otpauth, wrong_code};
use std::time::{Duration, Instant};
use tmux::{DONE_COUNTDOWN_SECS, Tmux, flat};

const WELCOME: &str = "Recover your sign-in";
const ISSUER: &str = "MFA Training";
const DOMAIN: &str = "training.example";

/// A training account of the built-in scenario.
struct Account {
    user: &'static str,
    pass: &'static str,
    display_name: &'static str,
    /// The label of the old Authenticator to delete, and how many ↓ from the
    /// top of the list select it (it is the last row).
    old_app: &'static str,
    downs: usize,
}

const ALEX: Account = Account {
    user: "alex",
    pass: "Tap-Alex-4821",
    display_name: "Alex Lindqvist",
    old_app: "Authenticator app (iPhone 11)",
    // The phone is the default, listed first.
    downs: 1,
};

const ROBIN: Account = Account {
    user: "robin",
    pass: "Tap-Robin-6614",
    display_name: "Robin Sato",
    old_app: "Authenticator app (old iPhone SE)",
    downs: 0,
};

/// Signs in and waits until the method list has loaded.
fn sign_in_ok(t: &Tmux, a: &Account) {
    t.sign_in(a.user, a.pass);
    t.wait_for(&format!("Signed in as {}", a.display_name));
    t.wait_for("Step 3 of 9");
    // The old app is listed, by its label, once the list has loaded.
    t.wait_for(a.old_app);
}

/// A line of a choice list marked as selected (`▶`).
fn selected_line_with<'a>(text: &'a str) -> impl Fn(&str) -> bool + 'a {
    move |line: &str| line.contains('▶') && line.contains(text)
}

/// Selects the old Authenticator, deletes it, and waits for the refreshed list.
fn delete_old_app(t: &Tmux, a: &Account) {
    // Keys are handled in order and the list has loaded: ↓ then d deletes
    // the selected row, and the confirmation below says which one that was.
    for _ in 0..a.downs {
        t.keys(&["Down"]);
    }
    t.keys(&["d"]);
    // The confirmation names the method by its label (which phone it was),
    // and the question itself is visible, not cut off by the box.
    let confirm = t.wait_until(
        &format!("a confirmation naming {:?}", a.old_app),
        tmux::TIMEOUT,
        |s| {
            s.lines()
                .any(|l| l.contains("Delete") && l.contains(a.old_app))
                && flat(s).contains("Press y to delete")
        },
    );
    if a.downs == 0 {
        // Robin's only method: a warning about the last way to sign in.
        t.expect_flat(&confirm, "last way to sign in");
    }
    t.keys(&["y"]);
    t.wait_for_flat(&format!("Deleted “{}”", a.old_app));
    let list = t.wait_gone("Loading");
    if list
        .lines()
        .any(|l| l.contains(a.old_app) && !l.contains("Deleted"))
    {
        t.fail(&format!("{:?} is still listed after the delete", a.old_app));
    }
}

/// From the method list through "add", the kind of method (`downs` ↓ in the
/// list of kinds), the phone (iPhone) and the preparation, to the QR screen.
fn add_until_qr(t: &Tmux, kind: &str, downs: usize) -> String {
    t.keys(&["a"]);
    t.wait_for("Step 4 of 9");
    for _ in 0..downs {
        t.keys(&["Down"]);
    }
    t.wait_for_line(
        &format!("{kind:?} to be selected"),
        selected_line_with(kind),
    );
    t.keys(&["Enter"]);
    t.wait_for("Step 5 of 9");
    t.wait_for_line("iPhone to be selected", selected_line_with("iPhone"));
    t.keys(&["Enter"]);
    let prepare = t.wait_for("Step 6 of 9");
    // The iPhone steps, not the Android ones.
    t.expect(&prepare, "App Store");
    t.expect_not(&prepare, "Google Play", "iPhone was chosen");
    t.keys(&["Enter"]);
    t.wait_for("Step 7 of 9")
}

/// Reads the QR code off the screen (from glyphs and colours) and decodes it.
/// Also checks every QR cell is ink 16 on paper 231 and that the glyphs
/// alone give the same code.
fn read_qr(t: &Tmux) -> String {
    t.wait_until("a QR code", tmux::TIMEOUT, |s| s.contains('█'));
    // A capture may catch a frame half-written: retry until it decodes.
    let start = Instant::now();
    let grid = loop {
        let grid = Grid::parse(&t.screen_with_colours());
        match grid.bitmap_from_colours().decode() {
            Ok(_) => break grid,
            Err(e) if start.elapsed() > tmux::TIMEOUT => {
                t.fail(&format!("QR (glyphs + colours) does not decode: {e}"))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let (cells, odd) = grid.qr_cells();
    // tmux trims trailing blanks, light QR cells included: count loosely.
    if cells < 21 * 10 {
        t.fail(&format!(
            "expected a QR code drawn in colours 16/231, found only {cells} such cells"
        ));
    }
    if !odd.is_empty() {
        t.fail(&format!(
            "QR cells must be ink 16 on paper 231; these are not: {:?}",
            &odd[..odd.len().min(5)]
        ));
    }
    let from_colours = grid
        .bitmap_from_colours()
        .decode()
        .unwrap_or_else(|e| t.fail(&format!("QR (glyphs + colours) does not decode: {e}")));
    let from_glyphs = grid
        .bitmap_from_glyphs()
        .decode()
        .unwrap_or_else(|e| t.fail(&format!("QR (glyphs only) does not decode: {e}")));
    assert_eq!(
        from_colours.len(),
        1,
        "one QR code on screen: {from_colours:?}"
    );
    assert_eq!(
        from_colours, from_glyphs,
        "glyphs alone and glyphs + colours must give the same code"
    );
    from_colours.into_iter().next().unwrap()
}

/// Waits for the screen with the key to type instead of scanning.
fn wait_for_manual_key(t: &Tmux) -> String {
    t.wait_until(
        "the manual key (`Key  XXXX XXXX ...`)",
        tmux::TIMEOUT,
        |s| manual_key_grouped(s).is_some(),
    )
}

/// Checks the URI is a TOTP enrolment for `user` at the training tenant and
/// returns its secret.
fn check_uri(t: &Tmux, uri: &str, user: &str) -> String {
    let otp = parse_otpauth(uri).unwrap_or_else(|e| t.fail(&e));
    assert_eq!(
        otp.label,
        format!("{ISSUER}:{user}@{DOMAIN}"),
        "QR label of {uri:?}"
    );
    assert_eq!(otp.issuer.as_deref(), Some(ISSUER), "issuer of {uri:?}");
    // Only the defaults an authenticator assumes anyway (or nothing).
    assert!(matches!(otp.digits.as_deref(), None | Some("6")), "{uri:?}");
    assert!(
        matches!(otp.period.as_deref(), None | Some("30")),
        "{uri:?}"
    );
    assert!(
        matches!(otp.algorithm.as_deref(), None | Some("SHA1")),
        "{uri:?}"
    );
    otp.secret
}

/// The screen and its scrollback must hold no trace of this person: not the
/// key, not their name; the username and pass only in the training table,
/// which shows them on Welcome on purpose.
fn assert_nothing_left(t: &Tmux, a: &Account, key: &str) {
    let visible = t.screen();
    let all = t.screen_and_scrollback();
    for (what, text) in [("screen", &visible), ("scrollback", &all)] {
        let plain = key.replace(' ', "");
        for needle in [plain.as_str(), key, a.display_name, &format!("{}@", a.user)] {
            if text.contains(needle) {
                t.fail(&format!(
                    "after sign-out the {what} still contains {needle:?} \
                     ({} / key {key})",
                    a.user
                ));
            }
        }
        for needle in [a.user, a.pass] {
            let lines: Vec<&str> = text.lines().filter(|l| l.contains(needle)).collect();
            let only_training_row =
                lines.len() == 1 && lines[0].contains(a.user) && lines[0].contains(a.pass);
            if !only_training_row {
                t.fail(&format!(
                    "after sign-out {needle:?} must appear only in the training table row, \
                     but the {what} has it on: {lines:?}"
                ));
            }
        }
    }
}

/// One whole recovery with a 6-digit code: sign in, delete the old app, add
/// a code app, scan (decode) the QR, read the key, prove a wrong code and a
/// right one, and be signed out by the countdown.
fn recover_with_code(t: &Tmux, a: &Account) {
    sign_in_ok(t, a);
    delete_old_app(t, a);
    add_until_qr(t, "Authenticator app (6-digit code)", 1);

    let uri = read_qr(t);
    let secret = check_uri(t, &uri, a.user);

    t.keys(&["c"]);
    let manual = wait_for_manual_key(t);
    let grouped = manual_key_grouped(&manual).unwrap();
    let groups: Vec<&str> = grouped.split(' ').collect();
    if groups.len() < 4
        || groups[..groups.len() - 1].iter().any(|g| g.len() != 4)
        || groups.last().is_some_and(|g| g.is_empty() || g.len() > 4)
    {
        t.fail(&format!("the key {grouped:?} is not grouped by 4"));
    }
    let key = grouped.replace(' ', "");
    assert_eq!(
        key.to_ascii_uppercase(),
        secret.to_ascii_uppercase(),
        "the manual key must be the QR's secret"
    );
    t.expect(&manual, &format!("{}@{DOMAIN}", a.user));
    t.expect(&manual, ISSUER);

    t.keys(&["Enter"]);
    t.wait_for("Step 8 of 9");

    // A wrong code first: refused, and the person may try again.
    let code = oathtool_code(&key);
    t.type_text(&wrong_code(&code));
    t.keys(&["Enter"]);
    t.wait_for("didn't match");
    t.wait_gone("Checking the code");

    // Now the code an authenticator shows (computed again: a 30 s step may
    // have passed; the tenant accepts one step either way anyway).
    t.type_text(&oathtool_code(&key));
    t.keys(&["Enter"]);
    t.wait_for("All done");
    // The list below is refreshed after the check; wait for the new method.
    let done = t.wait_for("Authenticator app (6-digit code) — Authenticator app");
    t.expect_not(&done, a.old_app, "the old app was deleted");
    t.expect_not(&done, "didn't match", "the code was accepted");

    // Nobody presses anything: the countdown signs out and clears the screen.
    let start = Instant::now();
    t.wait_until(
        &format!("the {DONE_COUNTDOWN_SECS} s countdown to return to Welcome"),
        Duration::from_secs(DONE_COUNTDOWN_SECS + 7),
        |s| s.contains(WELCOME) || s.contains("EXITED:"),
    );
    let screen = t.screen();
    if !screen.contains(WELCOME) {
        t.fail(&format!(
            "the Done countdown did not return to Welcome: the app ended after {:.1} s",
            start.elapsed().as_secs_f32()
        ));
    }
    t.expect_not(&screen, "Step 9 of 9", "the countdown is over");
    t.expect(&screen, "Step 1 of 9: Welcome");
    assert_nothing_left(t, a, &grouped);
}

/// Test 1: the common case twice in one run, as at a service desk where the
/// next person steps up: alex, then robin.
#[test]
fn code_flow_welcome_to_done_twice() {
    let t = Tmux::start("code", 100, 45, &[]);
    recover_with_code(&t, &ALEX);
    recover_with_code(&t, &ROBIN);
}

/// Test 2: a notification method, answered on the simulated phone: denied
/// first, sent again, approved; Enter on Done signs out at once.
#[test]
fn push_flow_with_simulated_phone() {
    let t = Tmux::start("push", 100, 45, &[]);
    sign_in_ok(&t, &ALEX);
    delete_old_app(&t, &ALEX);
    let prepare_to_qr = add_until_qr(&t, "Authenticator app (notification)", 0);
    t.expect(&prepare_to_qr, "Step 7 of 9");
    let uri = read_qr(&t);
    check_uri(&t, &uri, ALEX.user);

    t.keys(&["Enter"]);
    let waiting = wait_for_phone(&t);
    t.expect(&waiting, "Step 8 of 9");
    // Something moves while it waits: a spinner (every 100 ms) and the time.
    const SPINNER: [char; 8] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧'];
    let spinner_line = |s: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with(SPINNER))
            .map(str::to_string)
    };
    let first =
        spinner_line(&waiting).unwrap_or_else(|| t.fail("no spinner on the waiting screen"));
    if !waiting.contains("0:0") {
        t.fail("no elapsed time (m:ss) on the waiting screen");
    }
    t.wait_until("the spinner to turn", Duration::from_secs(3), |s| {
        spinner_line(s).is_some_and(|l| l != first)
    });

    // Answer the moment the phone box shows: an answer must not be lost.
    t.keys(&["d"]);
    let denied = t.wait_for("denied");
    t.expect_not(
        &denied,
        "TRAINING PHONE",
        "nothing is waiting for the phone now",
    );
    if spinner_line(&denied).is_some() {
        t.fail("still spinning after the phone denied");
    }

    t.keys(&["r"]);
    // Answer the moment the phone box is back.
    wait_for_phone(&t);
    // Number matching (issue 16 item 1): the phone takes the number shown.
    t.keys(&["a"]);
    t.wait_for_flat("Type the number shown on the screen into the training phone first");
    let number = t.shown_number();
    t.type_text(&number);
    t.keys(&["a"]);
    t.wait_for("All done");
    let done = t.wait_for("Authenticator app (notification) — Authenticator app (notifications)");
    t.expect_not(&done, ALEX.old_app, "the old app was deleted");

    // Enter signs out at once, well before the countdown would.
    let start = Instant::now();
    t.keys(&["Enter"]);
    let welcome = t.wait_until("Welcome right after Enter", Duration::from_secs(2), |s| {
        s.contains(WELCOME) || s.contains("EXITED:")
    });
    t.expect(&welcome, WELCOME);
    assert!(
        start.elapsed() < Duration::from_millis(DONE_COUNTDOWN_SECS * 1000 - 500),
        "Enter on Done took {:?}, as long as the countdown",
        start.elapsed()
    );
    t.expect_not(&welcome, ALEX.display_name, "signed out");
    t.expect_not(&welcome, "alex@", "signed out");
}

/// Waits for the approval screen with the simulated phone. The box shows
/// only once the notification is out, so the phone may answer at once: no
/// pause here (an answer given too early used to be lost silently).
fn wait_for_phone(t: &Tmux) -> String {
    t.wait_for("TRAINING PHONE")
}

/// Test 3: what a person sees for a wrong, expired, locked and used pass.
#[test]
fn wrong_and_expired_pass() {
    let t = Tmux::start("pass", 100, 45, &[]);

    // Two wrong passes for alex: the count of attempts left goes down...
    t.sign_in("alex", "Tap-Alex-0000");
    let s = t.wait_for("attempts left");
    t.expect_flat(&s, "2 attempts left");
    t.expect_not(&s, "Signed in as", "the pass was wrong");
    // The field was emptied and has the focus: type the next try straight away.
    t.type_text("Tap-Alex-1111");
    t.keys(&["Enter"]);
    let s = t.wait_for("1 attempt left");
    t.expect_not(&s, "Signed in as", "the pass was wrong");
    // ...and the right pass still works: the account is not locked yet.
    t.type_text(ALEX.pass);
    t.keys(&["Enter"]);
    t.wait_for("Signed in as Alex Lindqvist");
    t.wait_for(ALEX.old_app);
    t.keys(&["f"]);
    t.wait_for("Step 9 of 9");
    t.keys(&["Enter"]);
    t.wait_for(WELCOME);

    // sam's pass has expired.
    t.sign_in("sam", "Tap-Sam-7390");
    let s = t.wait_for("expired");
    t.expect_flat(&s, "pass has expired");
    t.expect_not(&s, "Signed in as", "an expired pass does not sign in");
    t.keys(&["Escape"]);

    // Three wrong passes lock kim's account...
    t.sign_in("kim", "Tap-Kim-0001");
    t.wait_for("2 attempts left");
    t.type_text("Tap-Kim-0002");
    t.keys(&["Enter"]);
    t.wait_for("1 attempt left");
    t.type_text("Tap-Kim-0003");
    t.keys(&["Enter"]);
    let s = t.wait_for("locked");
    t.expect_flat(&s, "account is locked");
    // ...and then even the right pass is refused (a fresh sign-in screen, so
    // the message below is the answer to this try, not the last one).
    t.keys(&["Escape"]);
    t.sign_in("kim", "Tap-Kim-2057");
    let s = t.wait_for("locked");
    t.expect_flat(&s, "this account is locked");
    t.expect_not(&s, "Signed in as", "a locked account does not sign in");
    t.keys(&["Escape"]);

    // A pass works once: robin signs in, finishes, and cannot come back with it.
    sign_in_ok(&t, &ROBIN);
    t.keys(&["f"]);
    t.wait_for("Step 9 of 9");
    t.keys(&["Enter"]);
    t.wait_for(WELCOME);
    t.sign_in(ROBIN.user, ROBIN.pass);
    let s = t.wait_for("already been used");
    t.expect_not(&s, "Signed in as", "a used pass does not sign in");
}

/// Test 4: kiosk mode ignores Ctrl-C (and Ctrl-Z); SIGTERM ends it cleanly,
/// restores the terminal and leaves nothing of the session on it.
#[test]
fn kiosk_ctrl_c_does_not_quit_and_sigterm_restores_terminal() {
    let t = Tmux::start("kiosk", 100, 45, &["--kiosk"]);
    let welcome = t.wait_for(WELCOME);
    t.expect_not(&welcome, "Quit", "kiosk mode offers no way out");

    t.keys(&["C-c"]);
    t.keys(&["C-z"]);
    // Keys are handled in order: if Ctrl-C had quit, Enter would reach the shell.
    t.keys(&["Enter"]);
    t.wait_for("Step 2 of 9");
    t.keys(&["C-c"]);
    t.type_text("alex");
    let s = t.wait_for("alex");
    t.expect_not(&s, "EXITED:", "Ctrl-C must not end a kiosk");
    t.expect(&s, "Step 2 of 9");

    let pid = t.app_pid();
    let start = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -TERM {pid} failed");
    let exit = t.wait_for_exit(start);

    let mut problems = t.terminal_problems(&exit);
    if exit.status != "0" {
        problems.push(format!(
            "SIGTERM must end the app cleanly: exit status {}",
            exit.status
        ));
    }
    if exit.after > Duration::from_millis(1500) {
        problems.push(format!("SIGTERM took {:?} to end the app", exit.after));
    }
    // Kiosk: the screen and scrollback are wiped on exit.
    let all = t.screen_and_scrollback();
    for needle in [WELCOME, "alex", "Tap-Alex", "TRAINING"] {
        if all.contains(needle) {
            problems.push(format!(
                "after exit the pane (with scrollback) still shows {needle:?}"
            ));
        }
    }
    if !problems.is_empty() {
        t.fail(&format!("kiosk SIGTERM:\n  - {}", problems.join("\n  - ")));
    }
}

/// Test 5: outside kiosk mode Ctrl-C quits at once, with status 0, and the
/// terminal is restored with nothing of the session left on it.
#[test]
fn non_kiosk_ctrl_c_quits_and_restores() {
    let t = Tmux::start("ctrlc", 100, 45, &[]);
    sign_in_ok(&t, &ALEX);
    let start = Instant::now();
    t.keys(&["C-c"]);
    let exit = t.wait_for_exit(start);
    let mut problems = t.terminal_problems(&exit);
    if exit.status != "0" {
        problems.push(format!(
            "Ctrl-C must quit cleanly: exit status {}",
            exit.status
        ));
    }
    if exit.after > Duration::from_millis(1500) {
        problems.push(format!("Ctrl-C took {:?} to quit", exit.after));
    }
    let all = t.screen_and_scrollback();
    for needle in [ALEX.display_name, ALEX.pass, "alex@", "Signed in as"] {
        if all.contains(needle) {
            problems.push(format!(
                "after exit the pane (with scrollback) still shows {needle:?}"
            ));
        }
    }
    if !problems.is_empty() {
        t.fail(&format!("Ctrl-C:\n  - {}", problems.join("\n  - ")));
    }
}

/// Test 6: a window too small says how big it must be and recovers on
/// resize; at 80x24 the QR step says the code needs more room and offers the
/// key instead.
#[test]
fn tiny_terminal_then_resize() {
    let t = Tmux::start("tiny", 50, 15, &[]);
    let s = t.wait_for("too small");
    t.expect_flat(&s, "(50×15)");
    t.expect_flat(&s, "at least 60×18");
    t.expect_not(&s, WELCOME, "nothing else fits");

    t.resize(100, 45);
    let s = t.wait_for(WELCOME);
    t.expect_not(&s, "too small", "the window is big enough now");

    t.resize(80, 24);
    t.wait_for("Step 1 of 9: Welcome");
    sign_in_ok(&t, &ALEX);
    delete_old_app(&t, &ALEX);
    add_until_qr(&t, "Authenticator app (6-digit code)", 1);
    // Says the window (80×24) is too small for the code, and offers c.
    let s = t.wait_until(
        "the QR step to ask for a bigger window",
        tmux::TIMEOUT,
        |s| flat(s).contains("80×24"),
    );
    let f = flat(&s).to_lowercase();
    t.expect(&f, "qr code");
    t.expect(&f, "bigger");
    t.expect(&f, "press c");
    if s.contains('▀') || s.contains('▄') {
        t.fail("a QR code that does not fit must not be drawn at all");
    }

    // The key instead of the code.
    t.keys(&["c"]);
    let s = wait_for_manual_key(&t);
    let key = manual_key_grouped(&s).unwrap();

    // Back to the QR, then a bigger window: the code appears and scans.
    t.keys(&["c"]);
    t.wait_until("the QR step again", tmux::TIMEOUT, |s| {
        flat(s).contains("80×24")
    });
    t.resize(100, 45);
    let uri = read_qr(&t);
    let secret = check_uri(&t, &uri, ALEX.user);
    assert_eq!(
        secret,
        key.replace(' ', ""),
        "the QR after resizing holds the key shown before"
    );
}

// ============================================================================
// Against a real privacyIDEA server (started by scripts/privacyidea/with-server.sh)
// ============================================================================

#[path = "support/privacyidea/mod.rs"]
mod pi;

/// The app's config for the test server; the countdown is short so the
/// tests see the sign-out.
fn pi_config(server: &pi::PiServer) -> String {
    format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n\n\
         [kiosk]\ndone_countdown_secs = {DONE_COUNTDOWN_SECS}\n",
        server.url, server.realm
    )
}

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

/// A new privacyIDEA user with an old TOTP token ("lost phone") and a fresh
/// registration code from the helpdesk.
fn pi_caller(server: &pi::PiServer, prefix: &str) -> (String, String, String) {
    block_on(async {
        let user = server.create_user(prefix).await;
        let (old, _) = server.enroll_totp_for(&user, "lost phone").await;
        let code = server.issue_registration(&user, None).await;
        (user, old, code)
    })
}

/// Signs in with the registration code and deletes the old token, which is
/// the only one: the app warns that it is the last way to sign in.
fn pi_sign_in_and_delete_old(t: &Tmux, user: &str, code: &str, old: &str) {
    t.wait_for(WELCOME);
    let welcome = t.screen();
    t.expect_not(
        &welcome,
        "TRAINING",
        "a real server is not the training tenant",
    );
    t.sign_in(user, code);
    t.wait_for(&format!("Signed in as {user}"));
    t.wait_for(old);
    t.keys(&["d"]);
    t.wait_until("the delete confirmation", tmux::TIMEOUT, |s| {
        flat(s).contains("Press y to delete")
    });
    t.keys(&["y"]);
    t.wait_for_flat("Deleted “lost phone");
    t.wait_gone("Loading");
}

/// Test: the release binary against privacyIDEA, code app. Sign in with a
/// freshly issued registration code, delete the old token, add a TOTP token
/// by reading the key off the screen, a wrong code then the right one
/// (computed by oathtool), Done, and the server agrees.
#[test]
fn privacyidea_code_flow_welcome_to_done() {
    let server = pi::PiServer::from_env();
    let (user, old, code) = pi_caller(&server, "e2ecode");
    let t = Tmux::start_with_config("picode", 110, 50, &pi_config(&server), &[]);
    pi_sign_in_and_delete_old(&t, &user, &code, &old);
    assert!(
        block_on(server.token(&old)).is_none(),
        "the old token is deleted on the server"
    );

    add_until_qr(&t, "Authenticator app (6-digit code)", 1);
    let uri = read_qr(&t);
    let otp = parse_otpauth(&uri).unwrap_or_else(|e| t.fail(&e));
    t.keys(&["c"]);
    let manual = wait_for_manual_key(&t);
    let key = manual_key_grouped(&manual).unwrap().replace(' ', "");
    assert_eq!(key.to_ascii_uppercase(), otp.secret.to_ascii_uppercase());

    t.keys(&["Enter"]);
    t.wait_for("Step 8 of 9");
    let code_now = oathtool_code(&key);
    t.type_text(&wrong_code(&code_now));
    t.keys(&["Enter"]);
    t.wait_for("didn't match");
    t.wait_gone("Checking the code");
    t.type_text(&oathtool_code(&key));
    t.keys(&["Enter"]);
    t.wait_for("All done");

    let tokens = block_on(server.tokens(&user));
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert_eq!(tokens[0]["tokentype"], "totp");
    assert_eq!(tokens[0]["rollout_state"], "enrolled");
    t.wait_until(
        "the countdown to return to Welcome",
        Duration::from_secs(DONE_COUNTDOWN_SECS + 7),
        |s| s.contains(WELCOME),
    );
    let all = t.screen_and_scrollback();
    for needle in [key.as_str(), code.as_str(), user.as_str()] {
        assert!(
            !all.contains(needle),
            "{needle:?} left on screen after sign-out"
        );
    }
}

/// Test: the push path against privacyIDEA. The QR is decoded off the screen
/// and handed to the emulated privacyIDEA Authenticator, which registers
/// (the screen moves on by itself), then approves the real test challenge.
#[test]
fn privacyidea_push_flow_approved_by_the_phone() {
    let server = pi::PiServer::from_env();
    let (user, old, code) = pi_caller(&server, "e2epush");
    let t = Tmux::start_with_config("pipush", 120, 60, &pi_config(&server), &[]);
    pi_sign_in_and_delete_old(&t, &user, &code, &old);

    let prepare_and_scan = add_until_qr(&t, "Authenticator app (notification)", 0);
    t.expect(&prepare_and_scan, "Waiting for your phone");
    let uri = read_qr(&t);
    assert!(uri.starts_with("otpauth://pipush/"), "{uri}");

    // Enter before the phone has registered: the screen says it is waiting.
    t.keys(&["Enter"]);
    t.wait_for_flat("has not added the account yet");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let phone = runtime
        .block_on(pi::phone::Phone::register(&uri))
        .unwrap_or_else(|e| t.fail(&e));
    t.wait_for("Approve the notification");
    runtime.block_on(phone.approve_next(Duration::from_secs(20)));
    t.wait_for("All done");

    let tokens = block_on(server.tokens(&user));
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert_eq!(tokens[0]["tokentype"], "push");
    assert_eq!(tokens[0]["rollout_state"], "enrolled");
}

// ============================================================================
// Against Microsoft Entra ID as played by the fake Graph server
// (tests/support/fake_graph), hosted by this test process
// ============================================================================

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

/// The fake Graph and identity platform on 127.0.0.1, served by a runtime
/// of this process while the test thread drives tmux.
struct GraphServer {
    fake: fake_graph::FakeGraph,
    // Dropped after the fake: its server task runs on this runtime.
    _runtime: tokio::runtime::Runtime,
}

impl GraphServer {
    fn start() -> GraphServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let fake = runtime.block_on(fake_graph::FakeGraph::start());
        GraphServer {
            fake,
            _runtime: runtime,
        }
    }

    fn config(&self) -> String {
        format!(
            "[provider]\nkind = \"entra\"\n\n[entra]\ntenant = \"{}\"\nclient_id = \"{}\"\n\
             authority_base = \"{}\"\ngraph_base = \"{}\"\nregistration_timeout_secs = 120\n\n\
             [kiosk]\ndone_countdown_secs = {DONE_COUNTDOWN_SECS}\n",
            fake_graph::TENANT,
            fake_graph::CLIENT_ID,
            self.fake.authority_base(),
            self.fake.graph_base()
        )
    }
}

/// The code the device-code screen tells the person to type on their phone.
fn user_code_on(screen: &str) -> Option<String> {
    screen
        .lines()
        .find_map(|l| l.split_once("Your code:"))
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .map(str::to_string)
}

/// Moves the selection (`▶`) down the method list to the row with `label`.
fn select_row(t: &Tmux, label: &str) {
    let selected = |s: &str| {
        s.lines()
            .find(|l| l.contains('▶'))
            .map(str::to_string)
            .unwrap_or_default()
    };
    for _ in 0..20 {
        let now = selected(&t.screen());
        if now.contains(label) {
            return;
        }
        t.keys(&["Down"]);
        t.wait_until("the selection to move down", tmux::TIMEOUT, |s| {
            selected(s) != now
        });
    }
    t.fail(&format!("could not select the row {label:?}"));
}

/// Test: the release binary as an Entra ID kiosk against the fake Graph.
/// Device-code sign-in (the test plays the person signing in on their
/// phone with the code read off the screen), the methods Graph lists, the
/// old Authenticator deleted, "add Microsoft Authenticator" with the My
/// Security Info QR decoded off the screen, the new Authenticator appearing
/// on the account (the test registers it on the fake), Done, sign-out.
#[test]
fn entra_device_code_flow_welcome_to_done() {
    const OLD_APP: &str = "Kim's old iPhone";
    const NEW_APP: &str = "Kim's new iPhone";
    let graph = GraphServer::start();
    let fake = &graph.fake;
    // Polls every second; the person has not signed in until the test says.
    fake.device_interval(1);
    fake.script_device(&[]);
    // The old Authenticator is not the default, so Graph lets it go.
    fake.set_default_method(fake_graph::KIM, Some(fake_graph::MOBILE_ID));

    let t = Tmux::start_with_config("entra", 110, 48, &graph.config(), &[]);
    t.wait_for(WELCOME);
    t.expect_not(&t.screen(), "TRAINING", "Entra is not the training tenant");
    t.keys(&["Enter"]);
    let shown = t.wait_until("a device code to type", tmux::TIMEOUT, |s| {
        user_code_on(s).is_some() && flat(s).contains("Waiting for you to finish signing in")
    });
    t.expect(&shown, "https://microsoft.com/devicelogin");
    let user_code = user_code_on(&shown).unwrap();
    // The kiosk polls and keeps waiting while nobody has signed in.
    t.wait_until(
        "the kiosk to poll the token endpoint",
        tmux::TIMEOUT,
        |_| fake.state().device_polls.len() >= 2,
    );
    t.expect(&t.screen(), &user_code);
    assert!(
        fake.complete_device_sign_in(&user_code),
        "the screen shows {user_code:?}, which the sign-in service never handed out"
    );

    t.wait_for("Signed in as Kim Akers");
    let methods = t.wait_for(OLD_APP);
    // Graph's list, as the kiosk maps it: the phone, the pass and the key too.
    for row in ["+1 2065555555 (mobile)", "Red key", "Temporary Access Pass"] {
        t.expect(&methods, row);
    }

    select_row(&t, OLD_APP);
    t.keys(&["d"]);
    t.wait_until("the delete confirmation", tmux::TIMEOUT, |s| {
        s.lines()
            .any(|l| l.contains("Delete") && l.contains(OLD_APP))
            && flat(s).contains("Press y to delete")
    });
    t.keys(&["y"]);
    t.wait_for_flat(&format!("Deleted “{OLD_APP}”"));
    t.wait_gone("Loading");
    assert!(
        !fake
            .methods(fake_graph::KIM)
            .iter()
            .any(|m| m["displayName"] == OLD_APP),
        "the old Authenticator is deleted on the server"
    );
    assert_eq!(
        fake.calls(
            "DELETE",
            "/me/authentication/microsoftAuthenticatorMethods/"
        ),
        1
    );

    let scan = add_until_qr(&t, "Authenticator app (notification)", 0);
    t.expect_flat(&scan, "Work or school account");
    assert_eq!(
        read_qr(&t),
        "https://mysignins.microsoft.com/security-info",
        "the QR opens My Security Info"
    );
    t.wait_for_flat("Waiting for your phone to add the account");
    // The person adds their work account in Microsoft Authenticator.
    fake.register_authenticator(fake_graph::KIM, NEW_APP);
    // The kiosk polls every 5 s (its own cadence, not the server's).
    t.wait_until(
        "the new Authenticator to be noticed",
        Duration::from_secs(20),
        |s| s.contains("All done"),
    );
    let done = t.wait_for(NEW_APP);
    t.expect_not(&done, OLD_APP, "the old app was deleted");

    t.wait_until(
        "the countdown to return to Welcome",
        Duration::from_secs(DONE_COUNTDOWN_SECS + 7),
        |s| s.contains(WELCOME),
    );
    let all = t.screen_and_scrollback();
    for needle in ["Kim Akers", fake_graph::KIM, NEW_APP, user_code.as_str()] {
        assert!(
            !all.contains(needle),
            "{needle:?} left on screen after sign-out"
        );
    }
}
