//! Over 400 lines because it is the one key table that the keys, footers and help all read.
//!
//! The one table of keys. The flow reads it to turn a key into an action;
//! the footer and the help overlay are drawn from it, so what the screen
//! says and what the keys do cannot drift apart.

/// A key as the flow sees it, independent of the terminal library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// Which table applies. Mirrors `flow::Screen` without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    Welcome,
    SignIn,
    DeviceSignIn,
    Methods,
    ConfirmDelete,
    DeleteBlocked,
    AddMethod,
    Platform,
    Prepare,
    Scan,
    ProveCode,
    ProveApproval,
    Done,
    Help,
    // Helpdesk mode (the agent's screens).
    DeskLookup,
    DeskAccount,
    DeskChecks,
    DeskEscalate,
    DeskIssue,
    DeskPhone,
    DeskPass,
    DeskConfirm,
    DeskPrivileged,
    DeskWatch,
    DeskSummary,
}

/// Everything a key can ask for. Plain typing on text screens is not an
/// action: unbound printable keys become text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Help,
    Quit,
    Back,
    Next,
    Up,
    Down,
    NextField,
    PrevField,
    Reveal,
    Language,
    Delete,
    Add,
    MakeDefault,
    Finish,
    Confirm,
    Cancel,
    CantScan,
    Resend,
    SimApprove,
    SimDeny,
    BackToMethods,
    Erase,
    OldPhoneLost,
    OldPhoneAtHand,
    /// Desk: record the caller's answer (lost, or still at hand).
    OldPhone,
    // Helpdesk mode.
    CallerLanguage,
    Platform,
    Verify,
    IssuePass,
    ResetAll,
    Revoke,
    Watch,
    Refresh,
    FinishCall,
    Toggle,
    CannotVerify,
    Left,
    Right,
    OneTime,
    Hide,
    Copy,
    NextCaller,
    SimCaller,
    AddPhone,
    PhoneType,
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    /// Text id of the footer/help label, looked up in the guide.
    pub label: &'static str,
    /// Shown in the footer (all bindings are shown in help).
    pub footer: bool,
}

const fn b(
    context: Context,
    keys: &'static [Key],
    action: Action,
    label: &'static str,
    footer: bool,
) -> Binding {
    Binding {
        context,
        keys,
        action,
        label,
        footer,
    }
}

use Action as A;
use Context as C;
use Key as K;

/// Screens where printable keys are text. Their bindings avoid plain letters.
pub fn takes_text(context: Context) -> bool {
    matches!(
        context,
        C::SignIn | C::ProveCode | C::DeskLookup | C::DeskPhone
    )
}

/// Order matters: the footer lists a screen's bindings in this order.
pub static BINDINGS: &[Binding] = &[
    b(C::Welcome, &[K::Enter], A::Next, "key.start", true),
    b(
        C::Welcome,
        &[K::Char('l'), K::Tab],
        A::Language,
        "key.language",
        true,
    ),
    b(C::DeviceSignIn, &[K::Enter], A::Next, "key.new_code", true),
    b(C::DeviceSignIn, &[K::Esc], A::Back, "key.back", true),
    b(C::SignIn, &[K::Enter], A::Next, "key.sign_in", true),
    b(
        C::SignIn,
        &[K::Tab, K::Down],
        A::NextField,
        "key.next_field",
        true,
    ),
    b(
        C::SignIn,
        &[K::BackTab, K::Up],
        A::PrevField,
        "key.prev_field",
        false,
    ),
    b(
        C::SignIn,
        &[K::F(2), K::Ctrl('r')],
        A::Reveal,
        "key.reveal",
        true,
    ),
    b(C::SignIn, &[K::Backspace], A::Erase, "key.erase", false),
    b(C::SignIn, &[K::Esc], A::Back, "key.back", true),
    b(C::Methods, &[K::Up, K::Char('k')], A::Up, "key.up", false),
    b(
        C::Methods,
        &[K::Down, K::Char('j')],
        A::Down,
        "key.down",
        false,
    ),
    b(C::Methods, &[K::Char('a')], A::Add, "key.add", true),
    b(
        C::Methods,
        &[K::Char('d'), K::Delete],
        A::Delete,
        "key.delete",
        true,
    ),
    b(
        C::Methods,
        &[K::Char('m')],
        A::MakeDefault,
        "key.make_default",
        true,
    ),
    b(C::Methods, &[K::Char('f')], A::Finish, "key.finish", true),
    b(
        C::Methods,
        &[K::Char('l')],
        A::OldPhoneLost,
        "key.old_lost",
        true,
    ),
    b(
        C::Methods,
        &[K::Char('h')],
        A::OldPhoneAtHand,
        "key.old_at_hand",
        true,
    ),
    b(
        C::ConfirmDelete,
        &[K::Char('y')],
        A::Confirm,
        "key.yes_delete",
        true,
    ),
    b(
        C::ConfirmDelete,
        &[K::Char('n'), K::Esc],
        A::Cancel,
        "key.no_keep",
        true,
    ),
    b(
        C::DeleteBlocked,
        &[K::Enter, K::Esc],
        A::Back,
        "key.understood",
        true,
    ),
    b(C::AddMethod, &[K::Up, K::Char('k')], A::Up, "key.up", false),
    b(
        C::AddMethod,
        &[K::Down, K::Char('j')],
        A::Down,
        "key.down",
        false,
    ),
    b(C::AddMethod, &[K::Enter], A::Next, "key.choose", true),
    b(C::AddMethod, &[K::Esc], A::Back, "key.back", true),
    b(
        C::Platform,
        &[K::Left, K::Up, K::Char('i')],
        A::Up,
        "key.iphone",
        true,
    ),
    b(
        C::Platform,
        &[K::Right, K::Down, K::Char('a')],
        A::Down,
        "key.android",
        true,
    ),
    b(C::Platform, &[K::Enter], A::Next, "key.continue", true),
    b(C::Platform, &[K::Esc], A::Back, "key.back", true),
    b(C::Prepare, &[K::Enter], A::Next, "key.ready_qr", true),
    b(C::Prepare, &[K::Esc], A::Back, "key.back", true),
    b(C::Scan, &[K::Enter], A::Next, "key.scanned", true),
    b(C::Scan, &[K::Char('c')], A::CantScan, "key.cant_scan", true),
    b(C::Scan, &[K::Esc], A::Back, "key.back", true),
    b(C::ProveCode, &[K::Enter], A::Next, "key.check_code", true),
    b(C::ProveCode, &[K::Backspace], A::Erase, "key.erase", false),
    b(C::ProveCode, &[K::Esc], A::Back, "key.back_to_qr", true),
    b(
        C::ProveApproval,
        &[K::Char('r')],
        A::Resend,
        "key.resend",
        true,
    ),
    b(
        C::ProveApproval,
        &[K::Char('a')],
        A::SimApprove,
        "key.sim_approve",
        true,
    ),
    b(
        C::ProveApproval,
        &[K::Char('d')],
        A::SimDeny,
        "key.sim_deny",
        true,
    ),
    b(
        C::ProveApproval,
        &[K::Backspace],
        A::Erase,
        "key.erase",
        false,
    ),
    b(
        C::ProveApproval,
        &[K::Esc],
        A::Cancel,
        "key.start_method_again",
        true,
    ),
    b(C::Done, &[K::Enter], A::Finish, "key.sign_out_now", true),
    b(
        C::Done,
        &[K::Char('m'), K::Esc],
        A::BackToMethods,
        "key.back_to_methods",
        true,
    ),
    // Helpdesk mode.
    b(C::DeskLookup, &[K::Enter], A::Next, "key.look_up", true),
    b(C::DeskLookup, &[K::Backspace], A::Erase, "key.erase", false),
    b(C::DeskLookup, &[K::Esc], A::Back, "key.clear", false),
    b(C::DeskLookup, &[K::Tab], A::Language, "key.language", true),
    b(
        C::DeskAccount,
        &[K::Char('v')],
        A::Verify,
        "key.verify",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::Char('p')],
        A::IssuePass,
        "key.issue_pass",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::Char('d'), K::Delete],
        A::Delete,
        "key.delete",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::Char('r')],
        A::ResetAll,
        "key.reset_all",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::Char('s')],
        A::Revoke,
        "key.revoke",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::Char('n')],
        A::AddPhone,
        "key.add_phone",
        true,
    ),
    b(C::DeskAccount, &[K::Char('w')], A::Watch, "key.watch", true),
    b(
        C::DeskAccount,
        &[K::Char('f')],
        A::FinishCall,
        "key.finish_call",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::Up, K::Char('k')],
        A::Up,
        "key.up",
        false,
    ),
    b(
        C::DeskAccount,
        &[K::Down, K::Char('j')],
        A::Down,
        "key.down",
        false,
    ),
    // Settings that change the screen or the record sit on function keys:
    // an agent typing a name on the wrong screen must not flip them.
    b(
        C::DeskAccount,
        &[K::F(4)],
        A::Platform,
        "key.platform",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::F(3)],
        A::CallerLanguage,
        "key.caller_language",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::Char('g'), K::F(5)],
        A::Refresh,
        "key.refresh",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::F(2)],
        A::Language,
        "key.language",
        true,
    ),
    b(
        C::DeskAccount,
        &[K::F(6)],
        A::OldPhone,
        "key.old_phone",
        true,
    ),
    b(C::DeskChecks, &[K::Char(' ')], A::Toggle, "key.tick", true),
    b(C::DeskChecks, &[K::Enter], A::Next, "key.verified", true),
    b(
        C::DeskChecks,
        &[K::Char('x')],
        A::CannotVerify,
        "key.cannot_verify",
        true,
    ),
    b(C::DeskChecks, &[K::Esc], A::Back, "key.back", true),
    b(
        C::DeskChecks,
        &[K::Up, K::Char('k')],
        A::Up,
        "key.up",
        false,
    ),
    b(
        C::DeskChecks,
        &[K::Down, K::Char('j')],
        A::Down,
        "key.down",
        false,
    ),
    b(
        C::DeskEscalate,
        &[K::Enter],
        A::FinishCall,
        "key.finish_call",
        true,
    ),
    b(C::DeskEscalate, &[K::Esc], A::Back, "key.back", true),
    b(C::DeskIssue, &[K::Enter], A::Next, "key.issue", true),
    b(
        C::DeskIssue,
        &[K::Right, K::Char('+')],
        A::Right,
        "key.longer",
        true,
    ),
    b(
        C::DeskIssue,
        &[K::Left, K::Char('-')],
        A::Left,
        "key.shorter",
        true,
    ),
    b(
        C::DeskIssue,
        &[K::Char('o')],
        A::OneTime,
        "key.one_time",
        true,
    ),
    b(C::DeskIssue, &[K::Esc], A::Back, "key.cancel", true),
    // The number is typed here, `x` for an extension included: no letters.
    b(C::DeskPhone, &[K::Enter], A::Next, "key.review_phone", true),
    b(
        C::DeskPhone,
        &[K::Tab, K::BackTab],
        A::PhoneType,
        "key.phone_type",
        true,
    ),
    b(C::DeskPhone, &[K::Backspace], A::Erase, "key.erase", false),
    b(C::DeskPhone, &[K::Esc], A::Back, "key.cancel", true),
    b(
        C::DeskPass,
        &[K::Enter, K::Esc],
        A::Hide,
        "key.hide_pass",
        true,
    ),
    // Enter only: "y" turns up in typing ("daisy" after a stray "d").
    b(C::DeskConfirm, &[K::Enter], A::Confirm, "key.confirm", true),
    b(
        C::DeskConfirm,
        &[K::Esc, K::Char('n')],
        A::Cancel,
        "key.cancel",
        true,
    ),
    b(
        C::DeskPrivileged,
        &[K::Enter, K::Esc],
        A::Back,
        "key.back",
        true,
    ),
    b(C::DeskWatch, &[K::Enter], A::Next, "key.to_account", true),
    b(C::DeskWatch, &[K::Esc], A::Back, "key.stop_watching", true),
    b(
        C::DeskWatch,
        &[K::Char('t')],
        A::SimCaller,
        "key.sim_caller",
        true,
    ),
    b(C::DeskWatch, &[K::F(4)], A::Platform, "key.platform", true),
    b(
        C::DeskWatch,
        &[K::F(3)],
        A::CallerLanguage,
        "key.caller_language",
        true,
    ),
    b(
        C::DeskWatch,
        &[K::Char('f')],
        A::FinishCall,
        "key.finish_call",
        true,
    ),
    b(C::DeskSummary, &[K::Char('c')], A::Copy, "key.copy", true),
    b(
        C::DeskSummary,
        &[K::Enter],
        A::NextCaller,
        "key.next_caller",
        true,
    ),
    b(C::DeskSummary, &[K::Char('q')], A::Quit, "key.quit", true),
    b(
        C::Help,
        &[K::Esc, K::Enter, K::F(1), K::Char('?'), K::Char('q')],
        A::Back,
        "key.close_help",
        true,
    ),
];

/// Bindings valid on every screen except help.
pub static GLOBAL: &[Binding] = &[
    b(
        C::Welcome,
        &[K::F(1), K::Char('?')],
        A::Help,
        "key.help",
        true,
    ),
    b(C::Welcome, &[K::Ctrl('c')], A::Quit, "key.quit", false),
];

/// The action a key asks for in `context`, if any. Text screens never treat
/// `?` as help, so a pass containing `?` can be typed.
pub fn lookup(context: Context, key: Key) -> Option<Action> {
    let screen = BINDINGS
        .iter()
        .filter(|b| b.context == context)
        .find(|b| b.keys.contains(&key))
        .map(|b| b.action);
    if screen.is_some() {
        return screen;
    }
    if context == C::Help {
        // Only quitting reaches through the help overlay.
        return GLOBAL
            .iter()
            .find(|b| b.action == A::Quit && b.keys.contains(&key))
            .map(|b| b.action);
    }
    GLOBAL
        .iter()
        .filter(|b| !(takes_text(context) && b.keys.contains(&key) && is_printable(key)))
        .find(|b| b.keys.contains(&key))
        .map(|b| b.action)
}

/// The bindings of one screen, global ones last (help only: the footer
/// leaves the global ones out except F1).
pub fn for_context(context: Context) -> impl Iterator<Item = &'static Binding> {
    let globals: &'static [Binding] = if context == C::Help { &[] } else { GLOBAL };
    BINDINGS
        .iter()
        .filter(move |b| b.context == context)
        .chain(globals.iter())
}

fn is_printable(key: Key) -> bool {
    matches!(key, K::Char(_))
}

/// How a key is written in the footer and help: `Enter`, `F1`, `Ctrl+R`, `y`.
pub fn key_name(key: Key) -> String {
    match key {
        K::Char(' ') => "Space".into(),
        K::Char(c) => c.to_string(),
        K::Ctrl(c) => format!("Ctrl+{}", c.to_ascii_uppercase()),
        K::Enter => "Enter".into(),
        K::Esc => "Esc".into(),
        K::Tab => "Tab".into(),
        K::BackTab => "Shift+Tab".into(),
        K::Backspace => "Backspace".into(),
        K::Delete => "Del".into(),
        K::Up => "↑".into(),
        K::Down => "↓".into(),
        K::Left => "←".into(),
        K::Right => "→".into(),
        K::Home => "Home".into(),
        K::End => "End".into(),
        K::PageUp => "PgUp".into(),
        K::PageDown => "PgDn".into(),
        K::F(n) => format!("F{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_on_one_screen() {
        for a in BINDINGS {
            for b in BINDINGS {
                if std::ptr::eq(a, b) || a.context != b.context {
                    continue;
                }
                for k in a.keys {
                    assert!(!b.keys.contains(k), "{k:?} bound twice on {:?}", a.context);
                }
            }
        }
    }

    #[test]
    fn text_screens_bind_no_plain_letters() {
        for b in BINDINGS.iter().filter(|b| takes_text(b.context)) {
            assert!(b.keys.iter().all(|k| !is_printable(*k)), "{:?}", b.action);
        }
    }

    #[test]
    fn question_mark_is_text_on_sign_in_but_help_elsewhere() {
        assert_eq!(lookup(C::SignIn, K::Char('?')), None);
        assert_eq!(lookup(C::SignIn, K::F(1)), Some(A::Help));
        assert_eq!(lookup(C::Methods, K::Char('?')), Some(A::Help));
    }
}
