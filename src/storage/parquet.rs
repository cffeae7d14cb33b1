//! Parquet objects read by range, never whole: the footer by one suffix GET (two when it is
//! larger than the first guess), then only the column chunks a reader projects, through the
//! arrow reader's `AsyncFileReader`. The crawl's sampler reads footers alone; a Delta Lake
//! checkpoint is read for two of its columns.

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures::future::{BoxFuture, FutureExt};
use parquet::arrow::arrow_reader::ArrowReaderOptions;
use parquet::arrow::async_reader::AsyncFileReader;
use parquet::errors::ParquetError;
use parquet::file::metadata::{
    FooterTail, PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader,
};

use super::{ObjectMeta, StorageError, Store};

/// The first guess at a Parquet footer's size (metadata plus the 8-byte trailer).
const FOOTER_GUESS: u64 = 64 << 10;

/// The widest gap between two wanted ranges that one GET reads through.
const RANGE_GAP: u64 = 256 << 10;

#[derive(Debug, thiserror::Error)]
pub enum ParquetFileError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// `problem` is ours: what about the object's size or footer is wrong.
    #[error("{url}: not a Parquet file: {problem}")]
    Bad { url: String, problem: String },
    #[error("{url}: not a Parquet file")]
    Decode {
        url: String,
        #[source]
        source: ParquetError,
    },
}

/// One Parquet object of a store, its footer read once; clones share the footer (one reader per
/// concurrent range of rows).
#[derive(Clone)]
pub struct ParquetObject {
    store: Store,
    key: String,
    metadata: Arc<ParquetMetaData>,
}

impl ParquetObject {
    pub async fn open(store: &Store, object: &ObjectMeta) -> Result<Self, ParquetFileError> {
        let url = store.url(&object.key);
        let bad = |problem: &str| ParquetFileError::Bad {
            url: url.clone(),
            problem: problem.to_owned(),
        };
        let decode = |source| ParquetFileError::Decode {
            url: url.clone(),
            source,
        };
        if object.size < 12 {
            return Err(bad(&format!("{} bytes is too short", object.size)));
        }
        let mut tail = store
            .read_tail(&object.key, object.size, FOOTER_GUESS)
            .await?;
        if tail.len() < 8 {
            return Err(bad("the object is shorter than its listed size"));
        }
        let trailer: [u8; 8] = tail[tail.len() - 8..].try_into().expect("8 bytes");
        let footer = FooterTail::try_new(&trailer).map_err(decode)?;
        let needed = footer.metadata_length() as u64 + 8;
        if needed > object.size {
            return Err(bad("the footer is longer than the file"));
        }
        if needed > tail.len() as u64 {
            tail = store.read_tail(&object.key, object.size, needed).await?;
            if (tail.len() as u64) < needed {
                return Err(bad("the object is shorter than its listed size"));
            }
        }
        let metadata_bytes = &tail[tail.len() - needed as usize..tail.len() - 8];
        let metadata = ParquetMetaDataReader::decode_metadata(metadata_bytes).map_err(decode)?;
        Ok(ParquetObject {
            store: store.clone(),
            key: object.key.clone(),
            metadata: Arc::new(metadata),
        })
    }

    pub fn metadata(&self) -> &Arc<ParquetMetaData> {
        &self.metadata
    }

    /// The same object with its page index (column and offset indexes) read too, when the file
    /// has one: a reader given a row selection then fetches only the pages it selects instead of
    /// whole column chunks, so a slice of a huge row group costs the slice.
    pub async fn with_page_index(mut self) -> Result<Self, ParquetFileError> {
        let url = self.store.url(&self.key);
        let mut reader = ParquetMetaDataReader::new_with_metadata((*self.metadata).clone())
            .with_page_index_policy(PageIndexPolicy::Optional);
        let decode = |source| ParquetFileError::Decode {
            url: url.clone(),
            source,
        };
        reader.load_page_index(&mut self).await.map_err(decode)?;
        self.metadata = Arc::new(reader.finish().map_err(decode)?);
        Ok(self)
    }
}

impl AsyncFileReader for ParquetObject {
    fn get_bytes(&mut self, range: Range<u64>) -> BoxFuture<'_, parquet::errors::Result<Bytes>> {
        async move {
            let wanted = range.end - range.start;
            let bytes = self
                .store
                .read_range(&self.key, range)
                .await
                .map_err(|e| ParquetError::External(Box::new(e)))?;
            if bytes.len() as u64 != wanted {
                return Err(ParquetError::EOF(format!(
                    "{}: expected {wanted} bytes, read {}",
                    self.store.url(&self.key),
                    bytes.len()
                )));
            }
            Ok(Bytes::from(bytes))
        }
        .boxed()
    }

    /// Ranges less than [`RANGE_GAP`] apart are read by one GET: the leaves of one struct
    /// column lie side by side, and a round trip costs more than the bytes between them.
    fn get_byte_ranges(
        &mut self,
        ranges: Vec<Range<u64>>,
    ) -> BoxFuture<'_, parquet::errors::Result<Vec<Bytes>>> {
        async move {
            let mut order: Vec<usize> = (0..ranges.len()).collect();
            order.sort_by_key(|&i| ranges[i].start);
            // Each wanted range's GET, in `merged`.
            let mut slot = vec![0; ranges.len()];
            let mut merged: Vec<Range<u64>> = Vec::new();
            for &i in &order {
                match merged.last_mut() {
                    Some(last) if ranges[i].start <= last.end + RANGE_GAP => {
                        last.end = last.end.max(ranges[i].end)
                    }
                    _ => merged.push(ranges[i].clone()),
                }
                slot[i] = merged.len() - 1;
            }
            let mut read = Vec::with_capacity(merged.len());
            for range in &merged {
                read.push(self.get_bytes(range.clone()).await?);
            }
            Ok(ranges
                .iter()
                .zip(slot)
                .map(|(wanted, slot)| {
                    let at = (wanted.start - merged[slot].start) as usize;
                    read[slot].slice(at..at + (wanted.end - wanted.start) as usize)
                })
                .collect())
        }
        .boxed()
    }

    fn get_metadata<'a>(
        &'a mut self,
        _options: Option<&'a ArrowReaderOptions>,
    ) -> BoxFuture<'a, parquet::errors::Result<Arc<ParquetMetaData>>> {
        futures::future::ready(Ok(self.metadata.clone())).boxed()
    }
}
