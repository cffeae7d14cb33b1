//! `schema::parse_hive_type`, the parser of Glue/Hive column types (catalog columns, `crawl
//! --type`): never panics, and whatever it accepts, `DataType`'s Display (the Glue spelling
//! lakeops writes) parses back to the same type.
#![no_main]

use libfuzzer_sys::fuzz_target;

use lakeops::internals::parse_hive_type;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ty) = parse_hive_type(text) else {
        return;
    };
    let shown = ty.to_string();
    match parse_hive_type(&shown) {
        Ok(again) => assert_eq!(
            again, ty,
            "{text:?} parsed, displays as {shown:?}, which parses to another type"
        ),
        Err(e) => panic!("{text:?} parsed, displays as {shown:?}, which does not parse: {e}"),
    }
});
