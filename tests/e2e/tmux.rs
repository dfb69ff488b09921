//! A real pseudo-terminal for end-to-end tests: one private tmux server per
//! test (`tmux -L mfa-e2e-<tag>-<pid>`), so tests run in parallel and never
//! touch a user's own tmux. The server is killed when the [`Tmux`] guard is
//! dropped, also when the test fails.
//!
//! The app runs under a small wrapper script that, once the app has ended,
//! prints `EXITED:<status>` and the terminal's line-discipline flags
//! (`STTY: opost isig icanon echo`), so a test can check the exit status and
//! that raw mode was undone. The app's stderr goes to a file that every
//! failure message includes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long [`Tmux::wait_for`] waits before failing the test.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How often the screen is captured while waiting.
const POLL: Duration = Duration::from_millis(50);
/// How long a screen must stay unchanged to count as fully drawn.
pub const SETTLE: Duration = Duration::from_millis(30);
/// The tmux session (and window) every command targets.
const TARGET: &str = "e2e";

/// Training-tenant call delay: long enough to see the spinners, short enough
/// for fast tests.
pub const DELAY_MS: u64 = 150;
/// Seconds the Done screen counts down before signing out.
pub const DONE_COUNTDOWN_SECS: u64 = 3;

/// The binary under test: `$MFA_ASSIST_BIN` if set (a relative path is read
/// from the package root, where `cargo test` runs), else the one cargo built
/// for this test run.
pub fn binary() -> PathBuf {
    let bin = match std::env::var_os("MFA_ASSIST_BIN") {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            if path.is_absolute() {
                path
            } else {
                Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
            }
        }
        _ => PathBuf::from(env!("CARGO_BIN_EXE_mfa-assist")),
    };
    assert!(
        bin.is_file(),
        "the mfa-assist binary {} does not exist (MFA_ASSIST_BIN={:?}); build it first",
        bin.display(),
        std::env::var_os("MFA_ASSIST_BIN")
    );
    bin
}

/// Fails the test when tmux is not installed, saying so.
fn require_tmux() {
    match Command::new("tmux").arg("-V").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!("`tmux -V` failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => panic!(
            "tmux is needed for the end-to-end tests but could not be run ({e}); \
             install it (Debian/Ubuntu: apt-get install tmux)"
        ),
    }
}

/// Quotes `s` for a POSIX shell.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Printed before the app starts (see [`Launch::sentinel_lines`]).
pub const SENTINEL: &str = "SENTINEL-BEFORE-THE-APP";

/// Extras for starting the app.
#[derive(Default)]
pub struct Launch {
    /// Print this many numbered [`SENTINEL`] lines first, more than the
    /// window holds, so some are on the screen and some in the scrollback:
    /// a wipe must take both.
    pub sentinel_lines: Option<u16>,
    /// Run the app in a session of its own (`setsid`): the terminal is
    /// then not its controlling terminal, and when the terminal closes it
    /// gets no SIGHUP, only end-of-file.
    pub own_session: bool,
    /// Set for the app (e.g. `NO_COLOR`, `TERM`).
    pub env: Vec<(String, String)>,
    /// Shell lines run before the app, in the shell that starts it (e.g.
    /// `ulimit -c unlimited`).
    pub shell_before: Vec<String>,
    /// Record every byte the app writes to the terminal (`tmux pipe-pane`),
    /// from its first: the app waits until the recording runs. Read it
    /// with [`Tmux::transcript`].
    pub transcript: bool,
}

/// One private tmux server running the app in a window of a given size.
pub struct Tmux {
    socket: String,
    /// The socket file, removed with the server (tmux leaves it behind).
    socket_path: Option<PathBuf>,
    dir: PathBuf,
    bin: PathBuf,
}

impl Tmux {
    /// Starts the app (with `args` after `--config`) in a `width` x `height`
    /// window. `tag` names the test in the socket and temp dir; keep it short
    /// (socket paths are limited to ~100 bytes).
    pub fn start(tag: &str, width: u16, height: u16, args: &[&str]) -> Tmux {
        let config = format!(
            "[training]\ndelay_ms = {DELAY_MS}\n\n[kiosk]\ndone_countdown_secs = {DONE_COUNTDOWN_SECS}\n"
        );
        Tmux::start_with_config(tag, width, height, &config, args)
    }

    /// As [`Tmux::start`], with the app's whole config file given.
    pub fn start_with_config(
        tag: &str,
        width: u16,
        height: u16,
        config_text: &str,
        args: &[&str],
    ) -> Tmux {
        Tmux::start_with_env(tag, width, height, config_text, args, &[])
    }

    /// As `start_with_config`, with `env` set for the app (e.g. `NO_COLOR`, `TERM`).
    pub fn start_with_env(
        tag: &str,
        width: u16,
        height: u16,
        config_text: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Tmux {
        let launch = Launch {
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Launch::default()
        };
        Tmux::launch(tag, (width, height), config_text, args, &launch)
    }

    /// As [`Tmux::start_with_config`], with the extras of [`Launch`].
    pub fn launch(
        tag: &str,
        (width, height): (u16, u16),
        config_text: &str,
        args: &[&str],
        launch: &Launch,
    ) -> Tmux {
        require_tmux();
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let pid = std::process::id();
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("mfa-e2e-{tag}-{pid}-{seq}-{nanos}"));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        // The guard exists before the server does: whatever fails from here
        // on, Drop kills the server and removes the directory.
        let mut tmux = Tmux {
            socket: format!("mfa-e2e-{tag}-{pid}-{seq}"),
            socket_path: None,
            dir,
            bin: binary(),
        };

        let config = tmux.dir.join("config.toml");
        std::fs::write(&config, config_text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", config.display()));

        let mut app: Vec<String> = launch
            .env
            .iter()
            .map(|(k, v)| format!("{k}={}", sh_quote(v)))
            .collect();
        if !app.is_empty() {
            app.insert(0, "env".into());
        }
        app.extend([
            sh_quote(&tmux.bin.to_string_lossy()),
            "--config".to_string(),
            sh_quote(&config.to_string_lossy()),
        ]);
        app.extend(args.iter().map(|a| sh_quote(a)));
        let script = tmux.dir.join("run.sh");
        std::fs::write(
            &script,
            format!(
                "{prelude}{shell_before}{setsid}{app} 2>{stderr}\n\
                 status=$?\n\
                 printf '\\nEXITED:%s\\n' \"$status\"\n\
                 printf 'STTY: %s\\n' \"$(stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\{{0,1\\}}\\(icanon\\|echo\\|isig\\|opost\\)' | tr '\\n' ' ')\"\n\
                 exec sleep 600\n",
                app = app.join(" "),
                prelude = launch
                    .sentinel_lines
                    .map(|n| format!("for i in $(seq 1 {n}); do echo \"{SENTINEL} $i\"; done\n"))
                    .unwrap_or_default()
                    + &if launch.transcript {
                        format!(
                            "while [ ! -e {gate} ]; do sleep 0.02; done\n",
                            gate = sh_quote(&tmux.dir.join("gate").to_string_lossy())
                        )
                    } else {
                        String::new()
                    },
                shell_before = launch
                    .shell_before
                    .iter()
                    .map(|line| format!("{line}\n"))
                    .collect::<String>(),
                setsid = if launch.own_session { "setsid " } else { "" },
                stderr = sh_quote(&tmux.stderr_path().to_string_lossy()),
            ),
        )
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", script.display()));

        // `exec` makes the wrapper shell the pane's process, and the app its
        // only child (see `app_pid`).
        let command = format!("exec /bin/sh {}", sh_quote(&script.to_string_lossy()));
        let (w, h) = (width.to_string(), height.to_string());
        tmux.tmux_ok(&[
            "new-session",
            "-d",
            "-s",
            TARGET,
            "-x",
            &w,
            "-y",
            &h,
            &command,
        ]);
        tmux.socket_path = Some(PathBuf::from(tmux.display("#{socket_path}")));
        if launch.transcript {
            let file = sh_quote(&tmux.transcript_path().to_string_lossy());
            tmux.tmux_ok(&["pipe-pane", "-o", "-t", TARGET, &format!("cat >> {file}")]);
            let gate = tmux.dir.join("gate");
            std::fs::write(&gate, "")
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", gate.display()));
        }
        tmux
    }

    fn transcript_path(&self) -> PathBuf {
        self.dir.join("transcript.bin")
    }

    /// Every byte written to the terminal since the app started (see
    /// [`Launch::transcript`]).
    #[allow(dead_code)] // Only the tests that record use it.
    pub fn transcript(&self) -> Vec<u8> {
        std::fs::read(self.transcript_path()).unwrap_or_default()
    }

    fn stderr_path(&self) -> PathBuf {
        self.dir.join("stderr.txt")
    }

    /// What the app wrote to stderr so far.
    pub fn app_stderr(&self) -> String {
        std::fs::read_to_string(self.stderr_path()).unwrap_or_default()
    }

    fn tmux(&self, args: &[&str]) -> Output {
        // -f /dev/null: no user config; -u: UTF-8 whatever the locale says.
        Command::new("tmux")
            .args(["-u", "-f", "/dev/null", "-L", &self.socket])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run tmux {args:?}: {e}"))
    }

    fn tmux_ok(&self, args: &[&str]) -> String {
        let out = self.tmux(args);
        if !out.status.success() {
            panic!(
                "tmux {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stderr),
                self.diagnostics_without_screen()
            );
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The visible screen as plain text.
    pub fn screen(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-t", TARGET])
    }

    /// The visible screen with SGR colour escapes (`capture-pane -e`).
    pub fn screen_with_colours(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-e", "-t", TARGET])
    }

    /// The visible screen and up to 3000 lines of scrollback above it.
    pub fn screen_and_scrollback(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-S", "-3000", "-t", TARGET])
    }

    /// Presses keys by tmux name: `Enter`, `Down`, `Escape`, `C-c`, `y`.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", TARGET];
        args.extend_from_slice(keys);
        self.tmux_ok(&args);
    }

    /// Types `text` literally, one key per character.
    pub fn type_text(&self, text: &str) {
        self.tmux_ok(&["send-keys", "-t", TARGET, "-l", "--", text]);
    }

    pub fn resize(&self, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        self.tmux_ok(&["resize-window", "-t", TARGET, "-x", &w, "-y", &h]);
    }

    /// A tmux format evaluated for the pane, e.g. `#{alternate_on}`.
    pub fn display(&self, format: &str) -> String {
        self.tmux_ok(&["display-message", "-p", "-t", TARGET, format])
            .trim()
            .to_string()
    }

    /// The pid of the running app: the only child of the pane's shell.
    pub fn app_pid(&self) -> u32 {
        let pane: u32 = self
            .display("#{pane_pid}")
            .parse()
            .unwrap_or_else(|e| panic!("bad pane pid: {e}"));
        let children = children_of(pane);
        let want = self.bin.to_string_lossy().into_owned();
        let app: Vec<u32> = children
            .iter()
            .copied()
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .map(|c| c.split(|b| *b == 0).next() == Some(want.as_bytes()))
                    .unwrap_or(false)
            })
            .collect();
        match app.as_slice() {
            [pid] => *pid,
            _ => self.fail(&format!(
                "expected one mfa-assist child of pane process {pane}, found {app:?} \
                 (all children: {children:?})"
            )),
        }
    }

    /// The two-digit number the approval screen shows for number matching.
    pub fn shown_number(&self) -> String {
        let label = "Type this number into the app:";
        let screen = self.wait_for(label);
        let number: String = screen
            .lines()
            .find_map(|l| l.split(label).nth(1))
            .unwrap_or_default()
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if number.len() != 2 {
            self.fail("no two-digit number on the approval screen");
        }
        number
    }

    /// Polls the screen every 50 ms until it contains `text`; returns that
    /// screen. After [`TIMEOUT`] the test fails showing the last screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), TIMEOUT, |s| s.contains(text))
    }

    /// Like [`Tmux::wait_for`], with words allowed to wrap across lines:
    /// every run of whitespace in the screen and in `text` counts as one space.
    pub fn wait_for_flat(&self, text: &str) -> String {
        let want = flat(text);
        self.wait_until(&format!("{text:?} (any wrapping)"), TIMEOUT, |s| {
            flat(s).contains(&want)
        })
    }

    /// Polls until one line of the screen satisfies `line_ok`.
    pub fn wait_for_line(&self, what: &str, line_ok: impl Fn(&str) -> bool) -> String {
        self.wait_until(what, TIMEOUT, |s| s.lines().any(&line_ok))
    }

    /// Polls until the screen no longer contains `text`.
    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} to go away"), TIMEOUT, |s| {
            !s.contains(text)
        })
    }

    /// Polls until `done` holds for a settled screen: the same in two
    /// captures [`SETTLE`] apart. tmux may capture a frame the app is still
    /// writing (a big frame takes several writes); such a mix of two frames
    /// must not count.
    pub fn wait_until(&self, what: &str, timeout: Duration, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            // A screen that keeps changing (a spinner) while `done` holds
            // must not keep the wait from its deadline either.
            if done(&screen) {
                std::thread::sleep(SETTLE);
                if self.screen() == screen {
                    return screen;
                }
            } else {
                std::thread::sleep(POLL);
            }
            if start.elapsed() >= timeout {
                panic!(
                    "timed out after {:.1} s waiting for {what}\n{}",
                    start.elapsed().as_secs_f32(),
                    self.diagnostics(&screen)
                );
            }
        }
    }

    /// Fails the test with `message`, the current screen and the app's stderr.
    pub fn fail(&self, message: &str) -> ! {
        let screen = self.screen();
        panic!("{message}\n{}", self.diagnostics(&screen))
    }

    /// Fails unless `screen` contains `text`.
    pub fn expect(&self, screen: &str, text: &str) {
        if !screen.contains(text) {
            panic!(
                "expected the screen to show {text:?}\n{}",
                self.diagnostics(screen)
            );
        }
    }

    /// Fails unless `screen` contains `text`, with words allowed to wrap
    /// across lines (see [`flat`]).
    pub fn expect_flat(&self, screen: &str, text: &str) {
        if !flat(screen).contains(&flat(text)) {
            panic!(
                "expected the screen to show {text:?} (any wrapping)\n{}",
                self.diagnostics(screen)
            );
        }
    }

    /// Fails if `screen` contains `text`.
    pub fn expect_not(&self, screen: &str, text: &str, why: &str) {
        if screen.contains(text) {
            panic!(
                "the screen must not show {text:?} ({why})\n{}",
                self.diagnostics(screen)
            );
        }
    }

    fn diagnostics(&self, screen: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "----- screen -----");
        out.push_str(screen.trim_end());
        out.push('\n');
        let _ = write!(
            out,
            "------------------{}",
            self.diagnostics_without_screen()
        );
        out
    }

    fn diagnostics_without_screen(&self) -> String {
        let stderr = self.app_stderr();
        if stderr.trim().is_empty() {
            String::new()
        } else {
            format!("\n----- app stderr -----\n{}", stderr.trim_end())
        }
    }
}

/// What the kiosk's first screen says.
pub const WELCOME: &str = "Recover your sign-in";

impl Tmux {
    /// Welcome -> the sign-in screen.
    pub fn to_sign_in(&self) {
        self.wait_for(WELCOME);
        self.keys(&["Enter"]);
        self.wait_for("Step 2 of 9");
    }

    /// Welcome -> the sign-in screen -> username, pass -> Enter.
    pub fn sign_in(&self, user: &str, pass: &str) {
        self.to_sign_in();
        self.type_text(user);
        self.keys(&["Enter"]);
        self.type_text(pass);
        self.keys(&["Enter"]);
    }

    /// What the wrapper prints once the app has ended: exit status, how
    /// long after `since` it ended, and the terminal's flags.
    pub fn wait_for_exit(&self, since: Instant) -> Exit {
        self.wait_for("EXITED:");
        let after = since.elapsed();
        let screen = self.wait_for("STTY:");
        let field = |prefix: &str| {
            screen
                .lines()
                .find_map(|l| l.strip_prefix(prefix))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        Exit {
            status: field("EXITED:"),
            after,
            stty: field("STTY:"),
        }
    }

    /// The terminal is back as the shell expects it after `exit`: cooked
    /// mode, echo, the normal screen, a visible cursor. Returns the
    /// problems found.
    pub fn terminal_problems(&self, exit: &Exit) -> Vec<String> {
        let mut problems = Vec::new();
        let flags: Vec<&str> = exit.stty.split_whitespace().collect();
        for flag in ["icanon", "echo", "isig", "opost"] {
            if !flags.contains(&flag) {
                problems.push(format!(
                    "terminal left in raw mode: stty shows {:?}, want {flag}",
                    exit.stty
                ));
            }
        }
        if self.display("#{alternate_on}") != "0" {
            problems.push("the alternate screen is still on".into());
        }
        if self.display("#{cursor_flag}") != "1" {
            problems.push("the cursor is still hidden".into());
        }
        problems
    }
}

/// How the app ended, as the launch wrapper prints it.
pub struct Exit {
    pub status: String,
    pub after: Duration,
    pub stty: String,
}

impl Tmux {
    /// Closes the terminal: the tmux server goes, and with it the pane's
    /// pseudo-terminal (its shell gets SIGHUP; an app in a session of its
    /// own only sees the terminal hang up).
    #[allow(dead_code)] // not every test binary closes the terminal
    pub fn close_terminal(&self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-f", "/dev/null", "-L", &self.socket, "kill-server"])
            .output();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Every run of whitespace as one space.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Pids whose parent is `parent`, read from /proc.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut pids = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // `pid (comm) state ppid ...`; comm may contain spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|s| s.parse::<u32>().ok());
        if ppid == Some(parent) {
            pids.push(pid);
        }
    }
    pids.sort_unstable();
    pids
}
