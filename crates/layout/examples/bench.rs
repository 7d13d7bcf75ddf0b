//! Times layout and SVG rendering of random graphs of growing size: for each
//! size, the mean over five graphs of the median of repeated runs.
//!
//! `cargo run --release -p kiosque-layout --example bench`

use std::hint::black_box;
use std::time::{Duration, Instant};

use kiosque_layout::{layout, render_svg, Options, SvgOptions};

#[path = "../tests/common/mod.rs"]
mod common;

/// Median and fastest of `runs` timings of `f` (the fastest shows the cost
/// without interference from other processes).
fn timings(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[runs / 2], times[0])
}

fn main() {
    println!(
        "{:>6} {:>6} {:>7} {:>11} {:>11} {:>11} {:>10} {:>13}",
        "nodes", "edges", "labels", "layout", "(fastest)", "svg", "svg bytes", "drawing"
    );
    for (nodes, edges) in [(50, 100), (200, 400), (500, 1000)] {
        for labels in [false, true] {
            let options = Options { edge_labels: labels, ..Options::default() };
            let runs = if nodes > 200 { 11 } else { 31 };
            // Several graphs per size, so that one lucky graph does not decide the figure.
            let mut layout_total = Duration::ZERO;
            let mut layout_fastest = Duration::ZERO;
            let mut svg_total = Duration::ZERO;
            let (mut bytes, mut width, mut height) = (0, 0.0, 0.0);
            let seeds = 5;
            for seed in 0..seeds {
                let mut rng = common::Rng::new(seed);
                let graph = common::random_graph(&mut rng, nodes, edges, false, true);
                let placed = layout(&graph, &options).expect("random graphs are valid");
                let (median, fastest) = timings(runs, || {
                    black_box(layout(black_box(&graph), &options).ok());
                });
                layout_total += median;
                layout_fastest += fastest;
                let svg_options = SvgOptions::default();
                svg_total += timings(runs, || {
                    black_box(render_svg(&graph, &placed, &svg_options));
                })
                .0;
                bytes += render_svg(&graph, &placed, &svg_options).len();
                width += placed.width;
                height += placed.height;
            }
            let n = seeds as u32;
            println!(
                "{nodes:>6} {edges:>6} {:>7} {:>11.2?} {:>11.2?} {:>11.2?} {:>10} {:>6.0}×{:<6.0}",
                if labels { "yes" } else { "no" },
                layout_total / n,
                layout_fastest / n,
                svg_total / n,
                bytes / seeds as usize,
                width / f64::from(n),
                height / f64::from(n),
            );
        }
    }
}
