//! A small JSON scanner over one line of bytes, remembering byte offsets for errors.
//!
//! The bulk format has flat objects with a handful of known fields, so the reader pulls
//! exactly the values it expects (strings stay borrowed from the line unless they hold
//! escapes) instead of building a generic tree. `value` builds a tree for the few places
//! that want one (the performance-level table).

use std::borrow::Cow;

/// Nesting deeper than this is refused rather than followed (no unbounded recursion).
const MAX_DEPTH: usize = 64;

/// What went wrong and where: a byte offset into the scanned text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonError {
    pub at: usize,
    pub message: String,
}

pub(crate) type Result<T> = std::result::Result<T, JsonError>;

pub(crate) struct Scanner<'a> {
    text: &'a [u8],
    /// `text` itself when it is known to be valid UTF-8: strings are then sliced from it
    /// without checking each one.
    valid: Option<&'a str>,
    pub pos: usize,
    /// Whether a line feed counts as whitespace. In JSON lines it ends the value instead.
    multiline: bool,
}

/// A generic JSON value (for small documents only).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    /// Members in document order, each with the byte offset of its key.
    Object(Vec<(String, usize, Value)>),
}

impl<'a> Scanner<'a> {
    /// A scanner for a whole document, where line feeds are whitespace.
    pub fn new(text: &'a [u8]) -> Self {
        Scanner { text, valid: std::str::from_utf8(text).ok(), pos: 0, multiline: true }
    }

    /// A scanner for the line of `text` that starts at `pos`: it stops at a line feed.
    /// `valid` is `text` as a string if it is valid UTF-8.
    pub fn line(text: &'a [u8], valid: Option<&'a str>, pos: usize) -> Self {
        Scanner { text, valid, pos, multiline: false }
    }

    pub fn error<T>(&self, at: usize, message: impl Into<String>) -> Result<T> {
        Err(JsonError { at, message: message.into() })
    }

    pub fn skip_whitespace(&mut self) {
        while let Some(&c) = self.text.get(self.pos) {
            if !(c == b' ' || c == b'\t' || c == b'\r' || (c == b'\n' && self.multiline)) {
                break;
            }
            self.pos += 1;
        }
    }

    pub fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// What the next value is, for "expected X, found Y" messages.
    pub fn found(&self) -> &'static str {
        let rest = &self.text[self.pos.min(self.text.len())..];
        match rest.first() {
            None => "the end of the line",
            Some(b'\n') if !self.multiline => "the end of the line",
            Some(b'"') => "a string",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b't' | b'f') if rest.starts_with(b"true") || rest.starts_with(b"false") => "a boolean",
            Some(b'n') if rest.starts_with(b"null") => "null",
            Some(b'-' | b'0'..=b'9') => "a number",
            Some(_) => "an unexpected character",
        }
    }

    fn expect_byte(&mut self, byte: u8, what: &str) -> Result<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            self.error(self.pos, format!("expected {what}, found {}", self.found_char()))
        }
    }

    fn found_char(&self) -> String {
        match self.peek() {
            None => "the end of the line".to_string(),
            Some(b) if b.is_ascii_graphic() => format!("'{}'", b as char),
            Some(_) => self.found().to_string(),
        }
    }

    /// Consumes `{`.
    pub fn begin_object(&mut self) -> Result<()> {
        self.skip_whitespace();
        if self.peek() != Some(b'{') {
            return self.error(self.pos, format!("expected an object, found {}", self.found()));
        }
        self.pos += 1;
        Ok(())
    }

    /// The next member's key (and its offset), with the scanner left on its value; `None`
    /// after the closing brace. `first` is true until the first key has been read.
    pub fn next_key(&mut self, first: &mut bool) -> Result<Option<(Cow<'a, str>, usize)>> {
        self.next_key_expecting(first, None)
    }

    /// `next_key`, comparing the text with `expected` first: when the caller knows which
    /// key usually comes next (objects written by a program keep their order), that spares
    /// scanning it.
    pub fn next_key_expecting(
        &mut self,
        first: &mut bool,
        expected: Option<&'static str>,
    ) -> Result<Option<(Cow<'a, str>, usize)>> {
        self.skip_whitespace();
        if *first {
            *first = false;
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(None);
            }
        } else {
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(None);
                }
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                _ => return self.error(self.pos, format!("expected ',' or '}}', found {}", self.found_char())),
            }
        }
        if self.peek() != Some(b'"') {
            return self.error(self.pos, format!("expected a field name, found {}", self.found_char()));
        }
        let at = self.pos;
        let key = match expected {
            Some(name) if self.quoted_is(name) => {
                self.pos += name.len() + 2;
                Cow::Borrowed(name)
            }
            _ => self.string()?,
        };
        self.skip_whitespace();
        self.expect_byte(b':', "':'")?;
        self.skip_whitespace();
        Ok(Some((key, at)))
    }

    /// Whether the text goes on with `name` in quotes.
    fn quoted_is(&self, name: &str) -> bool {
        let rest = &self.text[self.pos..];
        rest.len() > name.len() + 1
            && rest[0] == b'"'
            && &rest[1..=name.len()] == name.as_bytes()
            && rest[name.len() + 1] == b'"'
    }

    /// Fails unless only whitespace is left.
    pub fn end(&mut self) -> Result<()> {
        self.skip_whitespace();
        if self.at_end() {
            Ok(())
        } else {
            self.error(self.pos, "unexpected text after the object")
        }
    }

    /// Consumes `null` if it is next.
    pub fn null(&mut self) -> Result<bool> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Consumes `true` or `false` if one is next.
    pub fn boolean(&mut self) -> Result<Option<bool>> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|()| Some(true)),
            Some(b'f') => self.literal(b"false").map(|()| Some(false)),
            _ => Ok(None),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            self.error(self.pos, "invalid literal")
        }
    }

    /// A string, borrowed from the text unless it holds escapes.
    pub fn string(&mut self) -> Result<Cow<'a, str>> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return self.error(self.pos, format!("expected a string, found {}", self.found()));
        }
        let body = start + 1;
        let mut i = body;
        // Eight bytes at a time while none is a quote, a backslash or a control character.
        while let Some(word) = self.text.get(i..i + 8) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(word);
            if has_special_byte(u64::from_le_bytes(bytes)) {
                break;
            }
            i += 8;
        }
        loop {
            match self.text.get(i) {
                None | Some(b'\n') => return self.error(start, "unterminated string"),
                Some(b'"') => break,
                Some(b'\\') => return self.escaped_string(body),
                Some(&c) if c < 0x20 => return self.error(i, "control character in a string"),
                Some(_) => i += 1,
            }
        }
        let text = match self.valid {
            // Quotes are ASCII, so they fall on character boundaries.
            Some(valid) => valid.get(body..i).ok_or(JsonError { at: body, message: "invalid UTF-8".into() })?,
            None => std::str::from_utf8(&self.text[body..i])
                .or_else(|e| self.error(body + e.valid_up_to(), "invalid UTF-8"))?,
        };
        self.pos = i + 1;
        Ok(Cow::Borrowed(text))
    }

    fn escaped_string(&mut self, body: usize) -> Result<Cow<'a, str>> {
        let mut out = Vec::new();
        let mut i = body;
        loop {
            let Some(&c) = self.text.get(i).filter(|&&c| c != b'\n') else {
                return self.error(body - 1, "unterminated string");
            };
            match c {
                b'"' => break,
                b'\\' => {
                    let esc = i;
                    let Some(&e) = self.text.get(i + 1).filter(|&&e| e != b'\n') else {
                        return self.error(body - 1, "unterminated string");
                    };
                    i += 2;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let unit = self.hex4(i).ok_or(JsonError { at: esc, message: "bad \\u escape".into() })?;
                            i += 4;
                            let code = if (0xd800..0xdc00).contains(&unit) {
                                let low = (self.text.get(i..i + 2) == Some(b"\\u")).then(|| self.hex4(i + 2)).flatten();
                                match low {
                                    Some(low @ 0xdc00..=0xdfff) => {
                                        i += 6;
                                        0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                                    }
                                    _ => return self.error(esc, "unpaired surrogate in \\u escape"),
                                }
                            } else if (0xdc00..0xe000).contains(&unit) {
                                return self.error(esc, "unpaired surrogate in \\u escape");
                            } else {
                                unit
                            };
                            let ch =
                                char::from_u32(code).ok_or(JsonError { at: esc, message: "bad \\u escape".into() })?;
                            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        _ => return self.error(esc, "invalid escape"),
                    }
                }
                c if c < 0x20 => return self.error(i, "control character in a string"),
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        // Escapes are ASCII and decode to valid UTF-8, so the raw text is valid exactly
        // when the decoded one is.
        if let Err(e) = std::str::from_utf8(&self.text[body..i]) {
            return self.error(body + e.valid_up_to(), "invalid UTF-8");
        }
        let text = String::from_utf8(out).or_else(|_| self.error(body, "invalid UTF-8"))?;
        self.pos = i + 1;
        Ok(Cow::Owned(text))
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.text.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |n, &c| Some(n * 16 + (c as char).to_digit(16)?))
    }

    /// Validates a number's syntax and returns its text and whether it is an integer.
    fn number_text(&mut self) -> Result<(&'a str, bool)> {
        let start = self.pos;
        let t = self.text;
        let mut i = start;
        if t.get(i) == Some(&b'-') {
            i += 1;
        }
        match t.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while t.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return self.error(start, "invalid number"),
        }
        let mut integer = true;
        if t.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            if !t.get(i).is_some_and(u8::is_ascii_digit) {
                return self.error(start, "invalid number");
            }
            while t.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if let Some(b'e' | b'E') = t.get(i) {
            integer = false;
            i += 1;
            if let Some(b'+' | b'-') = t.get(i) {
                i += 1;
            }
            if !t.get(i).is_some_and(u8::is_ascii_digit) {
                return self.error(start, "invalid number");
            }
            while t.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        self.pos = i;
        // Only ASCII was accepted above.
        Ok((std::str::from_utf8(&t[start..i]).unwrap_or_default(), integer))
    }

    /// An integer that fits in an `i64`.
    pub fn integer(&mut self) -> Result<i64> {
        let start = self.pos;
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return self.error(start, format!("expected an integer, found {}", self.found()));
        }
        let (text, integer) = self.number_text()?;
        if !integer {
            return self.error(start, "expected an integer, found a fractional number");
        }
        text.parse().or_else(|_| self.error(start, "integer out of range"))
    }

    /// Skips any value, checking its syntax.
    pub fn skip_value(&mut self) -> Result<()> {
        self.skip_depth(0)
    }

    fn skip_depth(&mut self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return self.error(self.pos, "nesting too deep");
        }
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'{') => {
                self.pos += 1;
                let mut first = true;
                while self.next_key(&mut first)?.is_some() {
                    self.skip_depth(depth + 1)?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.pos += 1;
                let mut first = true;
                while self.next_item(&mut first)? {
                    self.skip_depth(depth + 1)?;
                }
                Ok(())
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number_text().map(drop),
            _ => self.error(self.pos, format!("expected a value, found {}", self.found_char())),
        }
    }

    /// Consumes `[` (the caller checked it is next).
    pub fn begin_array(&mut self) -> Result<()> {
        if self.peek() != Some(b'[') {
            return self.error(self.pos, format!("expected an array, found {}", self.found()));
        }
        self.pos += 1;
        Ok(())
    }

    /// Moves to the next item of an array: true with the scanner on the item, false after
    /// the closing bracket.
    pub fn next_item(&mut self, first: &mut bool) -> Result<bool> {
        self.skip_whitespace();
        if *first {
            *first = false;
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Ok(false);
            }
        } else {
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(false);
                }
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                _ => return self.error(self.pos, format!("expected ',' or ']', found {}", self.found_char())),
            }
        }
        Ok(true)
    }

    /// A whole value as a tree.
    pub fn value(&mut self) -> Result<Value> {
        self.value_depth(0)
    }

    fn value_depth(&mut self, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return self.error(self.pos, "nesting too deep");
        }
        self.skip_whitespace();
        Ok(match self.peek() {
            Some(b'"') => Value::String(self.string()?.into_owned()),
            Some(b'{') => {
                self.pos += 1;
                let mut members = Vec::new();
                let mut first = true;
                while let Some((key, at)) = self.next_key(&mut first)? {
                    let key = key.into_owned();
                    members.push((key, at, self.value_depth(depth + 1)?));
                }
                Value::Object(members)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                let mut first = true;
                while self.next_item(&mut first)? {
                    items.push(self.value_depth(depth + 1)?);
                }
                Value::Array(items)
            }
            Some(b't') => self.literal(b"true").map(|_| Value::Bool(true))?,
            Some(b'f') => self.literal(b"false").map(|_| Value::Bool(false))?,
            Some(b'n') => self.literal(b"null").map(|_| Value::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                let (text, _) = self.number_text()?;
                Value::Number(text.parse().or_else(|_| self.error(start, "invalid number"))?)
            }
            _ => return self.error(self.pos, format!("expected a value, found {}", self.found_char())),
        })
    }
}

/// Whether any byte of `word` is `"`, `\\` or below 0x20. Each test flags a byte's high
/// bit; a borrow can only add flags above a byte that is really flagged, so "any" is exact.
fn has_special_byte(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_test_finds_every_special_byte() {
        for special in [b'"', b'\\', 0x00, 0x0a, 0x1f] {
            for at in 0..8 {
                let mut bytes = *b"abcdefgh";
                bytes[at] = special;
                assert!(has_special_byte(u64::from_le_bytes(bytes)), "{special:#x} at {at}");
            }
        }
        for plain in [*b"abcdefgh", *b" !#[]~\x7f\x20", [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0x21, 0x23, 0x5b]] {
            assert!(!has_special_byte(u64::from_le_bytes(plain)), "{plain:?}");
        }
        let long = format!("\"{}\"", "é".repeat(40));
        assert_eq!(Scanner::new(long.as_bytes()).string().unwrap(), "é".repeat(40));
        let mut line = Scanner::line(b"\"abcdefghijklmnop\\\"\"", None, 0);
        assert_eq!(line.string().unwrap(), "abcdefghijklmnop\"");
    }

    #[test]
    fn strings_with_and_without_escapes() {
        let mut s = Scanner::new(br#""plain" "a\"b\\c\u00e9\ud83d\ude00\n""#);
        assert_eq!(s.string().unwrap(), Cow::<str>::Borrowed("plain"));
        s.skip_whitespace();
        assert_eq!(s.string().unwrap(), "a\"b\\cé😀\n");
        assert!(s.at_end());
    }

    #[test]
    fn string_errors_point_at_the_fault() {
        let cases: [(&[u8], usize, &str); 5] = [
            (b"\"abc", 0, "unterminated string"),
            (b"\"a\\qb\"", 2, "invalid escape"),
            (b"\"a\tb\"", 2, "control character in a string"),
            (b"\"ab\xff\"", 3, "invalid UTF-8"),
            (b"\"\\ud800x\"", 1, "unpaired surrogate in \\u escape"),
        ];
        for (text, at, message) in cases {
            let err = Scanner::new(text).string().unwrap_err();
            assert_eq!((err.at, err.message.as_str()), (at, message), "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn integers_and_numbers() {
        assert_eq!(Scanner::new(b"-42").integer(), Ok(-42));
        assert_eq!(Scanner::new(b"9223372036854775807").integer(), Ok(i64::MAX));
        assert_eq!(Scanner::new(b"9223372036854775808").integer().unwrap_err().message, "integer out of range");
        assert_eq!(
            Scanner::new(b"1.5").integer().unwrap_err().message,
            "expected an integer, found a fractional number"
        );
        assert_eq!(Scanner::new(b"01").integer(), Ok(0), "stops after a leading zero");
        assert!(Scanner::new(b"-").integer().is_err());
        assert!(Scanner::new(b"1e").skip_value().is_err());
        assert_eq!(Scanner::new(b"[1, -2.5e3, {\"a\": null}]").value().unwrap().clone(), {
            Value::Array(vec![
                Value::Number(1.0),
                Value::Number(-2500.0),
                Value::Object(vec![("a".into(), 13, Value::Null)]),
            ])
        });
    }

    #[test]
    fn deep_nesting_is_refused_not_followed() {
        let deep = "[".repeat(10_000);
        assert_eq!(Scanner::new(deep.as_bytes()).skip_value().unwrap_err().message, "nesting too deep");
        assert_eq!(Scanner::new(deep.as_bytes()).value().unwrap_err().message, "nesting too deep");
    }

    #[test]
    fn objects_report_separators() {
        let mut s = Scanner::new(br#"{"a": 1 "b": 2}"#);
        s.begin_object().unwrap();
        let mut first = true;
        assert_eq!(s.next_key(&mut first).unwrap().unwrap().0, "a");
        s.skip_value().unwrap();
        let err = s.next_key(&mut first).unwrap_err();
        assert_eq!((err.at, err.message.as_str()), (8, "expected ',' or '}', found '\"'"));
    }
}
