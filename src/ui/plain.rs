//! Every kiosk screen as plain lines for the plain surface (screen
//! readers). The words come from the same views, drawn off-screen without
//! the QR and read back; what only makes sense on a full screen (the QR,
//! a field's box, the typed text) is replaced by what a listener needs:
//! the key spelled out, the helpdesk, a prompt that echoes typing.

use super::{View, help, idle, scan::group_by_four};
use crate::driver::plain::extract::{Extracted, render};
use crate::driver::plain::{Echo, Page, Prompt};
use crate::flow::{DeviceState, Field, Flow, Millis, Op, Screen};
use crate::keymap::{self, Action, Context, Key};
use crate::provider::Confirm;
use crate::secret::Secret;

/// Columns the views are laid out in: one column of text (the side-by-side
/// layouts start wider), and what the Linux console shows.
pub const WIDTH: u16 = 80;
/// Tall enough that no view has to leave anything out.
const HEIGHT: u16 = 160;

pub fn page(view: &View) -> Page {
    // Every text as spoken: no QR code here, so none is offered.
    let guide = view.guide.spoken();
    let view = &View {
        guide: &guide,
        ..*view
    };
    let flow = view.flow;
    let plain_flow = without_typing(flow);
    let plain = View {
        flow: &plain_flow,
        qr: None,
        ..*view
    };
    let context = flow.context();
    let key = format!("{context:?}/{}", flow.language());
    if flow.help_open {
        let got = render(WIDTH, HEIGHT, |f| help::draw(f, &plain, f.area()));
        return Page {
            key,
            lines: fit(without_full_screen_keys(
                &plain,
                flow.screen.context(),
                got.lines,
            )),
            focus: got.focus,
            keys: keys_line(
                view.t("plain.keys"),
                context,
                |a| flow.action_available(a),
                |b| view.t(super::chrome::label(view, b)).to_string(),
            ),
            prompt: Prompt {
                label: view.t("plain.prompt").to_string(),
                echo: Echo::None,
            },
            countdown: None,
        };
    }
    let mut lines = vec![header(view)];
    let body = render(WIDTH, HEIGHT, |f| {
        let area = f.area();
        super::draw_screen(f, &plain, area);
    });
    let focus = body.focus.clone();
    lines.extend(screen_lines(view, body));
    if flow.idle_warning().is_some() {
        let got = render(WIDTH, 8, |f| idle::draw(f, &plain, f.area()));
        lines.push(String::new());
        lines.extend(got.lines);
    }
    Page {
        key,
        lines: fit(lines),
        focus,
        keys: keys_line(
            view.t("plain.keys"),
            context,
            |a| flow.action_available(a) && shown_in_plain(a),
            |b| view.t(super::chrome::label(view, b)).to_string(),
        ),
        prompt: prompt(view),
        countdown: countdown(flow),
    }
}

/// Seconds left on the soonest countdown the screen shows, as the views
/// round them (up to the whole second).
fn countdown(flow: &Flow) -> Option<u64> {
    let now = flow.now;
    let left = |until: Millis| until.since(now).div_ceil(1000);
    let screen = match &flow.screen {
        Screen::Done { sign_out_at } => Some(left(*sign_out_at)),
        Screen::ProveApproval {
            deadline, state, ..
        } if state.is_open() => Some(left(*deadline)),
        Screen::Scan { .. } => flow
            .device
            .as_ref()
            .filter(|watch| !matches!(watch.state, DeviceState::TimedOut | DeviceState::Failed(_)))
            .map(|watch| left(watch.deadline)),
        Screen::DeviceSignIn { code: Some(code) } if flow.is_busy(Op::SignIn) => {
            Some(left(code.expires_at))
        }
        _ => None,
    };
    [screen, flow.idle_warning()].into_iter().flatten().min()
}

/// `Step 2 of 9: Sign in`, and that this is training.
fn header(view: &View) -> String {
    let (n, id) = super::chrome::step(&view.flow.screen);
    let mut text = view.f(
        "chrome.step",
        &[
            ("n", &n.to_string()),
            ("of", &super::chrome::STEPS.to_string()),
            ("title", view.t(id)),
        ],
    );
    if super::chrome::training(view.flow) {
        text.push_str(" (");
        text.push_str(view.t("chrome.training"));
        text.push(')');
    }
    text
}

/// The body read back, with what a listener cannot use swapped for what they can.
fn screen_lines(view: &View, body: Extracted) -> Vec<String> {
    let drop = [view.t("manual.back_hint"), view.t("sign_in.hide_hint")];
    let reveal = view.t("sign_in.reveal_hint");
    let mut lines: Vec<String> = Vec::new();
    for line in body.lines {
        if drop.contains(&line.as_str()) {
            continue;
        }
        if line == reveal {
            lines.push(view.t("plain.pass_masked").to_string());
            continue;
        }
        lines.push(line);
    }
    if let (Screen::Scan { .. }, Some(enrollment)) = (&view.flow.screen, &view.flow.enrollment) {
        lines.push(String::new());
        let key = enrollment.manual_key.expose();
        if !key.is_empty() {
            lines.push(view.t("plain.key_spelled").to_string());
            lines.push(spell(key));
        }
        if key.is_empty() && matches!(enrollment.confirm, Confirm::Appears) {
            // This QR only opens My Security Info, a public address (never
            // a key): said, so it can be opened on the phone.
            lines.push(view.f(
                "plain.address",
                &[("url", enrollment.qr_payload.expose().trim())],
            ));
        }
        let helpdesk = view.branding.helpdesk.trim();
        if !helpdesk.is_empty() {
            let id = if key.is_empty() {
                "plain.helpdesk_no_key"
            } else {
                "plain.helpdesk"
            };
            lines.push(view.f(id, &[("helpdesk", helpdesk)]));
        }
    }
    lines
}

/// `J B S W, Y 3 D P`: each character on its own, so a screen reader
/// spells the key rather than trying to say it as words.
pub fn spell(key: &str) -> String {
    group_by_four(key)
        .split(' ')
        .map(|group| {
            group
                .chars()
                .map(|c| c.to_ascii_uppercase().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The flow as the views should draw it for the plain surface: typed text
/// lives in the prompt (echoed once), never in the lines; the QR page is the
/// key to type.
fn without_typing(flow: &Flow) -> Flow {
    let mut plain = flow.clone();
    plain.help_open = false;
    match &mut plain.screen {
        Screen::SignIn {
            username,
            pass,
            reveal,
            ..
        } => {
            username.clear();
            *pass = Secret::default();
            *reveal = false;
        }
        Screen::ProveCode { code, .. } => code.clear(),
        Screen::Scan { manual } => *manual = true,
        _ => {}
    }
    plain
}

/// Help's key lines (`c, Show the QR code`) without the keys that only
/// mean something on the full screen: the keys line leaves them out too.
fn without_full_screen_keys(view: &View, context: Context, lines: Vec<String>) -> Vec<String> {
    let hidden: Vec<String> = keymap::for_context(context)
        .filter(|b| !shown_in_plain(b.action))
        .map(|b| format!(", {}", view.t(super::chrome::label(view, b))))
        .collect();
    lines
        .into_iter()
        .filter(|line| !hidden.iter().any(|h| line.ends_with(h.as_str())))
        .collect()
}

/// Keys that only mean something on the full screen.
fn shown_in_plain(action: Action) -> bool {
    !matches!(action, Action::Reveal | Action::CantScan)
}

/// Where the cursor waits: the focused field, or a key press.
fn prompt(view: &View) -> Prompt {
    let with_colon = |label: &str| {
        let label = label.trim_end_matches(':');
        format!("{label}:")
    };
    match &view.flow.screen {
        Screen::SignIn {
            username,
            pass,
            field,
            ..
        } => match field {
            Field::Username => Prompt {
                label: with_colon(view.t("sign_in.username")),
                echo: Echo::Text(username.clone()),
            },
            // Never the pass, not even when shown on the full screen.
            Field::Pass => Prompt {
                label: with_colon(view.t("sign_in.pass")),
                echo: Echo::Masked(pass.char_count()),
            },
        },
        Screen::ProveCode { code, .. } => Prompt {
            label: with_colon(view.t("plain.code")),
            echo: Echo::Text(code.clone()),
        },
        _ => Prompt {
            label: view.t("plain.prompt").to_string(),
            echo: Echo::None,
        },
    }
}

/// Lines as wide as the page at most, broken between words: a terminal
/// breaks an overlong line at its edge, inside a word, and the reader then
/// says two half-words. (Texts the views draw are wrapped already; this
/// catches the ones plain mode adds itself.)
fn fit(lines: Vec<String>) -> Vec<String> {
    let width = usize::from(WIDTH);
    lines
        .into_iter()
        .flat_map(|line| {
            if line.chars().count() <= width {
                vec![line]
            } else {
                super::text::wrap(&line, width)
            }
        })
        .collect()
}

/// `Keys: Enter sign in, Tab next field, F1 help`: the footer as one line.
pub fn keys_line(
    word: &str,
    context: Context,
    available: impl Fn(Action) -> bool,
    text: impl Fn(&keymap::Binding) -> String,
) -> String {
    let units: Vec<String> = super::chrome::footer_keys(context, available)
        .map(|(key, binding)| format!("{} {}", spoken_key(key), text(binding)))
        .collect();
    if units.is_empty() {
        return String::new();
    }
    // Broken between keys, never inside one: a terminal wrapping the line
    // at its edge split "I still have it" into "I st" and "ill have it"
    // for the reader.
    let mut out = word.to_string();
    let mut column = out.chars().count();
    for (i, unit) in units.iter().enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        let wide = column + sep.len() + unit.chars().count();
        // One column kept for the comma that ends a broken line.
        if i > 0 && wide + 1 > usize::from(WIDTH) {
            out.push(',');
            out.push('\n');
            out.push_str(unit);
            column = unit.chars().count();
        } else {
            out.push_str(sep);
            out.push_str(unit);
            column = wide;
        }
    }
    out
}

/// A key's name as a screen reader should say it (arrows are words).
pub fn spoken_key(key: Key) -> String {
    match key {
        Key::Up => "Up".into(),
        Key::Down => "Down".into(),
        Key::Left => "Left".into(),
        Key::Right => "Right".into(),
        other => keymap::key_name(other),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_is_spelled_in_groups_of_four() {
        assert_eq!(super::spell("jbswY3DPeh"), "J B S W, Y 3 D P, E H");
    }
}
