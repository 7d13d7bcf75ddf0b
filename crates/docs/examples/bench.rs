//! Measures rendering on generated large inputs: an OpenAPI definition of
//! 2,000 operations (about 5 MB, as JSON and as YAML) and a long Markdown page.
//!
//! `cargo run --release -p kiosque-docs --example bench`

use std::fmt::Write;
use std::time::{Duration, Instant};

use kiosque_docs::{parse_api_definition, render_api, render_markdown, EnglishLabels, PageContext};
use serde_json::{json, Map, Value};

// The kiosque binary's allocator, so that figures match what the portal sees.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PATHS: usize = 1_000;
const SCHEMAS: usize = 300;
const RUNS: usize = 15;

fn main() {
    let definition = large_openapi();
    let json_text = serde_json::to_string_pretty(&definition).unwrap();
    let mut yaml_text = String::new();
    to_yaml(&definition, 0, &mut yaml_text);
    let markdown = long_markdown();
    println!(
        "inputs: OpenAPI {} operations, {} schemas: JSON {:.1} MB, YAML {:.1} MB; Markdown {:.1} MB",
        PATHS * 2,
        SCHEMAS,
        mb(json_text.len()),
        mb(yaml_text.len()),
        mb(markdown.len())
    );

    let doc = parse_api_definition(&json_text).unwrap();
    let html = render_api(&doc, &EnglishLabels);
    println!("API HTML: {:.1} MB", mb(html.len()));
    report("JSON text → serde_json::Value", || serde_json::from_str::<Value>(&json_text).unwrap());
    report("YAML text → Value (kiosque-descriptor)", || kiosque_descriptor::parse_documents(&yaml_text).unwrap());
    report("parse_api_definition (JSON): parse + view model", || parse_api_definition(&json_text).unwrap());
    report("parse_api_definition (YAML): parse + view model", || parse_api_definition(&yaml_text).unwrap());
    report("render_api: view model → HTML", || render_api(&doc, &EnglishLabels));

    let example = include_str!("../../../examples/acme-bank/repos/payments-service/openapi.yaml");
    report("example payments-api (YAML): parse + render", || {
        render_api(&parse_api_definition(example).unwrap(), &EnglishLabels)
    });

    let ctx = PageContext { base_url: "/docs/default/component/bench", page_path: "guide/long.md" };
    let page = render_markdown(&markdown, &ctx);
    println!("Markdown: {} headings, HTML {:.1} MB", page.toc.len(), mb(page.html.len()));
    report("render_markdown (long page)", || render_markdown(&markdown, &ctx));
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn report<T>(name: &str, mut run: impl FnMut() -> T) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(run());
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{name:<52} median {:>7.2} ms   min {:>7.2} ms   max {:>7.2} ms",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn large_openapi() -> Value {
    let mut schemas = Map::new();
    for s in 0..SCHEMAS {
        let mut properties = Map::new();
        for p in 0..12 {
            let property = match p % 4 {
                0 => {
                    json!({"type": "string", "format": "uuid", "description": format!("Identifier {p} of the *resource*.")})
                }
                1 => json!({"type": "integer", "minimum": 0, "maximum": 1000, "example": 42}),
                2 => json!({"type": "string", "enum": ["draft", "active", "suspended", "closed"], "default": "draft"}),
                _ => json!({"$ref": format!("#/components/schemas/Model{}", (s + p) % SCHEMAS)}),
            };
            properties.insert(format!("field{p}"), property);
        }
        schemas.insert(
            format!("Model{s}"),
            json!({"type": "object", "required": ["field0", "field1"], "description": format!("Model number {s}, used by several operations."), "properties": properties}),
        );
    }
    let mut paths = Map::new();
    for i in 0..PATHS {
        let model = format!("#/components/schemas/Model{}", i % SCHEMAS);
        let tag = format!("area-{}", i % 40);
        let responses = json!({
            "200": {"description": "The resource.", "content": {"application/json": {"schema": {"$ref": model}}}},
            "400": {"description": "The request is invalid: see `detail`.", "content": {"application/problem+json": {"schema": {"type": "object", "properties": {"title": {"type": "string"}, "detail": {"type": "string"}}}}}},
            "404": {"description": "Not found."}
        });
        paths.insert(
            format!("/area-{}/resources-{i}/{{id}}", i % 40),
            json!({
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "get": {
                    "tags": [tag], "operationId": format!("getResource{i}"), "summary": format!("Get resource {i}"),
                    "description": format!("Returns resource {i}.\n\nSee [the guide](https://example.org/guide) for **details**, and the `fields` \
                        parameter to choose what comes back. Reads are served from the nearest replica and may lag the primary \
                        by a few seconds; pass `X-Consistency: strong` to read from the primary. The response carries an `ETag` \
                        to use with `If-Match` when updating the resource."),
                    "parameters": [
                        {"name": "fields", "in": "query", "description": "Comma-separated list of fields.", "schema": {"type": "string"}},
                        {"name": "X-Request-Id", "in": "header", "schema": {"type": "string", "format": "uuid"}}
                    ],
                    "responses": responses
                },
                "post": {
                    "tags": [tag], "operationId": format!("updateResource{i}"), "summary": format!("Update resource {i}"),
                    "description": format!("Replaces resource {i} with the body. Fields left out are reset to their defaults, \
                        so send the whole resource.\n\nThe change is recorded in the audit trail with the caller's identity; \
                        a concurrent change made after the caller read the resource is detected through `If-Match` and \
                        answered with `412`. Resources of the area {} are replicated to the other regions within seconds.", i % 40),
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": model}, "example": {"field0": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "field1": 7}}}},
                    "responses": responses
                }
            }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Generated API", "version": "1.0.0", "description": "A large generated definition.\n\n## Usage\n\nCall it."},
        "servers": [{"url": "https://api.example.org/v1", "description": "Production"}],
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

/// Block-style YAML, as people write it (strings double-quoted, which is always valid YAML).
fn to_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                let key = serde_json::to_string(key).unwrap();
                match child {
                    Value::Object(m) if !m.is_empty() => {
                        let _ = writeln!(out, "{pad}{key}:");
                        to_yaml(child, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        let _ = writeln!(out, "{pad}{key}:");
                        to_yaml(child, indent, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}{key}: {}", scalar(child));
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut nested = String::new();
                        to_yaml(item, indent + 2, &mut nested);
                        let _ = write!(out, "{pad}- {}", &nested[indent + 2..]);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}- {}", scalar(item));
                    }
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", scalar(other));
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

fn long_markdown() -> String {
    let mut out = String::from("# A long page\n\n");
    for i in 0..2_000 {
        let _ = write!(
            out,
            "## Section {i}: déploiement\n\nSome *emphasis*, **strong** text, `code`, a [relative link](../other/page-{i}.md#part) \
             and an [external one](https://example.org/{i}).\nA second line with an image ![diagram](img/d{i}.png).\n\n\
             - item one\n- item two with <b>raw html</b>\n  - nested\n\n\
             | Column | Value |\n|:--|--:|\n| a | {i} |\n| b | {} |\n\n\
             ```rust\nfn section_{i}() -> u32 {{ {i} }}\n```\n\n",
            i * 2
        );
    }
    out
}
