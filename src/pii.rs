//! Personal information under PIPL. ID numbers are stored encrypted
//! (XChaCha20-Poly1305) with a keyed hash (HMAC-SHA-256) for uniqueness
//! look-ups; both keys are derived from the master secret. Everything shown
//! on a page or written to a log goes through the `mask_*` functions.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct PiiKeys {
    cipher: XChaCha20Poly1305,
    hash_key: [u8; 32],
}

impl std::fmt::Debug for PiiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiKeys(***)")
    }
}

/// HMAC-SHA-256(key, label): one master secret, independent subkeys.
pub fn derive_key(master: &[u8], label: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(master) {
        mac.update(label.as_bytes());
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

impl PiiKeys {
    pub fn derive(master: &[u8]) -> Self {
        let enc = derive_key(master, "onestop/pii/encrypt/v1");
        PiiKeys {
            cipher: XChaCha20Poly1305::new(&enc.into()),
            hash_key: derive_key(master, "onestop/pii/lookup/v1"),
        }
    }

    /// nonce ‖ ciphertext; a fresh random nonce each time.
    pub fn encrypt(&self, plaintext: &str) -> Result<Vec<u8>, String> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), plaintext.as_bytes())
            .map_err(|_| "encryption failed".to_string())?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    pub fn decrypt(&self, blob: &[u8]) -> Option<String> {
        if blob.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).ok()?;
        let plain = self.cipher.decrypt(&nonce, sealed).ok()?;
        String::from_utf8(plain).ok()
    }

    /// Deterministic keyed hash for "is this ID number already registered?".
    pub fn lookup_hash(&self, value: &str) -> String {
        let mac = derive_key(&self.hash_key, value);
        mac.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// `110105********002X`: region and last four only.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// `王*英`, `李*`: the family name and, for longer names, the last character.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypts_with_fresh_nonces_and_round_trips() {
        let keys = PiiKeys::derive(&[7u8; 32]);
        let a = keys.encrypt("11010519491231002X").unwrap();
        let b = keys.encrypt("11010519491231002X").unwrap();
        assert_ne!(a, b, "same plaintext, different ciphertexts");
        assert!(!String::from_utf8_lossy(&a).contains("0519491231"));
        assert_eq!(keys.decrypt(&a).as_deref(), Some("11010519491231002X"));
        let mut tampered = a.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(keys.decrypt(&tampered), None);
        assert_eq!(
            PiiKeys::derive(&[8u8; 32]).decrypt(&a),
            None,
            "another key cannot read it"
        );
    }

    #[test]
    fn lookup_hash_is_deterministic_and_keyed() {
        let k1 = PiiKeys::derive(&[1u8; 32]);
        let k2 = PiiKeys::derive(&[2u8; 32]);
        assert_eq!(k1.lookup_hash("X"), k1.lookup_hash("X"));
        assert_ne!(k1.lookup_hash("X"), k2.lookup_hash("X"));
        assert_eq!(k1.lookup_hash("X").len(), 64);
    }

    #[test]
    fn masks_follow_the_usual_patterns() {
        assert_eq!(mask_id_number("11010519491231002X"), "110105********002X");
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_name("王秀英"), "王*英");
        assert_eq!(mask_name("李强"), "李*");
        assert_eq!(mask_name("欧阳建国"), "欧**国");
    }
}
