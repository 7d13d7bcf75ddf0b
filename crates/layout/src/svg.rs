//! SVG output: compact, themable through CSS, inert whatever the labels say.

use std::fmt::Write;

use crate::graph::Graph;
use crate::layout::{Layout, Point};
use crate::text::{fit, LINE, PAD_Y, SMALL};

/// The default look, scoped to `svg.kiosque-graph`. Colours are CSS custom
/// properties (`--graph-node-bg`, `--graph-node-border`, `--graph-text`,
/// `--graph-muted`, `--graph-edge`, `--graph-bg`, `--graph-focus-bg`,
/// `--graph-focus-border`, `--graph-link`, and one per class below) with light
/// defaults, so a theme only sets the properties. Each base colour is given
/// twice: plainly first, for renderers without custom properties.
pub const STYLE: &str = concat!(
    ".kiosque-graph{font-family:var(--graph-font,Helvetica,Arial,\"Liberation Sans\",sans-serif)}",
    ".kiosque-graph .node>rect{fill:#f6f8fa;fill:var(--graph-node-bg,#f6f8fa);",
    "stroke:#8c959f;stroke:var(--graph-node-border,#8c959f)}",
    ".kiosque-graph .node>text{fill:#1f2328;fill:var(--graph-text,#1f2328)}",
    ".kiosque-graph .node>.sublabel{fill:#59636e;fill:var(--graph-muted,#59636e);font-size:.85em}",
    ".kiosque-graph .node.focus>rect{fill:var(--graph-focus-bg,#ddf4ff);",
    "stroke:var(--graph-focus-border,#0969da);stroke-width:2}",
    ".kiosque-graph .node.focus>text:first-of-type{font-weight:bold}",
    ".kiosque-graph a:hover>.node>rect,.kiosque-graph a:focus-visible>.node>rect{",
    "stroke:var(--graph-link,#0969da);stroke-width:2}",
    ".kiosque-graph .edge{fill:none;stroke:#8c959f;stroke:var(--graph-edge,#8c959f);stroke-width:1.25}",
    ".kiosque-graph .arrow{fill:#8c959f;fill:var(--graph-edge,#8c959f)}",
    ".kiosque-graph .edge-label{fill:#59636e;fill:var(--graph-muted,#59636e);font-size:.85em;",
    "paint-order:stroke;stroke:#fff;stroke:var(--graph-bg,#fff);stroke-width:4px;stroke-linejoin:round}",
    // Entity kinds: a coloured border.
    ".kiosque-graph .component>rect{stroke:var(--graph-component,#0969da)}",
    ".kiosque-graph .api>rect{stroke:var(--graph-api,#8250df)}",
    ".kiosque-graph .resource>rect{stroke:var(--graph-resource,#1a7f37)}",
    ".kiosque-graph .system>rect{stroke:var(--graph-system,#9a6700)}",
    ".kiosque-graph .domain>rect{stroke:var(--graph-domain,#bc4c00)}",
    ".kiosque-graph .group>rect{stroke:var(--graph-group,#cf222e)}",
    ".kiosque-graph .user>rect{stroke:var(--graph-user,#6e7781)}",
    // Team Topologies: the usual colours per team type, line styles per interaction mode.
    ".kiosque-graph .stream-aligned>rect{fill:var(--graph-stream-aligned-bg,#fff8c5);",
    "stroke:var(--graph-stream-aligned,#bf8700)}",
    ".kiosque-graph .platform>rect{fill:var(--graph-platform-bg,#ddf4ff);stroke:var(--graph-platform,#218bff)}",
    ".kiosque-graph .enabling>rect{fill:var(--graph-enabling-bg,#fbefff);stroke:var(--graph-enabling,#a475f9)}",
    ".kiosque-graph .complicated-subsystem>rect{fill:var(--graph-complicated-subsystem-bg,#fff1e5);",
    "stroke:var(--graph-complicated-subsystem,#fb8f44)}",
    ".kiosque-graph .edge.collaboration{stroke-dasharray:6 3}",
    ".kiosque-graph .edge.facilitating{stroke-dasharray:2 3}",
);

/// How to write the SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgOptions {
    /// The drawing's accessible name, such as "Dependencies of payments-api".
    pub title: String,
    /// Starts the ids of the arrowhead markers; graphs shown on the same page need different prefixes.
    pub id_prefix: String,
    /// Whether to embed `STYLE`; a page can instead include it once in its stylesheet.
    pub embed_style: bool,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions { title: "Graph".to_owned(), id_prefix: "graph".to_owned(), embed_style: true }
    }
}

/// Draws a layout of `graph` (the graph it was computed from) as an SVG document.
///
/// Every text and attribute value is escaped; links other than `http`,
/// `https`, `mailto` and relative ones are dropped (the node is drawn without
/// a link). Nodes with links are `<a href>` elements, keyboard-reachable; the
/// root has `role="img"` when there are none, and `role="group"` otherwise so
/// that assistive technology still reaches the links.
pub fn render_svg(graph: &Graph, layout: &Layout, options: &SvgOptions) -> String {
    let mut out = String::with_capacity(2048 + 200 * layout.nodes.len() + 120 * layout.edges.len());
    let prefix = id_prefix(&options.id_prefix);
    let has_links = graph.nodes.iter().any(|n| n.href.as_deref().and_then(safe_href).is_some());
    let size = layout.font_size;
    let small = size * SMALL;

    let (width, height) = (layout.width.ceil(), layout.height.ceil());
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"kiosque-graph\" width=\"");
    int(&mut out, width);
    out.push_str("\" height=\"");
    int(&mut out, height);
    out.push_str("\" viewBox=\"0 0 ");
    int(&mut out, width);
    out.push(' ');
    int(&mut out, height);
    out.push_str(if has_links { "\" role=\"group\" aria-label=\"" } else { "\" role=\"img\" aria-label=\"" });
    escape(&mut out, &options.title);
    out.push_str("\" font-family=\"sans-serif\" font-size=\"");
    num(&mut out, size);
    out.push_str("\" text-anchor=\"middle\"><title>");
    escape(&mut out, &options.title);
    out.push_str("</title>");
    if options.embed_style {
        out.push_str("<style>");
        out.push_str(STYLE);
        out.push_str("</style>");
    }

    // One arrowhead per edge class, so that a theme can colour them apart.
    let edge_class = |edge: usize| graph.edges.get(edge).map_or(String::new(), |e| class_names(&e.class));
    let mut classes: Vec<String> = layout.edges.iter().map(|e| edge_class(e.edge)).collect();
    classes.sort();
    classes.dedup();
    if !classes.is_empty() {
        out.push_str("<defs>");
        for (i, class) in classes.iter().enumerate() {
            let _ = write!(out, "<marker id=\"{prefix}-arrow{i}\" class=\"arrow");
            if !class.is_empty() {
                out.push(' ');
                out.push_str(class);
            }
            out.push_str(
                "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" \
                 markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,1L10,5L0,9z\"/></marker>",
            );
        }
        out.push_str("</defs>");
    }

    // Edges, grouped by arrowhead (marker-end is inherited).
    let mut by_class: Vec<(usize, usize)> = layout
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| (classes.binary_search(&edge_class(e.edge)).unwrap_or(0), i))
        .collect();
    by_class.sort_unstable();
    out.push_str("<g class=\"edges\" fill=\"none\" stroke=\"#8c959f\">");
    let mut open: Option<usize> = None;
    for &(c, i) in &by_class {
        if open != Some(c) {
            if open.is_some() {
                out.push_str("</g>");
            }
            let _ = write!(out, "<g marker-end=\"url(#{prefix}-arrow{c})\">");
            open = Some(c);
        }
        out.push_str("<path class=\"edge");
        if !classes[c].is_empty() {
            out.push(' ');
            out.push_str(&classes[c]);
        }
        out.push_str("\" d=\"");
        path(&mut out, &layout.edges[i].points);
        out.push_str("\"/>");
    }
    if open.is_some() {
        out.push_str("</g>");
    }
    out.push_str("</g>");

    if layout.edges.iter().any(|e| e.label.is_some()) {
        out.push_str("<g class=\"edge-labels\">");
        for edge in &layout.edges {
            let Some((centre, text)) = &edge.label else { continue };
            out.push_str("<text class=\"edge-label");
            let class = edge_class(edge.edge);
            if !class.is_empty() {
                out.push(' ');
                out.push_str(&class);
            }
            out.push_str("\" x=\"");
            int(&mut out, centre.x);
            out.push_str("\" y=\"");
            int(&mut out, centre.y + 0.35 * small);
            out.push_str("\">");
            escape(&mut out, text);
            out.push_str("</text>");
        }
        out.push_str("</g>");
    }

    out.push_str("<g class=\"nodes\">");
    for (node, placed) in graph.nodes.iter().zip(&layout.nodes) {
        let href = node.href.as_deref().and_then(safe_href);
        if let Some(href) = href {
            out.push_str("<a href=\"");
            escape(&mut out, href);
            out.push_str("\">");
        }
        out.push_str("<g class=\"node");
        let class = class_names(&node.class);
        if !class.is_empty() {
            out.push(' ');
            out.push_str(&class);
        }
        if node.focus {
            out.push_str(" focus");
        }
        out.push_str("\">");
        // The full text as a tooltip when the box shows it cut.
        let full = fit(if node.label.trim().is_empty() { &node.id } else { &node.label }, usize::MAX);
        let full_sublabel = node.sublabel.as_deref().map(|s| fit(s, usize::MAX));
        if full != placed.label || full_sublabel.as_deref().filter(|s| !s.is_empty()) != placed.sublabel.as_deref() {
            out.push_str("<title>");
            escape(&mut out, &full);
            if let Some(sublabel) = full_sublabel.filter(|s| !s.is_empty()) {
                out.push('\n');
                escape(&mut out, &sublabel);
            }
            out.push_str("</title>");
        }
        out.push_str("<rect x=\"");
        int(&mut out, placed.x);
        out.push_str("\" y=\"");
        int(&mut out, placed.y);
        out.push_str("\" width=\"");
        int(&mut out, placed.width);
        out.push_str("\" height=\"");
        int(&mut out, placed.height);
        out.push_str("\" rx=\"4\"/>");
        let centre = placed.x + placed.width / 2.0;
        let label_y = match placed.sublabel {
            Some(_) => placed.y + PAD_Y + size * LINE / 2.0,
            None => placed.y + placed.height / 2.0,
        };
        text(&mut out, None, centre, label_y + 0.35 * size, &placed.label);
        if let Some(sublabel) = &placed.sublabel {
            let y = placed.y + PAD_Y + size * LINE + small * LINE / 2.0;
            text(&mut out, Some("sublabel"), centre, y + 0.35 * small, sublabel);
        }
        out.push_str("</g>");
        if href.is_some() {
            out.push_str("</a>");
        }
    }
    out.push_str("</g></svg>");
    out
}

fn text(out: &mut String, class: Option<&str>, x: f64, y: f64, content: &str) {
    out.push_str("<text");
    if let Some(class) = class {
        let _ = write!(out, " class=\"{class}\"");
    }
    out.push_str(" x=\"");
    int(out, x);
    out.push_str("\" y=\"");
    int(out, y);
    out.push_str("\">");
    escape(out, content);
    out.push_str("</text>");
}

/// An SVG path for a spline, in whole units: `M`, then `V`, `H` or `L` for
/// straight segments and relative `c` for curves (short numbers).
fn path(out: &mut String, points: &[Point]) {
    let Some(&first) = points.first() else { return };
    let round = |p: Point| (p.x.round() as i64, p.y.round() as i64);
    let mut at = round(first);
    let _ = write!(out, "M{},{}", at.0, at.1);
    for segment in points[1..].chunks_exact(3) {
        let (c1, c2, end) = (round(segment[0]), round(segment[1]), round(segment[2]));
        if c1 == at && c2 == end {
            if end == at {
                continue;
            } else if end.0 == at.0 {
                let _ = write!(out, "V{}", end.1);
            } else if end.1 == at.1 {
                let _ = write!(out, "H{}", end.0);
            } else {
                let _ = write!(out, "L{},{}", end.0, end.1);
            }
        } else {
            let _ = write!(
                out,
                "c{},{} {},{} {},{}",
                c1.0 - at.0,
                c1.1 - at.1,
                c2.0 - at.0,
                c2.1 - at.1,
                end.0 - at.0,
                end.1 - at.1
            );
        }
        at = end;
    }
}

/// Writes a coordinate rounded to a whole unit: a pixel is fine enough, and short.
fn int(out: &mut String, value: f64) {
    let _ = write!(out, "{}", value.round() as i64);
}

/// Writes a number with at most one decimal, without a trailing ".0".
fn num(out: &mut String, value: f64) {
    let tenths = (value * 10.0).round();
    let tenths = if tenths.is_finite() { tenths as i64 } else { 0 };
    if tenths < 0 {
        out.push('-');
    }
    let magnitude = tenths.unsigned_abs();
    let _ = write!(out, "{}", magnitude / 10);
    if magnitude % 10 != 0 {
        let _ = write!(out, ".{}", magnitude % 10);
    }
}

/// Escapes text for element content and double- or single-quoted attributes,
/// replacing characters XML does not allow.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// Class names reduced to letters, digits, `-` and `_`, one space apart.
fn class_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let word: String = word.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word);
        }
    }
    out
}

/// The id prefix reduced to a valid, unsurprising id start.
fn id_prefix(text: &str) -> String {
    let cleaned: String = text.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    if cleaned.starts_with(|c: char| c.is_ascii_alphabetic()) {
        cleaned
    } else {
        format!("g{cleaned}")
    }
}

/// The link if it is safe to follow: `http`, `https` and `mailto` URLs, and
/// relative ones. Anything with control characters is refused, since browsers
/// strip them and would read `java\tscript:` as a scheme.
fn safe_href(href: &str) -> Option<&str> {
    let href = href.trim_matches(|c: char| c == ' ' || c.is_control());
    if href.is_empty() || href.chars().any(char::is_control) {
        return None;
    }
    match href.find([':', '/', '?', '#']) {
        Some(i) if href[i..].starts_with(':') => {
            let scheme = &href[..i];
            ["http", "https", "mailto"].iter().any(|s| scheme.eq_ignore_ascii_case(s)).then_some(href)
        }
        _ => Some(href),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        escape(&mut out, text);
        out
    }

    fn formatted(value: f64) -> String {
        let mut out = String::new();
        num(&mut out, value);
        out
    }

    #[test]
    fn paths_use_short_commands() {
        let p = |x, y| Point { x, y };
        let mut out = String::new();
        // A straight run down, then a curve; then a run across and a diagonal.
        let points =
            [p(10.2, 5.0), p(10.2, 5.0), p(10.0, 20.0), p(10.0, 20.0), p(10.0, 30.0), p(40.0, 30.0), p(40.0, 40.0)];
        path(&mut out, &points);
        assert_eq!(out, "M10,5V20c0,10 30,10 30,20");
        out.clear();
        path(&mut out, &[p(0.0, 0.0), p(0.0, 0.0), p(7.0, 0.0), p(7.0, 0.0), p(7.0, 0.0), p(9.0, 3.0), p(9.0, 3.0)]);
        assert_eq!(out, "M0,0H7L9,3");
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escaped("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escaped("a\u{0}b\u{1b}c\u{ffff}"), "a\u{fffd}b\u{fffd}c\u{fffd}");
        assert_eq!(escaped("déjà vu 日本"), "déjà vu 日本");
    }

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(formatted(12.0), "12");
        assert_eq!(formatted(12.34), "12.3");
        assert_eq!(formatted(12.36), "12.4");
        assert_eq!(formatted(-0.5), "-0.5");
        assert_eq!(formatted(-0.04), "0");
        assert_eq!(formatted(f64::NAN), "0");
    }

    #[test]
    fn only_web_and_relative_links_are_kept() {
        for kept in [
            "/catalog/default/component/a",
            "https://example.com/x?y=1",
            "HTTP://x",
            "mailto:a@b.c",
            "docs/a:b",
            "#top",
            "?q=a:b",
            "//example.com",
        ] {
            assert_eq!(safe_href(kept), Some(kept), "{kept}");
        }
        for dropped in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "",
            "  ",
        ] {
            assert_eq!(safe_href(dropped), None, "{dropped:?}");
        }
    }

    #[test]
    fn class_names_keep_only_safe_characters() {
        assert_eq!(class_names("component  x-as-a-service"), "component x-as-a-service");
        assert_eq!(class_names("a\"onload=\"x b<c>"), "aonloadx bc");
        assert_eq!(class_names("  "), "");
        assert_eq!(id_prefix("team map"), "teammap");
        assert_eq!(id_prefix("1\"x"), "g1x");
    }
}
