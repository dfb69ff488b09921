//! Command line: parse flags, load the config, run. Nothing else.

use clap::{CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Guides a person through recovering their multi-factor sign-in: sign in
/// with a Temporary Access Pass, remove the lost Authenticator, add a new
/// one by QR code and check that it works. Without a config file it runs on
/// a built-in training tenant.
#[derive(Parser, Debug)]
#[command(name = "mfa-assist", version, about, long_about = None)]
struct Cli {
    /// Config file (default: $MFA_ASSIST_CONFIG, then the OS config dir, then
    /// /etc/mfa-assist/config.toml, then built-in defaults)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Training scenario TOML to use instead of the built-in one
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,

    /// Kiosk mode: Ctrl-C does not quit, the screen is wiped on exit
    #[arg(long)]
    kiosk: bool,

    /// Helpdesk mode: the agent's side of the call (look up a caller, verify,
    /// issue a pass, reset methods, write a case summary)
    #[arg(long, conflicts_with = "kiosk")]
    helpdesk: bool,

    /// Screen-reader mode: plain lines written once, then only what changed
    /// (no full-screen drawing, no colours); same as `[ui] mode = "plain"`
    #[arg(long)]
    plain: bool,

    /// Start in this language (en, sv, fi)
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,

    #[command(subcommand)]
    command: Option<Command>,
}

/// Tasks other than running the assistant.
#[derive(Subcommand, Debug)]
enum Command {
    /// Print the shell completion script for SHELL
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff; view it with `mfa-assist man | man -l -`)
    Man,
    /// Prove the deployment before the first caller: one line per check,
    /// passed or failed with the fix; exits 1 on any failure. With
    /// --helpdesk, checks the agent's side.
    Check {
        /// One JSON document, for monitoring
        #[arg(long)]
        json: bool,
    },
}

/// Writes generated documentation to stdout; a closed pipe is not a crash.
fn print_doc(command: &Command) -> ExitCode {
    let bytes = match command {
        Command::Completions { shell } => mfa_assist::manual::completions(*shell, Cli::command()),
        // `main` runs `check` itself; it is not a document.
        Command::Check { .. } => return ExitCode::FAILURE,
        Command::Man => match mfa_assist::manual::man_page(Cli::command()) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("mfa-assist: cannot render the man page: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(&bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mfa-assist: cannot write: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    // First, before any secret is read (a config may name a secret file).
    if let Err(e) = mfa_assist::hardening::no_core_dumps() {
        eprintln!("mfa-assist: cannot switch off core dumps: {e}");
    }
    let cli = Cli::parse();
    if let Some(Command::Check { json }) = cli.command {
        return check(cli.config.as_deref(), cli.helpdesk, json);
    }
    if let Some(command) = &cli.command {
        return print_doc(command);
    }
    let (mut config, source) = match mfa_assist::config::load(cli.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("mfa-assist: {e}");
            return ExitCode::from(2);
        }
    };
    if cli.kiosk {
        config.kiosk.enabled = true;
    }
    if cli.helpdesk {
        config.helpdesk.enabled = true;
    }
    if cli.plain {
        config.ui.mode = mfa_assist::config::UiMode::Plain;
    }
    if config.helpdesk.enabled && config.kiosk.enabled {
        eprintln!("mfa-assist: helpdesk mode cannot run on a kiosk; turn one of them off");
        return ExitCode::from(2);
    }
    if let Some(lang) = cli.lang {
        if !config.ui.languages.contains(&lang) {
            eprintln!(
                "mfa-assist: --lang {lang}: choose one of {}",
                config.ui.languages.join(", ")
            );
            return ExitCode::from(2);
        }
        config.ui.language = lang;
    }
    if let Err(e) = config.validate() {
        eprintln!("mfa-assist: {e}");
        return ExitCode::from(2);
    }
    let around = mfa_assist::oplog::Surroundings::now(true);
    if let Err(e) = mfa_assist::oplog::init(&config.log, around) {
        eprintln!("mfa-assist: {e}");
        return ExitCode::from(2);
    }
    let mode = if config.helpdesk.enabled {
        "helpdesk"
    } else if config.kiosk.enabled {
        "kiosk"
    } else {
        "assistant"
    };
    tracing::info!(
        target: "mfa_assist",
        mode,
        provider = ?config.provider.kind,
        version = env!("CARGO_PKG_VERSION"),
        config = %source,
        "started"
    );
    let Some(runtime) = runtime(tokio::runtime::Builder::new_multi_thread().worker_threads(2))
    else {
        return ExitCode::FAILURE;
    };
    let run = async {
        if config.helpdesk.enabled {
            mfa_assist::run_helpdesk(config, cli.scenario.as_deref()).await
        } else {
            mfa_assist::run(config, cli.scenario.as_deref()).await
        }
    };
    match runtime.block_on(run) {
        Ok(()) => {
            tracing::info!(target: "mfa_assist", mode, "stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            // The reason as the person sees it: these messages never hold
            // a secret (they are shown on screen too).
            tracing::error!(target: "mfa_assist", mode, reason = %e, "stopped");
            eprintln!("mfa-assist: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The runtime `builder` makes; when it cannot, stderr says why.
fn runtime(builder: &mut tokio::runtime::Builder) -> Option<tokio::runtime::Runtime> {
    match builder.enable_all().build() {
        Ok(rt) => Some(rt),
        Err(e) => {
            eprintln!("mfa-assist: cannot start: {e}");
            None
        }
    }
}

fn check(config: Option<&std::path::Path>, helpdesk: bool, json: bool) -> ExitCode {
    let Some(runtime) = runtime(&mut tokio::runtime::Builder::new_current_thread()) else {
        return ExitCode::FAILURE;
    };
    let loaded = mfa_assist::config::load(config);
    let report = runtime.block_on(mfa_assist::check::run(loaded, helpdesk));
    if json {
        println!("{}", report.json());
    } else {
        print!("{}", report.text());
    }
    if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
