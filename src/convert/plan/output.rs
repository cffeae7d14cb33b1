//! Where the output goes: the output root (a directory, an s3:// prefix, or one named file)
//! and the state location beside it.

use std::path::Path;
use std::sync::Arc;

use crate::convert::ConvertError;
use crate::storage::{Location, Store};

/// Where the output goes: a store (a local directory or an s3:// prefix), plus one exact key
/// when `-o` names a `.parquet` file for a single input.
pub struct OutputRoot {
    pub store: Arc<Store>,
    pub file: Option<String>,
    /// Where the resume manifest lives (`None` for a single named file, which is simply
    /// rewritten): `--state`, else beside the output, never inside it.
    pub state: Option<Arc<Store>>,
}

/// The default state location of an output directory or prefix: a sibling named after it,
/// `out/` -> `out.lakeops-state/`, so that the data prefix holds data files only. At a bucket's
/// root, which has no sibling, it is `.lakeops-state/` (a hidden name, which readers skip).
pub fn default_state(output: &Location) -> Location {
    match output {
        Location::Local(path) => {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match path.parent() {
                Some(parent) if !name.is_empty() => {
                    Location::Local(parent.join(format!("{name}.lakeops-state")))
                }
                _ => Location::Local(path.join(".lakeops-state")),
            }
        }
        Location::S3 { bucket, prefix } => {
            let trimmed = prefix.trim_end_matches('/');
            Location::S3 {
                bucket: bucket.clone(),
                prefix: if trimmed.is_empty() {
                    ".lakeops-state/".to_owned()
                } else {
                    format!("{trimmed}.lakeops-state/")
                },
            }
        }
    }
}

impl OutputRoot {
    /// `state`: `--state`, a local directory or s3:// prefix for the resume manifest.
    pub fn open(
        output: &str,
        single_input: bool,
        state: Option<&str>,
        s3: Option<&aws_sdk_s3::Client>,
    ) -> Result<OutputRoot, ConvertError> {
        let mut root = Self::open_data(output, single_input, s3)?;
        if root.file.is_none() {
            let location = match state {
                Some(state) => Location::parse(state)?,
                None => default_state(&Location::parse(output)?),
            };
            root.state = Some(Arc::new(Store::at(location, s3)?));
        }
        Ok(root)
    }

    fn open_data(
        output: &str,
        single_input: bool,
        s3: Option<&aws_sdk_s3::Client>,
    ) -> Result<OutputRoot, ConvertError> {
        let location = Location::parse(output)?;
        let names_a_file = single_input
            && output.to_ascii_lowercase().ends_with(".parquet")
            && !Path::new(output).is_dir();
        match location {
            Location::Local(path) => {
                if names_a_file {
                    let parent = path.parent().unwrap_or(Path::new("")).to_owned();
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    return Ok(OutputRoot {
                        store: Arc::new(Store::local(parent)),
                        file: Some(name),
                        state: None,
                    });
                }
                if path.exists() && !path.is_dir() {
                    return Err(ConvertError::Options(format!(
                        "{}: exists and is not a directory; with several inputs the output must \
                         be a directory",
                        path.display()
                    )));
                }
                Ok(OutputRoot {
                    store: Arc::new(Store::local(path)),
                    file: None,
                    state: None,
                })
            }
            Location::S3 { bucket, prefix } => {
                let client = s3.ok_or_else(|| {
                    ConvertError::Options(format!("{output}: S3 is not configured"))
                })?;
                let (prefix, file) = if names_a_file {
                    let key = prefix.trim_end_matches('/');
                    match key.rsplit_once('/') {
                        Some((dir, name)) => (format!("{dir}/"), Some(name.to_owned())),
                        None => (String::new(), Some(key.to_owned())),
                    }
                } else {
                    (prefix, None)
                };
                Ok(OutputRoot {
                    store: Arc::new(Store::s3(client.clone(), bucket, prefix)),
                    file,
                    state: None,
                })
            }
        }
    }
}
