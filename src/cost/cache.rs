//! The price cache: the file `cost prices --refresh` writes and estimates read with
//! `--price-file`. Where it lives is decided here from the directories the caller looked up
//! (the library reads no environment); it is written whole or not at all, through
//! `storage::write`, so an estimate never reads half a table.

use std::path::{Path, PathBuf};

use super::report::ReportError;
use super::Prices;

/// `XDG_CACHE_HOME/lakeops/prices.csv` when that is set and not empty (the XDG base directory
/// rule), else `HOME/.cache/lakeops/prices.csv`; `None` without either.
pub fn default_file(xdg_cache_home: Option<&Path>, home: Option<&Path>) -> Option<PathBuf> {
    let base = xdg_cache_home
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(Path::to_owned)
        .or_else(|| home.map(|home| home.join(".cache")))?;
    Some(base.join("lakeops").join("prices.csv"))
}

/// Writes the whole table, creating the cache directory on first use.
pub fn write(path: &Path, prices: &Prices) -> Result<(), ReportError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir {
            dir: dir.to_owned(),
            source,
        })?;
    }
    crate::storage::write::write_atomically(path, prices.to_csv().as_bytes()).map_err(|source| {
        ReportError::WriteCache {
            path: path.to_owned(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_cache_home_wins_unless_empty() {
        let file = |xdg: Option<&str>, home: Option<&str>| {
            default_file(xdg.map(Path::new), home.map(Path::new))
        };
        assert_eq!(
            file(Some("/x"), Some("/h")),
            Some(PathBuf::from("/x/lakeops/prices.csv"))
        );
        assert_eq!(
            file(Some(""), Some("/h")),
            Some(PathBuf::from("/h/.cache/lakeops/prices.csv"))
        );
        assert_eq!(file(None, None), None);
    }

    #[test]
    fn the_cache_is_a_price_file_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new").join("prices.csv");
        let prices = Prices::embedded();
        write(&path, &prices).unwrap();
        let read = Prices::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(read.to_csv(), prices.to_csv());
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["prices.csv"], "no temporary file is left");
    }
}
