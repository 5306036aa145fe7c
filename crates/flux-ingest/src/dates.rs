//! Date and time parsing, and settling day/month order for a whole file.
//!
//! `03/04/2024` is the 3rd of April in Britain and the 4th of March in the
//! US, and a wrong guess silently shifts every sale. The order is therefore
//! decided once per file, in this precedence, and the reason is reported:
//! 0. the order a person chose ([`crate::ParseOptions::date_order`]);
//! 1. evidence in the file: any date whose first part is > 12 means
//!    day-first, any whose second part is > 12 means month-first;
//! 2. the export format's convention (US point-of-sale systems write
//!    month-first whatever the restaurant's locale);
//! 3. the caller's locale hint (`en-US` → month-first, most others day-first);
//! 4. day-first, the convention of most of the world.
//!
//! Year-first dates (`2024-03-01`, `2024/3/1`) are never ambiguous.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::error::RowErrorKind;
use crate::format::Format;

/// How a date that does not start with the year is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Day, month, year (`31/12/2024`).
    Dmy,
    /// Month, day, year (`12/31/2024`).
    Mdy,
}

/// Why a [`DateOrder`] was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateOrderReason {
    /// A person chose the order; the file was not consulted.
    Chosen,
    /// Every date seen starts with the year: no ambiguity to resolve (the
    /// order below applies only to stray day/month dates).
    YearFirst,
    /// A value in the file can only be read one way.
    FileEvidence { line: u64, value: String },
    /// Nothing in the file decides; the caller's locale did.
    Locale { locale: String },
    /// Nothing in the file decides and no usable locale; the export
    /// format's convention did.
    FormatDefault { format: Format },
    /// Nothing decided: day-first assumed.
    Fallback,
}

/// The date order used for a file, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateOrderChoice {
    pub order: DateOrder,
    pub reason: DateOrderReason,
}

impl std::fmt::Display for DateOrderChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let order = match self.order {
            DateOrder::Dmy => "day/month/year",
            DateOrder::Mdy => "month/day/year",
        };
        match &self.reason {
            DateOrderReason::Chosen => write!(f, "{order}: chosen by the user"),
            DateOrderReason::YearFirst => write!(f, "dates are year-first; no ambiguity"),
            DateOrderReason::FileEvidence { line, value } => {
                write!(
                    f,
                    "{order}: line {line} has {value:?}, which can only be read that way"
                )
            }
            DateOrderReason::Locale { locale } => write!(f, "{order}: from locale {locale}"),
            DateOrderReason::FormatDefault { format } => {
                write!(
                    f,
                    "{order}: the file does not decide; {format} exports use it"
                )
            }
            DateOrderReason::Fallback => {
                write!(
                    f,
                    "{order}: the file does not decide and no locale was given"
                )
            }
        }
    }
}

/// Day/month order conventional for a BCP 47 locale such as `en-US` or
/// `de-DE`; `None` when the tag is unusable. Only the US and a few places
/// that follow it write month first.
pub fn date_order_for_locale(locale: &str) -> Option<DateOrder> {
    let mut parts = locale.split(['-', '_']);
    let lang = parts.next()?.trim();
    if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let region = parts.next().map(|r| r.trim().to_ascii_uppercase());
    match region.as_deref() {
        Some("US" | "PH" | "FM" | "MH" | "PW" | "AS" | "GU" | "PR" | "VI" | "UM") => {
            Some(DateOrder::Mdy)
        }
        None if lang.eq_ignore_ascii_case("en") => Some(DateOrder::Mdy),
        _ => Some(DateOrder::Dmy),
    }
}

/// What one date value says about the file's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    YearFirst,
    /// Day/month date that reads validly both ways.
    Ambiguous,
    Decides(DateOrder),
}

/// Classifies a date (or date-time) value; `None` if it is not a numeric date.
pub(crate) fn evidence(s: &str) -> Option<Evidence> {
    let (p, _) = split_date(s.trim())?;
    if p.len[0] == 4 {
        return Some(Evidence::YearFirst);
    }
    let (a, b) = (p.n[0], p.n[1]);
    Some(match (a > 12, b > 12) {
        (true, false) if b >= 1 => Evidence::Decides(DateOrder::Dmy),
        (false, true) if a >= 1 => Evidence::Decides(DateOrder::Mdy),
        _ => Evidence::Ambiguous,
    })
}

struct Parts {
    n: [u32; 3],
    len: [u8; 3],
}

/// Splits `d<sep>d<sep>d` with sep in `-/.`; returns the rest of the string.
fn split_date(s: &str) -> Option<(Parts, &str)> {
    let b = s.as_bytes();
    let mut parts = Parts {
        n: [0; 3],
        len: [0; 3],
    };
    let mut i = 0;
    for k in 0..3 {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 4 {
            parts.n[k] = parts.n[k] * 10 + u32::from(b[i] - b'0');
            i += 1;
        }
        let len = i - start;
        if len == 0 || (i < b.len() && b[i].is_ascii_digit()) {
            return None;
        }
        parts.len[k] = len as u8;
        if k < 2 {
            if i < b.len() && matches!(b[i], b'-' | b'/' | b'.') {
                i += 1;
            } else {
                return None;
            }
        }
    }
    Some((parts, &s[i..]))
}

/// A parsed date, optional time of day, optional explicit UTC offset (seconds).
pub(crate) type DateTimeParts = (NaiveDate, Option<NaiveTime>, Option<i32>);

/// Parses a date with an optional time (`2024-03-01`, `3/1/2024 10:15`,
/// `03/01/2024 02:05:33 PM`, `2024-03-01T10:15:00Z`).
pub(crate) fn parse_date_time(s: &str, order: DateOrder) -> Result<DateTimeParts, RowErrorKind> {
    let s = s.trim();
    let (p, rest) = split_date(s).ok_or(RowErrorKind::InvalidDate)?;
    let (y, m, d) = if p.len[0] == 4 {
        (p.n[0], p.n[1], p.n[2])
    } else {
        let year = match p.len[2] {
            4 => p.n[2],
            2 => 2000 + p.n[2],
            _ => return Err(RowErrorKind::InvalidDate),
        };
        match order {
            DateOrder::Dmy => (year, p.n[1], p.n[0]),
            DateOrder::Mdy => (year, p.n[0], p.n[1]),
        }
    };
    if p.len[1] > 2 || (p.len[0] != 4 && p.len[0] > 2) {
        return Err(RowErrorKind::InvalidDate);
    }
    let year = i32::try_from(y).map_err(|_| RowErrorKind::InvalidDate)?;
    let date = NaiveDate::from_ymd_opt(year, m, d).ok_or(RowErrorKind::InvalidDate)?;
    // `2024-03-01T10:15`, `01.03.2024 10:15`, `12.03.2026, 12:32` (SumUp).
    let rest = rest.strip_prefix('T').unwrap_or(rest);
    let rest = rest.trim_start().strip_prefix(',').unwrap_or(rest).trim();
    if rest.is_empty() {
        return Ok((date, None, None));
    }
    let (time, offset) = parse_time_offset(rest)?;
    Ok((date, Some(time), offset))
}

/// Parses a time of day (`9:05`, `09:05:33`, `9:05 PM`, `10:15:00.250`).
pub(crate) fn parse_time(s: &str) -> Result<NaiveTime, RowErrorKind> {
    match parse_time_offset(s.trim())? {
        (t, None) => Ok(t),
        (_, Some(_)) => Err(RowErrorKind::InvalidTime),
    }
}

fn parse_time_offset(s: &str) -> Result<(NaiveTime, Option<i32>), RowErrorKind> {
    let bad = RowErrorKind::InvalidTime;
    // Split off a trailing zone designator: Z or ±hh:mm / ±hhmm.
    let (clock, offset) = if let Some(c) = s.strip_suffix('Z') {
        (c, Some(0))
    } else if let Some(pos) = s.rfind(['+', '-']).filter(|&p| p > 0) {
        let off = &s[pos + 1..];
        let digits: String = off.chars().filter(char::is_ascii_digit).collect();
        if digits.len() != 4 || off.len() > 5 {
            return Err(bad);
        }
        let h: i32 = digits[..2].parse().map_err(|_| bad.clone())?;
        let m: i32 = digits[2..].parse().map_err(|_| bad.clone())?;
        let sign = if s.as_bytes()[pos] == b'-' { -1 } else { 1 };
        (&s[..pos], Some(sign * (h * 3600 + m * 60)))
    } else {
        (s, None)
    };
    let clock = clock.trim();
    // `8:15 PM`, `8:15 p. m.` (Spanish), `8:15pm`, with any space between
    // (ICU writes a narrow no-break space): read what follows the last digit
    // without spaces and dots.
    let spelled: String;
    let clock = match clock.rfind(|c: char| c.is_ascii_digit()) {
        Some(last) if last + 1 < clock.len() => {
            let (digits, suffix) = clock.split_at(last + 1);
            let marker: String = suffix
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '.')
                .flat_map(char::to_lowercase)
                .collect();
            if marker == "am" || marker == "pm" {
                spelled = format!("{digits}{marker}");
                spelled.as_str()
            } else {
                clock
            }
        }
        _ => clock,
    };
    let (clock, meridiem) = match clock.get(clock.len().saturating_sub(2)..) {
        Some(suffix) if suffix.eq_ignore_ascii_case("am") => {
            (&clock[..clock.len() - 2], Some(false))
        }
        Some(suffix) if suffix.eq_ignore_ascii_case("pm") => {
            (&clock[..clock.len() - 2], Some(true))
        }
        _ => (clock, None),
    };
    let mut fields = clock.trim().splitn(3, ':');
    let num = |f: Option<&str>| -> Option<u32> {
        let f = f?;
        (!f.is_empty() && f.len() <= 2 && f.bytes().all(|b| b.is_ascii_digit()))
            .then(|| f.parse().ok())
            .flatten()
    };
    let mut h = num(fields.next()).ok_or(bad.clone())?;
    let m = num(fields.next()).ok_or(bad.clone())?;
    let (sec, nano) = match fields.next() {
        None => (0, 0),
        Some(sf) => {
            let (whole, frac) = sf.split_once('.').unwrap_or((sf, ""));
            let sec = num(Some(whole)).ok_or(bad.clone())?;
            if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad);
            }
            let mut nano: u32 = 0;
            for (i, b) in frac.bytes().enumerate() {
                nano += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
            }
            (sec, nano)
        }
    };
    match meridiem {
        Some(pm) if (1..=12).contains(&h) => h = h % 12 + if pm { 12 } else { 0 },
        Some(_) => return Err(bad),
        None => {}
    }
    let t = NaiveTime::from_hms_nano_opt(h, m, sec, nano).ok_or(bad)?;
    Ok((t, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn parses_common_shapes() {
        let dmy = DateOrder::Dmy;
        assert_eq!(
            parse_date_time("2016-10-30", dmy).map(|x| x.0),
            Ok(d(2016, 10, 30))
        );
        assert_eq!(
            parse_date_time("2024/3/1", dmy).map(|x| x.0),
            Ok(d(2024, 3, 1))
        );
        assert_eq!(
            parse_date_time("3/1/2024", DateOrder::Mdy).map(|x| x.0),
            Ok(d(2024, 3, 1))
        );
        assert_eq!(
            parse_date_time("3/1/2024", dmy).map(|x| x.0),
            Ok(d(2024, 1, 3))
        );
        assert_eq!(
            parse_date_time("30.10.16", dmy).map(|x| x.0),
            Ok(d(2016, 10, 30))
        );
        let (date, time, off) =
            parse_date_time("03/01/2024 02:05:33 PM", DateOrder::Mdy).expect("parses");
        assert_eq!(date, d(2024, 3, 1));
        assert_eq!(time, NaiveTime::from_hms_opt(14, 5, 33));
        assert_eq!(off, None);
        let (date, t, _) = parse_date_time("12.03.2026, 12:32", dmy).expect("parses");
        assert_eq!(date, d(2026, 3, 12));
        assert_eq!(t, NaiveTime::from_hms_opt(12, 32, 0));
        let (_, t, off) = parse_date_time("2024-03-01T10:15:00.5+01:00", dmy).expect("parses");
        assert_eq!(t, NaiveTime::from_hms_milli_opt(10, 15, 0, 500));
        assert_eq!(off, Some(3600));
        assert!(parse_date_time("2024-02-30", dmy).is_err());
        assert!(parse_date_time("hello", dmy).is_err());
        assert!(parse_date_time("12/12/12345", dmy).is_err());
        assert_eq!(
            parse_time("12:30 am"),
            Ok(NaiveTime::from_hms_opt(0, 30, 0).expect("valid"))
        );
        assert!(parse_time("25:00").is_err());
        assert_eq!(
            parse_time("8:15 p. m."),
            NaiveTime::from_hms_opt(20, 15, 0).ok_or(RowErrorKind::InvalidTime)
        );
        assert_eq!(
            parse_time("12:05 a.m."),
            NaiveTime::from_hms_opt(0, 5, 0).ok_or(RowErrorKind::InvalidTime)
        );
        assert_eq!(
            parse_time("8:15p.m."),
            NaiveTime::from_hms_opt(20, 15, 0).ok_or(RowErrorKind::InvalidTime)
        );
        assert_eq!(
            parse_time("8:15\u{202f}p.\u{202f}m."),
            NaiveTime::from_hms_opt(20, 15, 0).ok_or(RowErrorKind::InvalidTime)
        );
    }

    #[test]
    fn classifies_evidence() {
        assert_eq!(evidence("2024-01-13"), Some(Evidence::YearFirst));
        assert_eq!(
            evidence("13/01/2024"),
            Some(Evidence::Decides(DateOrder::Dmy))
        );
        assert_eq!(
            evidence("01/13/2024 10:00"),
            Some(Evidence::Decides(DateOrder::Mdy))
        );
        assert_eq!(evidence("01/02/2024"), Some(Evidence::Ambiguous));
        assert_eq!(evidence("x"), None);
    }

    #[test]
    fn locale_hints() {
        assert_eq!(date_order_for_locale("en-US"), Some(DateOrder::Mdy));
        assert_eq!(date_order_for_locale("en_GB"), Some(DateOrder::Dmy));
        assert_eq!(date_order_for_locale("de-DE"), Some(DateOrder::Dmy));
        assert_eq!(date_order_for_locale("es-ES"), Some(DateOrder::Dmy));
        assert_eq!(date_order_for_locale(""), None);
    }
}
