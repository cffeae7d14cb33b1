//! Stage 4 for PostgreSQL: the vector index, built after the rows are in (building once is far
//! faster than maintaining it row by row), then ANALYZE, and VACUUM (ANALYZE) when asked. An
//! index lakeops built carries its definition as its comment: a rerun with the same settings
//! keeps it, other settings rebuild it.

use std::time::Instant;

use tokio_postgres::Client;

use super::table::{quote, TableName};
use super::{sql_error, PgError};
use crate::load::report::IndexReport;
use crate::load::Metric;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexMethod {
    Hnsw {
        m: u32,
        ef_construction: u32,
    },
    /// `lists`: `None` for pgvector's advice, rows / 1000 up to a million rows, √rows above.
    IvfFlat {
        lists: Option<u32>,
    },
    None,
}

#[derive(Clone, Debug)]
pub struct IndexSettings {
    pub method: IndexMethod,
    /// `maintenance_work_mem` for the build, as PostgreSQL spells it (`2GB`).
    pub maintenance_work_mem: String,
    /// `max_parallel_maintenance_workers` for the build; `None` leaves the server's.
    pub parallel_workers: Option<u32>,
}

pub fn opclass(metric: Metric) -> &'static str {
    match metric {
        Metric::Cosine => "vector_cosine_ops",
        Metric::L2 => "vector_l2_ops",
        Metric::InnerProduct => "vector_ip_ops",
    }
}

/// pgvector's distance operator for `metric`.
pub fn operator(metric: Metric) -> &'static str {
    match metric {
        Metric::Cosine => "<=>",
        Metric::L2 => "<->",
        Metric::InnerProduct => "<#>",
    }
}

/// `lists` as pgvector's documentation advises for `rows`.
pub fn default_lists(rows: u64) -> u32 {
    let lists = if rows <= 1_000_000 {
        rows / 1000
    } else {
        (rows as f64).sqrt() as u64
    };
    lists.clamp(1, 32_768) as u32
}

/// The index's name: the table's, with `_embedding_idx`, cut to PostgreSQL's 63 bytes.
pub fn index_name(table: &TableName) -> String {
    let mut base = table.name.clone();
    while base.len() + "_embedding_idx".len() > 63 {
        base.pop();
    }
    format!("{base}_embedding_idx")
}

/// Builds (or keeps) the index, then ANALYZE; `rows` sizes ivfflat's default lists.
pub async fn build(
    client: &Client,
    target: &str,
    table: &TableName,
    metric: Metric,
    settings: &IndexSettings,
    rows: u64,
) -> Result<Option<IndexReport>, PgError> {
    let started = Instant::now();
    let failed = |what: &str, e| sql_error(target, what, e);
    let (method_name, using) = match settings.method {
        IndexMethod::None => {
            client
                .batch_execute(&format!("ANALYZE {}", table.sql()))
                .await
                .map_err(|e| failed("ANALYZE", e))?;
            return Ok(None);
        }
        IndexMethod::Hnsw { m, ef_construction } => (
            "hnsw",
            format!(
                "USING hnsw (embedding {}) WITH (m = {m}, ef_construction = {ef_construction})",
                opclass(metric)
            ),
        ),
        IndexMethod::IvfFlat { lists } => (
            "ivfflat",
            format!(
                "USING ivfflat (embedding {}) WITH (lists = {})",
                opclass(metric),
                lists.unwrap_or_else(|| default_lists(rows))
            ),
        ),
    };
    let name = index_name(table);
    let qualified = table.sibling_sql(&name);
    let definition = format!("lakeops: {using}");
    let row = client
        .query_one(
            "SELECT to_regclass($1) IS NOT NULL, \
             coalesce(obj_description(to_regclass($1), 'pg_class'), '')",
            &[&qualified],
        )
        .await
        .map_err(|e| failed("look up the index", e))?;
    let existing: Option<String> = row.get::<_, bool>(0).then(|| row.get(1));
    let action = match existing.as_deref() {
        Some(comment) if comment == definition => "kept",
        Some(_) => "rebuilt",
        None => "built",
    };
    if action != "kept" {
        let mut script = format!(
            "SET maintenance_work_mem = '{}';",
            settings.maintenance_work_mem.replace('\'', "''")
        );
        if let Some(workers) = settings.parallel_workers {
            script.push_str(&format!(
                "SET max_parallel_maintenance_workers = {workers};"
            ));
        }
        if existing.is_some() {
            script.push_str(&format!("DROP INDEX {qualified};"));
        }
        script.push_str(&format!(
            "CREATE INDEX IF NOT EXISTS {} ON {} {using};COMMENT ON INDEX {qualified} IS '{}';",
            quote(&name),
            table.sql(),
            definition.replace('\'', "''")
        ));
        client
            .batch_execute(&script)
            .await
            .map_err(|e| failed(&format!("build the {method_name} index {name}"), e))?;
    }
    client
        .batch_execute(&format!("ANALYZE {}", table.sql()))
        .await
        .map_err(|e| failed("ANALYZE", e))?;
    Ok(Some(IndexReport {
        name,
        method: method_name.to_owned(),
        action,
        seconds: started.elapsed().as_secs_f64(),
    }))
}

/// `VACUUM (ANALYZE)` of the table (outside a transaction, as VACUUM must be); its seconds.
pub async fn vacuum(client: &Client, target: &str, table: &TableName) -> Result<f64, PgError> {
    let started = Instant::now();
    client
        .batch_execute(&format!("VACUUM (ANALYZE) {}", table.sql()))
        .await
        .map_err(|e| sql_error(target, "VACUUM (ANALYZE)", e))?;
    Ok(started.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_follow_pgvector_advice() {
        assert_eq!(default_lists(10), 1);
        assert_eq!(default_lists(100_000), 100);
        assert_eq!(default_lists(4_000_000), 2000);
    }

    #[test]
    fn index_name_fits_postgres() {
        let long = TableName::parse(&"t".repeat(63)).unwrap();
        assert_eq!(index_name(&long).len(), 63);
        assert_eq!(
            index_name(&TableName::parse("s.docs").unwrap()),
            "docs_embedding_idx"
        );
    }
}
