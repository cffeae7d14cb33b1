//! `lakeops generate`: shell completions and man pages from the clap definition. The files are
//! committed; the test suite regenerates them and fails when they are stale.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateArgs};
use crate::output::{self, Printer};
use crate::ExitStatus;

/// Every generated file, relative to the repository root, with its content.
pub fn files() -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut command = Cli::command();
        let mut buffer = Vec::new();
        clap_complete::generate(shell, &mut command, "lakeops", &mut buffer);
        let name = match shell {
            Shell::Bash => "lakeops.bash",
            Shell::Zsh => "_lakeops",
            Shell::Fish => "lakeops.fish",
            Shell::PowerShell => "_lakeops.ps1",
            _ => "lakeops.elv",
        };
        files.push((Path::new("completions").join(name), buffer));
    }
    let mut command = Cli::command();
    command.build();
    let mut buffer = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut buffer)?;
    files.push((PathBuf::from("man/lakeops.1"), buffer));
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("lakeops-{}", sub.get_name());
        let page = sub.clone().name(name.clone());
        let mut buffer = Vec::new();
        clap_mangen::Man::new(page).render(&mut buffer)?;
        files.push((Path::new("man").join(format!("{name}.1")), buffer));
    }
    Ok(files)
}

/// Writes every file under `--dir`; says which on stderr, or with `--json` as `file` records and
/// a summary.
pub fn run(args: &GenerateArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut written = Vec::new();
    for (relative, content) in files()? {
        let path = args.dir.join(&relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, content)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    output::generate::emit(printer, &written)?;
    Ok(ExitStatus::Success)
}
