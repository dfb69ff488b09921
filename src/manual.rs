//! The man page and shell completions, generated from the command line
//! definition so they can never drift from `--help`. The package build runs
//! `mfa-assist man` and `mfa-assist completions <shell>` to make its files.

use crate::config::{
    DEFAULT_CLIENT_SECRET_ENV, DEFAULT_PI_ADMIN_PASSWORD_ENV, ENV_VAR, FILE_NAME, SYSTEM_DIR,
};
use clap::Command;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

/// The whole man page (section 1) as roff.
pub fn man_page(cmd: Command) -> std::io::Result<Vec<u8>> {
    let man = Man::new(cmd.clone()).manual("mfa-assist manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    description().to_writer(&mut out)?;
    man.render_options_section(&mut out)?;
    commands(&cmd).to_writer(&mut out)?;
    extra_sections().to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

fn description() -> Roff {
    let mut r = Roff::new();
    r.control("SH", ["DESCRIPTION"]);
    r.text([roman(
        "mfa-assist guides a person through recovering their multi-factor sign-in: sign in \
         with a Temporary Access Pass, remove the lost Authenticator, add a new one by QR code \
         and check that it works.",
    )]);
    r.control("PP", []);
    r.text([
        roman("With "),
        bold("--kiosk"),
        roman(" it runs on a public kiosk: Ctrl-C does not quit and the screen is wiped between people. With "),
        bold("--helpdesk"),
        roman(" it is the agent's side of a phone call. Without a config file it runs on a built-in training tenant."),
    ]);
    r
}

/// Subcommands listed in this page itself: they have no pages of their own.
fn commands(cmd: &Command) -> Roff {
    let mut r = Roff::new();
    let subs: Vec<&Command> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help" && !s.is_hide_set())
        .collect();
    if subs.is_empty() {
        return r;
    }
    r.control("SH", ["COMMANDS"]);
    for sub in subs {
        let mut usage = vec![bold(format!("{} {}", cmd.get_name(), sub.get_name()))];
        for arg in sub.get_positionals() {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            let shown = if values.is_empty() {
                arg.get_id().to_string().to_uppercase()
            } else {
                values.join("|")
            };
            usage.push(roman(" "));
            usage.push(italic(shown));
        }
        r.control("TP", []);
        r.text(usage);
        let about = sub.get_long_about().or(sub.get_about());
        r.text([roman(about.map(|a| a.to_string()).unwrap_or_default())]);
    }
    r
}

/// What `--help` has no room for: where the config comes from, the
/// variables read, the exit codes.
fn extra_sections() -> Roff {
    let user_file = format!("~/.config/mfa-assist/{FILE_NAME}");
    let system_file = format!("{SYSTEM_DIR}/{FILE_NAME}");
    let mut r = Roff::new();
    r.control("SH", ["FILES"]);
    r.text([roman(
        "The configuration is read from the first of these that applies; files are never merged:",
    )]);
    let files: [(String, String); 4] = [
        (
            "--config FILE".into(),
            "the file named on the command line (must exist)".into(),
        ),
        (
            format!("${ENV_VAR}"),
            "the file this variable names, if it is set and not empty (must exist)".into(),
        ),
        (
            user_file,
            "the user's own file (or under $XDG_CONFIG_HOME), if it exists".into(),
        ),
        (
            system_file,
            "the system-wide file for every kiosk and desk on the machine, if it exists".into(),
        ),
    ];
    for (name, what) in files {
        r.control("TP", []);
        r.text([bold(name)]);
        r.text([roman(what)]);
    }
    r.control("PP", []);
    r.text([roman(
        "With none of them the built-in training tenant runs, with practice accounts.",
    )]);
    r.control("TP", []);
    r.text([bold("/usr/share/doc/mfa-assist/config.example.toml")]);
    r.text([roman(
        "every setting with its default and an explanation; copy it to start a config",
    )]);

    r.control("SH", ["ENVIRONMENT"]);
    let vars = [
        (ENV_VAR, "the config file to read (see FILES)"),
        (
            DEFAULT_PI_ADMIN_PASSWORD_ENV,
            "the privacyIDEA helpdesk admin password, unless privacyidea.admin_password_env names another variable",
        ),
        (
            DEFAULT_CLIENT_SECRET_ENV,
            "the Entra ID app's client secret in helpdesk mode, unless entra.client_secret_env names another variable",
        ),
    ];
    for (name, what) in vars {
        r.control("TP", []);
        r.text([bold(name)]);
        r.text([roman(what)]);
    }
    r.control("PP", []);
    r.text([roman(
        "Secrets are only ever read from the environment or from a file the config names, never \
         from the config file itself.",
    )]);

    r.control("SH", ["EXIT STATUS"]);
    for (code, what) in [
        ("0", "the person or agent quit normally"),
        ("1", "the program could not run (for example, no terminal)"),
        (
            "2",
            "a usage or config error; the message names the file, key and line",
        ),
    ] {
        r.control("TP", []);
        r.text([bold(code)]);
        r.text([roman(what)]);
    }

    r.control("SH", ["SEE ALSO"]);
    r.text([
        roman("The kiosk guide, "),
        italic("/usr/share/doc/mfa-assist/kiosk.md"),
        roman(", for a locked-down kiosk on tty1 under systemd."),
    ]);
    r
}

/// The completion script for `shell`. Built in memory so a closed pipe is
/// an error the caller reports, not a panic inside the generator.
pub fn completions(shell: Shell, mut cmd: Command) -> Vec<u8> {
    let name = cmd.get_name().to_string();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut out);
    out
}
