//! Flat containers for the read model. A hundred thousand entities held as
//! separate strings and vectors cost an allocation each, and the allocator's
//! slack with it; laid end to end in a few buffers they cost their bytes, load
//! from an image with one copy each, and free at once.

/// Strings laid end to end: `get(i)` is `text[ends[i - 1]..ends[i]]`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct StrTable {
    pub(crate) text: String,
    pub(crate) ends: Vec<u64>,
}

impl StrTable {
    pub(crate) fn with_capacity(count: usize, bytes: usize) -> StrTable {
        StrTable { text: String::with_capacity(bytes), ends: Vec::with_capacity(count) }
    }

    pub(crate) fn push(&mut self, text: &str) {
        self.text.push_str(text);
        self.ends.push(self.text.len() as u64);
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Binary search in a sorted table.
    pub(crate) fn find(&self, text: &str) -> Result<usize, usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.get(mid).cmp(text) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(low)
    }

    /// True when every string is at char boundaries and ends never go back:
    /// what an image must hold before `get` may be called on it.
    pub(crate) fn is_well_formed(&self) -> bool {
        let mut previous = 0u64;
        self.ends.iter().all(|&end| {
            let ok = end >= previous && end <= self.text.len() as u64 && self.text.is_char_boundary(end as usize);
            previous = end;
            ok
        })
    }
}

/// Lists laid end to end (compressed sparse rows): row `i` is
/// `items[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rows<T> {
    pub(crate) ends: Vec<u32>,
    pub(crate) items: Vec<T>,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows { ends: Vec::new(), items: Vec::new() }
    }
}

impl<T> Rows<T> {
    pub(crate) fn get(&self, i: usize) -> &[T] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.items[start..self.ends[i] as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Closes the current row.
    pub(crate) fn end_row(&mut self) {
        self.ends.push(self.items.len() as u32);
    }

    /// True when ends never go back nor past the items.
    pub(crate) fn is_well_formed(&self) -> bool {
        let mut previous = 0u32;
        self.ends.iter().all(|&end| {
            let ok = end >= previous && end as usize <= self.items.len();
            previous = end;
            ok
        })
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.ends.shrink_to_fit();
        self.items.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_as_pushed_and_sorted_tables_are_searchable() {
        let mut table = StrTable::default();
        for word in ["", "alpha", "bêta", "gamma"] {
            table.push(word);
        }
        assert_eq!(table.iter().collect::<Vec<_>>(), ["", "alpha", "bêta", "gamma"]);
        assert_eq!(table.find("bêta"), Ok(2));
        assert_eq!(table.find("b"), Err(2));
        assert_eq!(table.find("zeta"), Err(4));
        assert!(table.is_well_formed());
        // An end inside the two bytes of "ê" is refused.
        table.ends[1] = 7;
        assert!(!table.is_well_formed());
    }

    #[test]
    fn rows_split_items_at_their_ends() {
        let mut rows: Rows<u32> = Rows::default();
        rows.items.extend([1, 2]);
        rows.end_row();
        rows.end_row();
        rows.items.push(3);
        rows.end_row();
        assert_eq!((rows.get(0), rows.get(1), rows.get(2)), (&[1, 2][..], &[][..], &[3][..]));
        assert!(rows.is_well_formed());
        rows.ends[1] = 1;
        assert!(!rows.is_well_formed());
    }
}
