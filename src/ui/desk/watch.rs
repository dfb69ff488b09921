//! Watching, live, while the caller registers on their own phone. The agent
//! sees the method appear, never the caller's QR code or key.

use super::account::{methods_table, rows_layout, split};
use super::{DeskView, frame::error_words, frame::status, script};
use crate::poll_schedule::Gap;
use crate::ui::text::lines;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use std::time::Duration;

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let desk = view.desk;
    let Some(case) = &desk.case else {
        return;
    };
    let Some(watch) = &case.watch else {
        return;
    };
    let (main, side) = split(area, view);
    script::draw(frame, view, side);
    let mut top = vec![Line::styled(
        view.f("desk.watch_title", &[("name", &case.caller.display_name)]),
        theme::title(),
    )];
    if let Some(found) = watch.found.first() {
        top.push(Line::styled(
            view.f(
                "desk.watch_found",
                &[
                    ("kind", view.t(crate::guide::kind_id(found.kind))),
                    ("label", &found.label),
                ],
            ),
            theme::ok(),
        ));
    } else if watch.timed_out {
        top.push(Line::styled(
            view.t("desk.watch_timed_out").to_string(),
            theme::warning(),
        ));
    } else {
        let min = (watch.deadline.since(desk.now) / 1000)
            .div_ceil(60)
            .to_string();
        // The poller's own schedule: fast at first, slower after a while.
        let cadence = crate::helpdesk::watch_cadence(desk.settings.watch_every_ms);
        let secs = |d: Duration| d.as_secs().max(1).to_string();
        let since = Duration::from_millis(desk.now.since(watch.started));
        top.push(Line::raw(match cadence.gap_after(since) {
            Gap::Every(every) => view.f(
                "desk.watch_waiting",
                &[("every", &secs(every)), ("min", &min)],
            ),
            Gap::Between(from, to) => view.f(
                "desk.watch_waiting_slow",
                &[("from", &secs(from)), ("to", &secs(to)), ("min", &min)],
            ),
        }));
    }
    if watch.found.is_empty()
        && let Some(adding) = case.adding().first()
    {
        // On the account, but not usable: not registered yet.
        top.push(Line::styled(
            view.f(
                "desk.watch_adding",
                &[
                    ("kind", view.t(crate::guide::kind_id(adding.kind))),
                    ("label", &adding.label),
                ],
            ),
            theme::warning(),
        ));
    }
    let rows = case.methods().len() + case.adding().len();
    let [head, table, below] = rows_layout(main, top.len(), rows);
    frame.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), head);
    methods_table(frame, view, case, table, None);
    let mut text = Vec::new();
    if let Some(crate::provider::ProviderError::RateLimited { .. }) = &watch.last_error {
        // Throttled: the watch goes on, slower; not a failure.
        text.push(Line::styled(
            view.t("desk.watch_less_often").to_string(),
            theme::dim(),
        ));
    } else if let Some(error) = &watch.last_error {
        text.push(Line::styled(
            view.f("desk.watch_error", &[("why", &error_words(view, error))]),
            theme::warning(),
        ));
    }
    if !watch.found.is_empty() {
        text.extend(lines(view.t("desk.watch_next")));
    } else if !watch.timed_out {
        text.extend(lines(view.t("desk.watch_never_secret")));
    }
    text.extend(status(view));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), below);
}
