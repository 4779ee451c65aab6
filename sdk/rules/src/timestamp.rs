//! Timestamps as the gateway writes them: `yyyy-MM-ddTHH:mm:ss±HH:mm` (X-TIMESTAMP and the
//! bodies' `transactionTime`), read strictly; the SDK's `Timestamp` and the rules' timestamp
//! fields both read them here.

/// Reads `yyyy-MM-ddTHH:mm:ss±HH:mm`: the instant (seconds since 1970-01-01T00:00:00Z) and the
/// offset (seconds east of UTC).
///
/// # Errors
/// Why the text is not one, in words ("no such date", "the offset is out of range", …).
pub fn read_timestamp(text: &str) -> Result<(i64, i32), &'static str> {
    let b = text.as_bytes();
    if b.len() != 25 {
        return Err("it must be exactly 25 characters");
    }
    let shape_ok = b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && (b[19] == b'+' || b[19] == b'-')
        && b[22] == b':';
    if !shape_ok {
        return Err("the separators are not where the format puts them");
    }
    let number = |range: std::ops::Range<usize>| -> Result<i64, &'static str> {
        let digits = &b[range];
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err("a date or time part is not digits");
        }
        Ok(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let (off_h, off_m) = (number(20..22)?, number(23..25)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err("no such date");
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err("no such time of day");
    }
    if off_h > 14 || off_m > 59 {
        return Err("the offset is out of range");
    }
    if b[19] == b'-' && off_h == 0 && off_m == 0 {
        // RFC 3339's "offset unknown"; a region's own offset is never that.
        return Err("-00:00 means an unknown offset; write UTC as +00:00");
    }
    let sign = if b[19] == b'+' { 1 } else { -1 };
    let offset_seconds = (sign * (off_h * 3600 + off_m * 60)) as i32;
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    Ok((local - i64::from(offset_seconds), offset_seconds))
}

/// Whether `text` is a timestamp: with an offset, one [`read_timestamp`] reads; without,
/// `yyyy-MM-ddTHH:mm:ss` with digits where the format has them.
pub fn timestamp_ok(text: &str, offset: bool) -> bool {
    if offset {
        return read_timestamp(text).is_ok();
    }
    let b = text.as_bytes();
    b.len() == 19
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
