//! Who is asking. Kiosque keeps no passwords: people sign in at the proxy in front of it
//! (oauth2-proxy, an ingress with OIDC, …), which passes who they are in a header, and a
//! person is the catalog User that header names (by e-mail, then by name). Their teams are
//! the groups they are a member of. For trials without a proxy, guest sign-in lets anyone
//! pick a catalog user; the choice is kept in a cookie signed with a key made at start-up.
//!
//! A header is only as trustworthy as the proxy that sets it: with `proxy` sign-in, Kiosque
//! must not be reachable except through that proxy.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{header, HeaderMap};
use hmac::{Hmac, KeyInit, Mac};
use kiosque_catalog::{Catalog, FilterSet};
use kiosque_model::RelationType;
use kiosque_portal::web::Person;
use sha2::Sha256;

/// The cookie that holds a guest's choice: `user-ref|signature`.
pub const GUEST_COOKIE: &str = "kiosque_guest";

/// How people sign in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SignIn {
    /// Nobody is known: pages that need a person say so.
    #[default]
    Off,
    /// Anyone picks a catalog user (trials and demos; never in production).
    Guest,
    /// A header set by the proxy in front names the person (e.g. `X-Forwarded-Email`).
    Proxy { header: String },
}

pub struct Identity {
    sign_in: SignIn,
    key: [u8; 32],
    /// User references by lower-cased e-mail, for one catalog generation.
    emails: Mutex<Option<(u64, HashMap<String, String>)>>,
}

impl Identity {
    pub fn new(sign_in: SignIn) -> Identity {
        let mut key = [0u8; 32];
        // Without randomness guest cookies could be forged: refuse guests rather than sign
        // with a known key.
        let sign_in = match getrandom::fill(&mut key) {
            Ok(()) => sign_in,
            Err(e) if sign_in == SignIn::Guest => {
                tracing::error!("guest sign-in is off: no randomness from the system ({e})");
                SignIn::Off
            }
            Err(_) => sign_in,
        };
        Identity { sign_in, key, emails: Mutex::new(None) }
    }

    pub fn sign_in(&self) -> &SignIn {
        &self.sign_in
    }

    /// The person a request comes from, if known and in the catalog.
    pub fn person(&self, catalog: &Catalog, headers: &HeaderMap) -> Option<Person> {
        let user_ref = match &self.sign_in {
            SignIn::Off => return None,
            SignIn::Guest => {
                let cookies: Vec<&str> =
                    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
                let value = kiosque_portal::web::cookie(&cookies, GUEST_COOKIE)?;
                let (user_ref, signature) = value.rsplit_once('|')?;
                let user_ref = user_ref.replace("%7C", "|");
                constant_time_eq(self.sign(&user_ref).as_bytes(), signature.as_bytes()).then_some(user_ref)?
            }
            SignIn::Proxy { header } => {
                let value = headers.get(header.as_str())?.to_str().ok()?.trim();
                self.user_named(catalog, value)?
            }
        };
        person_of(catalog, &user_ref)
    }

    /// The `Set-Cookie` value that signs a guest in as `user_ref` (for a browser session).
    pub fn guest_cookie(&self, user_ref: &str) -> String {
        format!(
            "{GUEST_COOKIE}={}|{}; Path=/; HttpOnly; SameSite=Lax",
            user_ref.replace('|', "%7C"),
            self.sign(user_ref)
        )
    }

    /// The `Set-Cookie` value that signs a guest out.
    pub fn sign_out_cookie() -> String {
        format!("{GUEST_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
    }

    fn sign(&self, user_ref: &str) -> String {
        // Any key length is valid for HMAC: this cannot fail.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else { return "!".into() };
        mac.update(user_ref.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The user a proxy's header names: by e-mail (any case), else by name.
    fn user_named(&self, catalog: &Catalog, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        if value.contains('@') {
            let mut emails = self.emails.lock().unwrap_or_else(|p| p.into_inner());
            if emails.as_ref().is_none_or(|(generation, _)| *generation != catalog.generation()) {
                *emails = Some((catalog.generation(), email_index(catalog)));
            }
            if let Some(found) = emails.as_ref().and_then(|(_, index)| index.get(&value.to_lowercase())) {
                return Some(found.clone());
            }
        }
        let user_ref = format!("user:default/{}", value.to_lowercase());
        catalog.by_ref_text(&user_ref).map(|view| view.entity_ref.to_string())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Every catalog user's e-mail, lower-cased.
fn email_index(catalog: &Catalog) -> HashMap<String, String> {
    let Ok(users) = FilterSet::parse("kind=user") else { return HashMap::new() };
    catalog
        .filter(&[users])
        .into_iter()
        .filter_map(|id| {
            let view = catalog.get(id)?;
            let body = view.body_value();
            let email = body.pointer("/spec/profile/email")?.as_str()?.to_lowercase();
            Some((email, view.entity_ref.to_string()))
        })
        .collect()
}

/// Group types that are teams, as opposed to guilds, departments or organisations.
const TEAM_TYPES: [&str; 5] = ["stream-aligned", "platform", "enabling", "complicated-subsystem", "team"];

/// The person a catalog user is, with the teams they are a member of (teams first).
pub fn person_of(catalog: &Catalog, user_ref: &str) -> Option<Person> {
    let view = catalog.by_ref_text(user_ref)?;
    if !view.kind().eq_ignore_ascii_case("user") {
        return None;
    }
    let body = view.body_value();
    let text = |pointer: &str| body.pointer(pointer).and_then(|v| v.as_str()).filter(|s| !s.trim().is_empty());
    let display_name = text("/spec/profile/displayName")
        .or_else(|| text("/metadata/title"))
        .or_else(|| text("/metadata/name"))
        .unwrap_or(view.entity_ref)
        .to_string();
    let mut teams: Vec<String> =
        view.relations().filter(|r| r.kind == RelationType::MemberOf).map(|r| r.target.to_string()).collect();
    // Teams first (a Team Topologies type, or `team`), then other groups (guilds,
    // departments), each by name: a person's first team is the one they work in.
    let is_team = |group: &str| {
        catalog.by_ref_text(group).is_some_and(|g| {
            let body = g.body_value();
            let kind = body.pointer("/spec/type").and_then(|t| t.as_str()).unwrap_or("");
            TEAM_TYPES.contains(&kind)
        })
    };
    teams.sort_by_cached_key(|group| (!is_team(group), group.clone()));
    teams.dedup();
    Some(Person { user_ref: view.entity_ref.to_string(), display_name, teams })
}

/// Whether a form was posted from the portal's own pages: browsers say where a request comes
/// from (`Sec-Fetch-Site`, else `Origin`); a request that says neither is not from a browser.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), headers.get(header::HOST)) {
        (Some(origin), Some(host)) => {
            let host = host.to_str().unwrap_or("");
            origin.split_once("://").is_some_and(|(_, authority)| authority == host)
        }
        (Some(_), None) => false,
        (None, _) => true,
    }
}
