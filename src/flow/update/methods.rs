//! The list of sign-in methods: loading it, choosing the default.

use super::*;

pub(super) fn load_methods(flow: &mut Flow) -> Vec<Effect> {
    let req = start(flow, Op::LoadMethods);
    vec![Effect::LoadMethods { req }]
}

pub(super) fn on_methods(flow: &mut Flow, answer: Answer<Vec<Method>>) {
    match answer {
        Ok(mut list) => {
            // Default first, then as the provider ordered them.
            list.sort_by_key(|m| !m.is_default);
            // The selection stays on the same method when the order changes.
            let kept = flow.selected_method().map(|m| m.id.clone());
            if !flow.methods_loaded {
                flow.initial_ids = list.iter().map(|m| m.id.clone()).collect();
                // Start on the Authenticator: the one a lost phone takes with it.
                flow.selected = list
                    .iter()
                    .position(|m| {
                        matches!(
                            m.kind,
                            MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode
                        )
                    })
                    .unwrap_or(0);
            }
            flow.methods = list;
            flow.methods_loaded = true;
            flow.selected = kept
                .and_then(|id| flow.methods.iter().position(|m| m.id == id))
                .unwrap_or(flow.selected)
                .min(flow.methods.len().saturating_sub(1));
        }
        Err(error) => {
            flow.notice = Some(Notice::Failed {
                op: Op::LoadMethods,
                error,
            })
        }
    }
}

pub(super) fn methods(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        Action::Up => flow.selected = flow.selected.saturating_sub(1),
        Action::Down if flow.selected + 1 < flow.methods.len() => flow.selected += 1,
        Action::Delete => {
            let Some(method) = flow.selected_method().cloned() else {
                flow.notice = Some(Notice::NothingSelected);
                return Vec::new();
            };
            flow.notice = None;
            flow.screen = if method.is_default && flow.methods.len() > 1 {
                Screen::DeleteBlocked { method }
            } else {
                let other_sign_in = flow
                    .methods
                    .iter()
                    .any(|m| m.id != method.id && m.kind.is_sign_in_factor());
                Screen::ConfirmDelete {
                    last_sign_in: method.kind.is_sign_in_factor() && !other_sign_in,
                    method,
                }
            };
        }
        Action::MakeDefault => {
            let Some(method) = flow.selected_method().cloned() else {
                flow.notice = Some(Notice::NothingSelected);
                return Vec::new();
            };
            let req = start(flow, Op::SetDefault);
            flow.notice = None;
            flow.target = Some(method.clone());
            return vec![Effect::SetDefault {
                req,
                method_id: method.id,
            }];
        }
        Action::Add => {
            flow.notice = None;
            flow.screen = Screen::AddMethod { choice: 0 };
        }
        Action::Finish => finish(flow),
        Action::OldPhoneLost => {
            flow.notice = None;
            flow.old_phone = Some(OldPhone::Lost);
            select_old_app(flow);
        }
        Action::OldPhoneAtHand => {
            flow.notice = None;
            flow.old_phone = Some(OldPhone::AtHand);
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn on_default_set(flow: &mut Flow, req: ReqId, answer: Answer<()>) -> Vec<Effect> {
    if !take_pending(flow, req, Op::SetDefault) {
        return Vec::new();
    }
    if let Some(effects) = expired(flow, Op::SetDefault, &answer) {
        return effects;
    }
    match answer {
        Ok(()) => {
            let label = flow.target.take().map(|m| m.label).unwrap_or_default();
            flow.notice = Some(Notice::DefaultChanged { label });
            load_methods(flow)
        }
        Err(error) => {
            flow.notice = Some(Notice::Failed {
                op: Op::SetDefault,
                error,
            });
            Vec::new()
        }
    }
}

/// Puts the cursor on the old phone's Authenticator: the one to delete next.
pub(super) fn select_old_app(flow: &mut Flow) {
    let old = flow.old_app().map(|m| m.id.clone());
    if let Some(i) = old.and_then(|id| flow.methods.iter().position(|m| m.id == id)) {
        flow.selected = i;
    }
}
