//! Mutated descriptor files never make the parser panic: a bounded,
//! deterministic cousin of the fuzz target in `fuzz/`, run with every test.

use kiosque_ingest::parse_descriptor_text;

const SEEDS: [&str; 3] = [
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n  tags: [java, pci-dss]\n  annotations:\n    github.com/project-slug: org/web\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  dependsOn: [resource:db, 'component:x']\n  providesApis:\n    - web-api\n",
    "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\nspec:\n  type: platform\n  children: []\n  interactions:\n    - {with: b, mode: x-as-a-service, role: provider}\n---\nkind: Location\nmetadata: {name: l}\nspec: {targets: [./a.yaml, '*.yaml']}\n",
    "anchors: &a {x: [1, 2, &b {y: \"q\"}]}\nuse: *a\nlist: [*b, *b]\n? complex\n: 'value'\n...\n--- |\n  text\n",
];

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b":",
    b"-",
    b"[",
    b"]",
    b"{",
    b"}",
    b"&",
    b"*",
    b"!",
    b"!!str ",
    b"'",
    b"\"",
    b"\n",
    b"  ",
    b"---\n",
    b"? ",
    b"|",
    b">",
    b"#",
    b"\t",
    b"\xff",
    b"\xc3",
    b"%YAML 1.2\n",
    b"<<: *a\n",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let at = if input.is_empty() { 0 } else { rng.below(input.len()) };
        match rng.below(4) {
            0 if !input.is_empty() => {
                input.remove(at);
            }
            1 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                input.splice(at..at, piece.iter().copied());
            }
            2 if !input.is_empty() => input[at] = rng.next() as u8,
            _ => {
                // Duplicate a slice: grows nesting and repetition.
                let end = (at + rng.below(32)).min(input.len());
                let copy: Vec<u8> = input[at..end].to_vec();
                input.splice(at..at, copy);
            }
        }
    }
}

#[test]
fn mutated_descriptors_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut total_diagnostics = 0usize;
    for round in 0..6_000 {
        let mut input = SEEDS[round % SEEDS.len()].as_bytes().to_vec();
        mutate(&mut rng, &mut input);
        let (entities, diagnostics) = parse_descriptor_text(&input, "mutated.yaml");
        total_diagnostics += diagnostics.len();
        for d in &diagnostics {
            assert!(d.line >= 1 && d.col >= 1, "positions are 1-based: {d}");
            assert_eq!(d.file, "mutated.yaml");
        }
        for e in &entities {
            assert!(!e.entity_ref.is_empty());
        }
    }
    // Mutations must actually produce broken input, or the test proves nothing.
    assert!(total_diagnostics > 1_000, "only {total_diagnostics} diagnostics");
}

#[test]
fn pathological_inputs_are_refused_cleanly() {
    let deep_flow = "[".repeat(100_000);
    let deep_block: String = (0..300).map(|d| format!("{}k:\n", " ".repeat(d * 2))).collect();
    let long_line = format!("name: {}\n", "x".repeat(5_000_000));
    for input in [deep_flow.as_str(), deep_block.as_str(), long_line.as_str(), "\0\0\0", "- - - - -", "a: *unknown"] {
        let (entities, diagnostics) = parse_descriptor_text(input.as_bytes(), "odd.yaml");
        assert!(entities.is_empty());
        assert!(!diagnostics.is_empty(), "{:?} gave no diagnostic", &input[..input.len().min(20)]);
    }
}
