//! The table and its ledger: the `vector` extension made sure of, the table created (or checked
//! to be of the right shape, naming the first difference), and `lakeops_loads` beside it, which
//! records each committed part so that a rerun skips it.

use tokio_postgres::types::{Kind, Type};
use tokio_postgres::Client;

use super::{sql_error, PgError};
use crate::load::input::Shape;

/// A table name as given: `name` or `schema.name`, each part taken literally (quoted in SQL).
#[derive(Clone, Debug)]
pub struct TableName {
    pub schema: Option<String>,
    pub name: String,
}

/// `"a""b"`: an identifier quoted for SQL.
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

impl TableName {
    pub fn parse(text: &str) -> Result<TableName, String> {
        let (schema, name) = match text.split_once('.') {
            Some((schema, name)) => (Some(schema.to_owned()), name.to_owned()),
            None => (None, text.to_owned()),
        };
        let bad =
            |part: &str| part.is_empty() || part.len() > 63 || part.chars().any(|c| c.is_control());
        if bad(&name) || schema.as_deref().is_some_and(bad) {
            return Err(format!(
                "--table {text:?}: expected NAME or SCHEMA.NAME, each 1 to 63 characters \
                 without control characters"
            ));
        }
        if name == "lakeops_loads" {
            return Err("--table lakeops_loads: that is the name of lakeops' ledger table".into());
        }
        Ok(TableName { schema, name })
    }

    fn qualify(&self, name: &str) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", quote(schema), quote(name)),
            None => quote(name),
        }
    }

    /// The table, quoted for SQL.
    pub fn sql(&self) -> String {
        self.qualify(&self.name)
    }

    /// The ledger beside the table.
    pub fn ledger_sql(&self) -> String {
        self.qualify("lakeops_loads")
    }

    /// An object named after the table (its index), quoted, in the table's schema.
    pub fn sibling_sql(&self, name: &str) -> String {
        self.qualify(name)
    }

    /// As the ledger records it and reports show it.
    pub fn display(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The store's columns and their SQL types, in order: the fixed five, then the kept ones.
pub fn columns(shape: &Shape) -> Vec<(String, String)> {
    [
        ("doc_id", "text".to_owned()),
        ("chunk_index", "integer".to_owned()),
        ("chunk_start", "bigint".to_owned()),
        ("chunk_text", "text".to_owned()),
        ("embedding", format!("vector({})", shape.dimension)),
    ]
    .into_iter()
    .map(|(name, ty)| (name.to_owned(), ty))
    .chain(
        shape
            .kept
            .iter()
            .map(|name| (name.clone(), "text".to_owned())),
    )
    .collect()
}

/// The `vector` extension, created when missing; when lakeops may not create it, the error says
/// what a privileged user must run.
pub async fn ensure_extension(client: &Client, target: &str, db: &str) -> Result<(), PgError> {
    let installed = client
        .query_opt("SELECT 1 FROM pg_extension WHERE extname = 'vector'", &[])
        .await
        .map_err(|e| sql_error(target, "look for the vector extension", e))?;
    if installed.is_some() {
        return Ok(());
    }
    match client
        .batch_execute("CREATE EXTENSION IF NOT EXISTS vector")
        .await
    {
        Ok(()) => Ok(()),
        Err(e) if is_creation_race(&e) => Ok(()),
        Err(e) => {
            use tokio_postgres::error::SqlState;
            let reason = e
                .as_db_error()
                .map(|db| db.message().to_owned())
                .unwrap_or_else(|| e.to_string());
            let problem = if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
                format!(
                    "the pgvector extension is not enabled in database {db:?}, and this user may \
                     not enable it ({reason}); have a superuser (rds_superuser on RDS) run: \
                     CREATE EXTENSION vector;  -- in database {db:?}"
                )
            } else {
                format!(
                    "the pgvector extension is not installed on this server ({reason}): install \
                     it (e.g. apt install postgresql-NN-pgvector; RDS and Aurora have it), then \
                     run CREATE EXTENSION vector; in database {db:?}"
                )
            };
            Err(PgError::Setup {
                target: target.to_owned(),
                problem,
            })
        }
    }
}

/// The server's `vector` type, for binary COPY and query parameters.
pub async fn vector_type(client: &Client, target: &str) -> Result<Type, PgError> {
    let row = client
        .query_one(
            "SELECT t.oid, n.nspname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE t.typname = 'vector' ORDER BY n.nspname = 'public' DESC LIMIT 1",
            &[],
        )
        .await
        .map_err(|e| sql_error(target, "look up the vector type", e))?;
    Ok(Type::new(
        "vector".into(),
        row.get(0),
        Kind::Simple,
        row.get(1),
    ))
}

/// Creates the table when missing, or checks that the one there has the columns, types and key
/// a load needs: the first difference is the error, and nothing is written.
pub async fn ensure_table(
    client: &Client,
    target: &str,
    table: &TableName,
    shape: &Shape,
) -> Result<(), PgError> {
    let wanted = columns(shape);
    let exists: Option<u32> = client
        .query_one("SELECT to_regclass($1)::oid", &[&table.sql()])
        .await
        .map_err(|e| sql_error(target, "look up the table", e))?
        .get(0);
    let Some(oid) = exists else {
        let definitions: Vec<String> = wanted
            .iter()
            .map(|(name, ty)| {
                let not_null = if matches!(name.as_str(), "doc_id" | "chunk_index" | "embedding") {
                    " NOT NULL"
                } else {
                    ""
                };
                format!("{} {ty}{not_null}", quote(name))
            })
            .collect();
        if let Some(schema) = &table.schema {
            client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {}", quote(schema)))
                .await
                .map_err(|e| sql_error(target, &format!("create schema {schema}"), e))?;
        }
        let create = format!(
            "CREATE TABLE IF NOT EXISTS {} ({}, PRIMARY KEY (doc_id, chunk_index))",
            table.sql(),
            definitions.join(", ")
        );
        match client.batch_execute(&create).await {
            Ok(()) => {}
            // Two loads creating one table at once: the loser's IF NOT EXISTS can still meet the
            // winner's catalog row; the table is there, and is checked like any other.
            Err(e) if is_creation_race(&e) => {
                return Box::pin(ensure_table(client, target, table, shape)).await
            }
            Err(e) => {
                return Err(sql_error(
                    target,
                    &format!("create table {}", table.display()),
                    e,
                ))
            }
        }
        return ensure_ledger(client, target, table).await;
    };
    let present = client
        .query(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull, atthasdef \
             FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped \
             ORDER BY attnum",
            &[&oid],
        )
        .await
        .map_err(|e| sql_error(target, "read the table's columns", e))?;
    let shape_error = |problem: String| PgError::Setup {
        target: target.to_owned(),
        problem: format!(
            "table {} exists with another shape: {problem}; load into another --table, or \
             change or drop this one",
            table.display()
        ),
    };
    for (name, ty) in &wanted {
        let found = present.iter().find(|row| row.get::<_, &str>(0) == name);
        match found {
            None => return Err(shape_error(format!("it has no column {name} ({ty})"))),
            Some(row) if row.get::<_, &str>(1) != ty => {
                return Err(shape_error(format!(
                    "column {name} is {}, the inputs need {ty}",
                    row.get::<_, &str>(1)
                )))
            }
            Some(_) => {}
        }
    }
    for row in &present {
        let name: &str = row.get(0);
        let (not_null, has_default): (bool, bool) = (row.get(2), row.get(3));
        if !wanted.iter().any(|(w, _)| w == name) && not_null && !has_default {
            return Err(shape_error(format!(
                "its column {name} is NOT NULL without a default, and the inputs have no value \
                 for it"
            )));
        }
    }
    let key: Option<Vec<String>> = client
        .query_opt(
            "SELECT array_agg(a.attname::text ORDER BY k.ord) FROM pg_index i \
             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
             WHERE i.indrelid = $1 AND i.indisprimary",
            &[&oid],
        )
        .await
        .map_err(|e| sql_error(target, "read the table's primary key", e))?
        .and_then(|row| row.get(0));
    if key.as_deref() != Some(&["doc_id".to_owned(), "chunk_index".to_owned()][..]) {
        return Err(shape_error(format!(
            "its primary key is {}, not (doc_id, chunk_index), which a reload replaces rows by",
            key.map_or("missing".to_owned(), |k| format!("({})", k.join(", ")))
        )));
    }
    ensure_ledger(client, target, table).await
}

/// A concurrent `CREATE … IF NOT EXISTS` that lost the race for the catalog.
pub fn is_creation_race(e: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    e.code().is_some_and(|c| {
        [
            SqlState::UNIQUE_VIOLATION,
            SqlState::DUPLICATE_TABLE,
            SqlState::DUPLICATE_OBJECT,
        ]
        .contains(c)
    })
}

async fn ensure_ledger(client: &Client, target: &str, table: &TableName) -> Result<(), PgError> {
    let created = client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {} (\
                 target text NOT NULL, input text NOT NULL, first_row bigint NOT NULL, \
                 rows bigint NOT NULL, identity text NOT NULL, \
                 loaded_at timestamptz NOT NULL DEFAULT now(), \
                 PRIMARY KEY (target, input, first_row))",
            table.ledger_sql()
        ))
        .await;
    match created {
        Err(e) if !is_creation_race(&e) => Err(sql_error(
            target,
            "create the ledger table lakeops_loads",
            e,
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_quoted_literally() {
        let table = TableName::parse("rag.Chunks\"x").unwrap();
        assert_eq!(table.sql(), "\"rag\".\"Chunks\"\"x\"");
        assert_eq!(table.ledger_sql(), "\"rag\".\"lakeops_loads\"");
        assert_eq!(TableName::parse("t").unwrap().sql(), "\"t\"");
        assert!(TableName::parse("").is_err());
        assert!(TableName::parse("a.").is_err());
        assert!(TableName::parse("bad\nname").is_err());
    }
}
