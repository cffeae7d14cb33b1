//! One test per lattice rule (specs/crawl.md R1–R3 and worked examples E1–E9), and properties of
//! the merge: commutative, associative, never narrowing.

use proptest::prelude::*;

use super::*;

fn infer(lines: &[&str]) -> (Vec<Field>, Vec<Conflict>) {
    let mut inferrer = Inferrer::new();
    for line in lines {
        inferrer.add(&parse_line(line).expect("valid test line"));
    }
    inferrer.finish()
}

fn column(lines: &[&str], name: &str) -> DataType {
    let (fields, _) = infer(lines);
    fields
        .into_iter()
        .find(|f| f.name == name)
        .map(|f| f.data_type)
        .expect("column present")
}

fn hive(lines: &[&str]) -> String {
    infer(lines)
        .0
        .iter()
        .map(|f| format!("{} {}", f.name, f.data_type))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn r1_scalars() {
    assert_eq!(
        column(&[r#"{"a":null}"#], "a"),
        DataType::String,
        "null alone finalizes to string (R3)"
    );
    assert_eq!(column(&[r#"{"a":true}"#], "a"), DataType::Boolean);
    assert_eq!(column(&[r#"{"a":2147483647}"#], "a"), DataType::Int);
    assert_eq!(column(&[r#"{"a":-2147483648}"#], "a"), DataType::Int);
    assert_eq!(column(&[r#"{"a":2147483648}"#], "a"), DataType::Bigint);
    assert_eq!(
        column(&[r#"{"a":9223372036854775807}"#], "a"),
        DataType::Bigint
    );
    assert_eq!(
        column(&[r#"{"a":9223372036854775808}"#], "a"),
        WIDE_INTEGER,
        "beyond i64: decimal, never wrapped"
    );
    assert_eq!(
        column(&[r#"{"a":1.0}"#], "a"),
        DataType::Double,
        "a fraction makes a double even when integral"
    );
    assert_eq!(column(&[r#"{"a":1e3}"#], "a"), DataType::Double);
    assert_eq!(
        column(&[r#"{"a":"2024-01-01"}"#], "a"),
        DataType::String,
        "E12: no date sniffing"
    );
}

#[test]
fn r1_beyond_u64_is_double_not_wrapped() {
    assert_eq!(
        column(&[r#"{"a":123456789012345678901234}"#], "a"),
        DataType::Double
    );
}

#[test]
fn worked_examples() {
    assert_eq!(
        hive(&[r#"{"a":1}"#, r#"{"a":5000000000}"#]),
        "a bigint",
        "E1"
    );
    assert_eq!(hive(&[r#"{"a":1}"#, r#"{"a":1.5}"#]), "a double", "E2");
    assert_eq!(hive(&[r#"{"a":1}"#, r#"{"a":"x"}"#]), "a string", "E3");
    assert_eq!(hive(&[r#"{"a":true}"#, r#"{"a":1}"#]), "a string", "E4");
    assert_eq!(
        hive(&[r#"{"a":null}"#, r#"{"b":2}"#]),
        "a string, b int",
        "E5"
    );
    assert_eq!(
        hive(&[r#"{"a":{"b":1}}"#, r#"{"a":{"c":"x"}}"#]),
        "a struct<b:int,c:string>",
        "E6"
    );
    assert_eq!(hive(&[r#"{"a":[]}"#, r#"{"a":[1]}"#]), "a array<int>", "E7");
    assert_eq!(hive(&[r#"{"a":[]}"#]), "a array<string>", "E7 alone");
    assert_eq!(
        hive(&[r#"{"a":[{"x":1}]}"#, r#"{"a":[{"y":2.5}]}"#]),
        "a array<struct<x:int,y:double>>",
        "E8"
    );
    assert_eq!(
        hive(&[r#"{"z":1,"a":2}"#, r#"{"z":3,"a":4,"m":5}"#]),
        "z int, a int, m int",
        "E17 order"
    );
}

#[test]
fn e9_kind_conflicts_become_json_text_with_a_warning() {
    let (fields, conflicts) = infer(&[r#"{"a":1,"b":[1]}"#, r#"{"a":{"b":1},"b":{"c":2}}"#]);
    assert_eq!(fields[0].data_type, DataType::String);
    assert_eq!(fields[1].data_type, DataType::String);
    assert_eq!(
        conflicts
            .iter()
            .map(|c| c.path.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
}

#[test]
fn nested_conflict_paths_name_the_field() {
    let (_, conflicts) = infer(&[r#"{"m":{"s":[{"x":1}]}}"#, r#"{"m":{"s":[{"x":[2]}]}}"#]);
    assert_eq!(conflicts[0].path, "m.s[].x");
}

#[test]
fn list_whose_first_element_is_null_infers_its_element_type() {
    // OSCAR's sentence_identifications: pyarrow, polars and DataFusion all fail on this shape.
    let ty = column(&[r#"{"s":[null,{"label":"en","prob":0.9}]}"#], "s");
    assert_eq!(ty.to_string(), "array<struct<label:string,prob:double>>");
}

#[test]
fn hyphenated_keys_and_non_ascii_keys_are_kept() {
    assert_eq!(
        hive(&[r#"{"warc-record-id":"x","größe":1}"#]),
        "warc-record-id string, größe int"
    );
}

#[test]
fn empty_objects_finalize_to_string() {
    assert_eq!(hive(&[r#"{"a":{},"b":1}"#]), "a string, b int");
    assert_eq!(
        hive(&[r#"{"a":{}}"#, r#"{"a":{"x":true}}"#]),
        "a struct<x:boolean>"
    );
}

#[test]
fn r2_numeric_and_scalar_widening() {
    use DataType::*;
    assert_eq!(Int.merge(&Bigint), Bigint);
    assert_eq!(Bigint.merge(&Double), Double);
    assert_eq!(Int.merge(&WIDE_INTEGER), WIDE_INTEGER);
    assert_eq!(WIDE_INTEGER.merge(&Double), Double);
    assert_eq!(Boolean.merge(&Double), String);
    assert_eq!(Unknown.merge(&Boolean), Boolean);
    assert_eq!(
        Array(Box::new(Unknown)).merge(&Array(Box::new(Int))),
        Array(Box::new(Int))
    );
}

#[test]
fn r2_temporal_widening() {
    use DataType::*;
    assert_eq!(Unknown.merge(&Date), Date, "null ⊔ date");
    assert_eq!(Timestamp.merge(&Unknown), Timestamp);
    assert_eq!(
        Date.merge(&Timestamp),
        String,
        "no reader takes both in one column"
    );
    assert_eq!(Timestamp.merge(&Date), String);
    for other in [Boolean, Int, Bigint, Double, WIDE_INTEGER, String] {
        assert_eq!(Date.merge(&other), String, "date ⊔ {other}");
        assert_eq!(other.merge(&Timestamp), String, "{other} ⊔ timestamp");
    }
    assert_eq!(
        Array(Box::new(Date)).merge(&Array(Box::new(Unknown))),
        Array(Box::new(Date))
    );
}

fn infer_temporal(lines: &[&str]) -> String {
    let mut inferrer = Inferrer::with_temporal(true);
    for line in lines {
        inferrer.add(&parse_line(line).expect("valid test line"));
    }
    let (fields, _, _) = inferrer.finish_all();
    fields
        .iter()
        .map(|f| format!("{} {}", f.name, f.data_type))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn r1_temporal_strings_only_when_asked() {
    assert_eq!(
        infer_temporal(&[r#"{"a":"2024-01-01","b":"2024-01-01T00:00:00Z","c":"x"}"#]),
        "a date, b timestamp, c string"
    );
    assert_eq!(
        infer_temporal(&[
            r#"{"a":"2024-01-01","b":null,"m":{"t":["2024-01-01 10:00:00"]}}"#,
            r#"{"a":"2024-01-02T00:00:00","b":"2024-01-01","m":{"t":[]}}"#
        ]),
        "a string, b date, m struct<t:array<timestamp>>",
        "date ⊔ timestamp = string; null ⊔ date = date, nested too"
    );
    assert_eq!(
        infer_temporal(&[r#"{"a":"2024-01-01"}"#, r#"{"a":20240101}"#]),
        "a string"
    );
}

#[test]
fn timestamp_forms_are_kept_per_path_and_merged() {
    let mut a = Inferrer::with_temporal(true);
    a.add(
        &parse_line(r#"{"t":"2024-01-01T00:00:00Z","s":{"u":"2024-01-01 00:00:00.5"}}"#).unwrap(),
    );
    let mut b = Inferrer::with_temporal(true);
    b.add(&parse_line(r#"{"t":"2024-01-01T00:00:00+01:00"}"#).unwrap());
    a.merge(b);
    let (_, _, forms) = a.finish_all();
    type Described = Vec<(String, Vec<(bool, u8, Zone)>)>;
    let described: Described = forms
        .into_iter()
        .map(|(path, forms)| {
            (
                path,
                forms
                    .into_iter()
                    .map(|f| (f.t_separator, f.fraction_digits, f.zone))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        described,
        [
            ("s.u".to_owned(), vec![(false, 1, Zone::None)]),
            (
                "t".to_owned(),
                vec![(true, 0, Zone::Utc), (true, 0, Zone::Offset)]
            ),
        ]
    );
    let mut plain = Inferrer::new();
    plain.add(&parse_line(r#"{"t":"2024-01-01T00:00:00Z"}"#).unwrap());
    assert!(plain.finish_all().2.is_empty(), "no forms without the flag");
}

#[test]
fn duplicate_keys_reject_the_line() {
    let err = parse_line(r#"{"a":1,"a":2}"#).unwrap_err();
    assert!(err.to_string().contains("duplicate key \"a\""), "{err}");
    // Also past the small-object fast path.
    let wide: Vec<String> = (0..20)
        .map(|i| format!("\"k{i}\":{i}"))
        .chain(["\"k3\":0".into()])
        .collect();
    assert!(parse_line(&format!("{{{}}}", wide.join(","))).is_err());
}

#[test]
fn lines_that_are_not_objects_are_named() {
    assert_eq!(
        parse_line("[1,2]").unwrap_err(),
        LineError::NotAnObject("an array")
    );
    assert_eq!(
        parse_line("42").unwrap_err(),
        LineError::NotAnObject("a number")
    );
}

#[test]
fn nan_and_infinity_literals_are_invalid_json() {
    for line in [r#"{"a":NaN}"#, r#"{"a":Infinity}"#, r#"{"a":-Infinity}"#] {
        assert!(
            matches!(parse_line(line), Err(LineError::InvalidJson(_))),
            "{line}"
        );
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let line = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let err = parse_line(&line).unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
}

#[test]
fn truncated_lines_are_reported_as_truncated() {
    assert!(matches!(
        parse_line(r#"{"content":"abc"#),
        Err(LineError::Truncated(_))
    ));
}

#[test]
fn schema_file_round_trips() {
    let (fields, _) = infer(&[r#"{"a":1,"m":{"s":[{"x":1.5}],"d":9223372036854775808}}"#]);
    let text = serde_json::to_string(&SchemaFile::from_fields(&fields)).unwrap();
    assert_eq!(SchemaFile::parse(&text).unwrap(), fields);
}

#[test]
fn schema_file_errors_name_the_field() {
    let err = SchemaFile::parse(
        r#"{"fields":[{"name":"m","type":"struct","fields":[{"name":"x","type":"strng"}]}]}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with("m.x: unknown type \"strng\""),
        "{err}"
    );
}

fn arb_type() -> impl Strategy<Value = DataType> {
    let leaf = prop_oneof![
        Just(DataType::Unknown),
        Just(DataType::Boolean),
        Just(DataType::Int),
        Just(DataType::Bigint),
        Just(DataType::Double),
        Just(WIDE_INTEGER),
        Just(DataType::String),
        Just(DataType::Date),
        Just(DataType::Timestamp),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| DataType::Array(Box::new(t))),
            prop::collection::vec((prop::sample::select(vec!["a", "b", "c"]), inner), 0..3)
                .prop_map(|fields| {
                    let mut unique: Vec<Field> = Vec::new();
                    for (name, ty) in fields {
                        if !unique.iter().any(|f| f.name == name) {
                            unique.push(Field::new(name, ty));
                        }
                    }
                    DataType::Struct(unique)
                }),
        ]
    })
}

/// Struct field order depends on which side was seen first; compare sets of fields.
fn canonical(ty: &DataType) -> DataType {
    match ty {
        DataType::Array(e) => DataType::Array(Box::new(canonical(e))),
        DataType::Struct(fields) => {
            let mut fields: Vec<Field> = fields
                .iter()
                .map(|f| Field::new(f.name.clone(), canonical(&f.data_type)))
                .collect();
            fields.sort_by(|a, b| a.name.cmp(&b.name));
            DataType::Struct(fields)
        }
        other => other.clone(),
    }
}

proptest! {
    #[test]
    fn merge_is_commutative(a in arb_type(), b in arb_type()) {
        prop_assert_eq!(canonical(&a.merge(&b)), canonical(&b.merge(&a)));
    }

    #[test]
    fn merge_is_associative(a in arb_type(), b in arb_type(), c in arb_type()) {
        prop_assert_eq!(a.merge(&b).merge(&c), a.merge(&b.merge(&c)));
    }

    #[test]
    fn widening_never_narrows(a in arb_type(), b in arb_type()) {
        let m = a.merge(&b);
        prop_assert_eq!(m.merge(&a), m.clone());
        prop_assert_eq!(m.merge(&b), m);
    }
}
