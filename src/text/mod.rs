//! Line-oriented text from inputs that may be compressed: the codec detected from magic bytes and
//! decompressed as a stream (`codec`), then lines with their BOM/CRLF handling, bounded line reads
//! and the chunk splitter (`lines`). Every reader of JSON lines (convert, crawl's sampler, embed,
//! query's JSON tables) goes through here, so that they agree on what a line is.

pub mod codec;
pub mod lines;
