//! A month's bill from Cost Explorer: GetCostAndUsage, monthly, unblended, grouped by service
//! and usage type, filtered to the plan's regions, every page.

use aws_sdk_costexplorer::types::{
    DateInterval, Dimension, DimensionValues, Expression, Granularity, GroupDefinition,
    GroupDefinitionType,
};
use rust_decimal::Decimal;

use super::{failed, FleetError};
use crate::cost::actual::{Bill, BillLine, Period};

const METRIC: &str = "UnblendedCost";

/// The bill of `regions` (Cost Explorer's REGION dimension) for `period`.
pub async fn bill(
    client: &aws_sdk_costexplorer::Client,
    period: &Period,
    regions: &[String],
) -> Result<Bill, FleetError> {
    let region = "us-east-1";
    let group = |key: &str| {
        GroupDefinition::builder()
            .r#type(GroupDefinitionType::Dimension)
            .key(key)
            .build()
    };
    let period = DateInterval::builder()
        .start(period.start())
        .end(period.end())
        .build()
        .expect("start and end are set");
    let in_regions = Expression::builder()
        .dimensions(
            DimensionValues::builder()
                .key(Dimension::Region)
                .set_values(Some(regions.to_vec()))
                .build(),
        )
        .build();
    let mut bill = Bill::default();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_cost_and_usage()
            .time_period(period.clone())
            .granularity(Granularity::Monthly)
            .metrics(METRIC)
            .filter(in_regions.clone())
            .group_by(group("SERVICE"))
            .group_by(group("USAGE_TYPE"))
            .set_next_page_token(token.take())
            .send()
            .await
            .map_err(failed("ce:GetCostAndUsage", region))?;
        for result in page.results_by_time() {
            bill.estimated |= result.estimated();
            for g in result.groups() {
                let keys = g.keys();
                let amount = g
                    .metrics()
                    .and_then(|m| m.get(METRIC))
                    .and_then(|v| v.amount())
                    .and_then(|a| {
                        a.parse::<Decimal>()
                            .ok()
                            .or_else(|| Decimal::from_scientific(a).ok())
                    })
                    .unwrap_or_default();
                bill.lines.push(BillLine {
                    service: keys.first().cloned().unwrap_or_default(),
                    usage_type: keys.get(1).cloned().unwrap_or_default(),
                    usd: amount,
                });
            }
        }
        match page.next_page_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return Ok(bill),
        }
    }
}
