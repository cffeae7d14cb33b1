//! `lakeops query` over files `convert` wrote, checked against DuckDB's answers on the same files.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::{lakeops, py_json, tmp};

/// OSCAR-like records with a nested language label, converted to Parquet by lakeops.
fn converted(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("docs.jsonl");
    let langs = ["en", "fr", "de", "en", "en", "fr"];
    let text: String = langs
        .iter()
        .enumerate()
        .map(|(i, lang)| {
            json!({
                "id": i,
                "content": format!("document {i}"),
                "metadata": {"identification": {"label": lang, "prob": 0.5 + i as f64 / 100.0}},
            })
            .to_string()
                + "\n"
        })
        .collect();
    std::fs::write(&input, text).unwrap();
    let out = dir.join("pq");
    lakeops()
        .args(["convert"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    out
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

#[test]
fn a_group_by_over_nested_fields_matches_duckdb() {
    let dir = tmp();
    let pq = converted(dir.path());
    let table = format!("docs={}", pq.display());
    let sql = "select metadata.identification.label as lang, count(*) as n from docs \
               group by lang order by lang";
    let assert = lakeops()
        .args(["query", sql, "--table", &table, "--format", "json"])
        .assert()
        .success();
    let ours: Value = serde_json::from_str(&stdout(&assert)).unwrap();
    let duckdb = py_json(
        r#"
import duckdb, json, sys
rows = duckdb.sql(f"select metadata.identification.label as lang, count(*) as n from read_parquet('{sys.argv[1]}/*.parquet') group by lang order by lang").fetchall()
print(json.dumps([{"lang": l, "n": n} for l, n in rows]))
"#,
        &[&pq],
    );
    assert_eq!(ours, duckdb);
    assert_eq!(
        ours,
        json!([{"lang": "de", "n": 1}, {"lang": "en", "n": 3}, {"lang": "fr", "n": 2}])
    );
}

#[test]
fn outputs_table_ndjson_csv_and_parquet() {
    let dir = tmp();
    let pq = converted(dir.path());
    let table = format!("docs={}", pq.display());
    let sql = "select id, content from docs where id < 2 order by id";
    let assert = lakeops()
        .args(["query", sql, "--table", &table])
        .assert()
        .success();
    let text = stdout(&assert);
    assert!(text.contains("id  content"), "{text}");
    assert!(text.contains(" 1  document 1"), "{text}");
    let assert = lakeops()
        .args(["query", sql, "--table", &table, "--format", "ndjson"])
        .assert()
        .success();
    assert_eq!(
        stdout(&assert),
        "{\"id\":0,\"content\":\"document 0\"}\n{\"id\":1,\"content\":\"document 1\"}\n"
    );
    // --json: the same rows as typed records, then a summary.
    let assert = lakeops()
        .args(["query", sql, "--table", &table, "--json"])
        .assert()
        .success();
    assert_eq!(
        stdout(&assert),
        "{\"type\":\"row\",\"data\":{\"id\":0,\"content\":\"document 0\"}}\n\
         {\"type\":\"row\",\"data\":{\"id\":1,\"content\":\"document 1\"}}\n\
         {\"columns\":[\"id\",\"content\"],\"output\":null,\"rows\":2,\"type\":\"summary\"}\n"
    );
    let assert = lakeops()
        .args(["query", sql, "--table", &table, "--format", "csv"])
        .assert()
        .success();
    assert_eq!(stdout(&assert), "id,content\n0,document 0\n1,document 1\n");
    let empty = "select id from docs where id > 100";
    let assert = lakeops()
        .args(["query", empty, "--table", &table, "--format", "csv"])
        .assert()
        .success();
    assert_eq!(stdout(&assert), "id\n");
    let out = dir.path().join("result.parquet");
    lakeops()
        .args(["query", sql, "--table", &table, "-o"])
        .arg(&out)
        .assert()
        .success();
    let read = py_json(
        "import json, sys, pyarrow.parquet as pq; print(json.dumps(pq.read_table(sys.argv[1]).to_pylist()))",
        &[&out],
    );
    assert_eq!(
        read,
        json!([{"id": 0, "content": "document 0"}, {"id": 1, "content": "document 1"}])
    );
}

#[test]
fn fail_if_empty_paths_in_from_and_scripts() {
    let dir = tmp();
    let pq = converted(dir.path());
    let file = pq.join("docs.parquet");
    let from = format!("select count(*) as n from '{}'", file.display());
    let assert = lakeops()
        .args(["query", &from, "--format", "ndjson", "--fail-if-empty"])
        .assert()
        .success();
    assert_eq!(stdout(&assert), "{\"n\":6}\n");
    let none = format!("select * from '{}' where id < 0", file.display());
    lakeops()
        .args(["query", &none, "--fail-if-empty", "-q"])
        .assert()
        .code(1);
    let script = dir.path().join("check.sql");
    std::fs::write(
        &script,
        format!(
            "create view fr as select * from '{}' where metadata.identification.label = 'fr';\n\
             select count(*) as n from fr;\n",
            file.display()
        ),
    )
    .unwrap();
    let assert = lakeops()
        .args(["query", "--format", "ndjson", "-f"])
        .arg(&script)
        .assert()
        .success();
    assert_eq!(stdout(&assert), "{\"n\":2}\n");
}

#[test]
fn sql_and_table_errors_exit_2_and_point_at_the_problem() {
    let dir = tmp();
    let pq = converted(dir.path());
    let table = format!("docs={}", pq.display());
    let assert = lakeops()
        .args(["query", "select id,\nfrom docs where", "--table", &table])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("^ line"), "{stderr}");
    let assert = lakeops()
        .args(["query", "select nope from docs", "--table", &table])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("nope"), "{stderr}");
    let assert = lakeops()
        .args(["query", "select 1", "--table", "docs=/nonexistent/x"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--table docs=/nonexistent/x: no such file or directory"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

/// One IoT record as the source scenario's sensors write it (camelCase keys).
fn iot(id: usize, temperature: &str, recommended: Option<&str>) -> String {
    let mut record = json!({
        "sensorId": format!("s-{id:03}"),
        "sensorType": "thermo",
        "currentTemperature": serde_json::from_str::<Value>(temperature).unwrap(),
        "status": "OK",
    });
    if let Some(date) = recommended {
        record["serviceRecommendedDate"] = json!(date);
    }
    record.to_string()
}

/// Generation 1 (day 01): no serviceRecommendedDate, temperatures as doubles; generation 2 adds
/// the date and writes integer temperatures; generation 3 keeps the date.
fn iot_generations() -> [(&'static str, Vec<String>); 3] {
    [
        ("01", (0..4).map(|i| iot(i, "21.5", None)).collect()),
        (
            "02",
            (4..7).map(|i| iot(i, "22", Some("2024-03-01"))).collect(),
        ),
        (
            "03",
            (7..9).map(|i| iot(i, "23", Some("2024-04-01"))).collect(),
        ),
    ]
}

#[test]
fn a_crawled_catalog_defines_the_tables_across_schema_generations() {
    let dir = tmp();
    let root = dir.path().join("sensorsiotschemaevol");
    let generations = iot_generations();
    for (day, records) in &generations {
        let folder = root.join(format!("year=2024/month=01/day={day}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("part-00000.json"), records.join("\n") + "\n").unwrap();
    }
    let catalog = dir.path().join("catalog.json");
    lakeops()
        .arg("crawl")
        .arg(&root)
        .args(["--database", "iotdb", "--catalog-file"])
        .arg(&catalog)
        .assert()
        .success();
    let query = |sql: &str| -> Value {
        let assert = lakeops()
            .args([
                "query",
                sql,
                "--format",
                "json",
                "--database",
                "iotdb",
                "--catalog-file",
            ])
            .arg(&catalog)
            .assert()
            .success();
        serde_json::from_str(&stdout(&assert)).unwrap()
    };
    let later = query(
        "select sensorid, servicerecommendeddate, day from sensorsiotschemaevol \
         where servicerecommendeddate is not null order by sensorid",
    );
    let ids: Vec<&str> = later
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sensorid"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["s-004", "s-005", "s-006", "s-007", "s-008"]);
    assert_eq!(later[0]["servicerecommendeddate"], "2024-03-01");
    assert_eq!(later[0]["day"], "02");
    let first = query(
        "select count(*) as n, min(day) as d from sensorsiotschemaevol \
         where servicerecommendeddate is null",
    );
    assert_eq!(first, json!([{"n": 4, "d": "01"}]));
    let all =
        query("select count(*) as n, sum(currenttemperature) as t from iotdb.sensorsiotschemaevol");
    assert_eq!(
        all,
        json!([{"n": 9, "t": 4.0 * 21.5 + 3.0 * 22.0 + 2.0 * 23.0}])
    );
}

#[test]
fn glue_tables_on_s3_are_queried_as_the_catalog_defines_them() {
    use crate::moto::{lines, Moto};
    let moto = Moto::start();
    moto.create_bucket("lake");
    let generations = iot_generations();
    let objects: Vec<_> = generations
        .iter()
        .map(|(day, records)| {
            let key = format!("sensorsiotschemaevol/year=2024/month=01/day={day}/part-0.json.gz");
            lines(&key, "gzip", records)
        })
        .collect();
    moto.put("lake", &objects);
    moto.lakeops()
        .args([
            "crawl",
            "s3://lake/sensorsiotschemaevol/",
            "--database",
            "iotdb",
        ])
        .assert()
        .success();
    let query = |sql: &str| -> Value {
        let assert = moto
            .lakeops()
            .args(["query", "--glue-database", "iotdb", sql, "--format", "json"])
            .assert()
            .success();
        serde_json::from_str(&stdout(&assert)).unwrap()
    };
    let later = query(
        "select count(*) as n, min(servicerecommendeddate) as d from sensorsiotschemaevol \
         where servicerecommendeddate is not null",
    );
    assert_eq!(later, json!([{"n": 5, "d": "2024-03-01"}]));
    let first = query(
        "select count(*) as n from sensorsiotschemaevol where servicerecommendeddate is null",
    );
    assert_eq!(first, json!([{"n": 4}]));
    let all = query("select count(*) as n from sensorsiotschemaevol where year = '2024'");
    assert_eq!(all, json!([{"n": 9}]));
}

#[test]
fn s3_prefixes_are_tables_too() {
    use crate::moto::Moto;
    let moto = Moto::start();
    moto.create_bucket("lake");
    let dir = tmp();
    let local = converted(dir.path());
    moto.lakeops()
        .args(["convert", "-o", "s3://lake/pq/"])
        .arg(dir.path().join("docs.jsonl"))
        .assert()
        .success();
    let sql = "select metadata.identification.label as lang, count(*) as n from docs \
               group by lang order by lang";
    let on_s3 = moto
        .lakeops()
        .args([
            "query",
            sql,
            "--table",
            "docs=s3://lake/pq/",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let table = format!("docs={}", local.display());
    let on_disk = lakeops()
        .args(["query", sql, "--table", &table, "--format", "json"])
        .assert()
        .success();
    assert_eq!(stdout(&on_s3), stdout(&on_disk));
    assert!(stdout(&on_s3).contains("\"lang\":\"en\",\"n\":3"));
}

#[test]
fn crawled_csv_tables_keep_their_header_and_delimiter() {
    let dir = tmp();
    let root = dir.path().join("people");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("a.csv"), "id;name\n1;ada\n2;grace\n").unwrap();
    std::fs::write(root.join("b.csv"), "id;name\n3;edsger\n").unwrap();
    let catalog = dir.path().join("catalog.json");
    lakeops()
        .arg("crawl")
        .arg(&root)
        .args(["--database", "db", "--catalog-file"])
        .arg(&catalog)
        .assert()
        .success();
    let assert = lakeops()
        .args([
            "query",
            "select count(*) as n, max(name) as m from people",
            "--format",
            "ndjson",
        ])
        .args(["--database", "db", "--catalog-file"])
        .arg(&catalog)
        .assert()
        .success();
    assert_eq!(stdout(&assert), "{\"n\":3,\"m\":\"grace\"}\n");
}

#[test]
fn partitions_at_their_own_locations_are_read_from_there() {
    let dir = tmp();
    let root = dir.path().join("events");
    let elsewhere = dir.path().join("archive/2023-batch");
    std::fs::create_dir_all(root.join("day=02")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(
        elsewhere.join("a.json"),
        "{\"id\":1,\"v\":\"old\"}\n{\"id\":2,\"v\":\"old\"}\n",
    )
    .unwrap();
    std::fs::write(root.join("day=02/b.json"), "{\"id\":3,\"v\":\"new\"}\n").unwrap();
    let json_table = |location: &Path| {
        json!({
            "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "v", "Type": "string"}],
            "Location": format!("{}/", location.display()),
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
        })
    };
    let catalog = json!({"Databases": [{"Name": "db", "Tables": [{
        "Name": "events",
        "PartitionKeys": [{"Name": "day", "Type": "int"}],
        "Parameters": {"classification": "json", "compressionType": "none"},
        "StorageDescriptor": json_table(&root),
        "Partitions": [
            {"Values": ["1"], "StorageDescriptor": json_table(&elsewhere)},
            {"Values": ["2"], "StorageDescriptor": json_table(&root.join("day=02"))},
        ],
    }]}]});
    let path = dir.path().join("catalog.json");
    std::fs::write(&path, catalog.to_string()).unwrap();
    let assert = lakeops()
        .args([
            "query",
            "select day, count(*) as n from events group by day order by day",
        ])
        .args(["--format", "ndjson", "--database", "db", "--catalog-file"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(
        stdout(&assert),
        "{\"day\":1,\"n\":2}\n{\"day\":2,\"n\":1}\n"
    );
}

const TWO_ROWS: &str = "select * from (values (1, 'a'), (2, 'b')) as t(id, type) order by id";

fn run(args: &[&str]) -> std::process::Output {
    lakeops().arg("query").args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `--json` is the record stream every command prints: a `row` record per row, the row nested
/// under `data` (a column may be called `type`), then a summary; it wins over `--format`, and
/// with `-o` the rows go to the file and stdout has the summary only.
#[test]
fn json_prints_row_records_and_a_summary() {
    let output = run(&[TWO_ROWS, "--json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lines: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            json!({"type": "row", "data": {"id": 1, "type": "a"}}),
            json!({"type": "row", "data": {"id": 2, "type": "b"}}),
            json!({"type": "summary", "rows": 2, "columns": ["id", "type"], "output": null}),
        ]
    );
    assert_eq!(
        run(&[TWO_ROWS, "--json", "--format", "csv"]).stdout,
        output.stdout,
        "--json overrides --format"
    );
    let empty = run(&["select 1 as n where false", "--json", "--fail-if-empty"]);
    assert_eq!(empty.status.code(), Some(1));
    assert_eq!(
        text(&empty.stdout),
        "{\"columns\":[\"n\"],\"output\":null,\"rows\":0,\"type\":\"summary\"}\n"
    );
    let dir = tmp();
    let file = dir.path().join("r.parquet");
    let written = run(&[TWO_ROWS, "--json", "-o", file.to_str().unwrap()]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    let summary: Value = serde_json::from_slice(&written.stdout).unwrap();
    assert_eq!(
        summary,
        json!({"type": "summary", "rows": 2, "columns": ["id", "type"], "output": file})
    );
    assert!(file.is_file());
}

/// `--output FORMAT` and `--out FILE` are the old spellings of `--format FORMAT` and
/// `-o/--output FILE`: they still work for a release, print the same, and say so on stderr.
#[test]
fn the_old_output_spellings_still_work_with_a_warning() {
    for format in ["table", "json", "ndjson", "csv"] {
        let new = run(&[TWO_ROWS, "--format", format]);
        let old = run(&[TWO_ROWS, "--output", format]);
        assert!(new.status.success() && old.status.success(), "{format}");
        assert_eq!(text(&old.stdout), text(&new.stdout), "{format}");
        assert_eq!(text(&new.stderr), "", "{format}");
        assert_eq!(
            text(&old.stderr),
            format!("warning: --output {format} is deprecated; use --format {format}\n")
        );
    }
    let dir = tmp();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    for (args, file) in [
        (vec!["-o", &path("short.parquet")], "short.parquet"),
        (vec!["--output", &path("long.parquet")], "long.parquet"),
    ] {
        let output = run(&[&[TWO_ROWS][..], &args[..]].concat());
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert_eq!(
            (text(&output.stdout), text(&output.stderr)),
            ("".into(), "".into())
        );
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    let old = run(&[TWO_ROWS, "--out", &path("old.parquet")]);
    assert!(old.status.success());
    assert_eq!(text(&old.stdout), "");
    assert_eq!(
        text(&old.stderr),
        format!(
            "warning: --out is deprecated; use -o/--output {}\n",
            path("old.parquet")
        )
    );
    assert_eq!(
        std::fs::read(path("old.parquet")).unwrap(),
        std::fs::read(path("short.parquet")).unwrap()
    );
    // A file that happens to be called like a format is named as a path.
    let json_file = run(&[TWO_ROWS, "-o", &path("json")]);
    assert!(json_file.status.success());
    assert_eq!(text(&json_file.stdout), "", "a path, not the format");
    assert!(dir.path().join("json").is_file());
    // Two destinations at once are a usage error.
    for args in [
        vec!["--output", "json", "--format", "csv"],
        vec!["-o", "x.parquet", "--format", "csv"],
        vec!["--out", "x.parquet", "-o", "y.parquet"],
    ] {
        let output = run(&[&[TWO_ROWS][..], &args[..]].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(text(&output.stderr).starts_with("error: "), "{args:?}");
    }
}

/// Issue 19: on two cores joins build one hash table instead of repartitioning both sides; the
/// answers must not change, and the setting follows the machine's cores.
#[test]
fn joins_without_repartitioning_on_two_cores_give_duckdbs_answer() {
    let dir = tmp();
    let pq = converted(dir.path());
    let table = format!("docs={}", pq.display());
    let langs = dir.path().join("langs.csv");
    std::fs::write(&langs, "label,name\nen,English\nfr,French\nde,German\n").unwrap();
    let langs_table = format!("langs={}", langs.display());
    let sql = "select l.name, count(*) as n, sum(d.id) as ids from docs d \
               join langs l on d.metadata.identification.label = l.label \
               group by l.name order by l.name";
    let run = |sql: &str| -> Value {
        let assert = lakeops()
            .args(["query", sql, "--table", &table, "--table", &langs_table])
            .args(["--format", "json"])
            .assert()
            .success();
        serde_json::from_str(&stdout(&assert)).unwrap()
    };
    let expected = json!([
        {"name": "English", "n": 3, "ids": 7},
        {"name": "French", "n": 2, "ids": 6},
        {"name": "German", "n": 1, "ids": 2},
    ]);
    assert_eq!(run(sql), expected);
    let partitioned = format!("set datafusion.optimizer.repartition_joins = true; {sql}");
    assert_eq!(run(&partitioned), expected);

    let setting = run("select value from information_schema.df_settings \
                       where name = 'datafusion.optimizer.repartition_joins'");
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(
        setting,
        json!([{"value": (cores > 2).to_string()}]),
        "{cores} cores"
    );
    let duckdb = py_json(
        r#"
import duckdb, json, sys
rows = duckdb.sql(f"""select l.name, count(*) as n, sum(d.id) as ids
  from read_parquet('{sys.argv[1]}/*.parquet') d join read_csv('{sys.argv[2]}') l
  on d.metadata.identification.label = l.label group by l.name order by l.name""").fetchall()
print(json.dumps([{"name": a, "n": b, "ids": c} for a, b, c in rows]))
"#,
        &[&pq, &langs],
    );
    assert_eq!(duckdb, expected);
}
