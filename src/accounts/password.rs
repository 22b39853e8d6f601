//! Password hashing with argon2id at the OWASP-recommended parameters
//! (19 MiB, 2 passes, 1 lane). Hashing costs ~20 ms of CPU, so web handlers
//! call it through the bounded hasher (`crate::accounts::hasher`), never on
//! an async worker.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

fn argon2() -> Result<Argon2<'static>, argon2::Error> {
    let params = Params::new(19 * 1024, 2, 1, None)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash(password: &str) -> Result<String, String> {
    let hasher = argon2().map_err(|e| e.to_string())?;
    hasher
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// True when `password` matches the stored PHC string.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash of a random password, verified against when the account does not
/// exist so that an unknown phone number takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut random = [0u8; 16];
        rand::fill(&mut random);
        hash(&format!("{random:?}")).unwrap_or_default()
    })
}

/// Length and common-password checks; returns the translation key of the
/// problem.
pub fn check_strength(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err("invalid-password-short");
    }
    if n > MAX_LEN {
        return Err("invalid-password-long");
    }
    if is_common(password) {
        return Err("invalid-password-common");
    }
    Ok(())
}

/// Passwords that appear in leaked-password lists (data/common-passwords.txt),
/// compared case-insensitively; also one character repeated.
pub fn is_common(password: &str) -> bool {
    static LIST: &str = include_str!("../../data/common-passwords.txt");
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    if first.is_some() && chars.all(|c| Some(c) == first) {
        return true;
    }
    LIST.lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.trim() == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_argon2id_owasp_parameters_and_verifies() {
        let h = hash("Wuhai-hall-2026").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("Wuhai-hall-2026", &h));
        assert!(!verify("wuhai-hall-2026", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(check_strength("short"), Err("invalid-password-short"));
        assert_eq!(check_strength("12345678"), Err("invalid-password-common"));
        assert_eq!(check_strength("Password1"), Err("invalid-password-common"));
        assert_eq!(check_strength("aaaaaaaaaa"), Err("invalid-password-common"));
        assert_eq!(
            check_strength(&"x".repeat(129)),
            Err("invalid-password-long")
        );
        assert_eq!(check_strength("乌海黄河大桥2026"), Ok(()));
    }
}
