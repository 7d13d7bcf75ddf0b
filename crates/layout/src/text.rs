//! Text metrics: how wide a label will be drawn, without a font rasteriser.
//!
//! Widths come from the advance widths of a Helvetica-like sans-serif (in
//! thousandths of an em); browsers' default sans-serif fonts are within a few
//! percent of them, and a small allowance covers the rest.

/// Horizontal padding inside a node box, each side.
pub(crate) const PAD_X: f64 = 10.0;
/// Vertical padding inside a node box, top and bottom.
pub(crate) const PAD_Y: f64 = 6.0;
/// Line height as a multiple of the font size.
pub(crate) const LINE: f64 = 1.3;
/// Sublabels and edge labels are drawn smaller than node labels.
pub(crate) const SMALL: f64 = 0.85;
/// Narrowest node box, so that short labels still give a clickable target.
pub(crate) const MIN_NODE_WIDTH: f64 = 44.0;
/// The font actually used may be a little wider than the table below.
const ALLOWANCE: f64 = 1.1;
/// The focused node's label is drawn in a heavier weight.
pub(crate) const BOLD: f64 = 1.08;

/// Advance widths of ASCII ' ' to '~'.
const ASCII_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' ' to '/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // digits
    278, 278, 584, 584, 584, 556, 1015, // ':' to '@'
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // 'A' to 'M'
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // 'N' to 'Z'
    278, 278, 278, 469, 556, 333, // '[' to '`'
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // 'a' to 'm'
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // 'n' to 'z'
    334, 260, 334, 584, // '{' to '~'
];

fn char_width(c: char) -> u16 {
    let code = c as u32;
    if (0x20..0x7f).contains(&code) {
        return ASCII_WIDTHS[(code - 0x20) as usize];
    }
    let wide = matches!(code,
        0x1100..=0x115f | 0x2e80..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff | 0xfe30..=0xfe4f
        | 0xff00..=0xff60 | 0xffe0..=0xffe6 | 0x1f300..=0x1faff | 0x20000..=0x3fffd);
    if wide {
        1000
    } else {
        600
    }
}

/// Estimated drawn width of `text` at `font_size` pixels.
pub(crate) fn text_width(text: &str, font_size: f64) -> f64 {
    let thousandths: u64 = text.chars().map(|c| u64::from(char_width(c))).sum();
    thousandths as f64 / 1000.0 * font_size * ALLOWANCE
}

/// Collapses runs of white space and control characters into single spaces
/// and cuts the result to `max_chars` characters, ending with an ellipsis when
/// something was cut.
pub(crate) fn fit(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut count = 0;
    let mut pending_space = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() || c.is_control() {
            pending_space = count > 0;
            continue;
        }
        let needed = usize::from(pending_space) + 1;
        if count + needed > max_chars || (count + needed == max_chars && has_more_text(&mut chars)) {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Whether anything but white space remains.
fn has_more_text(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    while let Some(&c) = chars.peek() {
        if !(c.is_whitespace() || c.is_control()) {
            return true;
        }
        chars.next();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_character_table() {
        // "il" = 222 + 222 thousandths, "MW" = 833 + 944: at 10 px, times the allowance.
        assert!((text_width("il", 10.0) - 4.44 * ALLOWANCE).abs() < 1e-9);
        assert!((text_width("MW", 10.0) - 17.77 * ALLOWANCE).abs() < 1e-9);
        assert!((text_width("日本", 10.0) - 20.0 * ALLOWANCE).abs() < 1e-9);
        assert_eq!(text_width("", 13.0), 0.0);
    }

    #[test]
    fn short_text_is_kept_and_white_space_collapsed() {
        assert_eq!(fit("payments", 8), "payments");
        assert_eq!(fit("  a \n\t b  ", 10), "a b");
        assert_eq!(fit("a\u{0}b", 10), "a b");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_within_the_limit() {
        assert_eq!(fit("abcdefghij", 5), "abcd…");
        assert_eq!(fit("abcde", 5), "abcde");
        assert_eq!(fit("abcdef", 5), "abcd…");
        assert_eq!(fit("ab cd ef", 5), "ab c…");
        assert_eq!(fit("abcd   ", 4), "abcd");
        assert_eq!(fit("日本語のラベル", 3), "日本…");
    }
}
