//! Deleting a method once the person has confirmed it.

use super::*;

pub(super) fn confirm_delete(flow: &mut Flow, action: Action, method: Method) -> Vec<Effect> {
    flow.screen = Screen::Methods;
    match action {
        Action::Confirm => {
            let req = start(flow, Op::Delete);
            flow.target = Some(method.clone());
            vec![Effect::DeleteMethod {
                req,
                method_id: method.id,
            }]
        }
        _ => Vec::new(),
    }
}

pub(super) fn on_deleted(flow: &mut Flow, req: ReqId, answer: Answer<()>) -> Vec<Effect> {
    if !take_pending(flow, req, Op::Delete) {
        return Vec::new();
    }
    if let Some(effects) = expired(flow, Op::Delete, &answer) {
        return effects;
    }
    let target = flow.target.take();
    let label = target.as_ref().map(|m| m.label.clone()).unwrap_or_default();
    match answer {
        // Already gone (a retry after a timeout, another session): done all the same.
        Ok(()) | Err(ProviderError::NotFound) => {
            flow.notice = Some(Notice::Deleted { label });
        }
        Err(ProviderError::DefaultMethod) => match target {
            Some(method) if flow.screen == Screen::Methods => {
                flow.screen = Screen::DeleteBlocked { method };
            }
            _ => {
                flow.notice = Some(Notice::Failed {
                    op: Op::Delete,
                    error: ProviderError::DefaultMethod,
                })
            }
        },
        Err(error) => {
            flow.notice = Some(Notice::Failed {
                op: Op::Delete,
                error,
            })
        }
    }
    load_methods(flow)
}
