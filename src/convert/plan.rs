//! Which inputs, and where each one's output goes. Decided up front so that name clashes and
//! missing inputs are usage errors before any work starts.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::sink::Target;
use super::source::{is_data_file, Input};
use super::ConvertError;

/// An input and the subdirectory (relative to the output directory) its output mirrors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedInput {
    pub input: Input,
    pub rel_dir: PathBuf,
}

/// Expands the command-line inputs: files as given, directories recursively (JSON-lines names
/// only, hidden and `_`-prefixed entries skipped), glob patterns, and `-` for stdin.
pub fn resolve_inputs(args: &[String]) -> Result<Vec<ResolvedInput>, ConvertError> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            if inputs
                .iter()
                .any(|i: &ResolvedInput| i.input == Input::Stdin)
            {
                return Err(ConvertError::Options(
                    "stdin (-) can be given only once".into(),
                ));
            }
            inputs.push(ResolvedInput {
                input: Input::Stdin,
                rel_dir: PathBuf::new(),
            });
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, path, &mut found)?;
            if found.is_empty() {
                return Err(ConvertError::Options(format!(
                    "{arg}: no JSON-lines files (*.jsonl, *.json, *.ndjson, optionally .zst/.gz) in this directory"
                )));
            }
            inputs.extend(found);
        } else if path.exists() {
            inputs.push(ResolvedInput {
                input: Input::Path(path.to_owned()),
                rel_dir: PathBuf::new(),
            });
        } else if arg.contains(['*', '?', '[']) {
            let paths = glob::glob(arg)
                .map_err(|e| ConvertError::Options(format!("{arg}: bad glob pattern: {e}")))?;
            let mut matched: Vec<PathBuf> = paths
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            if matched.is_empty() {
                return Err(ConvertError::Options(format!(
                    "{arg}: the pattern matches no files"
                )));
            }
            matched.sort();
            inputs.extend(matched.into_iter().map(|p| ResolvedInput {
                input: Input::Path(p),
                rel_dir: PathBuf::new(),
            }));
        } else {
            return Err(ConvertError::Options(format!(
                "{arg}: no such file or directory"
            )));
        }
    }
    Ok(inputs)
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<ResolvedInput>) -> Result<(), ConvertError> {
    let read = |e| ConvertError::Read {
        path: dir.to_owned(),
        source: e,
    };
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(read)?
        .collect::<Result<_, _>>()
        .map_err(read)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(['.', '_']) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, found)?;
        } else if is_data_file(&path) {
            let rel_dir = path
                .parent()
                .and_then(|p| p.strip_prefix(root).ok())
                .unwrap_or(Path::new(""))
                .to_owned();
            found.push(ResolvedInput {
                input: Input::Path(path),
                rel_dir,
            });
        }
    }
    Ok(())
}

/// One input with its destinations.
#[derive(Debug, Clone)]
pub struct PlannedInput {
    pub input: Input,
    pub target: Target,
    pub dead_letter: PathBuf,
}

/// `-o x.parquet` with one input writes exactly that file; anything else is a directory holding
/// one file (or numbered parts) per input, named after the input.
pub fn plan_outputs(
    inputs: &[ResolvedInput],
    output: &Path,
    splits: bool,
) -> Result<Vec<PlannedInput>, ConvertError> {
    let is_file_target = inputs.len() == 1
        && output
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
        && !output.is_dir();
    let rejected_dir = |base: &Path| base.join("_rejected");
    if is_file_target {
        let input = &inputs[0];
        let parent = output.parent().unwrap_or(Path::new("")).to_owned();
        let stem = output
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let target = if splits {
            Target::Parts {
                dir: parent.clone(),
                stem: stem.clone(),
            }
        } else {
            Target::File(output.to_owned())
        };
        return Ok(vec![PlannedInput {
            input: input.input.clone(),
            target,
            dead_letter: rejected_dir(&parent).join(format!("{stem}.jsonl")),
        }]);
    }
    if output.exists() && !output.is_dir() {
        return Err(ConvertError::Options(format!(
            "{}: exists and is not a directory; with {} inputs the output must be a directory",
            output.display(),
            inputs.len()
        )));
    }
    let mut seen: HashMap<PathBuf, String> = HashMap::new();
    let mut planned = Vec::with_capacity(inputs.len());
    for resolved in inputs {
        let stem = resolved.input.stem();
        let dir = output.join(&resolved.rel_dir);
        let target = if splits {
            Target::Parts {
                dir: dir.clone(),
                stem: stem.clone(),
            }
        } else {
            Target::File(dir.join(format!("{stem}.parquet")))
        };
        let key = target.first_path();
        if let Some(other) = seen.insert(key.clone(), resolved.input.display_name()) {
            return Err(ConvertError::Options(format!(
                "{} and {} would both write {}; convert them in separate runs or into separate directories",
                other,
                resolved.input.display_name(),
                key.display()
            )));
        }
        planned.push(PlannedInput {
            input: resolved.input.clone(),
            target,
            dead_letter: rejected_dir(output)
                .join(&resolved.rel_dir)
                .join(format!("{stem}.jsonl")),
        });
    }
    Ok(planned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::source::stem_of;

    #[test]
    fn stems_drop_data_and_compression_extensions() {
        assert_eq!(
            stem_of(Path::new("a/en_meta_part_1.jsonl.zst")),
            "en_meta_part_1"
        );
        assert_eq!(stem_of(Path::new("x.ndjson.gz")), "x");
        assert_eq!(stem_of(Path::new("x.json")), "x");
        assert_eq!(stem_of(Path::new("notes.txt")), "notes.txt");
    }

    #[test]
    fn one_input_and_a_parquet_name_is_a_file_target() {
        let inputs = vec![ResolvedInput {
            input: Input::Path("in.jsonl".into()),
            rel_dir: PathBuf::new(),
        }];
        let plan = plan_outputs(&inputs, Path::new("/nonexistent/out.parquet"), false).unwrap();
        assert_eq!(
            plan[0].target,
            Target::File("/nonexistent/out.parquet".into())
        );
        let plan = plan_outputs(&inputs, Path::new("/nonexistent/out.parquet"), true).unwrap();
        assert_eq!(
            plan[0].target.first_path(),
            PathBuf::from("/nonexistent/out-00001.parquet")
        );
    }

    #[test]
    fn clashing_output_names_are_refused() {
        let inputs = vec![
            ResolvedInput {
                input: Input::Path("a/x.jsonl".into()),
                rel_dir: PathBuf::new(),
            },
            ResolvedInput {
                input: Input::Path("b/x.jsonl.zst".into()),
                rel_dir: PathBuf::new(),
            },
        ];
        let err = plan_outputs(&inputs, Path::new("/nonexistent/out"), false).unwrap_err();
        assert!(
            err.to_string().contains("a/x.jsonl and b/x.jsonl.zst"),
            "{err}"
        );
    }
}
