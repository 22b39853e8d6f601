//! Booking codes: eight characters from an alphabet without look-alikes
//! (no 0/O, 1/I/L), read aloud easily and shown as `K7MX-4P2Q`. 31⁸ ≈ 8.5×10¹¹
//! codes and rate-limited look-ups make guessing one impractical.

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const LEN: usize = 8;

pub fn generate() -> String {
    let mut bytes = [0u8; LEN];
    rand::fill(&mut bytes);
    // 256 is not a multiple of 31; rejection sampling keeps it uniform.
    let mut out = String::with_capacity(LEN);
    let mut pool = bytes.to_vec();
    while out.len() < LEN {
        if pool.is_empty() {
            let mut more = [0u8; LEN];
            rand::fill(&mut more);
            pool.extend_from_slice(&more);
        }
        let b = pool.remove(0);
        if (b as usize) < 248 {
            out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
        }
    }
    out
}

/// What a person typed (any case, spaces or dashes) → the stored form, or
/// `None` when it cannot be a code.
pub fn normalise(input: &str) -> Option<String> {
    let code: String = crate::accounts::validate::ascii_width(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// `K7MX4P2Q` → `K7MX-4P2Q`.
pub fn display(code: &str) -> String {
    if code.len() == LEN {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unambiguous_and_round_trip() {
        for _ in 0..500 {
            let c = generate();
            assert_eq!(c.len(), 8);
            assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
            assert_eq!(normalise(&display(&c).to_lowercase()), Some(c.clone()));
        }
        assert_eq!(normalise("k7mx 4p2q"), Some("K7MX4P2Q".into()));
        assert_eq!(normalise("Ｋ７ＭＸ－４Ｐ２Ｑ"), Some("K7MX4P2Q".into()));
        assert_eq!(normalise("Ｋ７ＭＸ４Ｐ２Ｑ"), Some("K7MX4P2Q".into()));
        assert_eq!(normalise("K7MX-4P2O"), None, "O is not in the alphabet");
        assert_eq!(normalise("short"), None);
    }
}
