//! `cost::plan::parse`, plan files in TOML, YAML or either (the name without a known extension:
//! TOML, then YAML, which also reads JSON), then what `lakeops cost plan`/`diff` do with a plan
//! that parses: estimate it against the embedded price table, and diff it with itself.
//! The first byte picks the file name; the rest is the text. No panic is the only check, plus
//! "a plan diffed with itself changes nothing". `LAKEOPS_FUZZ_DEBUG=1` prints what parse and
//! estimate said (to check that seeds reach the estimate).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

use lakeops::internals::{plan, Prices};

const NAMES: [&str; 3] = ["plan.toml", "plan.yaml", "plan.json"];

fn prices() -> &'static Prices {
    static PRICES: OnceLock<Prices> = OnceLock::new();
    PRICES.get_or_init(Prices::embedded)
}

fn debug() -> bool {
    static DEBUG: OnceLock<bool> = OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("LAKEOPS_FUZZ_DEBUG").is_some())
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let parsed = plan::parse(name, text);
    if debug() {
        eprintln!(
            "parse {name}: {:?}",
            parsed
                .as_ref()
                .map(|p| p.workloads.len())
                .map_err(ToString::to_string)
        );
    }
    let Ok(parsed) = parsed else {
        return;
    };
    assert!(
        !parsed.workloads.is_empty(),
        "a plan without workloads parsed"
    );
    let estimate = plan::estimate(&parsed, Some("us-east-1"), prices());
    if debug() {
        eprintln!(
            "estimate: {:?}",
            estimate
                .as_ref()
                .map(|e| e.total_usd)
                .map_err(ToString::to_string)
        );
    }
    let Ok(estimate) = estimate else {
        return;
    };
    let diff = plan::diff(&estimate, &estimate);
    assert_eq!(diff.old_total_usd, diff.new_total_usd);
    assert!(
        diff.increase_pct().is_none_or(|pct| pct.is_zero()),
        "{diff:?}"
    );
});
