//! Proleptic Gregorian dates as days since 1970-01-01 (Howard Hinnant's
//! algorithms), and the UTC ISO 8601 text providers send. No date crate:
//! these few lines are all the app needs.

/// Days since 1970-01-01 of a calendar date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a number of days since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (y, m as u32, d as u32)
}

/// Seconds since 1970-01-01T00:00:00Z of an ISO 8601 date-time as Graph
/// writes them: `2024-05-02T08:00:00Z`, with optional fractional seconds
/// and a `Z`, `+hh:mm` or `-hh:mm` offset (none counts as UTC). `None`
/// for anything else.
pub(crate) fn parse_iso(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let mut ymd = date.split('-');
    let year: i64 = digits(ymd.next()?, 4)?;
    let month = u32::try_from(digits(ymd.next()?, 2)?).ok()?;
    let day = u32::try_from(digits(ymd.next()?, 2)?).ok()?;
    if ymd.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Split off the zone: `Z`, or the last `+`/`-` (the time has none).
    let (clock, offset_secs) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(at) = time.rfind(['+', '-']) {
        let (clock, zone) = time.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone.get(1..)?.split_once(':')?;
        let (h, m) = (digits(h, 2)?, digits(m, 2)?);
        if h > 23 || m > 59 {
            return None;
        }
        (clock, sign * (h * 3600 + m * 60))
    } else {
        (time, 0)
    };
    let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
        if fraction.bytes().all(|b| b.is_ascii_digit()) {
            whole
        } else {
            ""
        }
    });
    let mut hms = clock.split(':');
    let h = digits(hms.next()?, 2)?;
    let m = digits(hms.next()?, 2)?;
    let s = digits(hms.next()?, 2)?;
    if hms.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + h * 3600 + m * 60 + s - offset_secs)
}

/// `YYYY-MM-DDThh:mm:ssZ` of seconds since 1970-01-01T00:00:00Z.
pub(crate) fn format_iso(secs: i64) -> String {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let of_day = secs.rem_euclid(86_400);
    let (h, mi, s) = (of_day / 3600, of_day % 3600 / 60, of_day % 60);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Exactly `len` ASCII digits.
fn digits(text: &str, len: usize) -> Option<i64> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod against_counting;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        for days in [-800_000, -1, 0, 59, 10_957, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn iso_text_as_graph_writes_it() {
        assert_eq!(parse_iso("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_iso("2022-06-02T16:21:09.765173Z").map(format_iso),
            Some("2022-06-02T16:21:09Z".into())
        );
        assert_eq!(
            parse_iso("2024-05-02T10:00:00+02:00").map(format_iso),
            Some("2024-05-02T08:00:00Z".into())
        );
        assert_eq!(
            parse_iso("2024-12-31T23:30:00-01:00").map(format_iso),
            Some("2025-01-01T00:30:00Z".into())
        );
        assert_eq!(
            parse_iso("2024-05-02T08:00:00").map(format_iso),
            Some("2024-05-02T08:00:00Z".into())
        );
        for bad in [
            "",
            "2024-05-02",
            "2024-13-02T08:00:00Z",
            "2024-05-02T25:00:00Z",
            "2024-5-2T08:00:00Z",
            "2024-05-02T08:00Z",
            "2024-05-02T08:00:00.x1Z",
            "2024-05-02T08:00:00+0200",
            "yesterday",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad:?}");
        }
    }
}
