//! The one integration-test binary (each extra one would link the whole dependency tree again).
//! Parquet written by lakeops is read back by pyarrow, DuckDB and polars, never by lakeops itself;
//! what `crawl` writes to Glue is read back by boto3 from a moto server the tests start.

mod aws_errors;
mod bad_input;
mod common;
mod convert_options;
mod convert_oscar;
mod convert_s3;
mod cost;
mod cost_live;
mod crawl_glue;
mod crawl_local;
mod crawl_temporal;
mod embed;
mod hardening;
mod load;
mod moto;
mod postgres;
mod query;
mod snapshot;
mod surface;
