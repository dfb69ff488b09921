//! mfa-assist: a terminal assistant for recovering multi-factor sign-in.
//!
//! `flow` and `helpdesk` decide (on the shared `kernel`), `driver` runs
//! them with `app` and `desk_app` executing their effects, `ui` draws,
//! `provider` talks.

pub mod app;
pub mod audit;
pub mod check;
pub mod clipboard;
pub mod clock_drift;
pub mod config;
pub mod desk_app;
pub mod driver;
pub mod flow;
pub mod guide;
pub mod hardening;
pub mod helpdesk;
pub mod input;
pub mod journal;
pub mod kernel;
pub mod keymap;
pub mod manual;
pub mod oplog;
pub mod poll_schedule;
pub mod poller;
pub mod provider;
pub mod secret;
pub mod setup;
pub mod terminal;
pub mod throttle;
pub mod timefmt;
pub mod ui;

use std::path::Path;

/// Runs the kiosk (or single-user) app on the real terminal until the
/// person quits or the session is ended from outside.
pub async fn run(config: config::Config, scenario: Option<&Path>) -> Result<(), String> {
    ui::theme::set(setup::theme(&config));
    let provider = setup::provider(&config, scenario)?;
    let mut flow = flow::Flow::new(setup::settings(&config, provider.as_ref()));
    flow.lang = setup::start_language(&config);
    let mut app = app::App::new(flow, provider, setup::guide(&config), setup::look(&config));
    let plan = setup::audit_plan(
        &config,
        false,
        oplog::Surroundings::now(true).journal_stream,
    )?;
    if !plan.is_empty() {
        // Nobody at a kiosk can act on a failed audit write: the operator
        // reads it in the log.
        let trail = audit::Trail::start(audit::Sinks::open(&plan)?, |why| {
            tracing::error!(target: "mfa_assist::audit", why, "audit record not written");
        })?;
        app = app.with_audit(trail, &setup::provider_name(&config));
    }
    on_terminal(config.kiosk.enabled, plain(&config), app).await
}

/// Runs helpdesk mode on the real terminal until the agent quits.
pub async fn run_helpdesk(config: config::Config, scenario: Option<&Path>) -> Result<(), String> {
    ui::theme::set(setup::theme(&config));
    let admin = setup::admin(&config, scenario).await?;
    let paths = setup::desk_paths(&config)?;
    let mut desk = helpdesk::Desk::new(setup::desk_settings(&config, admin.as_ref()));
    desk.lang = setup::start_language(&config);
    desk.caller_lang = desk.lang;
    let mut app = desk_app::DeskApp::new(
        desk,
        admin,
        setup::guide(&config),
        setup::look(&config).branding,
    );
    let plan = setup::audit_plan(&config, true, oplog::Surroundings::now(true).journal_stream)?;
    app.open_records_with(&plan, &paths.case_dir)?;
    on_terminal(false, plain(&config), app).await
}

/// The plain surface (screen readers) instead of the full screen.
fn plain(config: &config::Config) -> bool {
    config.ui.mode == config::UiMode::Plain
}

/// Takes over the terminal (restored on every path), with what ends a
/// session from outside caught first, and runs the driver on it.
/// `wipe_on_exit`: the kiosk also clears the normal screen and its
/// scrollback on the way out.
async fn on_terminal<X: driver::Executor>(
    wipe_on_exit: bool,
    plain: bool,
    mut exec: X,
) -> Result<(), String> {
    let enders = driver::session_enders();
    let opened = |e: std::io::Error| format!("cannot open the terminal: {e}");
    let screen = &mut terminal::RealScreen;
    let result = if plain {
        let guard = terminal::PlainGuard::enter(wipe_on_exit).map_err(opened)?;
        let input = driver::tty::Unstick::new(crossterm::event::EventStream::new());
        let mut surface = driver::PlainSurface::new(std::io::stdout());
        let result = driver::run(&mut exec, &mut surface, screen, input, enders).await;
        drop(guard);
        result
    } else {
        let mut guard = terminal::TerminalGuard::enter(wipe_on_exit).map_err(opened)?;
        let input = driver::tty::Unstick::new(crossterm::event::EventStream::new());
        let mut surface = driver::FullSurface {
            terminal: &mut guard.terminal,
        };
        let result = driver::run(&mut exec, &mut surface, screen, input, enders).await;
        drop(guard);
        result
    };
    result.map_err(|e| format!("terminal error: {e}"))
}
