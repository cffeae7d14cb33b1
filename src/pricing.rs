//! The AWS Price List API (`GetProducts`), for `lakeops cost prices --refresh`. Kept out of
//! `cost/`, which does no network I/O: this module fetches documents, `cost::refresh` reads them.

use crate::cost::refresh::Query;

#[derive(Debug, thiserror::Error)]
#[error("GetProducts {service_code} in {region}")]
pub struct PricingError {
    service_code: &'static str,
    region: String,
    #[source]
    source: crate::aws::CallError,
}

/// Every `PriceList` document of the products matching `query` in `region`, all pages.
pub async fn get_products(
    client: &aws_sdk_pricing::Client,
    query: &Query,
    region: &str,
) -> Result<Vec<String>, PricingError> {
    use aws_sdk_pricing::types::{Filter, FilterType};
    let error = |source| PricingError {
        service_code: query.service_code,
        region: region.to_owned(),
        source,
    };
    let term = |field: &str, value: &str| {
        Filter::builder()
            .r#type(FilterType::TermMatch)
            .field(field)
            .value(value)
            .build()
            .expect("type, field and value are set")
    };
    let mut request = client
        .get_products()
        .service_code(query.service_code)
        .filters(term("regionCode", region))
        .format_version("aws_v1");
    for (field, value) in &query.filters {
        request = request.filters(term(field, value));
    }
    let mut pages = request.into_paginator().send();
    let mut documents = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| error(crate::aws::call_error(e)))?;
        documents.extend(page.price_list().iter().cloned());
    }
    Ok(documents)
}
