//! The local side of publishing: a file is written under a hidden temporary name beside its
//! final one, and temporaries that dead processes left behind are removed.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Every temporary file lakeops writes starts with this, then `PID.N.HOST`.
pub const TEMP_PREFIX: &str = ".lakeops-tmp.";

/// This machine's name as temporary names carry it: at most 16 of its letters, digits and `-`.
/// On a file system shared by several machines (NFS, EFS), a process id means something only
/// on the machine that wrote it.
pub fn temp_host() -> &'static str {
    static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HOST.get_or_init(|| {
        let mut buf = [0u8; 256];
        // SAFETY: gethostname writes at most `buf.len()` bytes into the buffer it is given.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        let name = if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            String::from_utf8_lossy(&buf[..end]).into_owned()
        } else {
            String::new()
        };
        name.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(16)
            .collect()
    })
}

/// The hidden name a local file is written under until it is complete, beside it. Short and
/// independent of the final name, so a final name near the file-system limit (255 bytes) still
/// has a temporary one; the process id and host in it let a later run tell a dead process's
/// leftovers apart (see [`remove_stale_temps`]).
pub fn temp_path(final_path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    final_path.with_file_name(format!(
        "{TEMP_PREFIX}{}.{n}.{}",
        std::process::id(),
        temp_host()
    ))
}

/// Whether process `pid` still runs (on this machine).
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes the temporary files in `dir` that lakeops processes of this machine which no longer
/// run left behind (kill -9, a full disk). Another machine's are left alone: their process ids
/// cannot be checked from here. Done once per directory and process, before the first file is
/// written there. Returns how many were removed.
pub fn remove_stale_temps(dir: &Path) -> usize {
    static CLEANED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    {
        let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
        if cleaned.iter().any(|d| d == dir) {
            return 0;
        }
        cleaned.push(dir.to_owned());
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let mut fields = rest.splitn(3, '.');
        let (Some(Ok(pid)), Some(_), Some(host)) = (
            fields.next().map(str::parse::<i32>),
            fields.next(),
            fields.next(),
        ) else {
            continue;
        };
        if host != temp_host() {
            continue;
        }
        if pid > 0 && !alive(pid) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(
            "removed {removed} temporary file(s) left in {} by processes that no longer run",
            dir.display()
        );
    }
    removed
}

/// Writes a whole small file so that readers see the old content or the new, never a part:
/// a temporary file beside it, flushed, then renamed over it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        remove_stale_temps(dir);
    }
    let temp = temp_path(path);
    let written = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    Ok(())
}
