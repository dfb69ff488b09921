//! mfa-assist: a terminal assistant for recovering multi-factor sign-in.
//!
//! `flow` decides, `app` executes, `ui` draws, `provider` talks.

pub mod app;
pub mod audit;
pub mod check;
pub mod clipboard;
pub mod clock_drift;
pub mod config;
pub mod desk_app;
pub mod flow;
pub mod guide;
pub mod helpdesk;
pub mod input;
pub mod keymap;
pub mod manual;
pub mod provider;
pub mod secret;
pub mod setup;
pub mod terminal;
pub mod timefmt;
pub mod ui;

use std::io;
use std::path::Path;

/// Runs the app on the real terminal until the person quits (or, in kiosk
/// mode, until SIGTERM/SIGHUP). The terminal is restored on every path.
pub async fn run(config: config::Config, scenario: Option<&Path>) -> Result<(), String> {
    ui::theme::set(setup::theme(&config));
    let provider = setup::provider(&config, scenario)?;
    let mut flow = flow::Flow::new(setup::settings(&config, provider.as_ref()));
    flow.lang = setup::start_language(&config);
    let app = app::App::new(
        flow,
        provider,
        guide::Guide::built_in(),
        setup::look(&config),
    );

    let mut guard = terminal::TerminalGuard::enter(config.kiosk.enabled)
        .map_err(|e| format!("cannot open the terminal: {e}"))?;
    let input = crossterm::event::EventStream::new();
    let result = app
        .run(
            &mut guard.terminal,
            &mut terminal::RealScreen,
            input,
            interrupts(),
        )
        .await;
    drop(guard);
    result.map_err(|e: io::Error| format!("terminal error: {e}"))
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
        guide::Guide::built_in(),
        setup::look(&config).branding,
    );
    app.open_records(&paths.audit_log, &paths.case_dir)?;

    let mut guard = terminal::TerminalGuard::enter(false)
        .map_err(|e| format!("cannot open the terminal: {e}"))?;
    let input = crossterm::event::EventStream::new();
    let result = app
        .run(
            &mut guard.terminal,
            &mut terminal::RealScreen,
            input,
            interrupts(),
        )
        .await;
    drop(guard);
    result.map_err(|e: io::Error| format!("terminal error: {e}"))
}

/// SIGTERM, SIGHUP and SIGINT as a stream (SIGINT only arrives when the
/// terminal is not in raw mode, e.g. `kill -INT`).
fn interrupts() -> futures::stream::BoxStream<'static, ()> {
    #[cfg(unix)]
    {
        use futures::StreamExt;
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
        ];
        let streams: Vec<_> = kinds
            .into_iter()
            .filter_map(|k| signal(k).ok())
            .map(|mut s| futures::stream::poll_fn(move |cx| s.poll_recv(cx)).boxed())
            .collect();
        futures::stream::select_all(streams).boxed()
    }
    #[cfg(not(unix))]
    {
        use futures::StreamExt;
        futures::stream::pending().boxed()
    }
}
