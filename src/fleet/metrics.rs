//! CloudWatch series for `cost live`: hourly averages over the window, fetched with
//! GetMetricData in batches of its 500-query limit, every page followed.

use std::time::{Duration, SystemTime};

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};

use super::{failed, FleetError};
use crate::cost::live::{MetricRef, PERIOD_SECONDS};

/// GetMetricData's limit of queries per request.
pub const QUERIES_PER_CALL: usize = 500;

/// Each series' values, in `series`' order, and the GetMetricData calls made.
pub async fn fetch(
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    series: &[MetricRef],
    end: SystemTime,
    days: u32,
) -> Result<(Vec<Vec<f64>>, usize), FleetError> {
    // Whole hours, so each period is a clock hour whatever time the run starts.
    let end_secs = end
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        / 3600
        * 3600;
    let end = SystemTime::UNIX_EPOCH + Duration::from_secs(end_secs);
    let start = end - Duration::from_secs(u64::from(days) * 24 * 3600);
    let mut values = vec![Vec::new(); series.len()];
    let mut calls = 0;
    for (batch, chunk) in series.chunks(QUERIES_PER_CALL).enumerate() {
        let queries = chunk.iter().enumerate().map(|(i, s)| {
            let metric = Metric::builder()
                .namespace(s.namespace)
                .metric_name(s.metric)
                .set_dimensions(Some(
                    s.dimensions
                        .iter()
                        .map(|(name, value)| Dimension::builder().name(*name).value(value).build())
                        .collect(),
                ))
                .build();
            MetricDataQuery::builder()
                .id(format!("m{i}"))
                .metric_stat(
                    MetricStat::builder()
                        .metric(metric)
                        .period(PERIOD_SECONDS)
                        .stat("Average")
                        .build(),
                )
                .return_data(true)
                .build()
        });
        let mut pages = client
            .get_metric_data()
            .set_metric_data_queries(Some(queries.collect()))
            .start_time(DateTime::from(start))
            .end_time(DateTime::from(end))
            .scan_by(ScanBy::TimestampAscending)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            calls += 1;
            let page = page.map_err(failed("cloudwatch:GetMetricData", region))?;
            for result in page.metric_data_results() {
                let index = result
                    .id()
                    .and_then(|id| id.strip_prefix('m'))
                    .and_then(|i| i.parse::<usize>().ok())
                    .filter(|i| *i < chunk.len());
                if let Some(i) = index {
                    values[batch * QUERIES_PER_CALL + i].extend_from_slice(result.values());
                }
            }
        }
    }
    Ok((values, calls))
}
