//! Adding a phone number the caller reads out: typed, checked against
//! Graph's format before anything is sent, confirmed, then registered.

use super::*;

/// From the account: behind the same gates as every other change. A
/// number on an administrator's account is a way in for whoever asks.
pub(super) fn open(desk: &mut Desk) -> Vec<DeskEffect> {
    if !gate(desk) {
        return Vec::new();
    }
    if let Some(refused) = privilege_refusal(desk, "add_phone") {
        return refused;
    }
    desk.screen = DeskScreen::AddPhone {
        number: String::new(),
        phone_type: PhoneType::Mobile,
    };
    Vec::new()
}

pub(super) fn phone(
    desk: &mut Desk,
    action: Action,
    number: &str,
    phone_type: PhoneType,
) -> Vec<DeskEffect> {
    match action {
        Action::PhoneType => {
            let all = PhoneType::ALL;
            let at = all.iter().position(|t| *t == phone_type).unwrap_or(0);
            let next = all.get((at + 1) % all.len()).copied().unwrap_or(phone_type);
            desk.screen = DeskScreen::AddPhone {
                number: number.to_string(),
                phone_type: next,
            };
        }
        Action::Erase => {
            if let DeskScreen::AddPhone { number, .. } = &mut desk.screen {
                number.pop();
            }
        }
        Action::Next => match PhoneNumber::parse(number) {
            Ok(number) => {
                desk.screen = DeskScreen::Confirm(Pending::AddPhone { number, phone_type });
            }
            Err(why) => desk.notice = Some(DeskNotice::PhoneInvalid(why)),
        },
        Action::Back => desk.screen = DeskScreen::Account,
        _ => {}
    }
    Vec::new()
}

/// A typed character, when it can be part of a number; anything else is
/// left to the parser's message on Enter.
pub(super) fn type_char(number: &mut String, c: char) {
    if number.chars().count() < MAX_PHONE_CHARS && !c.is_control() {
        number.push(c);
    }
}

/// The confirmed number goes to the provider; the answer comes to
/// [`on_phone_added`].
pub(super) fn send(
    desk: &mut Desk,
    caller: Caller,
    number: PhoneNumber,
    phone_type: PhoneType,
) -> Vec<DeskEffect> {
    if let Some(case) = desk.case.as_mut() {
        case.phone_request = Some((number.clone(), phone_type));
    }
    let req = start(desk, DeskOp::AddPhone);
    vec![DeskEffect::AddPhone {
        req,
        caller,
        number,
        phone_type,
    }]
}

pub(super) fn on_phone_added(
    desk: &mut Desk,
    req: ReqId,
    answer: Answer<Method>,
) -> Vec<DeskEffect> {
    if !take_pending(desk, req, DeskOp::AddPhone) {
        return Vec::new();
    }
    let Some((number, phone_type)) = desk.case.as_mut().and_then(|c| c.phone_request.take()) else {
        return Vec::new();
    };
    match answer {
        Ok(method) => {
            desk.notice = Some(DeskNotice::PhoneAdded {
                label: method.label,
            });
            let mut effects = record(
                desk,
                Change::PhoneAdded {
                    phone_type: phone_type.as_graph().to_string(),
                    number: number.masked(),
                },
            );
            effects.extend(load(desk));
            effects
        }
        Err(error) => {
            let effects = record(
                desk,
                Change::PhoneAddFailed {
                    phone_type: phone_type.as_graph().to_string(),
                    number: number.masked(),
                    error: error.to_string(),
                },
            );
            // Back to the number, as typed, so a type already taken is
            // fixed by choosing another, not by typing it all again.
            if matches!(desk.screen, DeskScreen::Account) {
                desk.screen = DeskScreen::AddPhone {
                    number: number.as_str().to_string(),
                    phone_type,
                };
            }
            desk.notice = Some(DeskNotice::Failed {
                op: DeskOp::AddPhone,
                error,
            });
            effects
        }
    }
}
