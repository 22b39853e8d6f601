//! Free text from people, made safe to store: trimmed, line breaks kept as
//! `\n`, every other control character (NUL above all: PostgreSQL refuses
//! it) removed, and cut to a length in characters (never bytes).

pub fn clean(input: &str, max_chars: usize) -> String {
    input
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(max_chars)
        .collect()
}

/// One line: like [`clean`], with line breaks and tabs as spaces.
pub fn clean_line(input: &str, max_chars: usize) -> String {
    clean(&input.replace(['\n', '\t'], " "), max_chars)
}

/// Full-width forms (what Chinese input methods type: `１３８`, `Ｘ`, the
/// ideographic space) as their ASCII equivalents; everything else unchanged.
pub fn ascii_width(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// A form's refusals: (field, message key), in the order of the form.
pub type FieldErrors = Vec<(&'static str, &'static str)>;

/// A required single line of at most `max` characters.
pub fn required(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push((field, "admin-error-required"));
    } else if v.chars().count() > max || v.chars().any(|c| c.is_control()) {
        errors.push((field, "admin-error-too-long"));
    }
    v.to_string()
}

/// Optional text of at most `max` characters; line breaks allowed.
pub fn optional(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max || v.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        errors.push((field, "admin-error-too-long"));
    }
    v.to_string()
}

/// A whole number in `min..=max` (full-width digits as typed by Chinese
/// input methods are read as ASCII).
pub fn number(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    min: i32,
    max: i32,
) -> i32 {
    match ascii_width(value.trim()).parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            errors.push((field, "admin-error-number"));
            min
        }
    }
}

/// Like [`number`]; empty means none.
pub fn optional_number(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    min: i32,
    max: i32,
) -> Option<i32> {
    if value.trim().is_empty() {
        None
    } else {
        Some(number(errors, field, value, min, max))
    }
}

/// A code of the catalogue: `[A-Z0-9-]`, 1 to 20 characters, upper-cased.
pub fn code(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    let v = value.trim().to_ascii_uppercase();
    if v.is_empty() || v.len() > 20 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        errors.push((field, "admin-error-code"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_line_breaks_stay_and_length_is_in_characters() {
        assert_eq!(clean(" 12\u{0}34\r\n第二行\u{7} ", 100), "1234\n第二行");
        assert_eq!(clean("王王王王", 2), "王王");
        assert_eq!(clean_line("a\nb\tc", 10), "a b c");
        assert_eq!(clean("\u{0}", 5), "");
    }
}
