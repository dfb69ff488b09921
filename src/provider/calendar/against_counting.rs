//! The calendar arithmetic against the slow way: counting days one by one
//! through every month of 1600..2400 (both kinds of century year, every
//! leap rule) and back before 1970; and ISO text at every edge of its range.

use super::*;

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_days(y: i64, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[test]
fn every_day_from_1600_to_2400_both_ways() {
    // Days from 1600-01-01 to 1970-01-01, counted.
    let mut days: i64 = -(1600..1970)
        .map(|y| if leap(y) { 366 } else { 365 })
        .sum::<i64>();
    for y in 1600..2400 {
        for m in 1..=12 {
            for d in 1..=month_days(y, m) {
                assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
                assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
                days += 1;
            }
        }
    }
}

#[test]
fn iso_text_round_trips_through_seconds() {
    for secs in [
        -1_i64,
        -86_400,
        -86_401,
        0,
        59,
        3_599,
        86_399,
        951_782_400, // 2000-02-29T00:00:00Z
        1_709_208_000,
        4_107_542_399, // 2100-02-28T23:59:59Z
    ] {
        let text = format_iso(secs);
        assert_eq!(parse_iso(&text), Some(secs), "{text}");
    }
    assert_eq!(format_iso(-1), "1969-12-31T23:59:59Z");
    assert_eq!(format_iso(4_107_542_399), "2100-02-28T23:59:59Z");
    assert_eq!(format_iso(3_723), "1970-01-01T01:02:03Z");
}

#[test]
fn iso_fields_are_each_read_and_checked() {
    assert_eq!(parse_iso("1970-01-01T01:02:03Z"), Some(3_723));
    assert_eq!(parse_iso("1970-01-02T00:00:00Z"), Some(86_400));
    assert_eq!(parse_iso(" 1970-01-01t00:00:07z "), Some(7));
    assert_eq!(parse_iso("1970-01-01 00:00:07"), Some(7));
    // The largest values each field may take.
    assert_eq!(parse_iso("2024-12-31T23:59:59Z"), Some(1_735_689_599));
    assert_eq!(parse_iso("2024-12-31T23:59:60Z"), Some(1_735_689_600));
    assert_eq!(
        parse_iso("2024-01-01T00:00:00+23:59"),
        Some(1_704_067_200 - 86_340)
    );
    assert_eq!(
        parse_iso("2024-01-01T00:00:00-00:30"),
        Some(1_704_067_200 + 1_800)
    );
    assert_eq!(
        parse_iso("2024-01-01T00:00:00.5-01:00"),
        Some(1_704_067_200 + 3_600)
    );
    for bad in [
        "2024-00-10T00:00:00Z",
        "2024-01-00T00:00:00Z",
        "2024-01-32T00:00:00Z",
        "2024-01-01-01T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:61Z",
        "2024-01-01T00:00:00:00Z",
        "2024-01-01T00:00:00+24:00",
        "2024-01-01T00:00:00+00:60",
        "2024-01-01T00:00:00+0100",
        "2024-01-01T00:00:00+1:00",
        "224-01-01T00:00:00Z",
        "2024-1-01T00:00:00Z",
        "2024-01-1T00:00:00Z",
        "2024-01-01T0:00:00Z",
        "2024-01-01T00:0:00Z",
        "2024-01-01T00:00:0Z",
        "2024-01-01T00:00:+1Z",
        "2024-01-01T00:00Z",
        "2024-01-01T00Z",
        "2024-01-01",
    ] {
        assert_eq!(parse_iso(bad), None, "{bad:?}");
    }
}
