//! The embedded price table (`prices.csv`, compiled in) and user overrides. Every row carries its
//! source and as-of date; a unit missing for a region is an error naming the row.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::CostError;

const EMBEDDED: &str = include_str!("prices.csv");

/// Every unit an estimate can ask for. NextGen OpenSearch Serverless has no published price yet,
/// so its units have no rows: an estimate needs `--price` for them.
pub const UNITS: &[&str] = &[
    "flink.kpu-hour",
    "flink.studio-kpu-hour",
    "flink.running-storage-gb-month",
    "flink.backup-gb-month",
    "ingestion.ocu-hour",
    "serverless.indexing-ocu-hour",
    "serverless.search-ocu-hour",
    "serverless.storage-gb-month",
    "serverless.nextgen-indexing-ocu-hour",
    "serverless.nextgen-search-ocu-hour",
    "glue.dpu-hour",
    "glue.flex-dpu-hour",
    "glue.crawler-dpu-hour",
    "athena.spark-dpu-hour",
    "emr.x86_64-vcpu-hour",
    "emr.x86_64-gb-hour",
    "emr.arm64-vcpu-hour",
    "emr.arm64-gb-hour",
    "emr.storage-gb-hour",
];

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PriceRow {
    pub unit: String,
    pub region: String,
    #[serde(serialize_with = "super::report::exact")]
    pub usd: Decimal,
    pub source: String,
    pub as_of: String,
}

#[derive(Clone, Debug)]
pub struct Prices {
    rows: BTreeMap<(String, String), PriceRow>,
    /// `--price UNIT=USD`: applies in every region.
    overrides: BTreeMap<String, Decimal>,
}

impl Prices {
    pub fn embedded() -> Prices {
        Prices::parse(EMBEDDED).expect("the embedded price table is valid (tested)")
    }

    /// Reads a table in the embedded format (`unit,region,usd,source,as_of`, `#` comments).
    pub fn parse(text: &str) -> Result<Prices, CostError> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let mut rows = BTreeMap::new();
        for (index, record) in reader.records().enumerate() {
            let line = index + 2;
            let bad = |message: String| CostError::BadTable {
                line,
                message,
                source: None,
            };
            let record = record.map_err(|e| CostError::BadTable {
                line,
                message: "not CSV".into(),
                source: Some(Box::new(e)),
            })?;
            let field = |i: usize| record.get(i).unwrap_or_default().trim().to_owned();
            let usd = Decimal::from_str(&field(2)).map_err(|e| CostError::BadTable {
                line,
                message: format!("price {:?}", field(2)),
                source: Some(Box::new(e)),
            })?;
            if usd < Decimal::ZERO {
                return Err(bad(format!("negative price {usd}")));
            }
            let row = PriceRow {
                unit: field(0),
                region: field(1),
                usd,
                source: field(3),
                as_of: field(4),
            };
            if !UNITS.contains(&row.unit.as_str()) {
                return Err(bad(format!("unknown unit {:?}", row.unit)));
            }
            if row.region.is_empty() {
                return Err(bad("a region is required".into()));
            }
            if rows
                .insert((row.unit.clone(), row.region.clone()), row)
                .is_some()
            {
                return Err(bad("duplicate unit and region".into()));
            }
        }
        Ok(Prices {
            rows,
            overrides: BTreeMap::new(),
        })
    }

    /// Rows of a `--price-file` replace the embedded ones they name.
    pub fn merge(&mut self, other: Prices) {
        self.rows.extend(other.rows);
    }

    /// `--price UNIT=USD`.
    pub fn set_override(&mut self, unit: &str, usd: Decimal) -> Result<(), CostError> {
        if !UNITS.contains(&unit) {
            return Err(CostError::UnknownUnit(unit.to_owned()));
        }
        if usd < Decimal::ZERO {
            return Err(CostError::Invalid(format!(
                "price of {unit} must not be negative"
            )));
        }
        self.overrides.insert(unit.to_owned(), usd);
        Ok(())
    }

    pub fn rows(&self, region: Option<&str>) -> Vec<&PriceRow> {
        self.rows
            .values()
            .filter(|r| region.is_none_or(|want| r.region == want))
            .collect()
    }

    pub fn regions(&self) -> Vec<&str> {
        let mut regions: Vec<&str> = self.rows.values().map(|r| r.region.as_str()).collect();
        regions.sort_unstable();
        regions.dedup();
        regions
    }

    /// Replaces (or adds) one row.
    pub fn insert(&mut self, row: PriceRow) {
        self.rows
            .insert((row.unit.clone(), row.region.clone()), row);
    }

    /// The table in the embedded format, for `--price-file`.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = ["unit", "region", "usd", "source", "as_of"];
        writer.write_record(header).expect("writing to memory");
        for r in self.rows.values() {
            writer
                .write_record([
                    r.unit.as_str(),
                    &r.region,
                    &r.usd.normalize().to_string(),
                    &r.source,
                    &r.as_of,
                ])
                .expect("writing to memory");
        }
        String::from_utf8(writer.into_inner().expect("writing to memory"))
            .expect("CSV of UTF-8 fields")
    }

    pub fn get(&self, unit: &str, region: &str) -> Result<PriceRow, CostError> {
        if let Some(usd) = self.overrides.get(unit) {
            return Ok(PriceRow {
                unit: unit.to_owned(),
                region: region.to_owned(),
                usd: *usd,
                source: "--price".into(),
                as_of: "given".into(),
            });
        }
        self.rows
            .get(&(unit.to_owned(), region.to_owned()))
            .cloned()
            .ok_or_else(|| CostError::MissingPrice {
                unit: unit.to_owned(),
                region: region.to_owned(),
            })
    }
}
