//! Many tables in one run (issue 16): several roots, tables discovered under a lake root, the
//! table level chosen or given, name clashes, a failing table among others, a level that changes
//! between runs, and the state file shared by every root.

use super::*;

impl Lake {
    fn run_in(
        &self,
        root: &str,
        level: Option<usize>,
        options: &CrawlOptions,
        run: RunOptions,
    ) -> Result<RunReport, CrawlError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store = Store::local(self.root().join(root));
        let mut catalog = FileCatalog::open(&self.catalog_path()).unwrap();
        runtime.block_on(async {
            let filter = crate::storage::discover::KeyFilter::new(&[], &[]).unwrap();
            let lake = discover_tables(&store, 0, level, "", &filter, &Budget::new(4)).await?;
            crawl_tables(
                lake.targets,
                Some(lake.level),
                &mut catalog,
                options,
                run,
                &NoProgress,
            )
            .await
        })
    }

    fn run_lake(&self, level: Option<usize>) -> Result<RunReport, CrawlError> {
        self.run_in("", level, &options(), RunOptions::default())
    }

    fn table_names(&self) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut catalog = FileCatalog::open(&self.catalog_path()).unwrap();
        if !runtime.block_on(catalog.database_exists("db")).unwrap() {
            return Vec::new();
        }
        let mut names: Vec<String> = runtime
            .block_on(catalog.list_tables("db"))
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        names.sort();
        names
    }
}

fn crawled(run: &RunReport) -> Vec<&str> {
    run.tables.iter().map(|t| t.table.as_str()).collect()
}

#[test]
fn lake_tables_are_found_at_the_shallowest_consistent_level() {
    let lake = Lake::new();
    lake.lines("raw/sales/year=2024/a.json", &[r#"{"id": 1}"#]);
    lake.lines("raw/sales/year=2025/b.json", &[r#"{"id": 2}"#]);
    lake.lines("raw/events/dt=2024-01-01/c.json", &[r#"{"e": "x"}"#]);
    lake.lines("raw/Users-V2/d.json", &[r#"{"name": "a"}"#]);
    lake.put("raw/_SUCCESS", "");
    let run = lake.run_lake(None).unwrap();
    assert!(run.failed.is_empty(), "{:?}", run.failed);
    let level = run.level.as_ref().unwrap();
    assert_eq!(level.level, 2);
    assert!(level.chosen);
    assert_eq!(level.passed_over.len(), 1, "{:?}", level.passed_over);
    assert!(
        level.passed_over[0].starts_with("level 1: ")
            && level.passed_over[0].contains("different partition layouts"),
        "{:?}",
        level.passed_over
    );
    assert_eq!(crawled(&run), ["events", "sales", "users_v2"]);
    assert_eq!(lake.table_names(), ["events", "sales", "users_v2"]);
    let sales = lake.table_named("sales");
    assert_eq!(sales.partition_keys[0].name, "year");
    assert!(sales.storage_descriptor.location.ends_with("/t/raw/sales/"));
    assert_eq!(lake.table_named("events").partition_keys[0].name, "dt");
    assert!(lake.table_named("users_v2").partition_keys.is_empty());
}

#[test]
fn lake_a_folder_named_like_a_partition_is_never_a_table() {
    let lake = Lake::new();
    lake.lines("sales/year=2024/a.json", &[r#"{"id": 1}"#]);
    lake.lines("sales/year=2025/b.json", &[r#"{"id": 2}"#]);
    let err = match lake.run_in("sales", None, &options(), RunOptions::default()) {
        Err(e) => e,
        Ok(run) => panic!("made tables {:?}", crawled(&run)),
    };
    assert_eq!(err.code(), Some(ErrorCode::TableLevel));
    assert!(
        err.to_string()
            .contains("year=2024/ is a partition, not a table"),
        "{err}"
    );
}

#[test]
fn lake_name_clash_is_an_error_naming_both_prefixes() {
    let lake = Lake::new();
    lake.lines("eu/sales/a.json", &[r#"{"id": 1}"#]);
    lake.lines("us/sales/b.json", &[r#"{"id": 2}"#]);
    let err = lake.run_lake(Some(2)).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NameClash));
    let text = err.to_string();
    assert!(
        text.contains("/t/eu/sales/")
            && text.contains("/t/us/sales/")
            && text.contains("table sales"),
        "{text}"
    );
    assert!(lake.table_names().is_empty(), "nothing is written");

    let lake = Lake::new();
    lake.lines("Sales/a.json", &[r#"{"id": 1}"#]);
    lake.lines("sales/b.json", &[r#"{"id": 2}"#]);
    let err = lake.run_lake(None).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NameClash), "{err}");
}

#[test]
fn lake_one_failing_table_does_not_stop_the_others() {
    let lake = Lake::new();
    lake.lines("a/x.json", &[r#"{"id": 1}"#]);
    // Two partition layouts in one table: E_PARTITION_LAYOUT for b alone.
    lake.lines("b/k=1/x.json", &[r#"{"id": 1}"#]);
    lake.lines("b/y.json", &[r#"{"id": 1}"#]);
    lake.lines("c/x.json", &[r#"{"id": 1}"#]);
    let run = lake.run_lake(Some(1)).unwrap();
    assert_eq!(crawled(&run), ["a", "c"]);
    assert_eq!(run.failed.len(), 1);
    assert_eq!(run.failed[0].table, "b");
    assert_eq!(run.failed[0].error.code(), Some(ErrorCode::PartitionLayout));
    assert_eq!(lake.table_names(), ["a", "c"]);

    let fast = Lake::new();
    fast.lines("b/k=1/x.json", &[r#"{"id": 1}"#]);
    fast.lines("b/y.json", &[r#"{"id": 1}"#]);
    let run = fast
        .run_in("", Some(1), &options(), RunOptions { fail_fast: true })
        .unwrap();
    assert_eq!(run.failed.len(), 1);
    assert!(run.tables.is_empty());
}

#[test]
fn lake_table_level_change_between_runs_follows_delete_behavior() {
    let lake = Lake::new();
    lake.lines("a/x/f.json", &[r#"{"id": 1}"#]);
    lake.lines("a/y/g.json", &[r#"{"id": 2}"#]);
    let run = lake.run_lake(Some(2)).unwrap();
    assert_eq!(crawled(&run), ["x", "y"]);
    // A table lakeops did not make is never touched, even under the root.
    let mut foreign = lake.table_named("x");
    foreign.name = "foreign".into();
    foreign.parameters.remove(table::OWNER_KEY);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut catalog = FileCatalog::open_for_update(&lake.catalog_path()).unwrap();
    runtime.block_on(async {
        catalog.create_table("db", &foreign).await.unwrap();
        catalog.finish().await.unwrap();
    });
    drop(catalog);

    // Level 1 now: one table `a` partitioned by its folders; x and y are left over.
    let run = lake.run_lake(Some(1)).unwrap();
    assert_eq!(crawled(&run), ["a", "x", "y"]);
    let stale = run.tables.iter().find(|t| t.table == "x").unwrap();
    assert!(
        stale.warnings[0]
            .message
            .contains("is no longer a table of file://"),
        "{:?}",
        stale.warnings
    );
    assert_eq!(
        lake.table_names(),
        ["a", "foreign", "x", "y"],
        "log keeps them"
    );

    let mut delete = options();
    delete.delete = DeleteBehavior::Delete;
    let run = lake
        .run_in("", Some(1), &delete, RunOptions::default())
        .unwrap();
    assert!(run.failed.is_empty());
    assert_eq!(lake.table_names(), ["a", "foreign"]);
    assert_eq!(lake.table_named("a").partition_keys[0].name, "partition_0");
}

#[test]
fn lake_recrawl_with_a_state_file_writes_nothing_and_reads_nothing() {
    let lake = Lake::new();
    for table in ["a", "b", "c"] {
        for day in 1..=3 {
            lake.lines(
                &format!("{table}/dt=2024-01-0{day}/x.json"),
                &[r#"{"id": 1, "v": "x"}"#],
            );
        }
    }
    let mut o = options();
    o.state_file = Some(lake.dir.path().join("state.json"));
    let first = lake.run_in("", None, &o, RunOptions::default()).unwrap();
    assert_eq!(
        first.tables.iter().map(|t| t.objects_sampled).sum::<u64>(),
        9
    );
    let again = lake.run_in("", None, &o, RunOptions::default()).unwrap();
    assert_eq!(crawled(&again), ["a", "b", "c"]);
    for table in &again.tables {
        assert_eq!(table.writes, 0, "{}", table.table);
        assert_eq!(table.objects_sampled, 0, "{}", table.table);
        assert_eq!(table.objects_cached, 3, "{}", table.table);
        assert_eq!(table.bytes_read, 0, "{}", table.table);
    }
    // One state file holds every root; a run over one of them keeps the others' sections.
    let text = std::fs::read_to_string(o.state_file.as_ref().unwrap()).unwrap();
    assert_eq!(text.matches("\"root\":").count(), 3, "{text}");
}

#[test]
fn lake_an_iceberg_table_among_plain_ones_is_left_alone() {
    let lake = Lake::new();
    lake.lines("plain/dt=1/a.json", &[r#"{"id": 1}"#]);
    lake.put("ice/metadata/00001-x.metadata.json", "{}");
    lake.put(
        "ice/data/dt=1/p.parquet",
        parquet_bytes(Arc::new(Int32Array::from(vec![1]))),
    );
    let run = lake.run_lake(None).unwrap();
    assert_eq!(run.level.as_ref().unwrap().level, 1);
    assert_eq!(crawled(&run), ["ice", "plain"]);
    let ice = &run.tables[0];
    assert_eq!(
        ice.open_table.as_ref().unwrap().format,
        OpenTableFormat::Iceberg
    );
    assert_eq!(lake.table_names(), ["plain"]);
}
