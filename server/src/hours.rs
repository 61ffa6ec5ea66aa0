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
//! midnight). An optional last word `UTC`, `UTC+hh:mm` or `UTC-hh:mm` says which clock; UTC by
//! default. Empty text means always open. Outside these hours a new chat is not queued: the
//! visitor is sent to the ticket form at once (see `docs/protocol.md`).

use std::time::{SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parsed business hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    /// For each weekday (Monday = 0), the open spans in minutes since midnight, end excluded.
    spans: [Vec<(u32, u32)>; 7],
    /// The clock's offset from UTC, in minutes.
    offset_minutes: i64,
    /// No rules at all: always open.
    always: bool,
}

impl Hours {
    /// Parses the text form; the error says what is wrong, for the operator.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut hours = Hours {
            spans: Default::default(),
            offset_minutes: 0,
            always: false,
        };
        let text = text.trim();
        let (rest, last) = text.rsplit_once(char::is_whitespace).unwrap_or(("", text));
        let text = if last.to_ascii_uppercase().starts_with("UTC") {
            hours.offset_minutes = parse_offset(&last[3..])?;
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

    /// Whether the portal is open at `unix_ms` (milliseconds since the Unix epoch).
    pub fn is_open_at(&self, unix_ms: i64) -> bool {
        if self.always {
            return true;
        }
        let local_minutes = unix_ms.div_euclid(60_000) + self.offset_minutes;
        let day_number = local_minutes.div_euclid(24 * 60);
        let minute = local_minutes.rem_euclid(24 * 60) as u32;
        // 1970-01-01 was a Thursday (index 3 with Monday = 0).
        let weekday = (day_number + 3).rem_euclid(7) as usize;
        self.spans[weekday]
            .iter()
            .any(|(start, end)| (*start..*end).contains(&minute))
    }

    /// Whether the portal is open now.
    pub fn is_open_now(&self) -> bool {
        self.is_open_at(now_ms())
    }
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

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        for text in [
            "Mon",
            "Funday 09:00-10:00",
            "Mon 10:00-09:00",
            "Mon 9-10",
            "Mon 09:00-10:00 UTC+99",
        ] {
            assert!(Hours::parse(text).is_err(), "{text}");
        }
    }
}
