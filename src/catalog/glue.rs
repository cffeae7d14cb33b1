//! The AWS Glue Data Catalog through aws-sdk-glue: model conversions, pagination, per-entry batch
//! errors. Retries (throttling, 5xx) are the SDK's standard mode, configured in `aws.rs`.

use std::collections::HashMap;
use std::future::Future;

use aws_sdk_glue::types as glue;

use super::{
    Catalog, CatalogError, Column, EntryError, Parameters, PartitionDef, SerDeInfo,
    StorageDescriptor, TableDef,
};

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

fn params(map: Option<&HashMap<String, String>>) -> Parameters {
    map.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn hash_params(map: &Parameters) -> Option<HashMap<String, String>> {
    Some(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

fn column_from(c: &glue::Column) -> Column {
    Column {
        name: c.name().to_owned(),
        type_name: c.r#type().unwrap_or_default().to_owned(),
        comment: c.comment().map(str::to_owned),
        parameters: params(c.parameters()),
    }
}

fn column_to(c: &Column) -> glue::Column {
    glue::Column::builder()
        .name(&c.name)
        .r#type(&c.type_name)
        .set_comment(c.comment.clone())
        .set_parameters(if c.parameters.is_empty() {
            None
        } else {
            hash_params(&c.parameters)
        })
        .build()
        .expect("a column always has a name")
}

fn sd_from(sd: Option<&glue::StorageDescriptor>) -> StorageDescriptor {
    let Some(sd) = sd else {
        return StorageDescriptor::default();
    };
    StorageDescriptor {
        columns: sd.columns().iter().map(column_from).collect(),
        location: sd.location().unwrap_or_default().to_owned(),
        input_format: sd.input_format().unwrap_or_default().to_owned(),
        output_format: sd.output_format().unwrap_or_default().to_owned(),
        compressed: sd.compressed(),
        number_of_buckets: sd.number_of_buckets(),
        serde_info: sd
            .serde_info()
            .map(|s| SerDeInfo {
                name: s.name().map(str::to_owned),
                serialization_library: s.serialization_library().unwrap_or_default().to_owned(),
                parameters: params(s.parameters()),
            })
            .unwrap_or_default(),
        bucket_columns: sd.bucket_columns().to_vec(),
        parameters: params(sd.parameters()),
        stored_as_sub_directories: sd.stored_as_sub_directories(),
    }
}

fn sd_to(sd: &StorageDescriptor) -> glue::StorageDescriptor {
    glue::StorageDescriptor::builder()
        .set_columns(Some(sd.columns.iter().map(column_to).collect()))
        .location(&sd.location)
        .input_format(&sd.input_format)
        .output_format(&sd.output_format)
        .compressed(sd.compressed)
        .number_of_buckets(sd.number_of_buckets)
        .serde_info(
            glue::SerDeInfo::builder()
                .set_name(sd.serde_info.name.clone())
                .serialization_library(&sd.serde_info.serialization_library)
                .set_parameters(hash_params(&sd.serde_info.parameters))
                .build(),
        )
        .set_bucket_columns(if sd.bucket_columns.is_empty() {
            None
        } else {
            Some(sd.bucket_columns.clone())
        })
        .set_parameters(hash_params(&sd.parameters))
        .stored_as_sub_directories(sd.stored_as_sub_directories)
        .build()
}

fn table_from(t: &glue::Table) -> TableDef {
    TableDef {
        name: t.name().to_owned(),
        description: t.description().map(str::to_owned),
        owner: t.owner().map(str::to_owned),
        retention: Some(t.retention()).filter(|r| *r != 0),
        table_type: t.table_type().map(str::to_owned),
        parameters: params(t.parameters()),
        partition_keys: t.partition_keys().iter().map(column_from).collect(),
        storage_descriptor: sd_from(t.storage_descriptor()),
        version_id: t.version_id().map(str::to_owned),
    }
}

fn table_to(t: &TableDef) -> glue::TableInput {
    glue::TableInput::builder()
        .name(&t.name)
        .set_description(t.description.clone())
        .set_owner(t.owner.clone())
        .set_retention(t.retention)
        .set_table_type(t.table_type.clone())
        .set_parameters(hash_params(&t.parameters))
        // Athena needs `[]`, not a missing list, on an unpartitioned table.
        .set_partition_keys(Some(t.partition_keys.iter().map(column_to).collect()))
        .storage_descriptor(sd_to(&t.storage_descriptor))
        .build()
        .expect("a table always has a name")
}

fn partition_to(p: &PartitionDef) -> glue::PartitionInput {
    glue::PartitionInput::builder()
        .set_values(Some(p.values.clone()))
        .storage_descriptor(sd_to(&p.storage_descriptor))
        .set_parameters(hash_params(&p.parameters))
        .build()
}

fn entry_error(values: &[String], detail: Option<&glue::ErrorDetail>) -> EntryError {
    EntryError {
        values: values.to_vec(),
        code: detail
            .and_then(|d| d.error_code())
            .unwrap_or("UnknownError")
            .to_owned(),
        message: detail
            .and_then(|d| d.error_message())
            .unwrap_or_default()
            .to_owned(),
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
mod tests {
    use super::*;

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
}
