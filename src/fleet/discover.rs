//! The resources `cost live` prices, with the capacity each is configured at.

use futures::stream::{self, StreamExt, TryStreamExt};
use rust_decimal::Decimal;

use super::{failed, FleetError};
use crate::cost::live::{Collection, FlinkApp, Pipeline, ServerlessCapacity};

/// Describe calls in flight at once: enough to hide latency over hundreds of resources, few
/// enough to stay clear of the APIs' request-rate limits.
const IN_FLIGHT: usize = 8;

/// `describe` for each name, [`IN_FLIGHT`] at a time, results in the names' order; `None`s (a
/// resource gone between the list and the describe) are left out.
async fn describe_each<T, F, Fut>(names: Vec<String>, describe: F) -> Result<Vec<T>, FleetError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, FleetError>>,
{
    stream::iter(names)
        .map(describe)
        .buffered(IN_FLIGHT)
        .try_filter_map(|found| async move { Ok(found) })
        .try_collect()
        .await
}

fn to_u32(v: Option<i32>, default: u32) -> u32 {
    v.and_then(|v| u32::try_from(v).ok()).unwrap_or(default)
}

/// Every Flink application of the region: ListApplications, then DescribeApplication each.
pub async fn flink_apps(
    client: &aws_sdk_kinesisanalyticsv2::Client,
    region: &str,
) -> Result<Vec<FlinkApp>, FleetError> {
    let mut names = Vec::new();
    let mut pages = client.list_applications().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(failed("kinesisanalytics:ListApplications", region))?;
        names.extend(
            page.application_summaries()
                .iter()
                .map(|s| s.application_name().to_owned()),
        );
    }
    describe_each(names, |name| async move {
        let detail = match client
            .describe_application()
            .application_name(&name)
            .send()
            .await
        {
            Ok(detail) => detail,
            // Deleted since the list: it no longer runs.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(failed("kinesisanalytics:DescribeApplication", region)(e)),
        };
        let Some(app) = detail.application_detail() else {
            return Ok(None);
        };
        let parallelism = app
            .application_configuration_description()
            .and_then(|c| c.flink_application_configuration_description())
            .and_then(|f| f.parallelism_configuration_description());
        let configured = to_u32(parallelism.and_then(|p| p.parallelism()), 1).max(1);
        Ok(Some(FlinkApp {
            name: app.application_name().to_owned(),
            status: app.application_status().as_str().to_owned(),
            studio: app.application_mode().map(|m| m.as_str()) == Some("INTERACTIVE"),
            parallelism: configured,
            current_parallelism: to_u32(
                parallelism.and_then(|p| p.current_parallelism()),
                configured,
            )
            .max(1),
            parallelism_per_kpu: to_u32(parallelism.and_then(|p| p.parallelism_per_kpu()), 1)
                .clamp(1, crate::cost::flink::MAX_PARALLELISM_PER_KPU),
            autoscaling: parallelism
                .and_then(|p| p.auto_scaling_enabled())
                .unwrap_or(false),
        }))
    })
    .await
}

/// Every Ingestion pipeline of the region: ListPipelines, then GetPipeline each (for its
/// persistent buffer, which sets the OCU limits).
pub async fn pipelines(
    client: &aws_sdk_osis::Client,
    region: &str,
) -> Result<Vec<Pipeline>, FleetError> {
    let mut names = Vec::new();
    let mut pages = client.list_pipelines().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(failed("osis:ListPipelines", region))?;
        names.extend(
            page.pipelines()
                .iter()
                .filter_map(|p| p.pipeline_name().map(str::to_owned)),
        );
    }
    describe_each(names, |name| async move {
        let got = match client.get_pipeline().pipeline_name(&name).send().await {
            Ok(got) => got,
            // Deleted since the list.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(failed("osis:GetPipeline", region)(e)),
        };
        Ok(got.pipeline().map(|p| Pipeline {
            name: p.pipeline_name().unwrap_or(&name).to_owned(),
            status: p
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            min_units: to_u32(Some(p.min_units()), 1),
            max_units: to_u32(Some(p.max_units()), 1),
            persistent_buffer: p
                .buffer_options()
                .is_some_and(|b| b.persistent_buffer_enabled()),
        }))
    })
    .await
}

/// The region's Serverless collections (ListCollections, BatchGetCollection by id, 100 at a
/// time) and the account's capacity limits (GetAccountSettings); `None` without collections.
pub async fn serverless(
    client: &aws_sdk_opensearchserverless::Client,
    region: &str,
) -> Result<Option<ServerlessCapacity>, FleetError> {
    let mut summaries = Vec::new();
    let mut pages = client.list_collections().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(failed("aoss:ListCollections", region))?;
        summaries.extend(page.collection_summaries().iter().cloned());
    }
    let Some(account_id) = summaries
        .iter()
        .find_map(|s| s.arn().and_then(|arn| arn.split(':').nth(4)))
        .map(str::to_owned)
    else {
        return Ok(None);
    };
    let ids: Vec<String> = summaries
        .iter()
        .filter_map(|s| s.id().map(str::to_owned))
        .collect();
    let mut collections = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(100) {
        let got = client
            .batch_get_collection()
            .set_ids(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(failed("aoss:BatchGetCollection", region))?;
        collections.extend(got.collection_details().iter().map(|c| {
            Collection {
                name: c.name().unwrap_or_default().to_owned(),
                status: c
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                standby_replicas: c.standby_replicas().map(|s| s.as_str()) != Some("DISABLED"),
                kms_key: c.kms_key_arn().filter(|k| *k != "auto").map(str::to_owned),
            }
        }));
    }
    let settings = client
        .get_account_settings()
        .send()
        .await
        .map_err(failed("aoss:GetAccountSettings", region))?;
    let limits = settings
        .account_settings_detail()
        .and_then(|d| d.capacity_limits());
    // AWS's default limits when the account has set none.
    let limit = |v: Option<i32>| Decimal::from(v.filter(|v| *v > 0).unwrap_or(10));
    Ok(Some(ServerlessCapacity {
        account_id,
        collections,
        max_indexing_ocus: limit(limits.and_then(|l| l.max_indexing_capacity_in_ocu())),
        max_search_ocus: limit(limits.and_then(|l| l.max_search_capacity_in_ocu())),
    }))
}
