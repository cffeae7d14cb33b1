//! Stage 3 for PostgreSQL: one part, one transaction. The rows go straight into the table by
//! binary `COPY`, and the part's ledger row is written in the same transaction, so a part is in
//! the table and the ledger together or in neither. When the table already holds some of the
//! part's keys (an input re-embedded, or loaded by another tool), the COPY fails on the primary
//! key and the part is loaded again through a temporary staging table, upserted on
//! `(doc_id, chunk_index)`: new values replace old ones, no row is duplicated.

use std::sync::atomic::AtomicBool;

use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::Client;

use super::table::{columns, quote, TableName};
use super::{sql_error, PgError};
use crate::load::input::{Shape, VectorInput};
use crate::load::parts::{open_part, Part};
use crate::load::{check_cancel, LoadError};

/// What every part of a run writes into.
pub struct CopyTarget {
    pub target: String,
    pub table: TableName,
    pub shape: Shape,
    pub vector_type: Type,
}

impl CopyTarget {
    fn column_list(&self) -> String {
        columns(&self.shape)
            .iter()
            .map(|(name, _)| quote(name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn types(&self) -> Vec<Type> {
        let mut types = vec![
            Type::TEXT,
            Type::INT4,
            Type::INT8,
            Type::TEXT,
            self.vector_type.clone(),
        ];
        types.extend(self.shape.kept.iter().map(|_| Type::TEXT));
        types
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Destination {
    Table,
    Staging,
}

/// Loads `part` of `input` and records it in the ledger; the rows it committed.
pub async fn load_part(
    client: &mut Client,
    to: &CopyTarget,
    input: &VectorInput,
    part: &Part,
    cancel: &AtomicBool,
) -> Result<u64, LoadError> {
    match copy_part(client, to, input, part, Destination::Table, cancel).await {
        Err(LoadError::Postgres(PgError::Sql { source, .. }))
            if source.code() == Some(&SqlState::UNIQUE_VIOLATION) =>
        {
            copy_part(client, to, input, part, Destination::Staging, cancel).await
        }
        other => other,
    }
}

async fn copy_part(
    client: &mut Client,
    to: &CopyTarget,
    input: &VectorInput,
    part: &Part,
    into: Destination,
    cancel: &AtomicBool,
) -> Result<u64, LoadError> {
    let target = to.target.as_str();
    let what = format!("load rows {} of {}", part.describe(), input.url);
    let failed = |e| LoadError::Postgres(sql_error(target, &what, e));
    let transaction = client.transaction().await.map_err(failed)?;
    let destination = match into {
        Destination::Table => to.table.sql(),
        Destination::Staging => {
            transaction
                .batch_execute(&format!(
                    "CREATE TEMPORARY TABLE lakeops_stage (LIKE {} INCLUDING DEFAULTS) \
                     ON COMMIT DROP",
                    to.table.sql()
                ))
                .await
                .map_err(failed)?;
            "lakeops_stage".to_owned()
        }
    };
    let column_list = to.column_list();
    let sink = transaction
        .copy_in(&format!(
            "COPY {destination} ({column_list}) FROM STDIN (FORMAT binary)"
        ))
        .await
        .map_err(failed)?;
    let writer = BinaryCopyInWriter::new(sink, &to.types());
    futures::pin_mut!(writer);
    let mut reader = open_part(input, part)?;
    let mut row_number = part.rows.start;
    while let Some(rows) = reader.next().await {
        let rows = rows?;
        // Dropping the writer unfinished aborts the COPY, and the transaction with it.
        check_cancel(cancel)?;
        for row in 0..rows.len() {
            let null = |column: &str| LoadError::Input {
                url: input.url.clone(),
                problem: format!("row {row_number}: {column} is null"),
            };
            // PostgreSQL's text cannot hold NUL; said per row rather than as the server's
            // encoding error for the whole part.
            let nul = |column: &str| LoadError::Input {
                url: input.url.clone(),
                problem: format!(
                    "row {row_number}: {column} holds a NUL character, which PostgreSQL text \
                     cannot store"
                ),
            };
            let has_nul = |value: Option<&str>| {
                value.is_some_and(|v| memchr::memchr(0, v.as_bytes()).is_some())
            };
            let id = rows.id(row).ok_or_else(|| null("the id"))?;
            if has_nul(Some(id)) {
                return Err(nul("the id"));
            }
            if has_nul(rows.text(row)) {
                return Err(nul("the text"));
            }
            if let Some(column) = (0..to.shape.kept.len()).find(|&c| has_nul(rows.kept(c, row))) {
                return Err(nul(&format!("kept column {}", to.shape.kept[column])));
            }
            let vector = pgvector::Vector::from(
                rows.vector(row).ok_or_else(|| null("the vector"))?.to_vec(),
            );
            let chunk_index = rows.chunk_index(row);
            let chunk_start = rows.chunk_start(row);
            let text = rows.text(row);
            let kept: Vec<Option<&str>> = (0..to.shape.kept.len())
                .map(|column| rows.kept(column, row))
                .collect();
            let mut values: Vec<&(dyn ToSql + Sync)> =
                vec![&id, &chunk_index, &chunk_start, &text, &vector];
            values.extend(kept.iter().map(|v| v as &(dyn ToSql + Sync)));
            writer.as_mut().write(&values).await.map_err(failed)?;
            row_number += 1;
        }
    }
    let written = writer.as_mut().finish().await.map_err(failed)?;
    if into == Destination::Staging {
        let updates: Vec<String> = columns(&to.shape)
            .iter()
            .skip(2)
            .map(|(name, _)| format!("{0} = EXCLUDED.{0}", quote(name)))
            .collect();
        transaction
            .batch_execute(&format!(
                "INSERT INTO {} ({column_list}) SELECT {column_list} FROM lakeops_stage \
                 ON CONFLICT (doc_id, chunk_index) DO UPDATE SET {}",
                to.table.sql(),
                updates.join(", ")
            ))
            .await
            .map_err(|e| {
                if e.code() == Some(&SqlState::CARDINALITY_VIOLATION) {
                    LoadError::Input {
                        url: input.url.clone(),
                        problem: format!(
                            "rows {} hold one (doc_id, chunk_index) twice",
                            part.describe()
                        ),
                    }
                } else {
                    failed(e)
                }
            })?;
    }
    transaction
        .execute(
            &format!(
                "INSERT INTO {} (target, input, first_row, rows, identity) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (target, input, first_row) \
                 DO UPDATE SET rows = EXCLUDED.rows, identity = EXCLUDED.identity, \
                 loaded_at = now()",
                to.table.ledger_sql()
            ),
            &[
                &to.table.display(),
                &input.url,
                &(part.rows.start as i64),
                &(part.len() as i64),
                &input.identity(),
            ],
        )
        .await
        .map_err(failed)?;
    transaction.commit().await.map_err(failed)?;
    Ok(written)
}

/// The parts of earlier runs that the ledger says are in the table: (input URL, first row) →
/// (rows, input identity).
pub async fn ledger(
    client: &Client,
    to: &CopyTarget,
) -> Result<std::collections::HashMap<(String, u64), (u64, String)>, PgError> {
    let rows = client
        .query(
            &format!(
                "SELECT input, first_row, rows, identity FROM {} WHERE target = $1",
                to.table.ledger_sql()
            ),
            &[&to.table.display()],
        )
        .await
        .map_err(|e| sql_error(&to.target, "read the ledger lakeops_loads", e))?;
    Ok(rows
        .iter()
        .map(|row| {
            (
                (row.get::<_, String>(0), row.get::<_, i64>(1) as u64),
                (row.get::<_, i64>(2) as u64, row.get::<_, String>(3)),
            )
        })
        .collect())
}
