//! API definitions: the example organisation's real documents, each
//! specification's shapes, and broken documents.

mod common;

use std::path::{Path, PathBuf};

use common::assert_safe_html;
use kiosque_docs::*;
use serde_json::{json, Value};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-bank")
}

fn catalog_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            catalog_files(&path, out);
        } else if path.file_name().is_some_and(|n| n == "catalog-info.yaml") {
            out.push(path);
        }
    }
}

/// Every OpenAPI and AsyncAPI entity of the example organisation, with its
/// definition text (`$text` placeholders read from beside the descriptor).
fn example_definitions() -> Vec<(String, String)> {
    let mut files = Vec::new();
    catalog_files(&examples_dir(), &mut files);
    let mut definitions = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for document in kiosque_descriptor::parse_documents(&text).unwrap() {
            let entity = &document.value;
            if entity["kind"] != "API" || !matches!(entity["spec"]["type"].as_str(), Some("openapi" | "asyncapi")) {
                continue;
            }
            let definition = match &entity["spec"]["definition"] {
                Value::String(text) => text.clone(),
                other => {
                    let relative = other["$text"].as_str().expect("a $text placeholder");
                    std::fs::read_to_string(file.parent().unwrap().join(relative)).unwrap()
                }
            };
            definitions.push((entity["metadata"]["name"].as_str().unwrap().to_string(), definition));
        }
    }
    definitions.sort();
    definitions
}

fn example(name: &str) -> ApiDocument {
    let (_, text) = example_definitions().into_iter().find(|(n, _)| n == name).unwrap();
    parse_api_definition(&text).unwrap()
}

#[test]
fn every_example_definition_renders() {
    let definitions = example_definitions();
    let names: Vec<&str> = definitions.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "accounts-api",
            "banking-bff-api",
            "cards-api",
            "customer-profile-api",
            "documents-api",
            "fraud-scoring-api",
            "kyc-events-api",
            "kyc-verification-api",
            "loans-api",
            "payment-events-api",
            "payments-api",
        ]
    );
    for (name, text) in &definitions {
        let doc = parse_api_definition(text).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(!doc.title.is_empty(), "{name}");
        assert!(!doc.operation_groups.is_empty() || !doc.channels.is_empty(), "{name} shows nothing");
        let html = render_api(&doc, &EnglishLabels);
        assert_safe_html(&html);
    }
}

#[test]
fn payments_openapi_view_model() {
    let doc = example("payments-api");
    assert_eq!(doc.spec, "OpenAPI 3.1.0");
    assert_eq!((doc.title.as_str(), doc.version.as_str()), ("Horizon Bank SEPA Payments API", "4.2.0"));
    assert_eq!(doc.servers.len(), 2);
    assert_eq!(doc.servers[1].url, "https://api.staging.horizon-bank.example/payments/v4");
    let contact = doc.contact.as_ref().unwrap();
    assert_eq!(contact.email.as_deref(), Some("payments@horizon-bank.example"));

    let groups: Vec<(Option<&str>, Vec<String>)> = doc
        .operation_groups
        .iter()
        .map(|g| (g.tag.as_deref(), g.operations.iter().map(|o| format!("{} {}", o.method, o.path)).collect()))
        .collect();
    assert_eq!(
        groups,
        [
            (
                Some("transfers"),
                vec![
                    "GET /transfers".to_string(),
                    "POST /transfers".into(),
                    "GET /transfers/{transferId}".into(),
                    "POST /transfers/{transferId}/cancellation".into()
                ]
            ),
            (
                Some("standing-orders"),
                vec![
                    "GET /standing-orders".to_string(),
                    "POST /standing-orders".into(),
                    "DELETE /standing-orders/{standingOrderId}".into()
                ]
            ),
            (Some("payee-verification"), vec!["POST /payee-verifications".to_string()]),
        ]
    );

    let create = &doc.operation_groups[0].operations[1];
    assert_eq!(create.id, "op-createtransfer");
    assert_eq!(create.operation_id.as_deref(), Some("createTransfer"));
    assert_eq!(create.parameters.len(), 1);
    let key = &create.parameters[0];
    assert_eq!((key.name.as_str(), key.location.as_str(), key.required), ("Idempotency-Key", "header", true));
    assert_eq!(key.schema.as_ref().unwrap().format.as_deref(), Some("uuid"));
    let body = create.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.content[0].content_type, "application/json");
    assert_eq!(body.content[0].schema.as_ref().unwrap().schema_name.as_deref(), Some("TransferRequest"));
    assert!(body.content[0].example.as_ref().unwrap().contains("\"name\": \"SCI Les Tilleuls\""));
    let statuses: Vec<&str> = create.responses.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["201", "202", "400", "422"]);
    // 400 is `$ref: '#/components/responses/Problem'`.
    assert_eq!(create.responses[2].description_html.as_deref(), Some("<p>Error</p>\n"));
    assert_eq!(create.responses[2].content[0].content_type, "application/problem+json");

    let schemas: Vec<&str> = doc.schemas.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        schemas,
        [
            "Amount",
            "Party",
            "PayeeVerification",
            "Problem",
            "StandingOrder",
            "StandingOrderRequest",
            "Transfer",
            "TransferRequest",
            "TransferStatus"
        ]
    );
    // Transfer = allOf [TransferRequest, {id, status, rejectionReason, createdAt, executedAt}], merged.
    let transfer = &doc.schemas[6].schema;
    let properties: Vec<(&str, bool)> =
        transfer.properties.iter().map(|p| (p.name.as_deref().unwrap(), p.required)).collect();
    assert_eq!(
        properties,
        [
            ("amount", true),
            ("creditor", true),
            ("debtorAccountId", true),
            ("endToEndId", false),
            ("instant", false),
            ("remittanceInformation", false),
            ("requestedExecutionDate", false),
            ("createdAt", true),
            ("executedAt", false),
            ("id", true),
            ("rejectionReason", false),
            ("status", true),
        ]
    );
    assert_eq!(transfer.properties[11].link.as_deref(), Some("schema-transferstatus"));
    assert_eq!(transfer.properties[8].type_label, "string | null");
    let status = &doc.schemas[8].schema;
    assert_eq!(status.enum_values, ["pending_sca", "scheduled", "scoring", "executed", "rejected", "cancelled"]);

    let html = render_api(&doc, &EnglishLabels);
    assert!(html.contains("<section class=\"k-api-schema\" id=\"schema-transferstatus\">"));
    assert!(
        html.contains("<a class=\"k-schema-type k-schema-link\" href=\"#schema-transferstatus\">TransferStatus</a>")
    );
    assert!(html.contains("<th scope=\"row\"><code>Idempotency-Key</code> <span class=\"k-api-required\">Required</span></th><td>header</td>"));
}

#[test]
fn payments_asyncapi_view_model() {
    let doc = example("payment-events-api");
    assert_eq!(doc.spec, "AsyncAPI 2.6.0");
    let servers: Vec<(Option<&str>, &str, Option<&str>)> =
        doc.servers.iter().map(|s| (s.name.as_deref(), s.url.as_str(), s.protocol.as_deref())).collect();
    assert_eq!(
        servers,
        [
            (Some("production"), "kafka-1.prod.horizon-bank.example:9093", Some("kafka-secure")),
            (Some("staging"), "kafka-1.staging.horizon-bank.example:9093", Some("kafka-secure")),
        ]
    );
    assert_eq!(doc.channels.len(), 1);
    let channel = &doc.channels[0];
    assert_eq!(channel.name, "payments.transfer-events.v1");
    assert_eq!(channel.operations.len(), 1);
    let op = &channel.operations[0];
    assert_eq!((op.action.as_str(), op.operation_id.as_deref()), ("subscribe", Some("onTransferEvent")));
    let names: Vec<&str> = op.messages.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["TransferInitiated", "TransferExecuted", "TransferRejected"]);
    let first = &op.messages[0];
    assert_eq!(first.content_type.as_deref(), Some("application/json"));
    assert_eq!(first.headers.as_ref().unwrap().schema_name.as_deref(), Some("EventHeaders"));
    assert_eq!(first.payload.as_ref().unwrap().schema_name.as_deref(), Some("TransferInitiated"));
    assert_eq!(doc.schemas.len(), 5);
    let rejected = &op.messages[2].payload.as_ref().unwrap().properties;
    let reason = rejected.iter().find(|p| p.name.as_deref() == Some("reasonCode")).unwrap();
    assert_eq!(reason.example.as_deref(), Some("AM04"));
}

#[test]
fn swagger_2_documents() {
    let doc = parse_api_definition(
        r##"swagger: "2.0"
info: {title: Pets, version: "1.0"}
host: api.example.org
basePath: /v1
schemes: [https, http]
paths:
  /pets:
    post:
      tags: [pets]
      parameters:
        - in: body
          name: pet
          required: true
          schema: {$ref: '#/definitions/Pet'}
        - in: header
          name: X-Trace
          type: string
          format: uuid
      responses:
        '201': {description: Created, schema: {$ref: '#/definitions/Pet'}}
        default: {description: Error}
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      tag: {type: string, enum: [a, b]}
      parent: {$ref: '#/definitions/Pet'}
"##,
    )
    .unwrap();
    assert_eq!(doc.spec, "Swagger 2.0");
    let urls: Vec<&str> = doc.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(urls, ["https://api.example.org/v1", "http://api.example.org/v1"]);
    let op = &doc.operation_groups[0].operations[0];
    assert_eq!((op.method.as_str(), op.path.as_str()), ("POST", "/pets"));
    let body = op.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.content[0].content_type, "application/json");
    let pet = body.content[0].schema.as_ref().unwrap();
    assert_eq!(pet.schema_name.as_deref(), Some("Pet"));
    let properties: Vec<(&str, &str, bool)> =
        pet.properties.iter().map(|p| (p.name.as_deref().unwrap(), p.type_label.as_str(), p.required)).collect();
    assert_eq!(properties, [("name", "string", true), ("parent", "Pet", false), ("tag", "string", false)]);
    assert_eq!(pet.properties[1].link.as_deref(), Some("schema-pet"));
    assert_eq!(op.parameters.len(), 1);
    let trace = op.parameters[0].schema.as_ref().unwrap();
    assert_eq!((trace.type_label.as_str(), trace.format.as_deref()), ("string", Some("uuid")));
    let statuses: Vec<&str> = op.responses.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["201", "default"]);
    assert_eq!(op.responses[0].content[0].schema.as_ref().unwrap().schema_name.as_deref(), Some("Pet"));
    assert!(op.responses[1].content.is_empty());
}

#[test]
fn asyncapi_3_documents() {
    let doc = parse_api_definition(
        r##"asyncapi: 3.0.0
info: {title: Lights, version: 1.0.0}
servers:
  prod: {host: "broker.example.org:1883", protocol: mqtt, pathname: /v1}
channels:
  lightMeasured:
    address: 'smartylighting/{streetlightId}/measured'
    parameters:
      streetlightId: {description: The ID}
    messages:
      lightMeasured: {$ref: '#/components/messages/LightMeasured'}
operations:
  onLightMeasured:
    action: receive
    channel: {$ref: '#/channels/lightMeasured'}
    messages: [{$ref: '#/channels/lightMeasured/messages/lightMeasured'}]
    summary: Inform about environmental lighting conditions.
components:
  messages:
    LightMeasured:
      name: LightMeasured
      payload: {$ref: '#/components/schemas/LightMeasuredPayload'}
  schemas:
    LightMeasuredPayload: {type: object, properties: {lumens: {type: integer, minimum: 0}}}
"##,
    )
    .unwrap();
    assert_eq!(doc.servers[0].url, "broker.example.org:1883/v1");
    assert_eq!(doc.servers[0].protocol.as_deref(), Some("mqtt"));
    let channel = &doc.channels[0];
    assert_eq!(channel.name, "lightMeasured");
    assert_eq!(channel.address.as_deref(), Some("smartylighting/{streetlightId}/measured"));
    assert_eq!(channel.parameters[0].name, "streetlightId");
    assert_eq!(channel.messages.len(), 1);
    let payload = channel.messages[0].payload.as_ref().unwrap();
    assert_eq!(payload.schema_name.as_deref(), Some("LightMeasuredPayload"));
    assert_eq!(payload.properties[0].constraints, ["minimum: 0"]);
    let op = &channel.operations[0];
    assert_eq!((op.action.as_str(), op.operation_id.as_deref()), ("receive", Some("onLightMeasured")));
    assert_eq!(op.summary.as_deref(), Some("Inform about environmental lighting conditions."));
    assert_eq!(op.messages.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["LightMeasured"]);
}

#[test]
fn tags_parameters_and_references() {
    let doc = parse_api_definition(
        &json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "tags": [{"name": "b", "description": "The *b* tag"}],
            "paths": {
                "/x/{id}": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "v", "in": "query", "schema": {"type": "string"}}
                    ],
                    "get": {
                        "tags": ["a", "b"], "operationId": "getX",
                        "parameters": [
                            {"name": "v", "in": "query", "schema": {"type": "integer"}},
                            {"name": "filter", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}}
                        ],
                        "responses": {"200": {"$ref": "#/components/responses/A"}}
                    },
                    "delete": {"responses": {"204": {"description": "Gone"}}}
                }
            },
            "components": {"responses": {
                "A": {"$ref": "#/components/responses/B"},
                "B": {"$ref": "#/components/responses/A"}
            }}
        })
        .to_string(),
    )
    .unwrap();
    let groups: Vec<(Option<&str>, &str, Vec<&str>)> = doc
        .operation_groups
        .iter()
        .map(|g| (g.tag.as_deref(), g.id.as_str(), g.operations.iter().map(|o| o.id.as_str()).collect()))
        .collect();
    // Declared tags first, then others as they appear, untagged last; an operation in two groups has two ids.
    assert_eq!(
        groups,
        [
            (Some("b"), "tag-b", vec!["op-getx-1"]),
            (Some("a"), "tag-a", vec!["op-getx"]),
            (None, "tag-untagged", vec!["op-delete-xid"]),
        ]
    );
    assert_eq!(doc.operation_groups[0].description_html.as_deref(), Some("<p>The <em>b</em> tag</p>\n"));
    let get = &doc.operation_groups[1].operations[0];
    let parameters: Vec<(&str, &str)> =
        get.parameters.iter().map(|p| (p.name.as_str(), p.schema.as_ref().unwrap().type_label.as_str())).collect();
    assert_eq!(parameters, [("id", "string"), ("v", "integer"), ("filter", "object")]);
    // A cycle of response references is dropped, not followed forever.
    assert!(get.responses.is_empty());
}

fn error(text: &str) -> String {
    parse_api_definition(text).unwrap_err().to_string()
}

#[test]
fn broken_documents_give_positioned_errors() {
    let info = "info:\n  title: x\n  version: '1'\n";
    assert_eq!(error(&format!("openapi: 3.0.3\n{info}")), "line 1, column 1: `paths` is missing");
    assert_eq!(
        error(&format!("openapi: 4.0.0\n{info}paths: {{}}\n")),
        "line 1, column 10: unsupported OpenAPI version \"4.0.0\" (supported: 2.0, 3.0, 3.1)"
    );
    assert_eq!(
        error(&format!("openapi: 3.0.3\n{info}paths:\n  /a: 3\n")),
        "line 6, column 7: path \"/a\" must be a mapping of operations"
    );
    assert_eq!(error("openapi: 3.1.0\npaths: {}\n"), "line 1, column 1: `info` is missing");
    assert_eq!(
        error(&format!("openapi: 3.0.3\n{info}paths: [a]\n")),
        "line 5, column 1: `paths` must be a mapping of paths to operations"
    );
    assert_eq!(error("openapi: 3.1.0\ninfo:\n  title: A\n  title: B\n"), "line 4, column 3: duplicate key \"title\"");
    assert_eq!(
        error("- a\n- b\n"),
        "line 1, column 1: an API definition must be a mapping of fields, such as `openapi: 3.1.0`"
    );
    assert_eq!(error(&format!("asyncapi: 2.6.0\n{info}")), "line 1, column 1: `channels` is missing");
    assert_eq!(error("swagger: '1.2'\n"), "line 1, column 10: unsupported Swagger version \"1.2\" (supported: 2.0)");
    assert_eq!(
        error("title: x\n"),
        "line 1, column 1: not an OpenAPI or AsyncAPI document: it has no `openapi`, `swagger` or `asyncapi` field"
    );
    assert_eq!(error(""), "the definition is empty");
    assert_eq!(error("# only a comment\n"), "the definition is empty");
    assert_eq!(error("[1, 2]"), "an API definition must be a mapping of fields, such as `openapi: 3.1.0`");
    assert_eq!(
        error("{\"openapi\": \"3.0.0\", \"info\": {}, \"paths\": 1}"),
        "`paths` must be a mapping of paths to operations (at /paths)"
    );

    let syntax =
        parse_api_definition("openapi: 3.0.3\ninfo:\n  title: x\npaths:\n  /a:\n    get: [unclosed\n").unwrap_err();
    assert!(syntax.position.unwrap().line >= 6, "{syntax}");
    let json = parse_api_definition("{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\"title\": \"x\"} \"paths\": {}\n}")
        .unwrap_err();
    assert_eq!(json.position.unwrap().line, 3, "{json}");
    assert!(json.message.contains("expected `,` or `}`"), "{json}");
    let flow = parse_api_definition("{openapi: 3.0.0, info: {title: Flow, version: '1'}, paths: {}} # YAML, not JSON")
        .unwrap();
    assert_eq!(flow.title, "Flow");
    let several = parse_api_definition("openapi: 3.0.0\n---\nopenapi: 3.0.0\n").unwrap_err();
    assert!(several.message.contains("several YAML documents"), "{several}");

    let huge = format!("openapi: 3.0.0\ndescription: '{}'\n", "x".repeat(MAX_DEFINITION_BYTES));
    assert!(error(&huge).contains("the limit is"));
}

#[test]
fn openapi_3_1_paths_are_optional() {
    let doc = parse_api_definition(
        "openapi: 3.1.0\ninfo: {title: Shared, version: '1'}\ncomponents:\n  schemas:\n    A: {type: string}\n",
    )
    .unwrap();
    assert!(doc.operation_groups.is_empty());
    assert_eq!(doc.schemas[0].name, "A");
    assert_eq!(
        error("openapi: 3.1.0\ninfo: {title: x, version: '1'}\n"),
        "line 1, column 1: the document has none of `paths`, `webhooks` or `components`"
    );
}

/// Every node of a real document replaced by values of every other type:
/// never a panic, always a result.
#[test]
fn mangled_documents_never_panic() {
    let (_, text) = example_definitions().into_iter().find(|(n, _)| n == "payments-api").unwrap();
    let original = kiosque_descriptor::parse_documents(&text).unwrap().remove(0).value;
    let mut pointers = Vec::new();
    collect_pointers(&original, String::new(), &mut pointers);
    assert_eq!(pointers.len(), 477);
    for pointer in &pointers {
        for replacement in [json!(null), json!(1), json!("x"), json!([]), json!({}), json!({"$ref": "#"})] {
            let mut mangled = original.clone();
            *mangled.pointer_mut(pointer).unwrap() = replacement;
            if let Ok(doc) = parse_api_definition(&mangled.to_string()) {
                render_api(&doc, &EnglishLabels);
            }
        }
    }
    // Cut short at any point: a syntax error or a smaller document.
    for end in (0..text.len()).step_by(61).filter(|&end| text.is_char_boundary(end)) {
        if let Ok(doc) = parse_api_definition(&text[..end]) {
            render_api(&doc, &EnglishLabels);
        }
    }
}

fn collect_pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(child_pointer.clone());
                collect_pointers(child, child_pointer, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let child_pointer = format!("{pointer}/{i}");
                out.push(child_pointer.clone());
                collect_pointers(child, child_pointer, out);
            }
        }
        _ => {}
    }
}

/// The catalogue of message ids is exactly what the renderers ask for.
#[test]
fn message_ids_are_the_ones_asked_for() {
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    let asked = RefCell::new(BTreeSet::new());
    let labels = |id: &str| {
        asked.borrow_mut().insert(id.to_string());
        id.to_string()
    };
    for (_, text) in example_definitions() {
        render_api(&parse_api_definition(&text).unwrap(), &labels);
    }
    render_api_error(&DocsError { position: None, message: "x".into() }, &labels);
    render_toc(&[TocEntry { level: 2, text: "a".into(), id: "a".into() }], &labels);
    render_nav(&[], None, "/docs", &labels);
    let known: BTreeSet<String> = MESSAGE_IDS.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(*asked.borrow(), known);
    assert_eq!(EnglishLabels.get("api-request-body"), "Request body");
    assert_eq!(EnglishLabels.get("no-such-id"), "no-such-id");
}
