//! Phone numbers in the form Graph insists on: `+{country code} {number}`
//! with an optional `x{extension}` (E.164 digits, the space required;
//! contrib: `api-reference/v1.0/resources/phoneauthenticationmethod.md`).
//! The kiosk's Graph provider and the desk (Entra and training) share it.

use crate::provider::MethodKind;
use std::fmt;

/// The three phone slots Entra keeps, one number each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneType {
    Mobile,
    AlternateMobile,
    Office,
}

impl PhoneType {
    /// In the order the desk offers them: Entra wants a mobile number
    /// before an alternate one.
    pub const ALL: [PhoneType; 3] = [
        PhoneType::Mobile,
        PhoneType::AlternateMobile,
        PhoneType::Office,
    ];

    pub fn as_graph(self) -> &'static str {
        match self {
            PhoneType::Mobile => "mobile",
            PhoneType::AlternateMobile => "alternateMobile",
            PhoneType::Office => "office",
        }
    }
}

/// A number checked and written the way Graph accepts it, e.g. `+1 2065555555`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts what people type: `+46 70-123 45 67`, `+1 (206) 555-5555 x12`.
    /// The country code must be set apart by a space (or `-`, `(`, `.`): it
    /// cannot be told from the number otherwise.
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneNumberError> {
        let input = input.trim();
        if input.chars().count() > 40 {
            return Err(PhoneNumberError::TooLong);
        }
        let rest = input
            .strip_prefix('+')
            .ok_or(PhoneNumberError::NoCountryCode)?;
        let (number, extension) = match rest.find(['x', 'X']) {
            Some(at) => (&rest[..at], Some(rest[at + 1..].trim())),
            None => (rest, None),
        };
        let country: String = number.chars().take_while(char::is_ascii_digit).collect();
        let after_country = &number[country.len()..];
        if after_country.is_empty() && country.len() > 3 {
            return Err(PhoneNumberError::NoSpaceAfterCountryCode);
        }
        if country.is_empty() || country.starts_with('0') || country.len() > 3 {
            return Err(PhoneNumberError::NoCountryCode);
        }
        if after_country.is_empty() {
            return Err(PhoneNumberError::NoSpaceAfterCountryCode);
        }
        let mut national = String::new();
        for c in after_country.chars() {
            match c {
                '0'..='9' => national.push(c),
                ' ' | '-' | '(' | ')' | '.' | '/' => {}
                _ => return Err(PhoneNumberError::NotADigit),
            }
        }
        if national.len() < 4 {
            return Err(PhoneNumberError::TooShort);
        }
        if country.len() + national.len() > 15 {
            return Err(PhoneNumberError::TooLong);
        }
        let mut text = format!("+{country} {national}");
        if let Some(ext) = extension {
            if ext.is_empty() || ext.len() > 10 || !ext.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PhoneNumberError::BadExtension);
            }
            text.push('x');
            text.push_str(ext);
        }
        Ok(PhoneNumber(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For records: a phone number is personal data, so only its last two
    /// digits are kept (enough for the caller to recognise it), the rest
    /// and any extension starred out: `+46 701234567` → `+** *******67`.
    pub fn masked(&self) -> String {
        mask_digits(self.0.split('x').next().unwrap_or_default())
    }
}

/// A method's label as records keep it: a phone's label holds its number,
/// which is personal data, so its digits are starred out but the last two
/// (`Office phone +1 555-0110` → `Office phone +* ***-**10`); other labels
/// (an app's device name, a key's nickname) are kept as they are.
pub fn label_for_records(kind: MethodKind, label: &str) -> String {
    if kind == MethodKind::Phone {
        mask_digits(label)
    } else {
        label.to_string()
    }
}

/// Every ASCII digit but the last two replaced by `*`.
fn mask_digits(text: &str) -> String {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen + 2 > digits { c } else { '*' }
        })
        .collect()
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneNumberError {
    NoCountryCode,
    NoSpaceAfterCountryCode,
    NotADigit,
    TooShort,
    TooLong,
    BadExtension,
}

impl fmt::Display for PhoneNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PhoneNumberError::NoCountryCode => {
                "start with + and the country code, for example +1 2065555555"
            }
            PhoneNumberError::NoSpaceAfterCountryCode => {
                "put a space after the country code, for example +46 701234567"
            }
            PhoneNumberError::NotADigit => "use digits only (spaces and dashes are fine)",
            PhoneNumberError::TooShort => "that number is too short",
            PhoneNumberError::TooLong => "that number is too long (15 digits at most)",
            PhoneNumberError::BadExtension => "after x, give the extension in digits",
        })
    }
}

impl std::error::Error for PhoneNumberError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_people_type() {
        let ok = |s: &str| PhoneNumber::parse(s).unwrap().0;
        assert_eq!(ok("+1 2065555555"), "+1 2065555555");
        assert_eq!(ok(" +46 70-123 45 67 "), "+46 701234567");
        assert_eq!(ok("+1 (206) 555-5555 x123"), "+1 2065555555x123");
        assert_eq!(ok("+358-40 1234567"), "+358 401234567");
    }

    #[test]
    fn refuses_what_graph_refuses() {
        let err = |s: &str| PhoneNumber::parse(s).unwrap_err();
        assert_eq!(err("2065555555"), PhoneNumberError::NoCountryCode);
        assert_eq!(
            err("+12065555555"),
            PhoneNumberError::NoSpaceAfterCountryCode
        );
        assert_eq!(err("+0 123456"), PhoneNumberError::NoCountryCode);
        assert_eq!(err("+1234 5678"), PhoneNumberError::NoCountryCode);
        assert_eq!(err("+1 206a555"), PhoneNumberError::NotADigit);
        assert_eq!(err("+1 12"), PhoneNumberError::TooShort);
        assert_eq!(err("+1 1234567890123456"), PhoneNumberError::TooLong);
        assert_eq!(err("+1 2065555555x"), PhoneNumberError::BadExtension);
        assert_eq!(err("+1 2065555555 x1 2"), PhoneNumberError::BadExtension);
    }

    #[test]
    fn records_star_a_phone_label_and_keep_other_labels() {
        assert_eq!(
            label_for_records(MethodKind::Phone, "Office phone +1 555-0110"),
            "Office phone +* ***-**10"
        );
        assert_eq!(
            label_for_records(MethodKind::AuthenticatorPush, "Pixel 7 (2023)"),
            "Pixel 7 (2023)"
        );
    }

    #[test]
    fn masked_keeps_only_the_last_two_digits() {
        let masked = |s: &str| PhoneNumber::parse(s).unwrap().masked();
        assert_eq!(masked("+46 701234567"), "+** *******67");
        assert_eq!(masked("+1 2065555555x123"), "+* ********55");
        assert_eq!(masked("+358 4012"), "+*** **12");
    }
}
