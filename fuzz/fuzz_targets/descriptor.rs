//! Any bytes given as a descriptor file: parsing, validation and relation
//! derivation must return diagnostics, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kiosque_ingest::parse_descriptor_text(data, "fuzz.yaml");
});
