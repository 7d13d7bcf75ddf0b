//! Layered layout of directed graphs, drawn as SVG for the portal.
//!
//! The portal is server-rendered and must work without JavaScript, so its
//! dependency graphs and team maps are laid out here, in the request, and sent
//! as SVG with ordinary links. The layout is the classic layered (Sugiyama)
//! pipeline, run on each connected component separately:
//!
//! 1. **Cycles** are broken by reversing a small set of edges, found with the
//!    greedy heuristic of Eades, Lin and Smyth (sinks to the right, sources to
//!    the left, then the node with the largest out-minus-in degree). Reversed
//!    edges are still drawn pointing at their true target.
//! 2. **Layers** come from the network simplex of Gansner et al., which
//!    minimises the total length of the edges, so that long edges (and the
//!    dummy nodes they need) stay rare; a final pass moves nodes that have as
//!    many edges above as below to the emptiest layer they may take.
//! 3. **Dummy nodes** split every edge that spans several layers, so that edges
//!    take part in ordering and positioning like nodes. When edge labels are
//!    shown, layers are doubled and each label becomes a dummy of its own size
//!    in the middle layer, so that labels get space instead of overlapping.
//! 4. **Crossings** are reduced by alternate down and up sweeps that sort each
//!    layer by the barycentre of its neighbours, then by swapping adjacent nodes
//!    while that removes crossings (counted exactly with Barth, Jünger and
//!    Mutzel's accumulator tree); the best ordering seen is kept.
//! 5. **Coordinates** along the layers come from Brandes and Köpf: four
//!    alignments of nodes with their median neighbours, compacted as blocks
//!    (with the block-graph compaction that avoids the original's overlap
//!    bug), balanced by taking the average of the two middle candidates. Long
//!    edges come out straight, nodes sit above the middle of their neighbours.
//! 6. **Edges** leave and enter nodes at ports spread along the facing side,
//!    in the order of the nodes they lead to, run straight through their
//!    dummies' layers and cross each gap as an S-curve. Where such curves run
//!    sideways over the same stretch of a gap they get levels of their own
//!    (the gap grows if needed), nested so that they do not cross: long edges
//!    stay distinguishable in dense graphs.
//!
//! Components are packed in rows (top to bottom) or columns (left to right),
//! the one holding the focused node first, then the larger ones. Everything is
//! deterministic: the same input gives the same bytes.
//!
//! Labels and links come from user descriptors, so the SVG writer escapes all
//! text, keeps only `http`, `https`, `mailto` and relative links, and draws
//! colours from CSS classes and custom properties that the portal's themes set.
//!
//! ```
//! use kiosque_layout::{layout, render_svg, Edge, Graph, Node, Options, SvgOptions};
//!
//! let graph = Graph {
//!     nodes: vec![Node::new("a", "payments"), Node::new("b", "ledger")],
//!     edges: vec![Edge { label: Some("dependsOn".into()), ..Edge::new("a", "b") }],
//! };
//! let placed = layout(&graph, &Options::default())?;
//! assert!(placed.nodes[0].y < placed.nodes[1].y);
//! let svg = render_svg(&graph, &placed, &SvgOptions { title: "Dependencies".into(), ..SvgOptions::default() });
//! assert!(svg.starts_with("<svg"));
//! # Ok::<(), kiosque_layout::LayoutError>(())
//! ```

mod acyclic;
mod graph;
mod layout;
mod order;
mod position;
mod rank;
mod svg;
mod text;

pub use graph::{Direction, Edge, Graph, LayoutError, Node, Options};
pub use layout::{layout, EdgeLayout, Layout, NodeLayout, Point};
pub use svg::{render_svg, SvgOptions, STYLE};
