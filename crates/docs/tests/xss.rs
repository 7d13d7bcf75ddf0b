//! No field of a Markdown page or an API definition can put executable
//! markup on the portal's pages.

mod common;

use common::assert_safe_html;
use kiosque_docs::*;
use serde_json::json;

const PAYLOAD: &str = "\"><script>alert(1)</script><img src=x onerror=alert(1)>'";
/// Without `/`, for names that end up in `$ref` pointers.
const NAME_PAYLOAD: &str = "\"><img src=x onerror=alert(1)>'<svg onload=alert(1)>";

const MARKDOWN_ATTACKS: &[&str] = &[
    "<script>alert(1)</script>",
    "text <script>alert(1)</script> inline",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](java&#x09;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](\u{1}javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    "![x\"onerror=\"alert(1)](img.png)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](https://example.org \"title\\\" onmouseover=\\\"alert(1)\")",
    "[x](https://example.org\" onmouseover=\"alert(1))",
    "[x](\" onmouseover=\"alert(1))",
    "# \"><img src=x onerror=alert(1)>",
    "## <script>alert(1)</script> `code\"'<>`",
    "Setext <img src=x onerror=alert(1)>\n===",
    "```\"><script>alert(1)</script>\ncode\n```",
    "```js onload=alert(1)\ncode\n```",
    "| a <script> | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
    "text[^\"><script>]\n\n[^\"><script>]: note <img src=x onerror=alert(1)>",
    "- [x] <script>alert(1)</script>",
    "> [!NOTE]\n> <img src=x onerror=alert(1)>",
    "---\ntitle: <script>alert(1)</script>\n---\nbody",
    "<!-- --><script>alert(1)</script><!-- -->",
    "<br onmouseover=alert(1)>",
    "[x](../../../../etc/passwd)",
    "&lt;script&gt; &#60;script&#62; \\<script>",
];

fn render(markdown: &str) -> RenderedMarkdown {
    render_markdown(markdown, &PageContext { base_url: "/docs/default/component/x", page_path: "guide/page.md" })
}

#[test]
fn markdown_attacks_render_as_harmless_text() {
    for attack in MARKDOWN_ATTACKS {
        let page = render(attack);
        assert_safe_html(&page.html);
        assert_safe_html(&render_toc(&page.toc, &EnglishLabels));
    }
    // All at once too: one attack must not open a context for the next.
    let page = render(&MARKDOWN_ATTACKS.join("\n\n"));
    assert_safe_html(&page.html);
}

#[test]
fn raw_html_stays_visible_as_text() {
    let page = render("<script>alert(1)</script>");
    assert!(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", page.html);
    let page = render("# <b>Bold</b> \"title\"");
    assert_eq!(page.toc[0].text, "Bold \"title\"");
    assert!(page.html.contains("&lt;b&gt;Bold&lt;/b&gt; &quot;title&quot;"), "{}", page.html);
}

#[test]
fn hostile_labels_and_titles_are_escaped() {
    let hostile = |_: &str| PAYLOAD.to_string();
    let toc = [TocEntry { level: 2, text: PAYLOAD.into(), id: PAYLOAD.into() }];
    assert_safe_html(&render_toc(&toc, &hostile));
    let nav = [
        NavItem { title: PAYLOAD.into(), target: NavTarget::Page(format!("{PAYLOAD}.md")), children: vec![] },
        NavItem {
            title: PAYLOAD.into(),
            target: NavTarget::External(format!("https://x.org/{PAYLOAD}")),
            children: vec![],
        },
        NavItem { title: PAYLOAD.into(), target: NavTarget::Section, children: vec![] },
    ];
    assert_safe_html(&render_nav(&nav, None, "/docs/default/component/x", &hostile));
    let error = DocsError { position: None, message: PAYLOAD.into() };
    assert_safe_html(&render_api_error(&error, &hostile));
}

#[test]
fn mkdocs_nav_cannot_smuggle_script_urls() {
    let config =
        MkdocsConfig::parse("nav:\n  - Evil: javascript:alert(1)\n  - Data: data:text/html,x\n  - Ok: index.md\n")
            .unwrap();
    let site = DocsSite::build(["index.md"], Some(&config), |_| Some("# Home".into()));
    assert_eq!(site.nav().len(), 1);
    assert_safe_html(&render_nav(site.nav(), Some("index.md"), "/docs/default/component/x", &EnglishLabels));
}

fn render_definition(definition: &serde_json::Value) -> String {
    let doc = parse_api_definition(&definition.to_string()).expect("the definition is valid");
    let html = render_api(&doc, &EnglishLabels);
    assert_safe_html(&html);
    assert_safe_html(&render_api(&doc, &|_: &str| PAYLOAD.to_string()));
    html
}

#[test]
fn every_openapi_field_is_escaped() {
    let schema_ref = format!("#/components/schemas/{NAME_PAYLOAD}");
    let definition = json!({
        "openapi": "3.1.0",
        "info": {
            "title": PAYLOAD, "version": PAYLOAD, "summary": PAYLOAD,
            "description": format!("{PAYLOAD}\n\n[x](javascript:alert(1)) <script>alert(1)</script>"),
            "contact": {"name": PAYLOAD, "url": "javascript:alert(1)", "email": "a\"onmouseover=\"x@example.org"},
            "license": {"name": PAYLOAD, "url": "javascript:alert(1)"}
        },
        "servers": [{"url": format!("javascript:alert(1)//{PAYLOAD}"), "description": PAYLOAD}],
        "tags": [{"name": PAYLOAD, "description": PAYLOAD}],
        "paths": {
            format!("/x/{PAYLOAD}"): {
                "parameters": [{"name": PAYLOAD, "in": PAYLOAD, "description": PAYLOAD, "schema": {"type": PAYLOAD}}],
                "get": {
                    "tags": [PAYLOAD], "operationId": PAYLOAD, "summary": PAYLOAD, "description": PAYLOAD, "deprecated": true,
                    "parameters": [{"name": "q", "in": "query", "required": true, "schema": {
                        "type": "string", "enum": [PAYLOAD, 1, {"k": PAYLOAD}], "default": PAYLOAD, "example": PAYLOAD,
                        "format": PAYLOAD, "pattern": PAYLOAD, "maxLength": PAYLOAD
                    }}],
                    "requestBody": {"description": PAYLOAD, "content": {PAYLOAD: {
                        "schema": {"$ref": schema_ref}, "example": {PAYLOAD: PAYLOAD}
                    }}},
                    "responses": {
                        PAYLOAD: {"description": PAYLOAD, "content": {"application/json": {
                            "schema": {"type": "object", "required": [PAYLOAD], "properties": {PAYLOAD: {"type": "string", "description": PAYLOAD}}},
                            "examples": {PAYLOAD: {"value": PAYLOAD}}
                        }}},
                        "200": {"$ref": "javascript:alert(1)"}
                    }
                }
            }
        },
        "components": {"schemas": {NAME_PAYLOAD: {
            "type": "object", "description": PAYLOAD, "examples": [PAYLOAD],
            "properties": {PAYLOAD: {"$ref": schema_ref}, "u": {"$ref": format!("{PAYLOAD}#/x")}},
            "oneOf": [{"$ref": schema_ref}, {"type": PAYLOAD}]
        }}}
    });
    let html = render_definition(&definition);
    // The text is shown, escaped, not dropped.
    assert!(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&#39;"));
    assert!(!html.contains("javascript:alert(1)\""));
}

#[test]
fn every_swagger_field_is_escaped() {
    let definition = json!({
        "swagger": "2.0",
        "info": {"title": PAYLOAD, "version": "1"},
        "host": PAYLOAD, "basePath": PAYLOAD, "schemes": [PAYLOAD], "consumes": [PAYLOAD], "produces": [PAYLOAD],
        "paths": {"/a": {"post": {
            "parameters": [
                {"name": PAYLOAD, "in": "body", "description": PAYLOAD, "schema": {"$ref": format!("#/definitions/{NAME_PAYLOAD}")}},
                {"name": PAYLOAD, "in": "formData", "type": PAYLOAD, "enum": [PAYLOAD]}
            ],
            "responses": {"200": {"description": PAYLOAD, "schema": {"type": "string"}, "examples": {PAYLOAD: PAYLOAD}}}
        }}},
        "definitions": {NAME_PAYLOAD: {"type": "object", "properties": {"a": {"type": "string", "description": PAYLOAD}}}}
    });
    render_definition(&definition);
}

#[test]
fn every_asyncapi_field_is_escaped() {
    let message = json!({
        "name": PAYLOAD, "title": PAYLOAD, "summary": PAYLOAD, "description": PAYLOAD, "contentType": PAYLOAD,
        "headers": {"type": "object", "properties": {PAYLOAD: {"type": PAYLOAD}}},
        "payload": {"type": "object", "properties": {PAYLOAD: {"type": "string", "enum": [PAYLOAD]}}}
    });
    let v2 = json!({
        "asyncapi": "2.6.0",
        "info": {"title": PAYLOAD, "version": PAYLOAD, "description": PAYLOAD},
        "defaultContentType": PAYLOAD,
        "servers": {PAYLOAD: {"url": PAYLOAD, "protocol": PAYLOAD, "protocolVersion": PAYLOAD, "description": PAYLOAD}},
        "channels": {PAYLOAD: {
            "description": PAYLOAD,
            "parameters": {PAYLOAD: {"description": PAYLOAD, "schema": {"type": "string", "pattern": PAYLOAD}}},
            "publish": {"operationId": PAYLOAD, "summary": PAYLOAD, "description": PAYLOAD, "message": message.clone()},
            "subscribe": {"message": {"oneOf": [message.clone(), {"$ref": "#/components/messages/missing"}]}}
        }}
    });
    render_definition(&v2);
    let v3 = json!({
        "asyncapi": "3.0.0",
        "info": {"title": PAYLOAD, "version": PAYLOAD},
        "servers": {PAYLOAD: {"host": PAYLOAD, "pathname": PAYLOAD, "protocol": PAYLOAD}},
        "channels": {NAME_PAYLOAD: {
            "address": PAYLOAD, "description": PAYLOAD,
            "messages": {NAME_PAYLOAD: message},
            "parameters": {PAYLOAD: {"description": PAYLOAD, "enum": [PAYLOAD], "default": PAYLOAD}}
        }},
        "operations": {PAYLOAD: {
            "action": PAYLOAD, "summary": PAYLOAD, "description": PAYLOAD,
            "channel": {"$ref": format!("#/channels/{NAME_PAYLOAD}")},
            "messages": [{"$ref": format!("#/channels/{NAME_PAYLOAD}/messages/{NAME_PAYLOAD}")}]
        }}
    });
    let html = render_definition(&v3);
    assert!(html.contains("k-action-other"));
}

#[test]
fn errors_quoting_the_input_are_escaped() {
    let error = parse_api_definition(&format!("openapi: \"{PAYLOAD}\"\ninfo: {{}}\npaths: {{}}\n")).unwrap_err();
    assert_safe_html(&render_api_error(&error, &EnglishLabels));
    let error = parse_api_definition(&format!("{{\"openapi\": \"3.0.0\", {PAYLOAD}")).unwrap_err();
    assert_safe_html(&render_api_error(&error, &EnglishLabels));
}
#[test]
fn the_checker_catches_what_it_must() {
    let bad = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" onerror=\"alert(1)\">",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVa&#39;Script:x\">x</a>",
        "<a href=\"x\" title=\"a\" onmouseover=\"b\">x</a>",
        "<svg onload=alert(1)>",
        "<a href=\"data:text/html,x\">x</a>",
        "text > more",
    ];
    for html in bad {
        assert!(std::panic::catch_unwind(|| assert_safe_html(html)).is_err(), "{html} passed the checker");
    }
    assert_safe_html("<p class=\"k\">a &lt;script&gt; <a href=\"/docs/x#y\" rel=\"noopener\">b</a><br></p>");
}
