//! `catalog::hive_path`: Hive partition folder names (`key=value`, `%XX` escapes). Never panics;
//! `unescape(escape(v)) == v` for any text, and `k=escape(v)` is partition `k` with value `v`.
#![no_main]

use libfuzzer_sys::fuzz_target;

use lakeops::internals::{escape, is_component, parse_component, unescape};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Any folder name: no panic.
    let level = data.len() % 4;
    let (key, value) = parse_component(text, level);
    let _ = is_component(text, &key, &value);
    let _ = unescape(text);

    let escaped = escape(text);
    assert_eq!(
        unescape(&escaped),
        text,
        "unescape(escape(v)) == v (escaped: {escaped:?})"
    );
    if !text.is_empty() {
        let component = format!("k={escaped}");
        assert!(
            is_component(&component, "k", text),
            "{component:?} is not partition k={text:?}"
        );
        assert_eq!(
            parse_component(&component, level),
            ("k".to_owned(), text.to_owned()),
            "{component:?}"
        );
    }
});
