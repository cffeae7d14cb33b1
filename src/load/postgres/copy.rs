//! Stage 3 for PostgreSQL: one part, one transaction. The rows go straight into the table by
//! binary `COPY`, and the part's ledger row is written in the same transaction, so a part is in
//! the table and the ledger together or in neither. When the table already holds some of the
//! part's keys (an input re-embedded, or loaded by another tool), the COPY fails on the primary
//! key and the part is loaded again through a temporary staging table, upserted on
//! `(doc_id, chunk_index)`: new values replace old ones, no row is duplicated.

use std::sync::atomic::AtomicBool;

use bytes::{BufMut, Bytes, BytesMut};
use futures::SinkExt;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;
use tokio_postgres::Client;

use super::table::{columns, quote, TableName};
use super::{sql_error, PgError};
use crate::load::input::{Shape, VectorInput};
use crate::load::parts::{open_part, Part, Rows};
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
        .copy_in::<_, Bytes>(&format!(
            "COPY {destination} ({column_list}) FROM STDIN (FORMAT binary)"
        ))
        .await
        .map_err(failed)?;
    futures::pin_mut!(sink);
    let mut tuples = Tuples::new(to.shape.kept.clone());
    let mut reader = open_part(input, part)?;
    while let Some(rows) = reader.next().await {
        let rows = rows?;
        // Dropping the sink unfinished aborts the COPY, and the transaction with it.
        check_cancel(cancel)?;
        for row in 0..rows.len() {
            tuples
                .push(&rows, row)
                .map_err(|problem| rows.row_error(input, row, problem))?;
            if tuples.full() {
                sink.send(tuples.take()).await.map_err(failed)?;
            }
        }
    }
    sink.send(tuples.finish()).await.map_err(failed)?;
    let written = sink.as_mut().finish().await.map_err(failed)?;
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

/// Bytes of COPY data sent in one message: far fewer messages than a row each, little memory.
const SEND_AT: usize = 256 << 10;

/// Rows in PostgreSQL's binary COPY format (the `PGCOPY` signature, then per row a field
/// count and each field as a length and its binary value), in the store's column order:
/// `text`, `int4`, `int8`, `text`, pgvector's `vector` (`int16` dimension, `int16` 0, then
/// big-endian `float4`s, as its `vector_recv` reads), and the kept columns as `text`. Written
/// here rather than through tokio-postgres's `BinaryCopyInWriter`, which sends a message per
/// row of a 3 KB vector and encodes each value through a type check and a `dyn` call.
struct Tuples {
    buffer: BytesMut,
    /// The kept columns' names, for errors.
    kept: Vec<String>,
}

impl Tuples {
    fn new(kept: Vec<String>) -> Tuples {
        let mut buffer = BytesMut::with_capacity(SEND_AT + (64 << 10));
        buffer.put_slice(b"PGCOPY\n\xff\r\n\0");
        buffer.put_i32(0); // flags
        buffer.put_i32(0); // header extension
        Tuples { buffer, kept }
    }

    fn text(&mut self, value: Option<&str>) {
        match value {
            Some(text) => {
                self.buffer.put_i32(text.len() as i32);
                self.buffer.put_slice(text.as_bytes());
            }
            None => self.buffer.put_i32(-1),
        }
    }

    /// Adds `row`, or says why it cannot be stored (nothing is added then).
    fn push(&mut self, rows: &Rows, row: usize) -> Result<(), String> {
        // PostgreSQL's text cannot hold NUL: said per row rather than as the server's encoding
        // error for the whole part.
        let nul =
            |value: Option<&str>| value.is_some_and(|v| memchr::memchr(0, v.as_bytes()).is_some());
        let id = rows.id(row).ok_or("the id is null")?;
        let vector = rows.vector(row).ok_or("the vector is null")?;
        let text = rows.text(row);
        let kept: Vec<Option<&str>> = (0..self.kept.len()).map(|c| rows.kept(c, row)).collect();
        let cannot = "holds a NUL character, which PostgreSQL text cannot store";
        if nul(Some(id)) {
            return Err(format!("the id {cannot}"));
        }
        if nul(text) {
            return Err(format!("the text {cannot}"));
        }
        if let Some(column) = kept.iter().position(|v| nul(*v)) {
            return Err(format!("kept column {} {cannot}", self.kept[column]));
        }
        if vector.len() > i16::MAX as usize {
            return Err(format!(
                "{} dimensions is more than pgvector takes",
                vector.len()
            ));
        }
        self.buffer.put_i16(5 + self.kept.len() as i16);
        self.text(Some(id));
        self.buffer.put_i32(4);
        self.buffer.put_i32(rows.chunk_index(row));
        self.buffer.put_i32(8);
        self.buffer.put_i64(rows.chunk_start(row));
        self.text(text);
        self.buffer.put_i32(4 + 4 * vector.len() as i32);
        self.buffer.put_i16(vector.len() as i16);
        self.buffer.put_i16(0);
        for value in vector {
            self.buffer.put_f32(*value);
        }
        for value in kept {
            self.text(value);
        }
        Ok(())
    }

    fn full(&self) -> bool {
        self.buffer.len() >= SEND_AT
    }

    fn take(&mut self) -> Bytes {
        self.buffer.split().freeze()
    }

    /// The rest, with the trailer.
    fn finish(&mut self) -> Bytes {
        self.buffer.put_i16(-1);
        self.take()
    }
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
