//! Query-string parsing that keeps repeated keys (`filter=…&filter=…`),
//! which Backstage's API relies on and serde's url-encoded format drops.

pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        let pairs = query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect();
        Params { pairs }
    }

    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// A comma-separated list, across repeated keys.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.all(key).flat_map(|v| v.split(',')).map(str::trim).filter(|v| !v.is_empty()).map(String::from).collect()
    }

    pub fn number(&self, key: &str) -> Result<Option<usize>, String> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| format!("parameter \"{key}\" must be a non-negative integer, got \"{text}\"")),
        }
    }
}

/// Percent-decoding, with `+` as a space; invalid escapes stay as written.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Hex encoding for opaque cursors.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| Some(hex(text.as_bytes()[i])? * 16 + hex(text.as_bytes()[i + 1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_and_escapes() {
        let p = Params::parse(Some(
            "filter=kind%3Dcomponent%2Cspec.type=service&filter=kind=api&fields=a,b&fields=c&q=caf%C3%A9+bar&bad=%zz%4",
        ));
        assert_eq!(p.all("filter").collect::<Vec<_>>(), ["kind=component,spec.type=service", "kind=api"]);
        assert_eq!(p.list("fields"), ["a", "b", "c"]);
        assert_eq!(p.get("q"), Some("café bar"));
        assert_eq!(p.get("bad"), Some("%zz%4"));
        assert_eq!(from_hex(&to_hex(b"\x00cursor\xff")).unwrap(), b"\x00cursor\xff");
        assert!(from_hex("abc").is_none());
    }
}
