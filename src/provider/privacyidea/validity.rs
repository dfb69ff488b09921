//! privacyIDEA's validity times (`validity_period_start`/`_end`): the
//! server stores them as `%Y-%m-%dT%H:%M%z`, e.g. `2026-11-23T16:54+0000`,
//! to the minute.

use crate::provider::calendar::{civil_from_days, days_from_civil};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `t` in privacyIDEA's format, UTC. Rounded *up* to the next whole minute
/// (the server drops seconds): a pass promised for an hour lasts at least
/// an hour, never 59 minutes and a bit.
pub fn format(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| {
        let s = d.as_secs();
        if s % 60 == 0 && d.subsec_nanos() == 0 {
            s
        } else {
            (s / 60 + 1) * 60
        }
    });
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (y, mo, d) = civil_from_days(days);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}+0000",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// A stored validity as the desk shows every provider's times
/// (`2026-11-23 16:54 UTC`); one it cannot read stays as the server wrote it.
pub fn for_people(text: &str) -> String {
    parse(text).map_or_else(|| text.to_string(), crate::timefmt::civil_minute)
}

/// The point in time a stored validity names. `None` for anything else,
/// a time without an offset included: it would be in the server's local
/// time, which this side cannot know.
pub fn parse(text: &str) -> Option<SystemTime> {
    let b = text.trim().as_bytes();
    if b.len() != 21 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let digits = b.get(from..to)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute) = (num(11, 13)?, num(14, 16)?);
    let sign = match b[16] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let offset = sign * (num(17, 19)? * 3600 + num(19, 21)? * 60);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let days = days_from_civil(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?);
    let secs = days * 86_400 + hour * 3600 + minute * 60 - offset;
    UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_rounded_up_to_the_minute() {
        // 2026-11-23T15:52:51Z
        assert_eq!(format(at(1_795_449_171)), "2026-11-23T15:53+0000");
        assert_eq!(format(at(1_795_449_120)), "2026-11-23T15:52+0000");
        assert_eq!(
            format(at(1_795_449_120) + Duration::from_millis(1)),
            "2026-11-23T15:53+0000"
        );
        // Rolls over the day, on a leap day.
        assert_eq!(format(at(951_868_799)), "2000-03-01T00:00+0000");
    }

    #[test]
    fn parses_what_it_formats_and_other_offsets() {
        assert_eq!(parse("2026-11-23T15:52+0000"), Some(at(1_795_449_120)));
        assert_eq!(parse("2026-11-23T16:52+0100"), Some(at(1_795_449_120)));
        assert_eq!(parse("2026-11-23T10:22-0530"), Some(at(1_795_449_120)));
        for t in [at(0), at(951_868_799), at(1_795_449_171)] {
            let text = format(t);
            let back = parse(&text).unwrap();
            assert!(back >= t && back < t + Duration::from_secs(60), "{text}");
        }
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "",
            "2026-11-23T15:52",
            "2026-11-23T15:52Z",
            "2026-11-23 15:52+0000",
            "2026-13-23T15:52+0000",
            "2026-11-23T24:00+0000",
            "2026-11-23T15:5x+0000",
            "1969-12-31T23:59+0000",
            "２０26-11-23T15:52+0000",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
