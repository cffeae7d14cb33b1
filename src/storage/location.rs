//! Names before anything is opened: a location as the command line gives it, and the key
//! checks that keep an output name derived from an input's key inside the output root.

use std::path::{Path, PathBuf};

use super::StorageError;

/// A parsed location: `s3://bucket/prefix` or a local path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl Location {
    pub fn parse(text: &str) -> Result<Location, StorageError> {
        match text.strip_prefix("s3://") {
            Some(rest) => {
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(StorageError::InvalidS3(text.to_owned()));
                }
                let prefix = prefix.trim_end_matches('/');
                Ok(Location::S3 {
                    bucket: bucket.to_owned(),
                    prefix: if prefix.is_empty() {
                        String::new()
                    } else {
                        format!("{prefix}/")
                    },
                })
            }
            None => Ok(Location::Local(PathBuf::from(text))),
        }
    }

    /// The last path component: the default table name.
    pub fn last_component(&self) -> Option<String> {
        match self {
            Location::S3 { bucket, prefix } => prefix
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .filter(|c| !c.is_empty())
                .or(Some(bucket.as_str()))
                .map(str::to_owned),
            Location::Local(path) => path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned()),
        }
    }
}

/// A key from its normal components only: empty and `.` components are dropped, so `a//b`,
/// `a/./b` and `/a/b` are all `a/b`. A `..` component, a NUL, or a key with nothing left is
/// refused. Every output name derived from an input's key goes through here: an S3 key is any
/// string, and whoever can write into the bucket must not be able to name a file outside the
/// output directory.
pub fn normal_key(key: &str) -> Result<String, StorageError> {
    let refuse = |reason| StorageError::UnsafeKey {
        key: key.to_owned(),
        reason,
    };
    let mut parts = Vec::new();
    for part in key.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(refuse(
                    "it has a `..` component, which would leave the output root",
                ))
            }
            p if p.contains('\0') => return Err(refuse("it holds a NUL character")),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(refuse("it has no name in it"));
    }
    Ok(parts.join("/"))
}

/// The local file for `key` under `root`, built from the key's normal components, and checked
/// to be inside `root` after joining.
pub fn contained_path(root: &Path, key: &str) -> Result<PathBuf, StorageError> {
    let normal = normal_key(key)?;
    let path = root.join(&normal);
    if !path.starts_with(root)
        || path.components().count() != root.components().count() + normal.split('/').count()
    {
        return Err(StorageError::UnsafeKey {
            key: key.to_owned(),
            reason: "it would leave the output root",
        });
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_locations_parse() {
        assert_eq!(
            Location::parse("s3://b/iot").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                prefix: "iot/".into()
            }
        );
        assert_eq!(
            Location::parse("s3://b/a/b/").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                prefix: "a/b/".into()
            }
        );
        assert_eq!(
            Location::parse("s3://b").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                prefix: "".into()
            }
        );
        assert!(Location::parse("s3:///x").is_err());
        assert_eq!(
            Location::parse("s3://b/Sales-2024/")
                .unwrap()
                .last_component(),
            Some("Sales-2024".into())
        );
        assert_eq!(
            Location::parse("s3://b").unwrap().last_component(),
            Some("b".into())
        );
    }
}
