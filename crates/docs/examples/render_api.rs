//! Renders an API definition file to HTML on standard output.
//! `cargo run -p kiosque-docs --example render_api -- FILE`

use kiosque_docs::{parse_api_definition, render_api, render_api_error, EnglishLabels};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: render_api FILE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("{path}: {err}");
            std::process::exit(1);
        }
    };
    match parse_api_definition(&text) {
        Ok(doc) => print!("{}", render_api(&doc, &EnglishLabels)),
        Err(err) => {
            eprintln!("{path}: {err}");
            print!("{}", render_api_error(&err, &EnglishLabels));
            std::process::exit(1);
        }
    }
}
