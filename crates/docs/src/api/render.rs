//! View model → HTML fragment. Every text and attribute value goes through
//! `escape`; `_html` fields were made safe when they were rendered.

use super::model::*;
use crate::error::DocsError;
use crate::html::{encode_url_into, escape, escape_into};
use crate::labels::Labels;

/// The labels, looked up and escaped once per page rather than once per use.
struct Words {
    servers: String,
    contact: String,
    license: String,
    untagged: String,
    deprecated: String,
    parameters: String,
    column_name: String,
    column_in: String,
    column_schema: String,
    column_description: String,
    request_body: String,
    responses: String,
    required: String,
    example: String,
    allowed: String,
    default: String,
    schemas: String,
    channels: String,
    operations: String,
    messages: String,
    headers: String,
    payload: String,
    recursive: String,
    truncated: String,
    unresolved: String,
}

impl Words {
    fn new(labels: &dyn Labels) -> Self {
        let get = |id: &str| escape(&labels.get(id));
        Words {
            servers: get("api-servers"),
            contact: get("api-contact"),
            license: get("api-license"),
            untagged: get("api-untagged"),
            deprecated: get("api-deprecated"),
            parameters: get("api-parameters"),
            column_name: get("api-column-name"),
            column_in: get("api-column-in"),
            column_schema: get("api-column-schema"),
            column_description: get("api-column-description"),
            request_body: get("api-request-body"),
            responses: get("api-responses"),
            required: get("api-required"),
            example: get("api-example"),
            allowed: get("api-enum"),
            default: get("api-default"),
            schemas: get("api-schemas"),
            channels: get("api-channels"),
            operations: get("api-operations"),
            messages: get("api-messages"),
            headers: get("api-headers"),
            payload: get("api-payload"),
            recursive: get("api-recursive"),
            truncated: get("api-truncated"),
            unresolved: get("api-unresolved"),
        }
    }
}

/// The whole definition as one HTML fragment (`<div class="k-api">`), with
/// `h2` sections: info, servers, one per tag or channels, schemas.
pub fn render_api(doc: &ApiDocument, labels: &dyn Labels) -> String {
    let w = Words::new(labels);
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<div class=\"k-api\">\n");
    info(&mut out, doc, &w);
    servers(&mut out, &doc.servers, &w);
    for group in &doc.operation_groups {
        operation_group(&mut out, group, &w);
    }
    if !doc.channels.is_empty() {
        out.push_str(&format!("<section class=\"k-api-channels\">\n<h2>{}</h2>\n", w.channels));
        for channel in &doc.channels {
            self::channel(&mut out, channel, &w);
        }
        out.push_str("</section>\n");
    }
    if !doc.schemas.is_empty() {
        out.push_str(&format!("<section class=\"k-api-schemas\">\n<h2>{}</h2>\n", w.schemas));
        for named in &doc.schemas {
            out.push_str("<section class=\"k-api-schema\" id=\"");
            escape_into(&mut out, &named.id);
            out.push_str("\">\n<h3><code>");
            escape_into(&mut out, &named.name);
            out.push_str("</code></h3>\n");
            schema_tree(&mut out, &named.schema, &w);
            out.push_str("</section>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</div>\n");
    out
}

/// What the page shows instead of a definition that cannot be read.
pub fn render_api_error(error: &DocsError, labels: &dyn Labels) -> String {
    format!(
        "<div class=\"k-api-error\" role=\"alert\"><p class=\"k-api-error-title\">{}</p><pre class=\"k-api-error-message\">{}</pre></div>\n",
        escape(&labels.get("api-error")),
        escape(&error.to_string())
    )
}

fn info(out: &mut String, doc: &ApiDocument, w: &Words) {
    out.push_str("<section class=\"k-api-info\">\n<h2 class=\"k-api-title\">");
    escape_into(out, &doc.title);
    if !doc.version.is_empty() {
        out.push_str(" <span class=\"k-api-version\">");
        escape_into(out, &doc.version);
        out.push_str("</span>");
    }
    out.push_str("</h2>\n<p class=\"k-api-spec\">");
    escape_into(out, &doc.spec);
    out.push_str("</p>\n");
    if let Some(summary) = &doc.summary {
        paragraph(out, "k-api-summary", summary);
    }
    description(out, doc.description_html.as_deref());
    if doc.contact.is_some() || doc.license.is_some() {
        out.push_str("<dl class=\"k-api-meta\">\n");
        if let Some(contact) = &doc.contact {
            out.push_str(&format!("<dt>{}</dt><dd>", w.contact));
            let mut parts = Vec::new();
            if let Some(name) = &contact.name {
                parts.push(escape(name));
            }
            if let Some(url) = &contact.url {
                parts.push(external_link(url, url));
            }
            if let Some(email) = &contact.email {
                let mut href = String::from("mailto:");
                encode_url_into(&mut href, email);
                parts.push(format!("<a href=\"{}\">{}</a>", escape(&href), escape(email)));
            }
            out.push_str(&parts.join(" · "));
            out.push_str("</dd>\n");
        }
        if let Some(license) = &doc.license {
            out.push_str(&format!("<dt>{}</dt><dd>", w.license));
            match &license.url {
                Some(url) => out.push_str(&external_link(url, &license.text)),
                None => escape_into(out, &license.text),
            }
            out.push_str("</dd>\n");
        }
        out.push_str("</dl>\n");
    }
    out.push_str("</section>\n");
}

fn servers(out: &mut String, servers: &[Server], w: &Words) {
    if servers.is_empty() {
        return;
    }
    out.push_str(&format!("<section class=\"k-api-servers\">\n<h2>{}</h2>\n<ul>\n", w.servers));
    for server in servers {
        out.push_str("<li>");
        if let Some(name) = &server.name {
            out.push_str("<span class=\"k-api-server-name\">");
            escape_into(out, name);
            out.push_str("</span> ");
        }
        // Shown as text: a server URL is a template, and following it is not the page's business.
        out.push_str("<code class=\"k-api-server-url\">");
        escape_into(out, &server.url);
        out.push_str("</code>");
        if let Some(protocol) = &server.protocol {
            out.push_str(" <span class=\"k-api-protocol\">");
            escape_into(out, protocol);
            out.push_str("</span>");
        }
        description(out, server.description_html.as_deref());
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n");
}

fn operation_group(out: &mut String, group: &OperationGroup, w: &Words) {
    out.push_str("<section class=\"k-api-group\" id=\"");
    escape_into(out, &group.id);
    out.push_str("\">\n<h2>");
    match &group.tag {
        Some(tag) => escape_into(out, tag),
        None => out.push_str(&w.untagged),
    }
    out.push_str("</h2>\n");
    description(out, group.description_html.as_deref());
    for operation in &group.operations {
        self::operation(out, operation, w);
    }
    out.push_str("</section>\n");
}

fn operation(out: &mut String, op: &Operation, w: &Words) {
    let method_class = op.method.to_ascii_lowercase();
    let method_class =
        if super::openapi::METHODS.contains(&method_class.as_str()) { method_class } else { "other".to_string() };
    out.push_str(&format!("<section class=\"k-api-operation k-method-{method_class}\" id=\""));
    escape_into(out, &op.id);
    out.push_str("\">\n<h3><span class=\"k-api-method\">");
    escape_into(out, &op.method);
    out.push_str("</span> <code class=\"k-api-path\">");
    escape_into(out, &op.path);
    out.push_str("</code></h3>\n");
    if op.summary.is_some() || op.operation_id.is_some() {
        out.push_str("<p class=\"k-api-operation-summary\">");
        if let Some(summary) = &op.summary {
            escape_into(out, summary);
        }
        if let Some(id) = &op.operation_id {
            out.push_str(" <code class=\"k-api-operation-id\">");
            escape_into(out, id);
            out.push_str("</code>");
        }
        out.push_str("</p>\n");
    }
    if op.deprecated {
        out.push_str(&format!("<p class=\"k-api-deprecated\">{}</p>\n", w.deprecated));
    }
    description(out, op.description_html.as_deref());
    if !op.parameters.is_empty() {
        out.push_str(&format!("<h4>{}</h4>\n", w.parameters));
        parameters_table(out, &op.parameters, true, w);
    }
    if let Some(body) = &op.request_body {
        out.push_str(&format!("<h4>{}</h4>\n", w.request_body));
        if body.required {
            out.push_str(&format!("<p class=\"k-api-required\">{}</p>\n", w.required));
        }
        description(out, body.description_html.as_deref());
        for media in &body.content {
            media_type(out, media, w);
        }
    }
    if !op.responses.is_empty() {
        out.push_str(&format!("<h4>{}</h4>\n", w.responses));
        for response in &op.responses {
            let class = match response.status.as_bytes().first() {
                Some(digit @ b'1'..=b'5') => format!("k-status-{}xx", *digit as char),
                _ => "k-status-default".to_string(),
            };
            out.push_str(&format!("<section class=\"k-api-response {class}\">\n<h5><code class=\"k-api-status\">"));
            escape_into(out, &response.status);
            out.push_str("</code></h5>\n");
            description(out, response.description_html.as_deref());
            for media in &response.content {
                media_type(out, media, w);
            }
            out.push_str("</section>\n");
        }
    }
    out.push_str("</section>\n");
}

fn parameters_table(out: &mut String, parameters: &[Parameter], with_location: bool, w: &Words) {
    out.push_str("<table class=\"k-api-parameters\">\n<thead><tr>");
    out.push_str(&format!("<th scope=\"col\">{}</th>", w.column_name));
    if with_location {
        out.push_str(&format!("<th scope=\"col\">{}</th>", w.column_in));
    }
    out.push_str(&format!(
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        w.column_schema, w.column_description
    ));
    for parameter in parameters {
        out.push_str("<tr><th scope=\"row\"><code>");
        escape_into(out, &parameter.name);
        out.push_str("</code>");
        if parameter.required {
            out.push_str(&format!(" <span class=\"k-api-required\">{}</span>", w.required));
        }
        if parameter.deprecated {
            out.push_str(&format!(" <span class=\"k-api-deprecated\">{}</span>", w.deprecated));
        }
        out.push_str("</th>");
        if with_location {
            out.push_str("<td>");
            escape_into(out, &parameter.location);
            out.push_str("</td>");
        }
        out.push_str("<td>");
        if let Some(schema) = &parameter.schema {
            schema_tree(out, schema, w);
        }
        out.push_str("</td><td>");
        if let Some(html) = &parameter.description_html {
            out.push_str(html);
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn media_type(out: &mut String, media: &MediaType, w: &Words) {
    out.push_str("<div class=\"k-api-media\">\n<p class=\"k-api-content-type\"><code>");
    escape_into(out, &media.content_type);
    out.push_str("</code></p>\n");
    if let Some(schema) = &media.schema {
        schema_tree(out, schema, w);
    }
    if let Some(example) = &media.example {
        example_block(out, example, w);
    }
    out.push_str("</div>\n");
}

fn example_block(out: &mut String, example: &str, w: &Words) {
    // <details> folds the example away without any script.
    out.push_str(&format!(
        "<details class=\"k-api-example\"><summary>{}</summary><pre tabindex=\"0\"><code>",
        w.example
    ));
    escape_into(out, example);
    out.push_str("</code></pre></details>\n");
}

fn channel(out: &mut String, channel: &Channel, w: &Words) {
    out.push_str("<section class=\"k-api-channel\" id=\"");
    escape_into(out, &channel.id);
    out.push_str("\">\n<h3><code>");
    escape_into(out, &channel.name);
    out.push_str("</code></h3>\n");
    if let Some(address) = &channel.address {
        out.push_str("<p class=\"k-api-address\"><code>");
        escape_into(out, address);
        out.push_str("</code></p>\n");
    }
    description(out, channel.description_html.as_deref());
    if !channel.parameters.is_empty() {
        out.push_str(&format!("<h4>{}</h4>\n", w.parameters));
        parameters_table(out, &channel.parameters, false, w);
    }
    if !channel.operations.is_empty() {
        out.push_str(&format!("<h4>{}</h4>\n", w.operations));
        for op in &channel.operations {
            let action_class = match op.action.as_str() {
                "publish" | "subscribe" | "send" | "receive" => op.action.as_str(),
                _ => "other",
            };
            out.push_str(&format!(
                "<div class=\"k-api-channel-operation k-action-{action_class}\">\n<p><span class=\"k-api-action\">"
            ));
            escape_into(out, &op.action);
            out.push_str("</span>");
            if let Some(id) = &op.operation_id {
                out.push_str(" <code class=\"k-api-operation-id\">");
                escape_into(out, id);
                out.push_str("</code>");
            }
            if let Some(summary) = &op.summary {
                out.push_str(" <span class=\"k-api-operation-summary\">");
                escape_into(out, summary);
                out.push_str("</span>");
            }
            out.push_str("</p>\n");
            description(out, op.description_html.as_deref());
            for message in &op.messages {
                self::message(out, message, w);
            }
            out.push_str("</div>\n");
        }
    }
    if !channel.messages.is_empty() {
        out.push_str(&format!("<h4>{}</h4>\n", w.messages));
        for message in &channel.messages {
            self::message(out, message, w);
        }
    }
    out.push_str("</section>\n");
}

fn message(out: &mut String, message: &Message, w: &Words) {
    out.push_str("<section class=\"k-api-message\">\n<h5><code>");
    escape_into(out, &message.name);
    out.push_str("</code>");
    if let Some(title) = &message.title {
        out.push_str(" <span class=\"k-api-message-title\">");
        escape_into(out, title);
        out.push_str("</span>");
    }
    out.push_str("</h5>\n");
    if let Some(summary) = &message.summary {
        paragraph(out, "k-api-summary", summary);
    }
    description(out, message.description_html.as_deref());
    if let Some(content_type) = &message.content_type {
        out.push_str("<p class=\"k-api-content-type\"><code>");
        escape_into(out, content_type);
        out.push_str("</code></p>\n");
    }
    for (label, schema) in [(&w.headers, &message.headers), (&w.payload, &message.payload)] {
        if let Some(schema) = schema {
            out.push_str(&format!("<p class=\"k-api-message-part\">{label}</p>\n"));
            schema_tree(out, schema, w);
        }
    }
    out.push_str("</section>\n");
}

/// A schema as nested lists; the top node's facts come first, outside any list.
fn schema_tree(out: &mut String, node: &SchemaNode, w: &Words) {
    out.push_str("<div class=\"k-schema\">");
    if let Some(name) = &node.schema_name {
        out.push_str("<span class=\"k-schema-title\">");
        escape_into(out, name);
        out.push_str("</span> ");
    }
    node_facts(out, node, w);
    node_children(out, node, w);
    out.push_str("</div>\n");
}

fn node_children(out: &mut String, node: &SchemaNode, w: &Words) {
    if !node.properties.is_empty() {
        out.push_str("<ul class=\"k-schema-properties\">\n");
        for child in &node.properties {
            out.push_str("<li>");
            if let Some(name) = &child.name {
                out.push_str("<code class=\"k-schema-name\">");
                escape_into(out, name);
                out.push_str("</code> ");
            }
            node_facts(out, child, w);
            node_children(out, child, w);
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    if let Some(kind) = &node.variant_kind {
        out.push_str("<p class=\"k-schema-variant-kind\"><code>");
        escape_into(out, kind);
        out.push_str("</code></p>\n<ul class=\"k-schema-variants\">\n");
        for variant in &node.variants {
            out.push_str("<li>");
            node_facts(out, variant, w);
            node_children(out, variant, w);
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
}

fn node_facts(out: &mut String, node: &SchemaNode, w: &Words) {
    if !node.type_label.is_empty() {
        match &node.link {
            Some(anchor) => {
                out.push_str("<a class=\"k-schema-type k-schema-link\" href=\"#");
                let mut fragment = String::new();
                encode_url_into(&mut fragment, anchor);
                escape_into(out, &fragment);
                out.push_str("\">");
                escape_into(out, &node.type_label);
                out.push_str("</a>");
            }
            None => {
                out.push_str("<span class=\"k-schema-type\">");
                escape_into(out, &node.type_label);
                out.push_str("</span>");
            }
        }
    }
    if let Some(format) = &node.format {
        out.push_str(" <span class=\"k-schema-format\">");
        escape_into(out, format);
        out.push_str("</span>");
    }
    if node.required {
        out.push_str(&format!(" <span class=\"k-schema-required\">{}</span>", w.required));
    }
    if node.deprecated {
        out.push_str(&format!(" <span class=\"k-schema-deprecated\">{}</span>", w.deprecated));
    }
    match &node.note {
        None => {}
        Some(SchemaNote::Recursive) => out.push_str(&format!(" <span class=\"k-schema-note\">{}</span>", w.recursive)),
        Some(SchemaNote::Truncated) => out.push_str(&format!(" <span class=\"k-schema-note\">{}</span>", w.truncated)),
        Some(SchemaNote::Unresolved(reference)) => {
            out.push_str(&format!(" <span class=\"k-schema-note\">{} <code>", w.unresolved));
            escape_into(out, reference);
            out.push_str("</code></span>");
        }
    }
    out.push('\n');
    if let Some(html) = &node.description_html {
        out.push_str("<div class=\"k-schema-description\">");
        out.push_str(html);
        out.push_str("</div>\n");
    }
    if !node.enum_values.is_empty() {
        out.push_str(&format!("<p class=\"k-schema-enum\">{} ", w.allowed));
        for (i, value) in node.enum_values.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("<code>");
            escape_into(out, value);
            out.push_str("</code>");
        }
        if node.enum_more > 0 {
            out.push_str(&format!(" … +{}", node.enum_more));
        }
        out.push_str("</p>\n");
    }
    for (class, label, value) in
        [("k-schema-default", &w.default, &node.default), ("k-schema-example", &w.example, &node.example)]
    {
        if let Some(value) = value {
            out.push_str(&format!("<p class=\"{class}\">{label} <code>"));
            escape_into(out, value);
            out.push_str("</code></p>\n");
        }
    }
    if !node.constraints.is_empty() {
        out.push_str("<p class=\"k-schema-constraints\">");
        for (i, constraint) in node.constraints.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str("<code>");
            escape_into(out, constraint);
            out.push_str("</code>");
        }
        out.push_str("</p>\n");
    }
}

fn description(out: &mut String, html: Option<&str>) {
    if let Some(html) = html {
        out.push_str("<div class=\"k-api-description\">");
        out.push_str(html);
        out.push_str("</div>\n");
    }
}

fn paragraph(out: &mut String, class: &str, text: &str) {
    out.push_str(&format!("<p class=\"{class}\">"));
    escape_into(out, text);
    out.push_str("</p>\n");
}

fn external_link(url: &str, text: &str) -> String {
    let mut href = String::new();
    encode_url_into(&mut href, url.trim());
    format!("<a href=\"{}\" class=\"k-external\" rel=\"noopener\">{}</a>", escape(&href), escape(text))
}
