//! Compression detected from an input's first bytes (not its name, which may lie), and the
//! decompressing reader.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use crate::storage::kind::Compression;

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// Skippable frames (0x184D2A50..=0x184D2A5F) may start a zstd stream too.
fn is_zstd_skippable(head: &[u8]) -> bool {
    head.len() >= 4 && head[0] & 0xF0 == 0x50 && head[1..4] == [0x2A, 0x4D, 0x18]
}
const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];

pub fn detect(head: &[u8]) -> Compression {
    if head.starts_with(&ZSTD_MAGIC) || is_zstd_skippable(head) {
        Compression::Zstd
    } else if head.starts_with(&GZIP_MAGIC) {
        Compression::Gzip
    } else {
        Compression::None
    }
}

/// Counts compressed bytes as they are read, for progress and the summary.
pub struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An opened input: decompressed text as a stream.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    pub compression: Compression,
    /// Compressed bytes read so far.
    pub bytes_read: Arc<AtomicU64>,
}

/// zstd's `--long` mode allows windows up to 2 GiB (window log 31); accept what it can write.
const ZSTD_WINDOW_LOG_MAX: u32 = 31;
pub(crate) const READ_BUFFER: usize = 1 << 20;

pub fn open_reader(raw: Box<dyn Read + Send>) -> io::Result<Opened> {
    let bytes_read = Arc::new(AtomicU64::new(0));
    let mut buffered = BufReader::with_capacity(
        READ_BUFFER,
        Counting {
            inner: raw,
            count: bytes_read.clone(),
        },
    );
    let compression = detect(buffered.fill_buf()?);
    let reader: Box<dyn Read + Send> = match compression {
        Compression::Zstd => {
            let mut decoder = zstd::stream::read::Decoder::with_buffer(buffered)?;
            decoder.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
            Box::new(decoder)
        }
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::None => Box::new(buffered),
    };
    Ok(Opened {
        reader,
        compression,
        bytes_read,
    })
}
