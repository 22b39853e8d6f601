//! Percent-encoding for query values (RFC 3986 unreserved characters pass).

pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_reserved_and_non_ascii() {
        assert_eq!(
            super::encode("/services?q=社保 卡"),
            "%2Fservices%3Fq%3D%E7%A4%BE%E4%BF%9D%20%E5%8D%A1"
        );
        assert_eq!(super::encode("a-b_c.d~"), "a-b_c.d~");
    }
}
