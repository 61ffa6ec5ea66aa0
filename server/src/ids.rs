//! Random identifiers and secrets, from the operating system's generator.

/// `bytes` random bytes as lowercase hex (so `2 * bytes` characters).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A password of `len` characters, from an alphabet without look-alikes (no 0/O, 1/l/I).
pub fn random_password(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = vec![0u8; len];
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    // 256 is not a multiple of the alphabet's length; the bias this leaves (under 2 %) does not
    // matter for a generated demo password of this length.
    buf.iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_has_the_asked_length_and_differs_each_time() {
        let a = random_hex(16);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, random_hex(16));
    }

    #[test]
    fn passwords_avoid_look_alikes() {
        let p = random_password(64);
        assert_eq!(p.len(), 64);
        assert!(!p.contains(['0', 'O', '1', 'l', 'I']));
    }
}
