//! Reads multi-document YAML descriptor files into JSON values, keeping the
//! line and column of every node so that any problem found later (by the
//! model's validation, by reference resolution) can be reported as
//! `file:line:col`.
//!
//! Scalars are resolved with the YAML 1.2 core schema, as Backstage's own
//! parser does. Duplicate keys, non-scalar keys, excessive nesting and alias
//! bombs are errors, never panics.

mod tree;

pub use tree::{parse_documents, Document, ParseError, Position};

/// Decodes bytes as UTF-8 (a leading byte-order mark is dropped), or says
/// where the first invalid byte is.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|err| {
        let valid = &bytes[..err.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Every byte of `valid` is valid UTF-8, so the column counts characters.
        let col = std::str::from_utf8(&valid[line_start..]).map_or(1, |s| s.chars().count() + 1);
        ParseError {
            position: Position { line: line as u32, col: col as u32 },
            message: format!("invalid UTF-8 (byte 0x{:02x} at offset {})", bytes[err.valid_up_to()], err.valid_up_to()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode_utf8(b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(err.position, Position { line: 2, col: 4 });
        assert!(err.message.contains("0xff"));
        assert_eq!(decode_utf8(b"\xEF\xBB\xBFa: 1").unwrap(), "a: 1");
    }
}
