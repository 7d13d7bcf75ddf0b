//! The words of the HTML this crate writes come from the caller, who looks
//! them up in its message catalogue for the reader's language.

/// Looks up the text of a message id (see [`MESSAGE_IDS`]). The result is
/// escaped by the renderer, so it is plain text, never HTML.
pub trait Labels {
    fn get(&self, id: &str) -> String;
}

impl<F: Fn(&str) -> String> Labels for F {
    fn get(&self, id: &str) -> String {
        self(id)
    }
}

/// Every message id the renderers ask for, with its English text. A
/// catalogue can be checked against this list for completeness.
pub const MESSAGE_IDS: &[(&str, &str)] = &[
    ("docs-on-this-page", "On this page"),
    ("docs-navigation", "Documentation"),
    ("api-servers", "Servers"),
    ("api-contact", "Contact"),
    ("api-license", "License"),
    ("api-operations", "Operations"),
    ("api-untagged", "Other operations"),
    ("api-deprecated", "Deprecated"),
    ("api-parameters", "Parameters"),
    ("api-column-name", "Name"),
    ("api-column-in", "In"),
    ("api-column-schema", "Schema"),
    ("api-column-description", "Description"),
    ("api-request-body", "Request body"),
    ("api-responses", "Responses"),
    ("api-required", "Required"),
    ("api-example", "Example"),
    ("api-enum", "Allowed values"),
    ("api-default", "Default"),
    ("api-schemas", "Schemas"),
    ("api-channels", "Channels"),
    ("api-messages", "Messages"),
    ("api-headers", "Headers"),
    ("api-payload", "Payload"),
    ("api-recursive", "Recursive reference"),
    ("api-truncated", "Not expanded further"),
    ("api-unresolved", "Unresolved reference"),
    ("api-error", "This API definition cannot be displayed"),
];

/// English texts, for tests and as a fallback; the portal passes its own
/// catalogue. An unknown id is returned as it is, so a missing message shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnglishLabels;

impl Labels for EnglishLabels {
    fn get(&self, id: &str) -> String {
        MESSAGE_IDS.iter().find(|(known, _)| *known == id).map_or(id, |(_, text)| text).to_string()
    }
}
