//! What every page of the portal shares on the wire, whichever capability
//! serves it: the cookies that hold the reader's choices, how a request's
//! language and theme are read, and the response a page goes out as.

use crate::{Context, Locale};

pub const LANGUAGE_COOKIE: &str = "kiosque_lang";
pub const THEME_COOKIE: &str = "kiosque_theme";
pub const NEWS_COOKIE: &str = "kiosque_news_read";

/// Headers of every page: no script, style or frame from anywhere but the
/// site, no sniffing, no referrer outside it, never cached (the catalog and
/// the events move).
pub const PAGE_HEADERS: [(&str, &str); 5] = [
    ("content-type", "text/html; charset=utf-8"),
    ("cache-control", "no-cache"),
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
];

/// A page's body as sent: gzip-compressed when the browser accepts it and
/// the page is worth it, with the `Content-Encoding` to announce.
pub fn encode_body(body: String, accept_encoding: Option<&str>) -> (Vec<u8>, Option<&'static str>) {
    let gzip = accept_encoding.is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    if !gzip || body.len() <= 1024 {
        return (body.into_bytes(), None);
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::fast());
    match std::io::Write::write_all(&mut encoder, body.as_bytes()).and_then(|()| encoder.finish()) {
        Ok(compressed) => (compressed, Some("gzip")),
        Err(_) => (body.into_bytes(), None),
    }
}

/// A page as sent, whichever capability serves it: compressed when the request accepts
/// it, with the security headers, its language, never cached, varying on what chose it.
/// Adapters turn it into their own response type (`response.map(Body::from)`).
pub fn page_response(
    status: http::StatusCode,
    request_headers: &http::HeaderMap,
    locale: Locale,
    body: String,
) -> http::Response<Vec<u8>> {
    use http::header::{self, HeaderName, HeaderValue};
    let accepted = request_headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
    let (body, encoding) = encode_body(body, accepted);
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    for (name, value) in PAGE_HEADERS {
        h.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.code()));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Accept-Language, Cookie"));
    if let Some(encoding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// A cookie's value among the `Cookie` headers of a request.
pub fn cookie<'h>(cookie_headers: &[&'h str], name: &str) -> Option<&'h str> {
    cookie_headers.iter().flat_map(|h| h.split(';')).find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

/// A signed-in person: a catalog user and the teams (groups) they are a member of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user_ref: String,
    pub display_name: String,
    pub teams: Vec<String>,
}

/// What a request tells a page.
pub struct Request<'a> {
    /// Path and query, to come back to after a switch.
    pub path: &'a str,
    /// The `lang` query parameter, when given.
    pub lang: Option<&'a str>,
    pub cookie_headers: &'a [&'a str],
    pub accept_language: Option<&'a str>,
}

impl Context {
    /// The context of a request: the language chosen (query, then cookie),
    /// else the browser's, the theme chosen, the last announcement read.
    pub fn of_request(request: &Request<'_>, query: Option<String>, generation: u64) -> Context {
        let cookies = request.cookie_headers;
        Context {
            locale: Locale::negotiate(request.lang.or(cookie(cookies, LANGUAGE_COOKIE)), request.accept_language),
            path: request.path.to_string(),
            theme: cookie(cookies, THEME_COOKIE).map(str::to_string),
            query,
            generation,
            news_read: cookie(cookies, NEWS_COOKIE).map(str::to_string),
        }
    }
}

impl Context {
    /// The context of an HTTP request: its path and query (`uri`), the `lang` query
    /// parameter when given, its cookies and `Accept-Language`.
    pub fn of_http(uri: &http::Uri, lang: Option<&str>, headers: &http::HeaderMap, generation: u64) -> Context {
        let cookies: Vec<&str> = headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
        let request = Request {
            path: uri.path_and_query().map_or("/", |p| p.as_str()),
            lang,
            cookie_headers: &cookies,
            accept_language: headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
        };
        Context::of_request(&request, None, generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_come_from_the_query_then_cookies_then_the_browser() {
        let cookies = ["a=1; kiosque_lang=fr", "kiosque_theme=dark"];
        let request = Request { path: "/x?y", lang: None, cookie_headers: &cookies, accept_language: Some("en") };
        let cx = Context::of_request(&request, None, 3);
        assert_eq!((cx.locale, cx.theme.as_deref(), cx.path.as_str()), (Locale::Fr, Some("dark"), "/x?y"));
        let request = Request { lang: Some("en"), ..request };
        assert_eq!(Context::of_request(&request, None, 3).locale, Locale::En);
        let request = Request { path: "/", lang: None, cookie_headers: &[], accept_language: Some("fr-CA") };
        assert_eq!(Context::of_request(&request, None, 0).locale, Locale::Fr);
        assert_eq!(cookie(&["kiosque_langx=fr"], LANGUAGE_COOKIE), None);
    }

    #[test]
    fn pages_are_compressed_only_when_accepted_and_worth_it() {
        let page = "<p>kiosque</p>".repeat(200);
        let (sent, encoding) = encode_body(page.clone(), Some("br, gzip;q=0.9"));
        assert_eq!(encoding, Some("gzip"));
        let mut back = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(sent.as_slice()), &mut back).unwrap();
        assert_eq!(back, page);
        assert_eq!(encode_body(page.clone(), Some("br")), (page.clone().into_bytes(), None));
        assert_eq!(encode_body("<p>small</p>".into(), Some("gzip")).1, None);
    }
}
