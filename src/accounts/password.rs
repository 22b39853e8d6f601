//! Password hashing with argon2id at the OWASP-recommended parameters
//! (19 MiB, 2 passes, 1 lane). Hashing costs ~20 ms of CPU, so web handlers
//! call it through the bounded hasher (`crate::accounts::hasher`), never on
//! an async worker.

use argon2::password_hash::phc::{Output, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

const OUTPUT_LEN: usize = 32;
const SALT_LEN: usize = 16;

fn params() -> Params {
    // Constant and valid: the crate's own defaults.
    Params::new(19 * 1024, 2, 1, Some(OUTPUT_LEN)).unwrap_or_default()
}

/// Working memory for one hash: 19 MiB of blocks. The hasher keeps a few
/// and hands them round, so a sign-in storm does not leave a 19 MiB
/// allocation in the allocator of every blocking thread it touched.
pub struct Memory(Vec<Block>);

impl Memory {
    pub fn new() -> Self {
        Memory(vec![Block::new(); params().block_count()])
    }
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}

pub fn hash(password: &str) -> Result<String, String> {
    hash_with(password, &mut Memory::new())
}

pub fn hash_with(password: &str, memory: &mut Memory) -> Result<String, String> {
    let params = params();
    let mut salt = [0u8; SALT_LEN];
    rand::fill(&mut salt);
    let mut out = [0u8; OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, &mut memory.0)
        .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|e| format!("{e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| e.to_string())?),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// True when `password` matches the stored PHC string.
pub fn verify(password: &str, stored: &str) -> bool {
    verify_with(password, stored, &mut Memory::new())
}

/// As [`verify`], in the given memory when the stored hash's cost fits it
/// (a hash made with other parameters gets memory of its own).
pub fn verify_with(password: &str, stored: &str, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = parsed.version.map_or(Ok(Version::V0x13), Version::try_from) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let done = if params.block_count() == memory.0.len() {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory.0)
    } else {
        argon2.hash_password_into(password.as_bytes(), salt, &mut out)
    };
    // `Output`'s equality is constant-time.
    done.is_ok() && Output::new(&out).is_ok_and(|o| &o == expected)
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
        let mut memory = Memory::new();
        let h2 = hash_with("乌海黄河大桥2026", &mut memory).unwrap();
        assert!(verify_with("乌海黄河大桥2026", &h2, &mut memory));
        assert!(!verify_with("乌海黄河大桥2025", &h2, &mut memory));
        // Hashes by the crate's own PHC path (and other costs) still verify.
        use argon2::password_hash::PasswordHasher;
        let other = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"Wuhai-hall-2026")
        .unwrap()
        .to_string();
        assert!(verify_with("Wuhai-hall-2026", &other, &mut memory));
        assert!(!verify_with("Wuhai-hall-2025", &other, &mut memory));
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
