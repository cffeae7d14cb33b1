//! Tables from a catalog (`--catalog-file`, the local catalog `crawl` writes; Glue later): the
//! catalog, not the files, defines each table, as in Athena and Redshift Spectrum. Its columns
//! are the schema (files without a newer column read it as NULL; a type the crawl widened is
//! cast), its partition keys are `key=value/` folders under the location, and its SerDe says the
//! format. JSON keys whose case the catalog lowered (`serviceRecommendedDate` stored as column
//! `servicerecommendeddate`) are read by their original names, as the OpenX JSON SerDe does.

use std::sync::Arc;

use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::catalog::MemorySchemaProvider;
use datafusion::common::Column;
use datafusion::common::TableReference;
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::prelude::{col, SessionContext};

use super::sources::{Compression, FileKind, Format};
use super::{describe, QueryError, Session};
use crate::catalog::{Catalog, TableDef};
use crate::schema::{parse_hive_type, to_arrow_type};

/// Registers every table of `database` under the SQL schema of the same name (so `db.table`
/// works; unqualified names work when the session's default schema is `database`).
pub async fn register_database(
    session: &Session,
    catalog: &mut impl Catalog,
    database: &str,
) -> Result<Vec<String>, QueryError> {
    let ctx = session.context();
    let tables = catalog
        .list_tables(database)
        .await
        .map_err(|e| QueryError::Catalog(e.to_string()))?;
    let default_catalog = ctx
        .catalog("datafusion")
        .expect("the default catalog exists");
    if default_catalog.schema(database).is_none() {
        default_catalog
            .register_schema(database, Arc::new(MemorySchemaProvider::new()))
            .map_err(|e| QueryError::Catalog(describe(&e)))?;
    }
    let mut names = Vec::with_capacity(tables.len());
    for table in tables {
        session
            .ensure_store(&table.storage_descriptor.location)
            .map_err(|e| QueryError::Catalog(format!("{database}.{}: {e}", table.name)))?;
        register_table(ctx, database, &table).await?;
        names.push(table.name);
    }
    Ok(names)
}

/// The files' kind, from the SerDe and the crawl's `compressionType`.
fn kind_of(table: &TableDef) -> Result<FileKind, String> {
    let sd = &table.storage_descriptor;
    let serde = sd.serde_info.serialization_library.to_ascii_lowercase();
    let input = sd.input_format.to_ascii_lowercase();
    let format = if input.contains("parquet") || serde.contains("parquet") {
        Format::Parquet
    } else if serde.contains("json") {
        Format::Json
    } else if serde.contains("lazysimpleserde") || serde.contains("opencsvserde") {
        Format::Csv
    } else {
        return Err(format!(
            "unsupported table format (SerDe {:?}, input format {:?})",
            sd.serde_info.serialization_library, sd.input_format
        ));
    };
    let compression = match table
        .parameters
        .get("compressionType")
        .map(|c| c.to_ascii_lowercase())
        .as_deref()
    {
        Some("zstd") => Compression::Zstd,
        Some("gzip") => Compression::Gzip,
        _ => Compression::None,
    };
    let extension = match (format, compression) {
        (Format::Parquet, _) => ".parquet",
        (_, Compression::Zstd) => ".zst",
        (_, Compression::Gzip) => ".gz",
        // Plain JSON or CSV files may be named anything; hidden and `_` files are skipped.
        _ => "",
    };
    Ok(FileKind {
        format,
        compression,
        extension: extension.to_owned(),
    })
}

/// The key a JSON column is stored under in the files: the SerDe's `mapping.<column>`, else the
/// `paths` entry equal to it ignoring case, else the column name.
fn json_key(table: &TableDef, column: &str) -> String {
    let params = &table.storage_descriptor.serde_info.parameters;
    if let Some(original) = params.get(&format!("mapping.{column}")) {
        return original.clone();
    }
    params
        .get("paths")
        .and_then(|paths| {
            paths
                .split(',')
                .find(|p| p.trim().eq_ignore_ascii_case(column))
                .map(|p| p.trim().to_owned())
        })
        .unwrap_or_else(|| column.to_owned())
}

async fn register_table(
    ctx: &SessionContext,
    database: &str,
    table: &TableDef,
) -> Result<(), QueryError> {
    let bad =
        |message: String| QueryError::Catalog(format!("{database}.{}: {message}", table.name));
    let kind = kind_of(table).map_err(bad)?;
    let sd = &table.storage_descriptor;
    let arrow_type = |name: &str, type_name: &str| {
        parse_hive_type(type_name)
            .map(|t| to_arrow_type(&t))
            .map_err(|e| bad(format!("column {name} has type {type_name:?}: {e}")))
    };
    // The files' own names for the columns (they differ only for JSON keys the catalog lowered).
    let mut file_fields = Vec::with_capacity(sd.columns.len());
    for column in &sd.columns {
        let stored = match kind.format {
            Format::Json => json_key(table, &column.name),
            _ => column.name.clone(),
        };
        file_fields.push(Field::new(
            stored,
            arrow_type(&column.name, &column.type_name)?,
            true,
        ));
    }
    let mut partition_cols = Vec::with_capacity(table.partition_keys.len());
    for key in &table.partition_keys {
        partition_cols.push((key.name.clone(), arrow_type(&key.name, &key.type_name)?));
    }
    let mut location = sd.location.clone();
    if !location.ends_with('/') {
        location.push('/');
    }
    let url = ListingTableUrl::parse(&location).map_err(|e| bad(describe(&e)))?;
    let format = match kind.format {
        // Header and delimiter as the crawl recorded them (Glue's CSV parameters).
        Format::Csv => {
            let header = table
                .parameters
                .get("skip.header.line.count")
                .is_some_and(|n| n.trim() == "1");
            let delimiter = sd
                .serde_info
                .parameters
                .get("field.delim")
                .or_else(|| table.parameters.get("delimiter"))
                .and_then(|d| d.bytes().next())
                .unwrap_or(b',');
            Arc::new(
                CsvFormat::default()
                    .with_has_header(header)
                    .with_delimiter(delimiter)
                    .with_file_compression_type(kind.compression_type()),
            ) as Arc<dyn FileFormat>
        }
        _ => kind.file_format(),
    };
    let options = ListingOptions::new(format)
        .with_file_extension(&kind.extension)
        .with_table_partition_cols(partition_cols);
    let config = ListingTableConfig::new(url)
        .with_listing_options(options)
        .with_schema(Arc::new(Schema::new(file_fields.clone())));
    let listing = ListingTable::try_new(config).map_err(|e| bad(describe(&e)))?;
    // Catalog names over the files' names, partition columns last (as Athena shows them).
    let frame = ctx
        .read_table(Arc::new(listing))
        .map_err(|e| bad(describe(&e)))?;
    let mut columns: Vec<_> = sd
        .columns
        .iter()
        .zip(&file_fields)
        .map(|(column, field)| col(Column::from_name(field.name())).alias(&column.name))
        .collect();
    columns.extend(
        table
            .partition_keys
            .iter()
            .map(|key| col(Column::from_name(&key.name))),
    );
    let view = frame
        .select(columns)
        .map_err(|e| bad(describe(&e)))?
        .into_view();
    ctx.register_table(TableReference::partial(database, table.name.as_str()), view)
        .map_err(|e| bad(describe(&e)))?;
    Ok(())
}
