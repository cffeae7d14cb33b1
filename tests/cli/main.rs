//! The one integration-test binary (each extra one would link the whole dependency tree again).
//! Parquet written by lakeops is read back by pyarrow, DuckDB and polars, never by lakeops itself.

mod bad_input;
mod common;
mod convert_options;
mod convert_oscar;
mod surface;
