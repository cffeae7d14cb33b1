//! `lakeops crawl --infer-temporal` against moto (issue 16): JSON and CSV tables whose ISO-8601
//! columns Glue holds as `date` and `timestamp`, with the SerDe's `timestamp.formats`, read back
//! with their values by `lakeops query --glue-database` and by awswrangler (which types the
//! files' text by the Glue table's column types; Athena itself cannot run against moto).

use serde_json::{json, Value};

use crate::crawl_glue::crawl;
use crate::moto::*;

const BUCKET: &str = "temporal-lake";

/// `(id, day, at)`: JSON nulls are missing values; `at` mixes the forms the SerDe is told of.
const JSON_ROWS: [&str; 3] = [
    r#"{"id":1,"day":"2024-01-31","at":"2024-01-31T10:00:00Z","local":"2024-01-31 10:00:00"}"#,
    r#"{"id":2,"day":"2024-02-29","at":"2024-02-29T23:30:00.250+02:00","local":"2024-02-29 08:15:30.5"}"#,
    r#"{"id":3,"day":null,"at":"2024-03-01T00:00:00.123456Z","local":null}"#,
];

/// What every reader must see: offsets turned into UTC, fractions kept to the microsecond
/// (printed with six digits by both readers).
fn expected_rows() -> Value {
    json!([
        [
            1,
            "2024-01-31",
            "2024-01-31T10:00:00.000000",
            "2024-01-31T10:00:00.000000"
        ],
        [
            2,
            "2024-02-29",
            "2024-02-29T21:30:00.250000",
            "2024-02-29T08:15:30.500000"
        ],
        [3, null, "2024-03-01T00:00:00.123456", null],
    ])
}

/// The rows of `table` through `lakeops query`, each temporal value printed by DataFusion from
/// its typed value (never the file's text), with the Arrow types it read.
fn query_rows(moto: &Moto, table: &str) -> (Value, Value) {
    let query = |sql: String| -> Value {
        let output = moto
            .lakeops()
            .args(["query", "--glue-database", "tdb", &sql, "--format", "json"])
            .output()
            .expect("run lakeops");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{sql}: {stderr}");
        serde_json::from_slice(&output.stdout).expect("JSON rows")
    };
    let types = query(format!(
        "SELECT arrow_typeof(day) AS day, arrow_typeof(at) AS at, arrow_typeof(local) AS local \
         FROM {table} LIMIT 1"
    ));
    let rows = query(format!(
        "SELECT id, to_char(day, '%Y-%m-%d') AS day, to_char(at, '%Y-%m-%dT%H:%M:%S%.6f') AS at, \
         to_char(local, '%Y-%m-%dT%H:%M:%S%.6f') AS local FROM {table} ORDER BY id"
    ));
    let rows = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| json!([r["id"], r["day"], r["at"], r["local"]]))
        .collect();
    (types, Value::Array(rows))
}

/// awswrangler: the Glue table's types and location, the files read as text with
/// `wr.s3.read_json`/`read_csv`, and each column parsed by pandas as its Glue type says.
fn wrangler_rows(moto: &Moto, table: &str, format: &str) -> (Value, Value) {
    let read = moto.wrangler(
        r#"
import awswrangler as wr
import pandas as pd
types = wr.catalog.get_table_types(database=inp["db"], table=inp["table"])
location = wr.catalog.get_table_location(database=inp["db"], table=inp["table"])
if inp["format"] == "json":
    df = wr.s3.read_json(location, lines=True, dtype=False, convert_dates=False)
else:
    df = wr.s3.read_csv(location, sep=",", dtype=str, keep_default_na=False, na_values=[""])
def text(v, fmt):
    return None if pd.isna(v) else v.strftime(fmt)
for column, glue_type in types.items():
    if glue_type == "date":
        df[column] = pd.to_datetime(df[column], format="%Y-%m-%d")
        df[column] = [text(v, "%Y-%m-%d") for v in df[column]]
    elif glue_type == "timestamp":
        # Athena's rule: a value with a zone is that instant in UTC, one without is as written.
        df[column] = pd.to_datetime(df[column], format="ISO8601", utc=True).dt.tz_localize(None)
        df[column] = [text(v, "%Y-%m-%dT%H:%M:%S.%f") for v in df[column]]
df = df.sort_values("id")
out({
    "types": types,
    # pandas turns the None of a missing value back into NaN inside a column.
    "rows": [
        [int(r["id"])] + [None if pd.isna(r[c]) else r[c] for c in ("day", "at", "local")]
        for _, r in df.iterrows()
    ],
})
"#,
        &json!({"db": "tdb", "table": table, "format": format}),
    );
    (read["types"].clone(), read["rows"].clone())
}

#[test]
fn infer_temporal_json_and_csv_read_back_through_query_and_awswrangler() {
    let moto = Moto::start();
    moto.create_bucket(BUCKET);
    let rows: Vec<String> = JSON_ROWS.iter().map(|r| r.to_string()).collect();
    let csv = "id,day,at,local\n\
               1,2024-01-31,2024-01-31T10:00:00Z,2024-01-31 10:00:00\n\
               2,2024-02-29,2024-02-29T23:30:00.250+02:00,2024-02-29 08:15:30.5\n\
               3,,2024-03-01T00:00:00.123456Z,\n";
    moto.put(
        BUCKET,
        &[
            lines("events/part-0.json", "none", &rows),
            raw("readings/part-0.csv", csv.as_bytes()),
        ],
    );
    let events = format!("s3://{BUCKET}/events/");
    let readings = format!("s3://{BUCKET}/readings/");

    // E12: without the flag every ISO-8601 value stays text, and no SerDe parameter appears.
    crawl(&moto, &[&events, "--database", "tdb", "--table", "plain"]).expect_code(0, "plain");
    let plain = moto.glue("tdb", "plain");
    assert_eq!(
        columns(&plain.table()["StorageDescriptor"]["Columns"]),
        cols(&[
            ("id", "int"),
            ("day", "string"),
            ("at", "string"),
            ("local", "string")
        ])
    );
    assert!(
        plain.table()["StorageDescriptor"]["SerdeInfo"]["Parameters"]
            .get("timestamp.formats")
            .is_none()
    );

    let typed = cols(&[
        ("id", "int"),
        ("day", "date"),
        ("at", "timestamp"),
        ("local", "timestamp"),
    ]);
    for (root, table, id_type) in [
        (&events, "events", "int"),
        (&readings, "readings", "bigint"),
    ] {
        let run = crawl(&moto, &[root, "--database", "tdb", "--infer-temporal"]);
        run.expect_code(0, table);
        assert_eq!(run.summary()["warnings"], json!([]), "{table}");
        let state = moto.glue("tdb", table);
        let sd = &state.table()["StorageDescriptor"];
        let mut expected = typed.clone();
        expected[0].1 = id_type.to_owned();
        assert_eq!(columns(&sd["Columns"]), expected, "{table}");
        // The forms `at` was written in; `local`'s space form is java.sql.Timestamp's, which
        // every SerDe reads unasked.
        assert_eq!(
            sd["SerdeInfo"]["Parameters"]["timestamp.formats"],
            "yyyy-MM-dd'T'HH:mm:ss'Z',yyyy-MM-dd'T'HH:mm:ss.SSSZZ,yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'",
            "{table}"
        );

        let (types, rows) = query_rows(&moto, table);
        assert_eq!(
            types,
            json!([{
                "day": "Date32",
                "at": "Timestamp(µs)",
                "local": "Timestamp(µs)",
            }]),
            "{table}: lakeops query reads the Glue types"
        );
        assert_eq!(rows, expected_rows(), "{table}: lakeops query");

        let (types, rows) =
            wrangler_rows(&moto, table, if table == "events" { "json" } else { "csv" });
        assert_eq!(
            types,
            json!({"id": id_type, "day": "date", "at": "timestamp", "local": "timestamp"}),
            "{table}: awswrangler's view of the Glue table"
        );
        assert_eq!(rows, expected_rows(), "{table}: awswrangler");
    }

    // I1: a re-crawl with the flag changes nothing.
    let again = crawl(&moto, &[&events, "--database", "tdb", "--infer-temporal"]);
    again.expect_code(0, "again");
    assert_eq!(again.summary()["writes"], 0);
}
