//! The read model saved as a binary image, so that a restart loads it with
//! one copy per buffer instead of re-reading and re-indexing every entity.
//!
//! Layout: a header (`KQRM`, format version, generation), then each buffer
//! as a little-endian length and its bytes, then an xxh3 checksum of
//! everything before it. Loading checks the checksum and every bound the
//! queries rely on, so a damaged or foreign image is refused (and the model
//! rebuilt from the store), never trusted.

use std::io::{self, Read, Write};

use kiosque_model::{RelationType, Severity};
use xxhash_rust::xxh3::Xxh3;

use crate::change::Conflict;
use crate::diagnostic::Diagnostic;
use crate::index::{Catalog, Declared, FastMap, KeyIndex};
use crate::table::{Rows, StrTable};

const MAGIC: &[u8; 4] = b"KQRM";
/// Bump when the layout or the meaning of any buffer changes.
const FORMAT: u32 = 2;
/// No buffer of a sane image is longer; bounds allocations on bad input.
const MAX_BUFFER: u64 = 1 << 34;

/// Why an image was refused.
#[derive(Debug)]
pub enum ImageError {
    Io(io::Error),
    /// Not an image of this format, or damaged.
    Invalid(String),
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::Io(e) => write!(f, "cannot read the read-model image: {e}"),
            ImageError::Invalid(why) => write!(f, "invalid read-model image: {why}"),
        }
    }
}

impl std::error::Error for ImageError {}

impl From<io::Error> for ImageError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            ImageError::Invalid("truncated".into())
        } else {
            ImageError::Io(e)
        }
    }
}

fn invalid(why: &str) -> ImageError {
    ImageError::Invalid(why.to_string())
}

fn check(ok: bool, why: &str) -> Result<(), ImageError> {
    if ok {
        Ok(())
    } else {
        Err(invalid(why))
    }
}

struct Writer<W: Write> {
    out: W,
    hash: Xxh3,
}

impl<W: Write> Writer<W> {
    fn bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.out.write_all(bytes)
    }

    fn u64(&mut self, v: u64) -> io::Result<()> {
        self.bytes(&v.to_le_bytes())
    }

    fn len(&mut self, n: usize) -> io::Result<()> {
        self.u64(n as u64)
    }

    fn str(&mut self, s: &str) -> io::Result<()> {
        self.len(s.len())?;
        self.bytes(s.as_bytes())
    }

    /// Fixed-size items, converted through a small buffer.
    fn items<T, const N: usize>(&mut self, items: &[T], encode: impl Fn(&T) -> [u8; N]) -> io::Result<()> {
        self.len(items.len())?;
        let mut buffer = Vec::with_capacity(64 * 1024);
        for chunk in items.chunks(64 * 1024 / N.max(1)) {
            buffer.clear();
            for item in chunk {
                buffer.extend_from_slice(&encode(item));
            }
            self.bytes(&buffer)?;
        }
        Ok(())
    }

    fn u32s(&mut self, items: &[u32]) -> io::Result<()> {
        self.items(items, |v| v.to_le_bytes())
    }

    fn table(&mut self, table: &StrTable) -> io::Result<()> {
        self.str(&table.text)?;
        self.items(&table.ends, |v| v.to_le_bytes())
    }

    fn rows<T, const N: usize>(&mut self, rows: &Rows<T>, encode: impl Fn(&T) -> [u8; N]) -> io::Result<()> {
        self.u32s(&rows.ends)?;
        self.items(&rows.items, encode)
    }
}

struct Reader<R: Read> {
    input: R,
    hash: Xxh3,
}

impl<R: Read> Reader<R> {
    fn exact(&mut self, n: usize) -> Result<Vec<u8>, ImageError> {
        let mut buffer = Vec::new();
        // Reserved up front so the read lands in place; a bogus length
        // fails here or as a truncated read, not as an abort.
        buffer.try_reserve_exact(n).map_err(|_| invalid("buffer too large"))?;
        (&mut self.input).take(n as u64).read_to_end(&mut buffer)?;
        check(buffer.len() == n, "truncated")?;
        self.hash.update(&buffer);
        Ok(buffer)
    }

    fn u64(&mut self) -> Result<u64, ImageError> {
        let mut b = [0u8; 8];
        self.input.read_exact(&mut b)?;
        self.hash.update(&b);
        Ok(u64::from_le_bytes(b))
    }

    fn len(&mut self, item_size: u64) -> Result<usize, ImageError> {
        let n = self.u64()?;
        check(n.saturating_mul(item_size) <= MAX_BUFFER, "buffer too large")?;
        Ok(n as usize)
    }

    fn str(&mut self) -> Result<String, ImageError> {
        let n = self.len(1)?;
        String::from_utf8(self.exact(n)?).map_err(|_| invalid("text is not UTF-8"))
    }

    fn items<T, const N: usize>(&mut self, decode: impl Fn([u8; N]) -> Option<T>) -> Result<Vec<T>, ImageError> {
        let n = self.len(N as u64)?;
        let bytes = self.exact(n * N)?;
        bytes
            .chunks_exact(N)
            .map(|c| decode(c.try_into().unwrap_or([0; N])).ok_or_else(|| invalid("bad item")))
            .collect()
    }

    fn u32s(&mut self) -> Result<Vec<u32>, ImageError> {
        self.items(|b| Some(u32::from_le_bytes(b)))
    }

    fn table(&mut self) -> Result<StrTable, ImageError> {
        let table = StrTable { text: self.str()?, ends: self.items(|b| Some(u64::from_le_bytes(b)))? };
        check(table.is_well_formed(), "string table out of bounds")?;
        Ok(table)
    }

    fn rows<T, const N: usize>(&mut self, decode: impl Fn([u8; N]) -> Option<T>) -> Result<Rows<T>, ImageError> {
        let rows = Rows { ends: self.u32s()?, items: self.items(decode)? };
        check(rows.is_well_formed(), "rows out of bounds")?;
        Ok(rows)
    }
}

fn encode_kind(kind: RelationType) -> u8 {
    RelationType::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8
}

fn decode_kind(byte: u8) -> Option<RelationType> {
    RelationType::ALL.get(byte as usize).copied()
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn relation_bytes(&(kind, target): &(RelationType, u32)) -> [u8; 5] {
    let t = target.to_le_bytes();
    [encode_kind(kind), t[0], t[1], t[2], t[3]]
}

fn relation_from(b: [u8; 5]) -> Option<(RelationType, u32)> {
    Some((decode_kind(b[0])?, u32_at(&b, 1)))
}

impl Catalog {
    /// Writes the read model as an image (see the module documentation).
    pub fn write_image(&self, out: impl Write) -> io::Result<()> {
        let mut w = Writer { out, hash: Xxh3::new() };
        w.bytes(MAGIC)?;
        w.bytes(&FORMAT.to_le_bytes())?;
        w.u64(self.generation)?;
        w.table(&self.refs)?;
        w.table(&self.bodies)?;
        w.table(&self.files)?;
        w.u32s(&self.file_of)?;
        w.items(&self.positions, |(l, c)| {
            let (l, c) = (l.to_le_bytes(), c.to_le_bytes());
            [l[0], l[1], l[2], l[3], c[0], c[1], c[2], c[3]]
        })?;
        w.items(&self.orphan, |o| [*o as u8])?;
        w.items(&self.changed_at, |t| t.to_le_bytes())?;
        w.rows(&self.declared, |d| {
            let mut b = [0u8; 13];
            b[0] = encode_kind(d.kind);
            b[1..5].copy_from_slice(&d.target.to_le_bytes());
            b[5..9].copy_from_slice(&d.line.to_le_bytes());
            b[9..13].copy_from_slice(&d.col.to_le_bytes());
            b
        })?;
        w.table(&self.dangling)?;
        w.rows(&self.relations, relation_bytes)?;
        w.rows(&self.incoming, relation_bytes)?;
        let mut keys: Vec<&str> = self.fields.keys().map(|k| &**k).collect();
        keys.sort_unstable();
        w.len(keys.len())?;
        for key in keys {
            let index = &self.fields[key];
            w.str(key)?;
            w.u32s(&index.present)?;
            w.bytes(&[index.indexed as u8])?;
            w.table(&index.values)?;
            w.rows(&index.postings, |v| v.to_le_bytes())?;
            let mut display: Vec<(&u32, &Box<str>)> = index.display.iter().collect();
            display.sort_unstable();
            w.len(display.len())?;
            for (i, text) in display {
                w.u64(*i as u64)?;
                w.str(text)?;
            }
            let mut bits: Vec<(&u32, &Box<[u64]>)> = index.bits.iter().collect();
            bits.sort_unstable_by_key(|(i, _)| **i);
            w.len(bits.len())?;
            for (i, words) in bits {
                w.u64(*i as u64)?;
                w.items(words, |v| v.to_le_bytes())?;
            }
        }
        w.table(&self.words)?;
        w.rows(&self.word_postings, |(id, bits)| {
            let b = id.to_le_bytes();
            [b[0], b[1], b[2], b[3], *bits]
        })?;
        w.len(self.conflicts.len())?;
        for c in &self.conflicts {
            w.str(&c.entity_ref)?;
            w.str(&c.winner_file)?;
            w.str(&c.loser_file)?;
        }
        w.len(self.diagnostics.len())?;
        w.len(self.stored_diagnostics)?;
        for d in &self.diagnostics {
            w.str(&d.file)?;
            w.u64(((d.line as u64) << 32) | d.col as u64)?;
            w.bytes(&[(d.severity == Severity::Error) as u8])?;
            w.str(&d.message)?;
        }
        let digest = w.hash.digest();
        w.out.write_all(&digest.to_le_bytes())?;
        w.out.flush()
    }

    /// Loads an image written by [`Catalog::write_image`], refusing it unless
    /// it is whole, of this format, and of the `expected` generation.
    pub fn read_image(input: impl Read, expected: u64) -> Result<Catalog, ImageError> {
        let mut r = Reader { input, hash: Xxh3::new() };
        check(r.exact(4)? == MAGIC, "not a read-model image")?;
        let format = r.exact(4)?;
        check(format == FORMAT.to_le_bytes(), "written by another version of Kiosque")?;
        let generation = r.u64()?;
        check(generation == expected, "of another generation")?;
        let mut catalog = Catalog::empty(generation);
        catalog.refs = r.table()?;
        catalog.bodies = r.table()?;
        catalog.files = r.table()?;
        catalog.file_of = r.u32s()?;
        catalog.positions = r.items(|b: [u8; 8]| Some((u32_at(&b, 0), u32_at(&b, 4))))?;
        catalog.orphan = r.items(|b: [u8; 1]| Some(b[0] != 0))?;
        catalog.changed_at = r.items(|b: [u8; 8]| Some(i64::from_le_bytes(b)))?;
        catalog.declared = r.rows(|b: [u8; 13]| {
            Some(Declared { kind: decode_kind(b[0])?, target: u32_at(&b, 1), line: u32_at(&b, 5), col: u32_at(&b, 9) })
        })?;
        catalog.dangling = r.table()?;
        catalog.relations = r.rows(relation_from)?;
        catalog.incoming = r.rows(relation_from)?;
        let n = catalog.refs.len();
        let targets = (n + catalog.dangling.len()) as u32;
        check(
            catalog.bodies.len() == n
                && catalog.file_of.len() == n
                && catalog.positions.len() == n
                && catalog.orphan.len() == n
                && catalog.changed_at.len() == n
                && catalog.declared.len() == n
                && catalog.relations.len() == n
                && catalog.incoming.len() == targets as usize,
            "entity buffers disagree on the entity count",
        )?;
        check(catalog.file_of.iter().all(|f| (*f as usize) < catalog.files.len()), "file index out of bounds")?;
        check(catalog.declared.items.iter().all(|d| d.target < targets), "relation target out of bounds")?;
        check(catalog.relations.items.iter().all(|(_, t)| *t < targets), "relation target out of bounds")?;
        check(catalog.incoming.items.iter().all(|(_, id)| (*id as usize) < n), "relation source out of bounds")?;
        let keys = r.len(1)?;
        let mut fields = FastMap::default();
        for _ in 0..keys {
            let key = r.str()?;
            let mut index = KeyIndex { present: r.u32s()?, indexed: r.exact(1)?[0] != 0, ..KeyIndex::default() };
            index.values = r.table()?;
            index.postings = r.rows(|b| Some(u32::from_le_bytes(b)))?;
            let values = index.values.len() as u64;
            check(index.postings.len() == index.values.len(), "postings disagree with values")?;
            check(
                index.present.iter().chain(&index.postings.items).all(|id| (*id as usize) < n),
                "posting out of bounds",
            )?;
            for _ in 0..r.len(1)? {
                let i = r.u64()?;
                check(i < values, "display index out of bounds")?;
                index.display.insert(i as u32, r.str()?.into_boxed_str());
            }
            for _ in 0..r.len(1)? {
                let i = r.u64()?;
                check(i < values, "bitmap index out of bounds")?;
                let words: Vec<u64> = r.items(|b| Some(u64::from_le_bytes(b)))?;
                check(words.len() == n.div_ceil(64), "bitmap of the wrong size")?;
                index.bits.insert(i as u32, words.into_boxed_slice());
            }
            fields.insert(key.into_boxed_str(), index);
        }
        catalog.fields = fields;
        catalog.words = r.table()?;
        catalog.word_postings = r.rows(|b: [u8; 5]| Some((u32_at(&b, 0), b[4])))?;
        check(catalog.word_postings.len() == catalog.words.len(), "word postings disagree with words")?;
        check(catalog.word_postings.items.iter().all(|(id, _)| (*id as usize) < n), "word posting out of bounds")?;
        for _ in 0..r.len(1)? {
            catalog.conflicts.push(Conflict { entity_ref: r.str()?, winner_file: r.str()?, loser_file: r.str()? });
        }
        let diagnostics = r.len(1)?;
        catalog.stored_diagnostics = r.len(1)?;
        check(catalog.stored_diagnostics <= diagnostics, "diagnostic counts disagree")?;
        for _ in 0..diagnostics {
            let file = r.str()?;
            let position = r.u64()?;
            let severity = if r.exact(1)?[0] != 0 { Severity::Error } else { Severity::Warning };
            let message = r.str()?;
            catalog.diagnostics.push(Diagnostic {
                file,
                line: (position >> 32) as u32,
                col: position as u32,
                severity,
                message,
            });
        }
        let digest = r.hash.digest();
        let mut stored = [0u8; 8];
        r.input.read_exact(&mut stored)?;
        check(u64::from_le_bytes(stored) == digest, "checksum mismatch")?;
        Ok(catalog)
    }
}
