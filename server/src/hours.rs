//! Business hours: when a portal's agents take live chats.
//!
//! A portal keeps them as text, which the chat profile hands to widgets as is (`hour`):
//!
//! ```text
//! Mon-Fri 09:00-17:00, Sat 10:00-14:00 UTC+07:00
//! ```
//!
//! Rules are separated by commas; each names a day or a range of days (`Mon` … `Sun`, a range
//! may wrap, `Sat-Sun`) and a span of the day (`HH:MM-HH:MM`, end excluded, `24:00` for
//! midnight). An optional last word says which clock: an IANA time zone (`Europe/Berlin`,
//! `Asia/Ho_Chi_Minh`), whose daylight-saving changes are followed, or a fixed `UTC`,
//! `UTC+hh:mm`, `UTC-hh:mm`; UTC by default. Empty text means always open. A portal may also
//! list closed dates (holidays), days closed in that zone whatever the rules say. Outside these
//! hours a new chat is not queued: the visitor is sent to the ticket form at once (see
//! `docs/protocol.md`).

use std::time::{SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parsed business hours.
#[derive(Debug, Clone)]
pub struct Hours {
    /// For each weekday (Monday = 0), the open spans in minutes since midnight, end excluded.
    spans: [Vec<(u32, u32)>; 7],
    /// The clock the spans are read on.
    zone: jiff::tz::TimeZone,
    /// No rules at all: always open.
    always: bool,
    /// Days closed whatever the rules say, in the zone's calendar.
    closed: Vec<jiff::civil::Date>,
}

impl Hours {
    /// Parses the text form; the error says what is wrong, for the operator.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut hours = Hours {
            spans: Default::default(),
            zone: jiff::tz::TimeZone::UTC,
            always: false,
            closed: Vec::new(),
        };
        let text = text.trim();
        let (rest, last) = text.rsplit_once(char::is_whitespace).unwrap_or(("", text));
        let text = if last.to_ascii_uppercase().starts_with("UTC") && last.len() > 3
            || last.eq_ignore_ascii_case("utc")
        {
            let minutes = parse_offset(&last[3..])?;
            let offset =
                jiff::tz::Offset::from_seconds((minutes * 60) as i32).map_err(|e| e.to_string())?;
            hours.zone = jiff::tz::TimeZone::fixed(offset);
            rest.trim()
        } else if last.contains('/') {
            hours.zone = jiff::tz::TimeZone::get(last)
                .map_err(|_| format!("`{last}` is not a time zone like Europe/Berlin"))?;
            rest.trim()
        } else {
            text
        };
        if text.is_empty() {
            hours.always = true;
            return Ok(hours);
        }
        for rule in text.split(',').map(str::trim) {
            let (days, span) = rule.split_once(char::is_whitespace).ok_or_else(|| {
                format!("`{rule}`: expected days and a span, like `Mon-Fri 09:00-17:00`")
            })?;
            let (first, last) = match days.split_once('-') {
                Some((a, b)) => (day(a)?, day(b)?),
                None => (day(days)?, day(days)?),
            };
            let (start, end) = span
                .trim()
                .split_once('-')
                .ok_or_else(|| format!("`{span}`: expected a span like `09:00-17:00`"))?;
            let (start, end) = (minutes(start)?, minutes(end)?);
            if start >= end {
                return Err(format!("`{span}`: the span ends before it starts"));
            }
            let mut d = first;
            loop {
                hours.spans[d].push((start, end));
                if d == last {
                    break;
                }
                d = (d + 1) % 7;
            }
        }
        Ok(hours)
    }

    /// The same hours, closed on each of `dates` (`YYYY-MM-DD`, in the hours' zone); dates
    /// that do not parse are left out (the admin API refuses them before they are stored).
    pub fn with_closed_dates<'a>(mut self, dates: impl IntoIterator<Item = &'a str>) -> Self {
        self.closed = dates
            .into_iter()
            .filter_map(|d| parse_date(d).ok())
            .collect();
        self
    }

    /// The clock the hours are read on (a portal's time zone: reports use it too).
    pub fn zone(&self) -> &jiff::tz::TimeZone {
        &self.zone
    }

    /// Whether the portal is open at `unix_ms` (milliseconds since the Unix epoch).
    pub fn is_open_at(&self, unix_ms: i64) -> bool {
        if self.always && self.closed.is_empty() {
            return true;
        }
        let Ok(instant) = jiff::Timestamp::from_millisecond(unix_ms) else {
            return false;
        };
        let local = self.zone.to_datetime(instant);
        if self.closed.contains(&local.date()) {
            return false;
        }
        if self.always {
            return true;
        }
        let minute = local.hour() as u32 * 60 + local.minute() as u32;
        let weekday = local.weekday().to_monday_zero_offset() as usize;
        self.spans[weekday]
            .iter()
            .any(|(start, end)| (*start..*end).contains(&minute))
    }

    /// Whether the portal is open now.
    pub fn is_open_now(&self) -> bool {
        self.is_open_at(now_ms())
    }
}

/// Whether `portal` takes chats now: its business hours and closed dates. Hours that do not
/// parse (they are checked when set) count as always open.
pub fn portal_open_now(portal: &crate::store::Portal) -> bool {
    let closed: Vec<String> = serde_json::from_str(&portal.closed_dates).unwrap_or_default();
    Hours::parse(&portal.business_hours)
        .map(|hours| {
            hours
                .with_closed_dates(closed.iter().map(String::as_str))
                .is_open_now()
        })
        .unwrap_or(true)
}

/// Parses a calendar date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let bad = || format!("`{text}` is not a date like 2026-12-25");
    if text.len() != 10 {
        return Err(bad());
    }
    text.parse::<jiff::civil::Date>().map_err(|_| bad())
}

/// Milliseconds since the Unix epoch: the server's one clock for stored times.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn day(name: &str) -> Result<usize, String> {
    let lower = name.trim().to_ascii_lowercase();
    DAYS.iter()
        .position(|d| lower.len() >= 3 && lower.starts_with(d))
        .ok_or_else(|| format!("`{name}` is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)"))
}

fn minutes(text: &str) -> Result<u32, String> {
    let bad = || format!("`{text}` is not a time of day like 09:30");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn parse_offset(text: &str) -> Result<i64, String> {
    if text.is_empty() {
        return Ok(0);
    }
    let bad = || format!("`UTC{text}` is not an offset like UTC+07:00");
    let sign = match &text[..1] {
        "+" => 1,
        "-" => -1,
        _ => return Err(bad()),
    };
    let rest = &text[1..];
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 14 || m >= 60 {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

/// The calendar date and time of `unix_ms` in UTC: (year, month, day, hour, minute).
pub fn utc_date_time(unix_ms: i64) -> (i64, u32, u32, u32, u32) {
    let minutes = unix_ms.div_euclid(60_000);
    let days = minutes.div_euclid(24 * 60);
    let minute_of_day = minutes.rem_euclid(24 * 60);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (minute_of_day / 60) as u32,
        (minute_of_day % 60) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-23 was a Monday; this is 00:00 UTC that day.
    const MONDAY: i64 = 1_795_392_000_000;
    const HOUR: i64 = 3_600_000;

    #[test]
    fn the_calendar_matches_known_dates() {
        assert_eq!(utc_date_time(0), (1970, 1, 1, 0, 0));
        assert_eq!(
            utc_date_time(MONDAY + 9 * HOUR + 60_000),
            (2026, 11, 23, 9, 1)
        );
        assert_eq!(utc_date_time(951_782_400_000), (2000, 2, 29, 0, 0));
    }

    #[test]
    fn weekday_hours_open_and_close_on_time() {
        let hours = Hours::parse("Mon-Fri 09:00-17:00, Sat 10:00-14:00").unwrap();
        assert!(!hours.is_open_at(MONDAY + 8 * HOUR + 59 * 60_000));
        assert!(hours.is_open_at(MONDAY + 9 * HOUR));
        assert!(!hours.is_open_at(MONDAY + 17 * HOUR));
        assert!(hours.is_open_at(MONDAY + 5 * 24 * HOUR + 11 * HOUR)); // Saturday
        assert!(!hours.is_open_at(MONDAY + 6 * 24 * HOUR + 11 * HOUR)); // Sunday
    }

    #[test]
    fn an_offset_shifts_the_clock() {
        // 09:00 at UTC+07:00 is 02:00 UTC.
        let hours = Hours::parse("Mon 09:00-10:00 UTC+07:00").unwrap();
        assert!(hours.is_open_at(MONDAY + 2 * HOUR));
        assert!(!hours.is_open_at(MONDAY + 9 * HOUR));
    }

    #[test]
    fn a_range_may_wrap_the_week_and_empty_means_always() {
        let weekend = Hours::parse("Sat-Sun 00:00-24:00").unwrap();
        assert!(weekend.is_open_at(MONDAY - HOUR)); // Sunday 23:00
        assert!(!weekend.is_open_at(MONDAY + HOUR));
        assert!(Hours::parse("").unwrap().is_open_at(MONDAY));
        assert!(Hours::parse(" UTC+03:00 ").unwrap().is_open_at(MONDAY));
    }

    /// Milliseconds at a UTC date and time.
    fn utc(text: &str) -> i64 {
        text.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn a_zone_follows_its_daylight_saving_changes() {
        let hours = Hours::parse("Mon-Sun 09:00-17:00 Europe/Berlin").unwrap();
        // Winter (CET, UTC+1): 09:00 in Berlin is 08:00 UTC.
        assert!(!hours.is_open_at(utc("2026-03-28T07:59:00Z")));
        assert!(hours.is_open_at(utc("2026-03-28T08:00:00Z")));
        // Clocks go forward on 2026-03-29 (CEST, UTC+2): 09:00 in Berlin is 07:00 UTC.
        assert!(hours.is_open_at(utc("2026-03-29T07:00:00Z")));
        assert!(!hours.is_open_at(utc("2026-03-29T06:59:00Z")));
        assert!(!hours.is_open_at(utc("2026-03-29T15:00:00Z")));
        // And back on 2026-10-25.
        assert!(hours.is_open_at(utc("2026-10-24T07:00:00Z")));
        assert!(!hours.is_open_at(utc("2026-10-25T07:00:00Z")));
        assert!(hours.is_open_at(utc("2026-10-25T08:00:00Z")));
        assert!(hours.is_open_at(utc("2026-10-25T15:59:00Z")));
    }

    #[test]
    fn a_zone_without_daylight_saving_and_a_spring_forward_gap() {
        let saigon = Hours::parse("Mon-Fri 08:00-17:30 Asia/Ho_Chi_Minh").unwrap();
        // Monday 2026-11-23, 08:00 in Ho Chi Minh City is 01:00 UTC.
        assert!(saigon.is_open_at(MONDAY + HOUR));
        assert!(!saigon.is_open_at(MONDAY + HOUR - 60_000));
        assert!(!saigon.is_open_at(MONDAY + 10 * HOUR + 30 * 60_000));
        // 02:00-03:00 does not exist in New York on 2026-03-08: open from 03:00 local (07:00 UTC).
        let night = Hours::parse("Sun 02:00-04:00 America/New_York").unwrap();
        assert!(!night.is_open_at(utc("2026-03-08T06:59:00Z")));
        assert!(night.is_open_at(utc("2026-03-08T07:00:00Z")));
        assert!(!night.is_open_at(utc("2026-03-08T08:00:00Z")));
    }

    #[test]
    fn closed_dates_close_whole_days_in_the_zone() {
        let hours = Hours::parse("Mon-Sun 00:00-24:00 Asia/Ho_Chi_Minh")
            .unwrap()
            .with_closed_dates(["2026-12-25"]);
        // 2026-12-24T17:00Z is already the 25th in Ho Chi Minh City (UTC+7).
        assert!(hours.is_open_at(utc("2026-12-24T16:59:00Z")));
        assert!(!hours.is_open_at(utc("2026-12-24T17:00:00Z")));
        assert!(!hours.is_open_at(utc("2026-12-25T16:59:00Z")));
        assert!(hours.is_open_at(utc("2026-12-25T17:00:00Z")));
        // "Always open" still closes on a closed date (in UTC).
        let always = Hours::parse("").unwrap().with_closed_dates(["2026-12-25"]);
        assert!(!always.is_open_at(utc("2026-12-25T12:00:00Z")));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("26-1-1").is_err());
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        for text in [
            "Mon",
            "Funday 09:00-10:00",
            "Mon 10:00-09:00",
            "Mon 9-10",
            "Mon 09:00-10:00 UTC+99",
            "Mon 09:00-10:00 Mars/Olympus",
        ] {
            assert!(Hours::parse(text).is_err(), "{text}");
        }
    }
}
