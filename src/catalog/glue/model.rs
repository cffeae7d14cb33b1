//! Glue's SDK types to and from the catalog model (`catalog::TableDef` and its parts), so that
//! nothing outside this folder sees aws-sdk-glue's types.

use std::collections::HashMap;

use aws_sdk_glue::types as glue;

use crate::catalog::{
    Column, EntryError, Parameters, PartitionDef, SerDeInfo, SortColumn, StorageDescriptor,
    TableDef,
};

pub(super) fn params(map: Option<&HashMap<String, String>>) -> Parameters {
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

pub(super) fn sd_from(sd: Option<&glue::StorageDescriptor>) -> StorageDescriptor {
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
        sort_columns: sd
            .sort_columns()
            .iter()
            .map(|o| SortColumn {
                column: o.column().to_owned(),
                sort_order: o.sort_order(),
            })
            .collect(),
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
        // Sent even when empty, as Glue's crawler and awswrangler write them.
        .set_bucket_columns(Some(sd.bucket_columns.clone()))
        .set_sort_columns(Some(
            sd.sort_columns
                .iter()
                .map(|o| {
                    glue::Order::builder()
                        .column(&o.column)
                        .sort_order(o.sort_order)
                        .build()
                        .expect("an order always has its column and direction")
                })
                .collect(),
        ))
        .set_parameters(hash_params(&sd.parameters))
        .stored_as_sub_directories(sd.stored_as_sub_directories)
        .build()
}

pub(super) fn table_from(t: &glue::Table) -> TableDef {
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

pub(super) fn table_to(t: &TableDef) -> glue::TableInput {
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

pub(super) fn partition_to(p: &PartitionDef) -> glue::PartitionInput {
    glue::PartitionInput::builder()
        .set_values(Some(p.values.clone()))
        .storage_descriptor(sd_to(&p.storage_descriptor))
        .set_parameters(hash_params(&p.parameters))
        .build()
}

pub(super) fn entry_error(values: &[String], detail: Option<&glue::ErrorDetail>) -> EntryError {
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
