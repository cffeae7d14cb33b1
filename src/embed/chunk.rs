//! Stage 2: split a document into overlapping chunks with the semantics of LangChain's
//! `RecursiveCharacterTextSplitter` (separators paragraph, line, space, character; separators kept
//! at the start of the following piece; chunks stripped), so users migrating from a LangChain
//! pipeline get the very same chunks.
//!
//! The splitter works on byte ranges of the original text rather than on copies, so every chunk
//! knows where it starts: LangChain recovers that with `str.find`, which can land on an earlier
//! repetition of the same text.

use std::collections::VecDeque;
use std::ops::Range;

const SEPARATORS: [&str; 4] = ["\n\n", "\n", " ", ""];

/// One chunk of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Byte range in the document.
    pub bytes: Range<usize>,
    /// Offset of the first character, in characters (Unicode scalar values), as Python counts.
    pub char_start: usize,
}

/// Chunk sizes in characters (Python's `len`) or in tokens (the model tokenizer without special
/// tokens, as LangChain's `from_huggingface_tokenizer` counts).
pub trait Length {
    fn len(&self, text: &str) -> usize;
}

pub struct Chars;

impl Length for Chars {
    fn len(&self, text: &str) -> usize {
        text.chars().count()
    }
}

/// Token counts for `--chunk-unit tokens`: a tokenizer without truncation, counting no special
/// tokens. A text the tokenizer rejects is measured in characters rather than failing the run.
pub struct TokenLength(pub tokenizers::Tokenizer);

impl Length for TokenLength {
    fn len(&self, text: &str) -> usize {
        self.0
            .encode_fast(text, false)
            .map(|e| e.len())
            .unwrap_or_else(|_| text.chars().count())
    }
}

pub struct Splitter<'a> {
    pub size: usize,
    pub overlap: usize,
    pub length: &'a dyn Length,
}

impl Splitter<'_> {
    pub fn split(&self, text: &str) -> Vec<Chunk> {
        let mut ranges = Vec::new();
        self.split_range(text, 0..text.len(), &SEPARATORS, &mut ranges);
        with_char_offsets(text, ranges)
    }

    fn split_range(
        &self,
        text: &str,
        range: Range<usize>,
        separators: &[&str],
        out: &mut Vec<Range<usize>>,
    ) {
        let piece = &text[range.clone()];
        // The first separator present in this piece; "" (single characters) always applies.
        let (separator, finer) = separators
            .iter()
            .enumerate()
            .find(|(_, s)| s.is_empty() || piece.contains(**s))
            .map(|(i, s)| (*s, &separators[i + 1..]))
            .unwrap_or(("", &[]));
        let mut good: Vec<(Range<usize>, usize)> = Vec::new();
        for split in splits(piece, separator) {
            let split = range.start + split.start..range.start + split.end;
            let len = self.length.len(&text[split.clone()]);
            if len < self.size {
                good.push((split, len));
                continue;
            }
            if !good.is_empty() {
                self.merge(text, &good, out);
                good.clear();
            }
            if finer.is_empty() {
                // LangChain appends such a piece as it is, unstripped.
                out.push(split);
            } else {
                self.split_range(text, split, finer, out);
            }
        }
        if !good.is_empty() {
            self.merge(text, &good, out);
        }
    }

    /// Greedily packs consecutive pieces into chunks of at most `size`, starting each new chunk
    /// with the tail of the previous one up to `overlap`. Pieces keep their separators, so a chunk
    /// is the contiguous text from its first piece to its last.
    fn merge(&self, text: &str, pieces: &[(Range<usize>, usize)], out: &mut Vec<Range<usize>>) {
        let mut window: VecDeque<&(Range<usize>, usize)> = VecDeque::new();
        let mut total = 0usize;
        for piece in pieces {
            let len = piece.1;
            if total + len > self.size && !window.is_empty() {
                push_stripped(text, &window, out);
                while total > self.overlap || (total + len > self.size && total > 0) {
                    let Some(first) = window.pop_front() else {
                        break;
                    };
                    total -= first.1;
                }
            }
            window.push_back(piece);
            total += len;
        }
        push_stripped(text, &window, out);
    }
}

fn push_stripped(
    text: &str,
    window: &VecDeque<&(Range<usize>, usize)>,
    out: &mut Vec<Range<usize>>,
) {
    let (Some(first), Some(last)) = (window.front(), window.back()) else {
        return;
    };
    let joined = &text[first.0.start..last.0.end];
    let stripped = joined.trim_matches(is_python_space);
    if !stripped.is_empty() {
        let start = first.0.start + (stripped.as_ptr() as usize - joined.as_ptr() as usize);
        out.push(start..start + stripped.len());
    }
}

/// `str.isspace()` in Python: Unicode White_Space plus the four ASCII information separators.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `re.split(f"({sep})", text)` with each separator glued to the piece after it, empty pieces
/// dropped; the empty separator splits into characters.
fn splits(text: &str, separator: &str) -> Vec<Range<usize>> {
    if separator.is_empty() {
        return text
            .char_indices()
            .map(|(i, c)| i..i + c.len_utf8())
            .collect();
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices(separator) {
        if at > start {
            pieces.push(start..at);
        }
        start = at;
    }
    if text.len() > start {
        pieces.push(start..text.len());
    }
    pieces
}

fn with_char_offsets(text: &str, ranges: Vec<Range<usize>>) -> Vec<Chunk> {
    // Chunks come in text order, so one forward cursor counts characters in linear time; a
    // backwards step (not expected) recounts from the start.
    let (mut byte_at, mut char_at) = (0usize, 0usize);
    ranges
        .into_iter()
        .map(|bytes| {
            if bytes.start < byte_at {
                (byte_at, char_at) = (0, 0);
            }
            char_at += text[byte_at..bytes.start].chars().count();
            byte_at = bytes.start;
            Chunk {
                char_start: char_at,
                bytes,
            }
        })
        .collect()
}
