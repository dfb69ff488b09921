//! Microsoft Graph v1.0 never sends `lastUsedDateTime` (a beta property;
//! docs/graph-facts.md), so on Entra a "Last used" column would say "never"
//! for methods in daily use. A provider says whether it fills the date;
//! the kiosk's and the desk's methods tables leave the column out when not.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test last_used_column`
//! and read every changed snapshot before committing it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/kiosk_states.rs"]
mod kiosk_states;

#[path = "support/desk.rs"]
mod desk;

use mfa_assist::flow::Flow;
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::Desk;
use mfa_assist::provider::LastUsed;
use mfa_assist::ui::View;
use mfa_assist::ui::desk::{DeskView, draw as draw_desk};
use mfa_assist::ui::qr::QrStyle;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn screen(terminal: &Terminal<TestBackend>) -> String {
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

fn kiosk(flow: &Flow, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let guide = Guide::built_in();
    let branding = kiosk_states::branding();
    let view = View {
        flow,
        guide: &guide,
        branding: &branding,
        qr: None,
        qr_style: QrStyle::HalfBlock,
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| mfa_assist::ui::draw(f, &view)).unwrap();
    terminal
}

fn desk_screen(desk: &Desk, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let guide = Guide::built_in();
    let branding = kiosk_states::branding();
    let view = DeskView {
        desk,
        guide: &guide,
        branding: &branding,
    };
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw_desk(f, &view)).unwrap();
    terminal
}

fn kiosk_methods(last_used: LastUsed) -> Flow {
    let mut d = kiosk_states::on_methods(kiosk_states::alex_methods());
    d.flow.settings.capabilities.last_used = last_used;
    d.flow
}

fn desk_account(last_used: LastUsed) -> Desk {
    let mut settings = desk::settings();
    settings.capabilities.last_used = last_used;
    desk::Harness::with_caller(settings, desk::old_state()).desk
}

#[test]
fn the_kiosk_leaves_out_a_column_the_provider_never_fills() {
    for size in SIZES {
        let shown = screen(&kiosk(&kiosk_methods(LastUsed::Reported), size));
        assert!(shown.contains("Last used"), "{shown}");
        let terminal = kiosk(&kiosk_methods(LastUsed::NeverReported), size);
        let hidden = screen(&terminal);
        assert!(!hidden.contains("Last used"), "{hidden}");
        assert!(hidden.contains("Added"), "{hidden}");
        insta::assert_snapshot!(
            format!("kiosk_methods_no_last_used_{}x{}", size.0, size.1),
            terminal.backend()
        );
    }
}

#[test]
fn the_desk_leaves_out_a_column_the_provider_never_fills() {
    for size in SIZES {
        let shown = screen(&desk_screen(&desk_account(LastUsed::Reported), size));
        assert!(shown.contains("Last used"), "{shown}");
        let terminal = desk_screen(&desk_account(LastUsed::NeverReported), size);
        let hidden = screen(&terminal);
        assert!(!hidden.contains("Last used"), "{hidden}");
        assert!(
            !hidden.contains("2025-01-01"),
            "a last-used date drawn: {hidden}"
        );
        assert!(hidden.contains("Added"), "{hidden}");
        insta::assert_snapshot!(
            format!("desk_account_no_last_used_{}x{}", size.0, size.1),
            terminal.backend()
        );
    }
}

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

/// Entra's providers say they never fill the date; the training tenant
/// does fill it.
#[tokio::test]
async fn entra_says_it_never_reports_last_used() {
    use mfa_assist::provider::Provider;
    use mfa_assist::provider::admin::Admin;
    use mfa_assist::provider::graph::{GraphAdmin, GraphDesk, GraphProvider};
    let fake = fake_graph::FakeGraph::start().await;
    let kiosk = GraphProvider::new(fake.settings()).unwrap();
    assert_eq!(kiosk.capabilities().last_used, LastUsed::NeverReported);
    let admin = GraphAdmin::connect(
        fake.settings(),
        mfa_assist::secret::Secret::new(fake_graph::CLIENT_SECRET),
    )
    .await
    .unwrap();
    assert_eq!(
        GraphDesk::new(admin).capabilities().last_used,
        LastUsed::NeverReported
    );
    let training = mfa_assist::provider::training::TrainingTenant::default_scenario();
    assert_eq!(
        Provider::capabilities(&training).last_used,
        LastUsed::Reported
    );
    assert_eq!(Admin::capabilities(&training).last_used, LastUsed::Reported);
}
