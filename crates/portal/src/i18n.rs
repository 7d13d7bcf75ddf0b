//! The portal's words, in English and French, from one Fluent message
//! catalogue per language (`locales/*.ftl`); numbers and dates formatted
//! the way each language writes them.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the portal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    Fr,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().split(['-', '_']).next() {
            Some("en") => Some(Locale::En),
            Some("fr") => Some(Locale::Fr),
            _ => None,
        }
    }

    /// The language to answer in: an explicit choice (cookie or query) when
    /// it names one we speak, else the browser's preferred one we speak
    /// (`Accept-Language`, by quality), else English.
    pub fn negotiate(chosen: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(locale) = chosen.and_then(Locale::parse) {
            return locale;
        }
        let mut best: Option<(f32, usize, Locale)> = None;
        for (position, item) in accept_language.unwrap_or("").split(',').enumerate() {
            let mut parts = item.split(';');
            let Some(locale) = parts.next().and_then(Locale::parse) else { continue };
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(q, p, _)| quality > q || (quality == q && position < p)) {
                best = Some((quality, position, locale));
            }
        }
        best.map_or(Locale::En, |(_, _, locale)| locale)
    }

    /// Formats a count with the language's digit grouping.
    pub fn number(self, n: usize) -> String {
        let digits = n.to_string();
        let separator = match self {
            Locale::En => ",",
            // French groups with a narrow no-break space.
            Locale::Fr => "\u{202f}",
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(separator);
            }
            out.push(c);
        }
        out
    }

    /// Formats a moment (seconds since 1970, UTC) as its date.
    pub fn date_of(self, seconds: i64) -> String {
        let (year, month, day) = civil_date(seconds.div_euclid(86_400));
        self.date(year, month, day)
    }

    /// Formats a calendar date (`2026-11-23`) as the language writes it.
    pub fn date(self, year: i32, month: u32, day: u32) -> String {
        const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        const FR: [&str; 12] =
            ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
        let m = month.clamp(1, 12) as usize - 1;
        match self {
            Locale::En => format!("{day} {} {year}", EN[m]),
            Locale::Fr if day == 1 => format!("1er {} {year}", FR[m]),
            Locale::Fr => format!("{day} {} {year}", FR[m]),
        }
    }
}

/// The proleptic Gregorian date of a day number (days since 1970-01-01),
/// counting in 400-year eras of 146,097 days.
fn civil_date(days: i64) -> (i32, u32, u32) {
    let shifted = days + 719_468; // days since 0000-03-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year as i32, month as u32, day as u32)
}

/// Both message catalogues, parsed once.
pub struct Messages {
    en: FluentBundle<FluentResource>,
    fr: FluentBundle<FluentResource>,
}

/// Marks a message missing from a catalogue, so tests can find it.
pub const MISSING: &str = "\u{27e6}";

fn bundle(locale: &str, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = locale.parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks around arguments would end up in attributes and URLs.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(source.to_string()).expect("the bundled message catalogue parses");
    bundle.add_resource(resource).expect("no message is defined twice");
    bundle
}

impl Default for Messages {
    fn default() -> Self {
        Messages {
            en: bundle("en", include_str!("../locales/en.ftl")),
            fr: bundle("fr", include_str!("../locales/fr.ftl")),
        }
    }
}

impl Messages {
    /// The message `id` in `locale`, with named arguments.
    pub fn format(&self, locale: Locale, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let bundle = match locale {
            Locale::En => &self.en,
            Locale::Fr => &self.fr,
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return format!("{MISSING}{id}\u{27e7}");
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if errors.is_empty() {
            text.into_owned()
        } else {
            format!("{MISSING}{id}\u{27e7}")
        }
    }

    /// Every message id of a catalogue, for the completeness test.
    #[cfg(test)]
    pub fn ids(locale: Locale) -> Vec<String> {
        let source = match locale {
            Locale::En => include_str!("../locales/en.ftl"),
            Locale::Fr => include_str!("../locales/fr.ftl"),
        };
        let resource = FluentResource::try_new(source.to_string()).expect("parses");
        let mut ids: Vec<String> = resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect();
        ids.sort();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_preference_picks_the_language_unless_one_was_chosen() {
        assert_eq!(Locale::negotiate(None, Some("fr-FR,fr;q=0.9,en;q=0.8")), Locale::Fr);
        assert_eq!(Locale::negotiate(None, Some("de-DE,en;q=0.5,fr;q=0.7")), Locale::Fr);
        assert_eq!(Locale::negotiate(None, Some("de, it")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("fr;q=0, en")), Locale::En);
        assert_eq!(Locale::negotiate(None, None), Locale::En);
        assert_eq!(Locale::negotiate(Some("en"), Some("fr")), Locale::En);
        assert_eq!(Locale::negotiate(Some("xx"), Some("fr-CA")), Locale::Fr);
    }

    #[test]
    fn numbers_and_dates_follow_each_language() {
        assert_eq!(Locale::En.number(100_000), "100,000");
        assert_eq!(Locale::Fr.number(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(Locale::En.number(999), "999");
        assert_eq!(Locale::En.date(2026, 11, 23), "23 Nov 2026");
        assert_eq!(Locale::Fr.date(2026, 2, 1), "1er févr. 2026");
        // 2026-01-01 is 365 × 56 + 14 = 20,454 days after 1970-01-01 (leap years
        // 1972 to 2024); 23 November is 304 + 22 = 326 days after 1 January.
        assert_eq!(civil_date(20_454 + 326), (2026, 11, 23));
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(-1), (1969, 12, 31));
        // 2024-02-29: 365 × 54 + 13 = 19,723 days to 2024-01-01, plus 31 + 28.
        assert_eq!(civil_date(19_723 + 59), (2024, 2, 29));
        assert_eq!(Locale::En.date_of(1_700_000_000), "14 Nov 2023");
    }

    #[test]
    fn the_docs_renderers_words_are_in_both_catalogues() {
        for locale in Locale::ALL {
            let ids = Messages::ids(locale);
            for (id, _) in kiosque_docs::MESSAGE_IDS {
                assert!(ids.iter().any(|i| i == id), "{id} missing in {}", locale.code());
            }
        }
    }

    #[test]
    fn both_catalogues_define_the_same_messages() {
        assert_eq!(Messages::ids(Locale::En), Messages::ids(Locale::Fr));
        let messages = Messages::default();
        assert_eq!(messages.format(Locale::Fr, "nav-catalog", &[]), "Catalogue");
        assert!(messages.format(Locale::En, "no-such-message", &[]).starts_with(MISSING));
    }
}
