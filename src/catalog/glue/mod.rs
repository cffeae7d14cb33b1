//! The AWS Glue Data Catalog through aws-sdk-glue: model conversions, pagination, per-entry batch
//! errors. Retries (throttling, 5xx) are the SDK's standard mode, configured in `aws.rs`.
//!
//! This file holds the calls; `model` converts between Glue's types and the catalog model.

mod model;

use std::future::Future;

use aws_sdk_glue::types as glue;

use super::{Catalog, CatalogError, EntryError, PartitionDef, TableDef};
use model::{entry_error, params, partition_to, sd_from, table_from, table_to};

pub struct GlueCatalog {
    client: aws_sdk_glue::Client,
}

impl GlueCatalog {
    pub fn new(client: aws_sdk_glue::Client) -> GlueCatalog {
        GlueCatalog { client }
    }
}

/// Follows `NextToken`s until a page comes without one. Real Glue pages GetPartitions at ≤1000
/// (moto never pages, so this loop is tested with a fake page source).
pub async fn collect_pages<T, E, F, Fut>(mut fetch: F) -> Result<Vec<T>, E>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), E>>,
{
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let (page, next) = fetch(token.clone()).await?;
        items.extend(page);
        match next {
            // A server repeating its token would otherwise loop forever.
            Some(next) if !next.is_empty() && Some(&next) != token.as_ref() => token = Some(next),
            _ => return Ok(items),
        }
    }
}

fn glue_error<E>(
    operation: &'static str,
    target: String,
    err: aws_sdk_glue::error::SdkError<E>,
) -> CatalogError
where
    E: aws_sdk_glue::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    CatalogError::Glue {
        operation,
        target,
        source: crate::aws::call_error(err),
    }
}

impl Catalog for GlueCatalog {
    async fn database_exists(&mut self, database: &str) -> Result<bool, CatalogError> {
        match self.client.get_database().name(database).send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_entity_not_found_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(glue_error("GetDatabase", database.to_owned(), e)),
        }
    }

    async fn create_database(&mut self, database: &str) -> Result<(), CatalogError> {
        let input = glue::DatabaseInput::builder()
            .name(database)
            .build()
            .expect("a database always has a name");
        match self
            .client
            .create_database()
            .database_input(input)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            // Another crawl (a shard finishing at the same moment) created it first: the
            // database this crawl wanted exists.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_already_exists_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(glue_error("CreateDatabase", database.to_owned(), e)),
        }
    }

    async fn get_table(
        &mut self,
        database: &str,
        name: &str,
    ) -> Result<Option<TableDef>, CatalogError> {
        match self
            .client
            .get_table()
            .database_name(database)
            .name(name)
            .send()
            .await
        {
            Ok(output) => Ok(output.table().map(table_from)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_entity_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(glue_error("GetTable", format!("{database}.{name}"), e)),
        }
    }

    async fn get_partitions(
        &mut self,
        database: &str,
        table: &str,
    ) -> Result<Vec<PartitionDef>, CatalogError> {
        let client = &self.client;
        collect_pages(|token| async move {
            let page = client
                .get_partitions()
                .database_name(database)
                .table_name(table)
                .max_results(1000)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| glue_error("GetPartitions", format!("{database}.{table}"), e))?;
            let partitions = page
                .partitions()
                .iter()
                .map(|p| PartitionDef {
                    values: p.values().to_vec(),
                    storage_descriptor: sd_from(p.storage_descriptor()),
                    parameters: params(p.parameters()),
                })
                .collect();
            Ok((partitions, page.next_token().map(str::to_owned)))
        })
        .await
    }

    async fn list_tables(&mut self, database: &str) -> Result<Vec<TableDef>, CatalogError> {
        let client = &self.client;
        collect_pages(|token| async move {
            let page = client
                .get_tables()
                .database_name(database)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| glue_error("GetTables", database.to_owned(), e))?;
            let tables = page.table_list().iter().map(table_from).collect();
            Ok((tables, page.next_token().map(str::to_owned)))
        })
        .await
    }

    async fn create_table(&mut self, database: &str, table: &TableDef) -> Result<(), CatalogError> {
        let target = format!("{database}.{}", table.name);
        match self
            .client
            .create_table()
            .database_name(database)
            .table_input(table_to(table))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            // Another crawl created the table between our read and this write: like a
            // concurrent update, the crawl re-reads the table and plans again (an update now).
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_already_exists_exception()) =>
            {
                Err(CatalogError::ConcurrentModification(target))
            }
            Err(e) => Err(glue_error("CreateTable", target, e)),
        }
    }

    async fn update_table(&mut self, database: &str, table: &TableDef) -> Result<(), CatalogError> {
        let target = format!("{database}.{}", table.name);
        match self
            .client
            .update_table()
            .database_name(database)
            .table_input(table_to(table))
            .set_version_id(table.version_id.clone())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_concurrent_modification_exception()) =>
            {
                Err(CatalogError::ConcurrentModification(target))
            }
            Err(e) => Err(glue_error("UpdateTable", target, e)),
        }
    }

    async fn delete_table(&mut self, database: &str, name: &str) -> Result<(), CatalogError> {
        self.client
            .delete_table()
            .database_name(database)
            .name(name)
            .send()
            .await
            .map_err(|e| glue_error("DeleteTable", format!("{database}.{name}"), e))?;
        Ok(())
    }

    async fn create_partitions(
        &mut self,
        database: &str,
        table: &str,
        partitions: &[PartitionDef],
    ) -> Result<Vec<EntryError>, CatalogError> {
        let output = self
            .client
            .batch_create_partition()
            .database_name(database)
            .table_name(table)
            .set_partition_input_list(Some(partitions.iter().map(partition_to).collect()))
            .send()
            .await
            .map_err(|e| glue_error("BatchCreatePartition", format!("{database}.{table}"), e))?;
        Ok(output
            .errors()
            .iter()
            .map(|e| entry_error(e.partition_values(), e.error_detail()))
            .collect())
    }

    async fn update_partitions(
        &mut self,
        database: &str,
        table: &str,
        partitions: &[PartitionDef],
    ) -> Result<Vec<EntryError>, CatalogError> {
        let entries = partitions
            .iter()
            .map(|p| {
                glue::BatchUpdatePartitionRequestEntry::builder()
                    .set_partition_value_list(Some(p.values.clone()))
                    .partition_input(partition_to(p))
                    .build()
                    .expect("both fields are set")
            })
            .collect();
        let output = self
            .client
            .batch_update_partition()
            .database_name(database)
            .table_name(table)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| glue_error("BatchUpdatePartition", format!("{database}.{table}"), e))?;
        Ok(output
            .errors()
            .iter()
            .map(|e| entry_error(e.partition_value_list(), e.error_detail()))
            .collect())
    }

    async fn delete_partitions(
        &mut self,
        database: &str,
        table: &str,
        values: &[Vec<String>],
    ) -> Result<Vec<EntryError>, CatalogError> {
        let to_delete = values
            .iter()
            .map(|v| {
                glue::PartitionValueList::builder()
                    .set_values(Some(v.clone()))
                    .build()
                    .expect("values are set")
            })
            .collect();
        let output = self
            .client
            .batch_delete_partition()
            .database_name(database)
            .table_name(table)
            .set_partitions_to_delete(Some(to_delete))
            .send()
            .await
            .map_err(|e| glue_error("BatchDeletePartition", format!("{database}.{table}"), e))?;
        Ok(output
            .errors()
            .iter()
            .map(|e| entry_error(e.partition_values(), e.error_detail()))
            .collect())
    }

    async fn finish(&mut self) -> Result<(), CatalogError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
