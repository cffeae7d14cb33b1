//! Stage 1: the inputs (files, stdin, S3 objects) and opening one as decompressed text
//! (`text::codec`); `text::lines` cuts it into chunks of whole lines.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::storage::{kind, Found};
use crate::text::codec::{open_reader, Opened};

/// Where records come from.
#[derive(Clone)]
pub enum Input {
    Path(PathBuf),
    Stdin,
    /// An S3 object, streamed through the runtime's connection pool.
    Object(Arc<Object>),
}

pub struct Object {
    pub found: Found,
    pub runtime: tokio::runtime::Handle,
}

impl Eq for Input {}

impl PartialEq for Input {
    fn eq(&self, other: &Input) -> bool {
        match (self, other) {
            (Input::Path(a), Input::Path(b)) => a == b,
            (Input::Stdin, Input::Stdin) => true,
            (Input::Object(a), Input::Object(b)) => a.found.url() == b.found.url(),
            _ => false,
        }
    }
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display_name())
    }
}

impl Input {
    pub fn display_name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Stdin => "-".to_owned(),
            Input::Object(object) => object.found.url(),
        }
    }

    /// The output stem: `en_meta_part_1.jsonl.zst` -> `en_meta_part_1`.
    pub fn stem(&self) -> String {
        match self {
            Input::Path(p) => kind::stem(&p.to_string_lossy()).to_owned(),
            Input::Stdin => "stdin".to_owned(),
            Input::Object(object) => kind::stem(object.found.name()).to_owned(),
        }
    }

    /// Size and ETag (or modification time): what tells a changed input apart. None for stdin.
    pub fn identity(&self) -> Option<(u64, Option<String>)> {
        match self {
            Input::Path(path) => std::fs::metadata(path)
                .ok()
                .map(|meta| (meta.len(), crate::storage::local_tag(&meta))),
            Input::Stdin => None,
            Input::Object(object) => Some((object.found.size, object.found.tag.clone())),
        }
    }

    /// Stored (compressed) size, when known without reading.
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::Path(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Input::Stdin => None,
            Input::Object(object) => Some(object.found.size),
        }
    }
}

/// Opens `input`; `cancel` ends a read of stdin that is waiting for data (C32: a pipe or
/// terminal with nothing to say held off Ctrl-C and SIGTERM for as long as it stayed silent).
pub fn open(input: &Input, cancel: &Arc<AtomicBool>) -> io::Result<Opened> {
    let raw: Box<dyn Read + Send> = match input {
        Input::Path(path) => Box::new(File::open(path)?),
        Input::Stdin => Box::new(CancellableStdin::new(cancel.clone())),
        Input::Object(object) => object
            .found
            .store
            .reader(&object.found.key, &object.runtime)
            .map_err(io::Error::other)?,
    };
    open_reader(raw)
}

/// Stdin read on a thread of its own, so that the reader can give up when `cancel` is set while
/// the read itself still waits (a blocked read cannot be interrupted portably). The thread is
/// left blocked; the process exits soon after.
struct CancellableStdin {
    pieces: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    current: io::Cursor<Vec<u8>>,
    cancel: Arc<AtomicBool>,
    ended: bool,
}

impl CancellableStdin {
    fn new(cancel: Arc<AtomicBool>) -> Self {
        let (sender, pieces) = std::sync::mpsc::sync_channel(4);
        std::thread::spawn(move || {
            let mut stdin = io::stdin().lock();
            loop {
                let mut buf = vec![0; 1 << 16];
                let piece = match stdin.read(&mut buf) {
                    Ok(n) => {
                        buf.truncate(n);
                        Ok(buf)
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let last = !matches!(&piece, Ok(buf) if !buf.is_empty());
                if sender.send(piece).is_err() || last {
                    return;
                }
            }
        });
        CancellableStdin {
            pieces,
            current: io::Cursor::new(Vec::new()),
            cancel,
            ended: false,
        }
    }
}

impl Read for CancellableStdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || self.ended || buf.is_empty() {
                return Ok(n);
            }
            if self.cancel.load(Ordering::Relaxed) {
                return Err(io::Error::other("interrupted while waiting for stdin"));
            }
            match self
                .pieces
                .recv_timeout(std::time::Duration::from_millis(50))
            {
                Ok(Ok(piece)) if piece.is_empty() => self.ended = true,
                Ok(Ok(piece)) => self.current = io::Cursor::new(piece),
                Ok(Err(e)) => return Err(e),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => self.ended = true,
            }
        }
    }
}
