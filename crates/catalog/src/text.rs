//! Tokenisation for full-text search: lower-cased alphanumeric runs, with
//! accents folded for the common Latin letters so that "securite" finds
//! "Sécurité".

/// Splits text into lower-case tokens.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(fold)
}

/// Lower-cases and removes the accents of common Latin letters.
pub fn fold(token: &str) -> String {
    token
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_folded_runs() {
        let found: Vec<String> = tokens("Gestion électronique: KYC-API v2").collect();
        assert_eq!(found, ["gestion", "electronique", "kyc", "api", "v2"]);
    }
}
