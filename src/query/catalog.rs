//! Tables from a catalog (`--catalog-file`, the local catalog `crawl` writes; Glue later): the
//! catalog, not the files, defines each table, as in Athena and Redshift Spectrum. Its columns
//! are the schema (files without a newer column read it as NULL; a type the crawl widened is
//! cast), its partition keys are `key=value/` folders under the location, and its SerDe says the
//! format. JSON keys whose case the catalog lowered (`serviceRecommendedDate` stored as column
//! `servicerecommendeddate`) are read by their original names, as the OpenX JSON SerDe does.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::catalog::MemorySchemaProvider;
use datafusion::common::Column;
use datafusion::common::TableReference;
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::json::JsonFormat;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig};
use datafusion::prelude::{cast, col, lit, DataFrame, Expr, SessionContext};

use super::sources::{compression_type, file_format};
use super::{listing_url, EngineError, QueryError, Session};
use crate::catalog::{hive_path, Catalog, PartitionDef, TableDef};
use crate::schema::{parse_hive_type, to_arrow_type};
use crate::storage::kind::{Compression, FileKind, Format};

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
        .map_err(QueryError::CatalogRead)?;
    let default_catalog = ctx
        .catalog("datafusion")
        .expect("the default catalog exists");
    if default_catalog.schema(database).is_none() {
        default_catalog.register_schema(database, Arc::new(MemorySchemaProvider::new()))?;
    }
    let mut names = Vec::with_capacity(tables.len());
    for table in tables {
        let partitions = if table.partition_keys.is_empty() {
            Vec::new()
        } else {
            catalog
                .get_partitions(database, &table.name)
                .await
                .map_err(QueryError::CatalogRead)?
        };
        let locations = std::iter::once(&table.storage_descriptor.location)
            .chain(partitions.iter().map(|p| &p.storage_descriptor.location));
        for location in locations {
            session.ensure_store(location).await.map_err(|e| match e {
                QueryError::Aws { .. } => e,
                e => QueryError::CatalogTable {
                    table: format!("{database}.{}", table.name),
                    source: e.into(),
                },
            })?;
        }
        register_table(ctx, database, &table, &partitions).await?;
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
    let compression = table
        .parameters
        .get("compressionType")
        .map_or(Compression::None, |c| Compression::from_glue(c));
    let extension = match format {
        Format::Parquet => ".parquet",
        // Plain JSON or CSV files may be named anything; hidden and `_` files are skipped.
        _ => compression.extension(),
    };
    Ok(FileKind {
        format,
        compression,
        extension: extension.to_owned(),
        stem: String::new(),
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

/// `location` with one trailing `/`.
fn as_folder(location: &str) -> String {
    format!("{}/", location.trim_end_matches('/'))
}

/// Whether every partition sits at `TABLE/k1=v1/k2=v2/`, the layout a listing finds by itself
/// (values Hive-escaped in the folder names, however their writer escaped them).
fn standard_layout(table: &TableDef, partitions: &[PartitionDef]) -> bool {
    let root = as_folder(&table.storage_descriptor.location);
    partitions.iter().all(|p| {
        let location = as_folder(&p.storage_descriptor.location);
        let Some(path) = location.strip_prefix(&root) else {
            return false;
        };
        let components: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        components.len() == table.partition_keys.len()
            && p.values.len() == components.len()
            && components
                .iter()
                .zip(&table.partition_keys)
                .zip(&p.values)
                .all(|((component, key), value)| {
                    hive_path::is_component(component, &key.name, value)
                })
    })
}

async fn register_table(
    ctx: &SessionContext,
    database: &str,
    table: &TableDef,
    partitions: &[PartitionDef],
) -> Result<(), QueryError> {
    let qualified = || format!("{database}.{}", table.name);
    let bad = |e: datafusion::error::DataFusionError| QueryError::CatalogTable {
        table: qualified(),
        source: EngineError::from(e).into(),
    };
    let kind = kind_of(table).map_err(|problem| QueryError::CatalogProblem {
        table: qualified(),
        problem,
    })?;
    let sd = &table.storage_descriptor;
    let arrow_type = |name: &str, type_name: &str| {
        parse_hive_type(type_name)
            .map(|t| to_arrow_type(&t))
            .map_err(|e| QueryError::CatalogProblem {
                table: qualified(),
                problem: format!("column {name} has type {type_name:?}: {e}"),
            })
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
                    .with_file_compression_type(compression_type(&kind)),
            ) as Arc<dyn FileFormat>
        }
        // A JSON table with a type the lattice does not build (a hand-made `timestamp` column):
        // DataFusion's own reader, which parses such text.
        Format::Json if !super::json::readable(&Schema::new(file_fields.clone())) => {
            Arc::new(JsonFormat::default().with_file_compression_type(compression_type(&kind)))
                as Arc<dyn FileFormat>
        }
        _ => file_format(&kind),
    };
    let schema = Arc::new(Schema::new(file_fields.clone()));
    let listing = |location: &str, partition_cols: Vec<(String, DataType)>| {
        let url = listing_url(&as_folder(location)).map_err(bad)?;
        let options = ListingOptions::new(format.clone())
            .with_file_extension(&kind.extension)
            .with_table_partition_cols(partition_cols);
        let config = ListingTableConfig::new(url)
            .with_listing_options(options)
            .with_schema(schema.clone());
        let table = ListingTable::try_new(config).map_err(bad)?;
        ctx.read_table(Arc::new(table)).map_err(bad)
    };
    // Catalog names over the files' names, partition columns last (as Athena shows them).
    let data_columns = || -> Vec<Expr> {
        sd.columns
            .iter()
            .zip(&file_fields)
            .map(|(column, field)| {
                let file_column = col(Column::from_name(field.name()));
                // An alias to the same name would leave DataFusion both a qualified and an
                // unqualified `s`, which it calls ambiguous as soon as a struct field `s.a` is
                // projected: alias only the JSON keys the catalog lowered.
                if field.name() == &column.name {
                    file_column
                } else {
                    file_column.alias(&column.name)
                }
            })
            .collect()
    };
    let frame = if standard_layout(table, partitions) {
        let mut columns = data_columns();
        columns.extend(
            table
                .partition_keys
                .iter()
                .map(|key| col(Column::from_name(&key.name))),
        );
        listing(&sd.location, partition_cols)?
            .select(columns)
            .map_err(bad)?
    } else {
        // Partitions Glue placed elsewhere: each read from its own location, its values
        // taken from the catalog, all of them one union.
        let mut union: Option<DataFrame> = None;
        for partition in partitions {
            let mut columns = data_columns();
            for ((name, data_type), value) in partition_cols.iter().zip(&partition.values) {
                columns.push(cast(lit(value.as_str()), data_type.clone()).alias(name));
            }
            let part = listing(&partition.storage_descriptor.location, Vec::new())?
                .select(columns)
                .map_err(bad)?;
            union = Some(match union {
                None => part,
                Some(all) => all.union(part).map_err(bad)?,
            });
        }
        union.expect("a non-standard layout has partitions")
    };
    ctx.register_table(
        TableReference::partial(database, table.name.as_str()),
        frame.into_view(),
    )
    .map_err(bad)?;
    Ok(())
}
