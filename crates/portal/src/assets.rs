//! The stylesheet and script, embedded in the binary. Their URLs carry a
//! hash of their content, so they can be cached for a year: a new version
//! has a new URL. Nothing is fetched from anywhere else (air-gapped sites).

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

pub const STYLESHEET: Asset =
    Asset { name: "portal.css", content_type: "text/css; charset=utf-8", body: include_str!("../assets/portal.css") };

/// The graphs' styles, from the layout crate (themed by the custom
/// properties the portal stylesheet sets).
pub const GRAPH_STYLESHEET: Asset =
    Asset { name: "graph.css", content_type: "text/css; charset=utf-8", body: kiosque_layout::STYLE };

pub const SCRIPT: Asset = Asset {
    name: "portal.js",
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("../assets/portal.js"),
};

impl Asset {
    /// `/assets/{name}?v={hash of the content}`.
    pub fn url(&self) -> String {
        format!("/assets/{}?v={:08x}", self.name, fnv(self.body.as_bytes()) as u32)
    }
}

/// The asset served at `/assets/{name}`.
pub fn asset(name: &str) -> Option<&'static Asset> {
    [&STYLESHEET, &GRAPH_STYLESHEET, &SCRIPT].into_iter().find(|a| a.name == name)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| (h ^ *b as u64).wrapping_mul(0x100000001b3))
}
