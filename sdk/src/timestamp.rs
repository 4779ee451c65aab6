//! X-TIMESTAMP: `yyyy-MM-ddTHH:mm:ss±HH:mm`, in the region's offset.
//!
//! The gateway wants this one format and nothing else (no fractions, no `Z`), within a few
//! minutes of its clock, so the SDK writes and reads it itself rather than through a general
//! date library.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant and the UTC offset it is written in, as the gateway's X-TIMESTAMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    unix_seconds: i64,
    /// Seconds east of UTC.
    offset_seconds: i32,
}

/// Why a string is not an X-TIMESTAMP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "X-TIMESTAMP {given:?} is not yyyy-MM-ddTHH:mm:ss±HH:mm (for example 2020-12-18T15:06:00+07:00): {why}"
)]
pub struct TimestampError {
    given: String,
    why: &'static str,
}

impl Timestamp {
    /// The current time, written in the offset `offset_seconds` east of UTC.
    pub fn now(offset_seconds: i32) -> Self {
        Self::at(SystemTime::now(), offset_seconds)
    }

    /// The given time, written in the offset `offset_seconds` east of UTC.
    ///
    /// X-TIMESTAMP writes the offset as `±HH:MM`, so an offset with leftover seconds is taken
    /// to whole minutes (towards zero) here, before the local time is computed from it: the
    /// text then always names the same instant (an offset of 25,230 s is written `+07:00`,
    /// with the local time of `+07:00`, not that of `+07:00:30`).
    pub fn at(time: SystemTime, offset_seconds: i32) -> Self {
        let unix_seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_secs() as i64,
            Err(before) => -(before.duration().as_secs() as i64),
        };
        Timestamp {
            unix_seconds,
            offset_seconds: offset_seconds - offset_seconds % 60,
        }
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }

    /// The offset, in seconds east of UTC.
    pub fn offset_seconds(self) -> i32 {
        self.offset_seconds
    }

    /// How far this is from `now`, either way.
    pub fn distance_from(self, now: SystemTime) -> Duration {
        let now = Timestamp::at(now, 0).unix_seconds;
        Duration::from_secs(self.unix_seconds.abs_diff(now))
    }

    /// Reads an X-TIMESTAMP, strictly: `yyyy-MM-ddTHH:mm:ss±HH:mm`.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let fail = |why| TimestampError {
            given: text.chars().take(64).collect(),
            why,
        };
        let (unix_seconds, offset_seconds) = smilepayz_rules::read_timestamp(text).map_err(fail)?;
        Ok(Timestamp {
            unix_seconds,
            offset_seconds,
        })
    }
    /// Reads an X-TIMESTAMP as a gateway accepts it (the local emulator does): [`parse`](Self::parse)'s format, or
    /// the same ending in `Z` for UTC (`2020-12-18T08:06:00Z`), which the official Java demo
    /// sends in every region. Only the instant is judged, not whether the offset is the
    /// region's: the demos send `+07:00` or `Z` for every region, and the gateway's documented
    /// check is the instant within a few minutes.
    ///
    /// # Errors
    /// [`TimestampError`] when it is neither form.
    pub fn parse_lenient(text: &str) -> Result<Self, TimestampError> {
        match text.strip_suffix('Z') {
            Some(utc) if text.len() == 20 => {
                Timestamp::parse(&format!("{utc}+00:00")).map_err(|mut e| {
                    e.given = text.chars().take(64).collect();
                    e
                })
            }
            _ => Timestamp::parse(text),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.unix_seconds + i64::from(self.offset_seconds);
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        let seconds = local.rem_euclid(86_400);
        let sign = if self.offset_seconds < 0 { '-' } else { '+' };
        let offset = self.offset_seconds.unsigned_abs();
        // Every request writes one, so the usual case (a four-digit year, an offset under
        // 100 hours) fills a fixed buffer and writes it once: about a tenth of the
        // instructions of `write!` with padded integers (see BENCHMARKS.md).
        if (0..=9999).contains(&year) && offset < 100 * 3600 {
            let mut text = *b"0000-00-00T00:00:00+00:00";
            let seconds = seconds as u32;
            for (at, value) in [
                (0, year as u32 / 100),
                (2, year as u32 % 100),
                (5, month as u32),
                (8, day as u32),
                (11, seconds / 3600),
                (14, seconds % 3600 / 60),
                (17, seconds % 60),
                (20, offset / 3600),
                (23, offset % 3600 / 60),
            ] {
                text[at] = b'0' + (value / 10) as u8;
                text[at + 1] = b'0' + (value % 10) as u8;
            }
            text[19] = sign as u8;
            return f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?);
        }
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            seconds / 3600,
            seconds % 3600 / 60,
            seconds % 60,
            offset / 3600,
            offset % 3600 / 60
        )
    }
}

/// The date of a day count since 1970-01-01 (the inverse of `smilepayz_rules::days_from_civil`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_offset_with_seconds_still_names_the_same_instant() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        for offset in [25_230, -18_045, 59, -59, 19_800] {
            let stamp = super::Timestamp::at(at, offset);
            let text = stamp.to_string();
            let back = super::Timestamp::parse(&text).expect("parses");
            assert_eq!(back.unix_seconds(), 1_700_000_000, "{offset}: {text}");
            assert_eq!(back.offset_seconds() % 60, 0);
        }
    }

    use super::*;

    #[test]
    fn seed_timestamps_read_and_write_back() {
        for text in [
            "2020-12-18T15:06:00+07:00",
            "2020-12-17T10:55:00-05:00",
            "2024-02-29T23:59:59+14:00",
            "1999-01-01T00:00:00+00:00",
        ] {
            assert_eq!(Timestamp::parse(text).unwrap().to_string(), text);
        }
        // 2020-12-18T15:06:00+07:00 is 08:06:00 UTC.
        let t = Timestamp::parse("2020-12-18T15:06:00+07:00").unwrap();
        assert_eq!(t.unix_seconds(), 1_608_278_760);
        let lima = Timestamp {
            offset_seconds: -5 * 3600,
            ..t
        };
        assert_eq!(lima.to_string(), "2020-12-18T03:06:00-05:00");
    }

    /// The emulator also takes `Z`, as the Java demo sends it, for the same instant; nothing
    /// else beyond the strict format.
    #[test]
    fn the_emulator_also_reads_utc_written_as_z() {
        let z = Timestamp::parse_lenient("2020-12-18T08:06:00Z").expect("Z is UTC");
        let offset = Timestamp::parse("2020-12-18T15:06:00+07:00").expect("strict");
        assert_eq!(z.unix_seconds(), offset.unix_seconds());
        assert_eq!(z.offset_seconds(), 0);
        for text in [
            "2020-12-18T08:06:00z",
            "2020-12-18T08:06:00.5Z",
            "2020-12-18 08:06:00Z",
            "Z",
            "2020-02-30T08:06:00Z",
        ] {
            assert!(
                Timestamp::parse_lenient(text).is_err(),
                "{text:?} was accepted"
            );
        }
        assert!(
            Timestamp::parse("2020-12-18T08:06:00Z").is_err(),
            "the SDK writes offsets"
        );
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in [
            "2020-12-18T15:06:00Z",
            "2020-12-18 15:06:00+07:00",
            "2020-12-18T15:06:00.000+07:00",
            "2021-02-29T00:00:00+07:00",
            "2020-13-01T00:00:00+07:00",
            "2020-12-18T24:00:00+07:00",
            "2020-12-18T15:06:00+0700",
            "2020-12-18T15:06:00-00:00",
            "",
            "２020-12-18T15:06:00+07:00",
        ] {
            assert!(Timestamp::parse(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn the_fast_writer_agrees_with_the_general_one() {
        let general = |t: Timestamp| {
            let local = t.unix_seconds + i64::from(t.offset_seconds);
            let (year, month, day) = civil_from_days(local.div_euclid(86_400));
            let s = local.rem_euclid(86_400);
            let sign = if t.offset_seconds < 0 { '-' } else { '+' };
            let o = t.offset_seconds.unsigned_abs();
            format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
                s / 3600,
                s % 3600 / 60,
                s % 60,
                o / 3600,
                o % 3600 / 60
            )
        };
        for unix_seconds in (-62_167_219_200..253_402_300_800).step_by(7_777_777_777) {
            for offset_seconds in [-14 * 3600, -5 * 3600, -1800, 0, 1, 7 * 3600, 14 * 3600] {
                let t = Timestamp {
                    unix_seconds,
                    offset_seconds,
                };
                assert_eq!(t.to_string(), general(t));
            }
        }
        // Outside four-digit years and two-digit offsets, the general writer takes over.
        for t in [
            Timestamp::parse("9999-12-31T23:59:59+00:00").unwrap(),
            Timestamp {
                unix_seconds: 253_402_300_800,
                offset_seconds: 0,
            },
            Timestamp {
                unix_seconds: -62_167_219_201,
                offset_seconds: 0,
            },
            Timestamp {
                unix_seconds: 0,
                offset_seconds: 100 * 3600,
            },
        ] {
            assert_eq!(t.to_string(), general(t));
        }
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        for days in (-146_097..146_097).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(smilepayz_rules::days_from_civil(y, m, d), days);
        }
    }
}
