//! Who has answered, without saying what.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::period::Period;

/// The shortest secret [`participation_key`] accepts, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;

/// Names this use of the secret, so that a key made here matches no other HMAC made
/// with the same secret.
const CONTEXT: &[u8] = b"kiosque-survey-participation-v1";

/// The key that marks that a person answered a survey in a period: HMAC-SHA256 under the
/// server's secret of the survey id, the period and the person's reference, as 64
/// lowercase hexadecimal digits. `None` when the secret is shorter than
/// [`MIN_SECRET_BYTES`].
///
/// The store keeps these keys apart from the responses, so it can refuse a second
/// response without ever holding who answered: the key cannot be turned back into a
/// person, and without the secret it cannot even be recomputed from a list of people.
pub fn participation_key(secret: &[u8], survey: &str, period: Period, person: &str) -> Option<String> {
    if secret.len() < MIN_SECRET_BYTES {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(CONTEXT);
    // Each part is preceded by its length, so that no two different triples give the
    // same message.
    for part in [survey, &period.to_string(), person] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    let digest = mac.finalize().into_bytes();
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn q4() -> Period {
        "2026-Q4".parse().unwrap()
    }

    #[test]
    fn matches_an_independent_hmac() {
        // The message is the context, then each part preceded by its length as 8 bytes,
        // big-endian; the expected digest was computed with OpenSSL:
        // printf 'kiosque-survey-participation-v1\0\0\0\0\0\0\0\x14developer-experience\0\0\0\0\0\0\0\x072026-Q4\0\0\0\0\0\0\0\x10user:default/ada' \
        //   | openssl dgst -sha256 -mac HMAC -macopt key:0123456789abcdef0123456789abcdef
        let key = participation_key(SECRET, "developer-experience", q4(), "user:default/ada").unwrap();
        assert_eq!(key, "627db6cd8c27f298820507a03f5dda53b1bd2ed37388fa32cccc3daa66baeaa3");
    }

    #[test]
    fn each_part_changes_the_key() {
        let key =
            |survey: &str, period: Period, person: &str| participation_key(SECRET, survey, period, person).unwrap();
        let base = key("developer-experience", q4(), "user:default/ada");
        assert_eq!(base.len(), 64);
        assert!(base.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(base, key("developer-experience", q4(), "user:default/ada"));
        assert_ne!(base, key("developer-experience", q4(), "user:default/grace"));
        assert_ne!(base, key("developer-experience", q4().previous().unwrap(), "user:default/ada"));
        assert_ne!(base, key("onboarding", q4(), "user:default/ada"));
        // Moving characters from one part to the next gives another message.
        assert_ne!(key("ab", q4(), "c"), key("a", q4(), "bc"));
        let other_secret =
            participation_key(b"another secret of enough bytes", "developer-experience", q4(), "user:default/ada");
        assert_ne!(Some(base), other_secret);
    }

    #[test]
    fn short_secrets_are_refused() {
        assert_eq!(participation_key(b"", "s", q4(), "p"), None);
        assert_eq!(participation_key(&SECRET[..15], "s", q4(), "p"), None);
        assert!(participation_key(&SECRET[..16], "s", q4(), "p").is_some());
    }
}
