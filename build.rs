//! Build facts for `lakeops version`, read with `env!` at compile time: the git revision
//! (`BUILD_GIT_REVISION`; "unknown" outside a git checkout of this crate, e.g. a build from a
//! tarball) and the resolved versions of the engines inside
//! (`BUILD_{CANDLE,DATAFUSION,ARROW}_VERSION`, from Cargo.lock). With `--features cuda`, it also
//! compiles the fused encoder's kernels (src/embed/fused/kernels.cu) to PTX with nvcc for
//! `CUDA_COMPUTE_CAP` (scripts/build-cuda.sh).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let revision = git_revision(&manifest_dir).unwrap_or_else(|| "unknown".into());
    println!("cargo::rustc-env=BUILD_GIT_REVISION={revision}");
    let lock = manifest_dir.join("Cargo.lock");
    let lock_text = std::fs::read_to_string(&lock).unwrap_or_default();
    if lock.is_file() {
        println!("cargo::rerun-if-changed={}", lock.display());
    }
    for (var, package) in [
        ("CANDLE", "candle-core"),
        ("DATAFUSION", "datafusion"),
        ("ARROW", "arrow"),
    ] {
        let version = locked_version(&lock_text, package).unwrap_or_else(|| "unknown".into());
        println!("cargo::rustc-env=BUILD_{var}_VERSION={version}");
    }

    #[cfg(feature = "cuda")]
    {
        const KERNELS: &str = "src/embed/fused/kernels.cu";
        println!("cargo::rerun-if-changed={KERNELS}");
        if let Err(e) = bindgen_cuda::Builder::default()
            .kernel_paths(vec![KERNELS])
            .arg("-O3")
            .arg("-std=c++17")
            .build_ptx()
        {
            panic!("nvcc could not compile {KERNELS}: {e:?}");
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}

/// `git rev-parse --short HEAD`, only when this crate is the top of the git work tree (an
/// unpacked tarball inside some other repository must not report that repository's commit).
/// Reruns when HEAD or the branch it names moves, so the revision is never stale.
fn git_revision(dir: &Path) -> Option<String> {
    let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?);
    if top.canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    let revision = git(dir, &["rev-parse", "--short", "HEAD"])?;
    // A path cargo is told to watch must exist: a missing one would rerun this script always.
    let watch = |path: Option<String>| {
        if let Some(path) = path.map(|p| dir.join(p)).filter(|p| p.exists()) {
            println!("cargo::rerun-if-changed={}", path.display());
        }
    };
    watch(git(dir, &["rev-parse", "--git-path", "HEAD"]));
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch(git(dir, &["rev-parse", "--git-path", &branch]));
    }
    watch(git(dir, &["rev-parse", "--git-path", "packed-refs"]));
    Some(revision)
}

/// The version of `package` that lakeops itself depends on, read from Cargo.lock's
/// `[[package]]` entries (a dependency is written `"name version"` there when the lock holds
/// several versions of it).
fn locked_version(lock: &str, package: &str) -> Option<String> {
    struct Entry {
        name: String,
        version: String,
        dependencies: Vec<String>,
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut in_dependencies = false;
    let quoted = |s: &str| s.trim().trim_end_matches(',').trim_matches('"').to_owned();
    for line in lock.lines() {
        if line == "[[package]]" {
            entries.push(Entry {
                name: String::new(),
                version: String::new(),
                dependencies: Vec::new(),
            });
            in_dependencies = false;
            continue;
        }
        let Some(entry) = entries.last_mut() else {
            continue;
        };
        if in_dependencies {
            if line.trim() == "]" {
                in_dependencies = false;
            } else {
                entry.dependencies.push(quoted(line));
            }
        } else if let Some(name) = line.strip_prefix("name = ") {
            entry.name = quoted(name);
        } else if let Some(version) = line.strip_prefix("version = ") {
            entry.version = quoted(version);
        } else if line.starts_with("dependencies = [") {
            in_dependencies = !line.ends_with(']');
        }
    }
    let ours = entries.iter().find(|e| e.name == env!("CARGO_PKG_NAME"))?;
    let wanted = ours.dependencies.iter().find_map(|d| {
        let mut words = d.split(' ');
        (words.next() == Some(package)).then(|| words.next().map(str::to_owned))
    })?;
    match wanted {
        Some(version) => Some(version),
        None => entries
            .iter()
            .find(|e| e.name == package)
            .map(|e| e.version.clone()),
    }
}
