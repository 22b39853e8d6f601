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
