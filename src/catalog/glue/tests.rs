//! The paging loop and the model's round trip through Glue's types, without AWS.

use super::model::{table_from, table_to};
use super::*;
use crate::catalog::{Column, StorageDescriptor};

/// Pages the way real Glue does (moto returns everything in one page, so only this proves
/// the loop): three pages, tokens chained, the last page without a token.
// A unit test has no command context; a current-thread runtime is all `collect_pages` needs.
#[test]
fn pages_are_followed_until_no_token() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut calls = Vec::new();
    let items: Result<Vec<u32>, ()> = runtime.block_on(collect_pages(|token| {
        calls.push(token.clone());
        let page = match token.as_deref() {
            None => (vec![1, 2], Some("t1".to_owned())),
            Some("t1") => (vec![3, 4], Some("t2".to_owned())),
            Some("t2") => (vec![5], None),
            Some(other) => panic!("unexpected token {other}"),
        };
        async move { Ok(page) }
    }));
    assert_eq!(items.unwrap(), vec![1, 2, 3, 4, 5]);
    assert_eq!(calls, vec![None, Some("t1".into()), Some("t2".into())]);
}

#[test]
fn a_repeated_token_ends_the_loop() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut calls = 0;
    let items: Result<Vec<u32>, ()> = runtime.block_on(collect_pages(|_| {
        calls += 1;
        async move { Ok((vec![1], Some("same".to_owned()))) }
    }));
    assert_eq!(items.unwrap(), vec![1, 1]);
    assert_eq!(calls, 2);
}

#[test]
fn model_round_trips_through_glue_types() {
    let table = TableDef {
        name: "t".into(),
        description: Some("hand-written".into()),
        table_type: Some("EXTERNAL_TABLE".into()),
        parameters: [("classification".to_owned(), "json".to_owned())].into(),
        partition_keys: vec![Column::new("year", "string")],
        storage_descriptor: StorageDescriptor {
            columns: vec![Column {
                comment: Some("kept".into()),
                ..Column::new("a", "int")
            }],
            location: "s3://b/t/".into(),
            ..StorageDescriptor::default()
        },
        ..TableDef::default()
    };
    let input = table_to(&table);
    let back = glue::Table::builder()
        .name(input.name())
        .set_description(input.description().map(str::to_owned))
        .set_table_type(input.table_type().map(str::to_owned))
        .set_parameters(input.parameters().cloned())
        .set_partition_keys(Some(input.partition_keys().to_vec()))
        .set_storage_descriptor(input.storage_descriptor().cloned())
        .build()
        .unwrap();
    assert_eq!(table_from(&back), table);
}
