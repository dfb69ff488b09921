//! Signing in on another device with a device code.

use super::*;

pub(super) fn start_device_sign_in(flow: &mut Flow) -> Vec<Effect> {
    flow.notice = None;
    flow.screen = Screen::DeviceSignIn { code: None };
    let req = start(flow, Op::SignIn);
    vec![Effect::BeginDeviceSignIn { req }]
}

pub(super) fn device_sign_in(flow: &mut Flow, action: Action) -> Vec<Effect> {
    match action {
        // A new code: only once the old one has failed or expired.
        Action::Next if flow.pending.is_none() => start_device_sign_in(flow),
        Action::Back => {
            flow.notice = None;
            flow.screen = Screen::Welcome;
            if flow.pending.take().is_some() {
                return vec![Effect::CancelRequests];
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

pub(super) fn on_device_code(
    flow: &mut Flow,
    req: ReqId,
    answer: Answer<DeviceCodeInfo>,
) -> Vec<Effect> {
    if !flow.awaits(req, Op::SignIn) || !matches!(flow.screen, Screen::DeviceSignIn { .. }) {
        return Vec::new();
    }
    match answer {
        Ok(info) => {
            let expires_ms = u64::try_from(info.expires_in.as_millis()).unwrap_or(u64::MAX);
            flow.screen = Screen::DeviceSignIn {
                code: Some(DeviceCodeShown {
                    user_code: info.user_code,
                    verification_uri: info.verification_uri,
                    expires_at: flow.now.plus_ms(expires_ms),
                }),
            };
        }
        Err(error) => {
            flow.pending = None;
            flow.notice = Some(Notice::Failed {
                op: Op::SignIn,
                error,
            });
        }
    }
    Vec::new()
}
