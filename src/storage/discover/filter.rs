//! The name rules every command shares: `--include`/`--exclude` (Glue's glob meaning), and what
//! is never data (hidden names, folder markers).

/// `--include` / `--exclude`, one meaning in every command, Glue's: patterns match the key below
/// the argument (or crawl root); `*` and `?` stay within one folder, `**` crosses folders, `{a,b}`
/// is either, `[!x]` any character but x; with includes given a key must match one, and an
/// exclude always wins.
#[derive(Debug, Default)]
pub struct KeyFilter {
    include: Option<globset::GlobSet>,
    exclude: Option<globset::GlobSet>,
}

/// A pattern globset cannot compile. Its error names the pattern (`error parsing glob '[a':
/// unclosed character class`), so the flag is all this adds.
#[derive(Debug, thiserror::Error)]
#[error("{flag}: not a glob pattern")]
pub struct PatternError {
    pub flag: &'static str,
    #[source]
    pub source: globset::Error,
}

impl KeyFilter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<KeyFilter, PatternError> {
        Ok(KeyFilter {
            include: glob_set(include, "--include")?,
            exclude: glob_set(exclude, "--exclude")?,
        })
    }

    pub fn admits(&self, key: &str) -> bool {
        self.include.as_ref().is_none_or(|set| set.is_match(key))
            && !self.exclude.as_ref().is_some_and(|set| set.is_match(key))
    }
}

fn glob_set(
    patterns: &[String],
    flag: &'static str,
) -> Result<Option<globset::GlobSet>, PatternError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|source| PatternError { flag, source })?;
        builder.add(glob);
    }
    let set = builder
        .build()
        .map_err(|source| PatternError { flag, source })?;
    Ok(Some(set))
}

/// The one rule for what is never data, in every command. Files and folders whose name starts
/// with `.` or `_`: temporary files (ours, Spark's `_temporary/`, Hive's `.hive-staging`), Spark's
/// `_SUCCESS`, our own `_rejected/` and `.lakeops-state/`. A key is hidden when any of its
/// components is.
pub fn hidden(key: &str) -> bool {
    key.split('/').any(hidden_component)
}

/// One name (file or folder) that marks a job's scratch or metadata space.
pub fn hidden_component(name: &str) -> bool {
    name.starts_with(['.', '_'])
}

/// Objects that stand for folders rather than hold data: `dir/` (the S3 console's) and
/// `dir_$folder$` (Hadoop's and EMR's).
pub fn is_folder_marker(key: &str) -> bool {
    key.ends_with('/') || key.ends_with("_$folder$")
}

/// Whether a listed object is never an input: hidden, or a folder marker.
pub fn never_data(key: &str) -> bool {
    hidden(key) || is_folder_marker(key)
}
