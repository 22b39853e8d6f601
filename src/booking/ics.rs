//! An iCalendar file for a booking (RFC 5545): the slot as UTC instants
//! (`DTSTART:20261201T010000Z`, which every calendar reads the same; a TZID
//! without its VTIMEZONE is read as floating time by strict parsers), text
//! escaped, lines folded at 75 octets.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds a content line: at most 75 octets per line, never inside a UTF-8
/// character, continuation lines start with a space.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if len + n > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += n;
    }
    out.push_str("\r\n");
    out
}

pub struct Event<'a> {
    pub uid: &'a str,
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub stamp: NaiveDateTime,
}

pub fn calendar(event: &Event, tz: Tz) -> String {
    let fmt = |t: NaiveTime| {
        crate::clock::utc_of(event.day.and_time(t), tz)
            .format("%Y%m%dT%H%M%SZ")
            .to_string()
    };
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//onestop//booking//ZH".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@onestop", event.uid),
        format!("DTSTAMP:{}", event.stamp.format("%Y%m%dT%H%M%SZ")),
        format!("DTSTART:{}", fmt(event.start)),
        format!("DTEND:{}", fmt(event.end)),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("LOCATION:{}", escape(event.location)),
        format!("DESCRIPTION:{}", escape(event.description)),
        "BEGIN:VALARM".to_string(),
        "TRIGGER:-PT1H".to_string(),
        "ACTION:DISPLAY".to_string(),
        format!("DESCRIPTION:{}", escape(event.summary)),
        "END:VALARM".to_string(),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ];
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_booking_becomes_a_valid_folded_calendar() {
        let description = "请带齐材料: 居民身份证; 户口簿, 近期一寸照片 ".repeat(3);
        let ics = calendar(
            &Event {
                uid: "K7MX4P2Q",
                day: "2026-12-01".parse().unwrap(),
                start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
                summary: "社会保障卡申领",
                location: "乌海市民服务中心 17号窗口",
                description: &description,
                stamp: "2026-11-28T05:00:00".parse().unwrap(),
            },
            chrono_tz::Asia::Shanghai,
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            ics.contains("DTSTART:20261201T010000Z\r\n"),
            "09:00 in Wuhai is 01:00 UTC"
        );
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("\\;") && unfolded.contains("\\,"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets", line.len());
        }
        assert!(unfolded.contains(&format!("DESCRIPTION:{}", escape(&description))));
    }
}
