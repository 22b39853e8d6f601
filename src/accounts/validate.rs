//! Validation of what people type about themselves. Each function returns the
//! normalised value or the translation key of the message to show.

use chrono::{Datelike, NaiveDate};

/// Province-level prefixes of GB/T 2260 administrative division codes
/// (83 is used by residence permits for Taiwan residents).
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

pub use crate::text::ascii_width;

/// The GB 11643 check character for the first 17 digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    (first17.chars().count() == 17).then(|| CHECK_CHARS[(sum % 11) as usize])
}

/// An 18-character resident ID number: region, a real birth date not in the
/// future, sequence, and the GB 11643 check character (lower-case x is
/// accepted and normalised).
pub fn id_number(input: &str, today: NaiveDate) -> Result<String, &'static str> {
    let id: String = ascii_width(input.trim()).to_ascii_uppercase();
    if id.chars().count() != 18 {
        return Err("invalid-id-length");
    }
    // Only ASCII from here on, so the byte slices below are safe.
    if !id.is_ascii() {
        return Err("invalid-id-chars");
    }
    let (first17, last) = id.split_at(17);
    if !first17.chars().all(|c| c.is_ascii_digit())
        || !last.chars().all(|c| c.is_ascii_digit() || c == 'X')
    {
        return Err("invalid-id-chars");
    }
    let province: u32 = first17[..2].parse().map_err(|_| "invalid-id-region")?;
    if !PROVINCES.contains(&province) {
        return Err("invalid-id-region");
    }
    let birth =
        NaiveDate::parse_from_str(&first17[6..14], "%Y%m%d").map_err(|_| "invalid-id-birth")?;
    if birth > today || birth.year() < 1900 {
        return Err("invalid-id-birth");
    }
    if id_check_char(first17) != last.chars().next() {
        return Err("invalid-id-check");
    }
    Ok(id)
}

/// A mainland mobile number: 11 digits starting 13–19; spaces, dashes and a
/// leading +86 are tolerated.
pub fn phone(input: &str) -> Result<String, &'static str> {
    let digits: String = ascii_width(input)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let digits = digits.strip_prefix("+86").unwrap_or(&digits).to_string();
    let ok = digits.len() == 11
        && digits.chars().all(|c| c.is_ascii_digit())
        && digits.starts_with('1')
        && matches!(digits.as_bytes()[1], b'3'..=b'9');
    if ok { Ok(digits) } else { Err("invalid-phone") }
}

/// A real name: 1–50 characters, no control characters or markup.
pub fn person_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    let n = name.chars().count();
    if n == 0 {
        return Err("invalid-name-empty");
    }
    if n > 50 || name.chars().any(|c| c.is_control() || "<>\"{}".contains(c)) {
        return Err("invalid-name");
    }
    Ok(name.to_string())
}

/// The last four digits of a phone number, as typed at the kiosk or on /track.
pub fn phone_last4(input: &str) -> Result<String, &'static str> {
    let d = ascii_width(input.trim());
    let d = d.trim();
    if d.len() == 4 && d.chars().all(|c| c.is_ascii_digit()) {
        Ok(d.to_string())
    } else {
        Err("invalid-phone-last4")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn accepts_valid_id_numbers_and_normalises_x() {
        // The standard's own example and one ending in X.
        assert_eq!(
            id_number("11010519491231002X", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            id_number(" 11010519491231002x ", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            id_number("150302198506123015", today()),
            Ok("150302198506123015".into())
        );
        assert_eq!(id_check_char("15030219850612301"), Some('5'));
    }

    #[test]
    fn refuses_wrong_check_digits_dates_and_regions() {
        assert_eq!(
            id_number("110105194912310021", today()),
            Err("invalid-id-check")
        );
        assert_eq!(
            id_number("11010519491331002X", today()),
            Err("invalid-id-birth")
        );
        assert_eq!(
            id_number("110105203012310027", today()),
            Err("invalid-id-birth")
        );
        assert_eq!(
            id_number("99010519491231002X", today()),
            Err("invalid-id-region")
        );
        assert_eq!(
            id_number("1101051949123100", today()),
            Err("invalid-id-length")
        );
        assert_eq!(
            id_number("11010519491231002Y", today()),
            Err("invalid-id-chars")
        );
    }

    #[test]
    fn full_width_digits_and_x_are_read_as_typed_by_input_methods() {
        assert_eq!(
            id_number("１１０１０５１９４９１２３１００２Ｘ", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            id_number("１１０１０５１９４９１２３１００２ｘ", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            phone("１３８　００４７　１２３４"),
            Ok("13800471234".into())
        );
        assert_eq!(phone_last4("１２３４"), Ok("1234".into()));
        // Multi-byte input of the right length is refused, never sliced.
        assert_eq!(
            id_number(&"王".repeat(18), today()),
            Err("invalid-id-chars")
        );
        assert_eq!(
            id_number("1101051949123100😀", today()),
            Err("invalid-id-length")
        );
        assert_eq!(
            id_number("11010519491231002😀", today()),
            Err("invalid-id-chars")
        );
        assert_eq!(phone("１３８００４７１２３😀"), Err("invalid-phone"));
    }

    #[test]
    fn phones_names_and_last_digits() {
        assert_eq!(phone("138 0047 1234"), Ok("13800471234".into()));
        assert_eq!(phone("+8613800471234"), Ok("13800471234".into()));
        assert_eq!(phone("12800471234"), Err("invalid-phone"));
        assert_eq!(phone("1380047123"), Err("invalid-phone"));
        assert_eq!(person_name("  王秀英 "), Ok("王秀英".into()));
        assert!(person_name("").is_err() && person_name("<script>").is_err());
        assert!(person_name(&"王".repeat(51)).is_err());
        assert!(phone_last4("1234").is_ok() && phone_last4("12a4").is_err());
    }
}
