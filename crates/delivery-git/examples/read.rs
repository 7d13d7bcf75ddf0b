//! Reads a repository's changes and tag deployments once and prints how long each took.
//!
//! ```sh
//! python3 crates/delivery-git/bench/make_repo.py "$DIR/repo.git" --commits 20000 --repack
//! cargo run --release -p kiosque-delivery-git --example read -- "$DIR/repo.git" 'v*'
//! ```

use std::process::ExitCode;
use std::time::Instant;

use kiosque_delivery_git::{ChangeOptions, GitHistory, TagOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, pattern] = args.as_slice() else {
        eprintln!("usage: read REPOSITORY TAG_PATTERN");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let history = match GitHistory::open(path) {
        Ok(history) => history,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let opened = started.elapsed();
    let started = Instant::now();
    let changes = match history.changes(&ChangeOptions::new("bench/repo")) {
        Ok(changes) => changes,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let read_changes = started.elapsed();
    let started = Instant::now();
    let options = TagOptions {
        repository: "bench/repo".to_string(),
        service: "repo".to_string(),
        environment: "production".to_string(),
        pattern: pattern.clone(),
        since: None,
    };
    let tags = match history.tag_deployments(&options) {
        Ok(tags) => tags,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let read_tags = started.elapsed();
    let shipped: usize = tags.deployments.iter().map(|d| d.commits.len()).sum();
    println!("open: {:.1} ms", opened.as_secs_f64() * 1e3);
    println!("changes: {} in {:.1} ms", changes.len(), read_changes.as_secs_f64() * 1e3);
    println!(
        "tag deployments: {} shipping {shipped} commits ({} skipped) in {:.1} ms",
        tags.deployments.len(),
        tags.skipped.len(),
        read_tags.as_secs_f64() * 1e3
    );
    ExitCode::SUCCESS
}
