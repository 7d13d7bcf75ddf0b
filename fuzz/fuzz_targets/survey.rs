//! Any text as a survey file, and any form against the surveys it defines: problems must
//! come back as file:line:col errors or answer errors, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (definition, form) = text.split_once("\n%%\n").unwrap_or((&text, "ease=3&improve=x"));
    let Ok(surveys) = kiosque_survey::parse_surveys(definition, "fuzz.yaml") else { return };
    let fields: Vec<(&str, &str)> = form.split('&').map(|p| p.split_once('=').unwrap_or((p, ""))).collect();
    for survey in &surveys {
        let _ = kiosque_survey::read_response(survey, fields.iter().copied());
    }
});
