//! Lines of decompressed text: a line's content without its terminator, bounded reads of one line,
//! and the splitter that cuts a stream into chunks of whole lines for parallel parsing.

use std::io::{self, BufRead, Read};

use super::codec::READ_BUFFER;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A line without its terminator: a CRLF's `\r` goes, and so does a UTF-8 byte-order mark at the
/// very start of an input (Windows tools write one).
pub fn line_content(line: &[u8], at_input_start: bool) -> &[u8] {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if at_input_start {
        line.strip_prefix(UTF8_BOM).unwrap_or(line)
    } else {
        line
    }
}

/// Whole lines of decompressed text (the last chunk of an input may end without a newline).
#[derive(Debug, Default)]
pub struct Chunk {
    pub data: Vec<u8>,
    /// 1-based physical line number of the chunk's first line.
    pub first_line: u64,
    /// Offset of `data[0]` in the decompressed input.
    pub byte_offset: u64,
}

/// What the splitter hands on: chunks, then possibly the error that ended the stream early.
pub enum Piece {
    Chunk(Chunk),
    /// The stream could not be read further. `partial` holds the bytes of the line that was being
    /// read when it broke (it counts as one rejected line when not empty).
    Broken {
        error: io::Error,
        partial: Chunk,
    },
    /// A line longer than the splitter's maximum, read past without being held: `line` has its
    /// number, offset and first [`OVERLONG_HEAD`] bytes; `length` counts all of its bytes (not
    /// its newline).
    Overlong {
        line: Chunk,
        length: u64,
        terminated: bool,
    },
}

/// The longest line any reader of JSON lines takes by default (`convert --max-line-bytes`):
/// far above real records (OSCAR's longest documents are a few MB), far below a newline-free
/// file that would otherwise be held whole.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 << 20;

/// One line read into `line` (cleared first), newline included, holding at most `max + 1` of its
/// bytes, so a newline-free input is never held whole. Returns the bytes read (0 at the end) and
/// whether the line is longer than `max` (then `line` has only its start, the rest is unread).
pub fn read_line_bounded(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> io::Result<(usize, bool)> {
    line.clear();
    let bound = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let n = reader.take(bound).read_until(b'\n', line)?;
    Ok((n, line.len() > max && !line.ends_with(b"\n")))
}

/// What a rejected overlong line keeps of itself (for the dead-letter record).
pub const OVERLONG_HEAD: usize = 1024;

/// The reject reason for a line of `length` bytes over `max`, the same from every stage.
pub fn overlong_reason(length: u64, max: usize) -> String {
    format!(
        "line of {length} bytes is longer than --max-line-bytes ({max}); its first {OVERLONG_HEAD} bytes are kept"
    )
}

/// Cuts a decompressed stream into chunks of about `target` bytes, always at a line end.
pub struct Splitter<R> {
    reader: R,
    target: usize,
    max_line: usize,
    /// Buffers of parsed chunks, handed back so that memory is reused instead of freed and
    /// faulted in again for every chunk.
    recycled: Option<std::sync::mpsc::Receiver<Vec<u8>>>,
    carry: Vec<u8>,
    next_line: u64,
    next_offset: u64,
    done: bool,
    pending: Option<Piece>,
}

impl<R: Read> Splitter<R> {
    pub fn new(reader: R, target: usize) -> Self {
        Splitter {
            reader,
            target: target.max(1),
            max_line: usize::MAX,
            recycled: None,
            carry: Vec::new(),
            next_line: 1,
            next_offset: 0,
            done: false,
            pending: None,
        }
    }

    /// Lines longer than `max` bytes are read past, not held, and handed on as
    /// [`Piece::Overlong`] (a shorter one inside a chunk is the parser's to reject).
    pub fn max_line(mut self, max: usize) -> Self {
        self.max_line = max.max(1);
        self
    }

    /// Reads past the rest of an overlong line that starts at `buf[0]` (no newline in `buf`).
    fn skip_overlong(&mut self, mut buf: Vec<u8>) -> Piece {
        let mut head = Chunk {
            data: buf[..OVERLONG_HEAD.min(buf.len())].to_vec(),
            first_line: self.next_line,
            byte_offset: self.next_offset,
        };
        let mut length = buf.len() as u64;
        let mut terminated = false;
        buf.resize(READ_BUFFER, 0);
        loop {
            match self.reader.read(&mut buf) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(n) => match memchr::memchr(b'\n', &buf[..n]) {
                    Some(pos) => {
                        let room = OVERLONG_HEAD.saturating_sub(head.data.len());
                        head.data.extend_from_slice(&buf[..pos.min(room)]);
                        length += pos as u64;
                        terminated = true;
                        self.carry.extend_from_slice(&buf[pos + 1..n]);
                        break;
                    }
                    None => {
                        // The head does not depend on how many bytes each read returned.
                        let room = OVERLONG_HEAD.saturating_sub(head.data.len());
                        head.data.extend_from_slice(&buf[..n.min(room)]);
                        length += n as u64;
                    }
                },
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // The line is rejected either way; what broke after it cannot be told apart
                // from its own end, so the input ends here.
                Err(_) => {
                    self.done = true;
                    break;
                }
            }
        }
        self.next_line += 1;
        self.next_offset += length + u64::from(terminated);
        Piece::Overlong {
            line: head,
            length,
            terminated,
        }
    }

    pub fn recycling(mut self, buffers: std::sync::mpsc::Receiver<Vec<u8>>) -> Self {
        self.recycled = Some(buffers);
        self
    }

    fn fresh_buffer(&self) -> Vec<u8> {
        match self.recycled.as_ref().and_then(|r| r.try_recv().ok()) {
            Some(mut buffer) => {
                buffer.clear();
                buffer
            }
            None => Vec::with_capacity(self.target + READ_BUFFER),
        }
    }

    fn emit(&mut self, data: Vec<u8>) -> Chunk {
        let chunk = Chunk {
            first_line: self.next_line,
            byte_offset: self.next_offset,
            data,
        };
        self.next_line += memchr::memchr_iter(b'\n', &chunk.data).count() as u64;
        self.next_offset += chunk.data.len() as u64;
        chunk
    }
}

impl<R: Read> Iterator for Splitter<R> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        if let Some(piece) = self.pending.take() {
            return Some(piece);
        }
        if self.done {
            return None;
        }
        let mut buf = self.fresh_buffer();
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        // Chunks end at the last line end within the first `target` bytes (or, for a line
        // longer than that, at its end): where they end depends on the text only, never on how
        // many bytes each read returned, which varies with the network. The Parquet layout
        // follows the chunks, so this is what makes S3 runs byte-identical to local ones.
        let mut head_searched = false;
        let mut scanned = self.target;
        loop {
            if buf.len() >= self.target {
                let cut = if head_searched {
                    None
                } else {
                    head_searched = true;
                    memchr::memrchr(b'\n', &buf[..self.target]).map(|pos| pos + 1)
                }
                .or_else(|| memchr::memchr(b'\n', &buf[scanned..]).map(|pos| scanned + pos + 1));
                if let Some(cut) = cut {
                    self.carry.extend_from_slice(&buf[cut..]);
                    buf.truncate(cut);
                    return Some(Piece::Chunk(self.emit(buf)));
                }
                // No line end anywhere: one line from buf[0], and too long to hold.
                if buf.len() > self.max_line {
                    return Some(self.skip_overlong(buf));
                }
                scanned = buf.len();
            }
            let len = buf.len();
            let want = (self.target.saturating_sub(len)).max(READ_BUFFER);
            buf.resize(len + want, 0);
            match self.reader.read(&mut buf[len..]) {
                Ok(0) => {
                    buf.truncate(len);
                    self.done = true;
                    return (!buf.is_empty()).then(|| Piece::Chunk(self.emit(buf)));
                }
                Ok(n) => buf.truncate(len + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(len),
                Err(error) => {
                    buf.truncate(len);
                    self.done = true;
                    // Complete lines before the break are still good records.
                    let complete = memchr::memrchr(b'\n', &buf).map_or(0, |p| p + 1);
                    let partial_bytes = buf.split_off(complete);
                    let good = (!buf.is_empty()).then(|| self.emit(buf));
                    let partial = self.emit(partial_bytes);
                    if let Some(good) = good {
                        self.pending = Some(Piece::Broken { error, partial });
                        return Some(Piece::Chunk(good));
                    }
                    return Some(Piece::Broken { error, partial });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns at most a varying handful of bytes per read, as a network stream does.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.step = self.step * 7 % 97 + 1;
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn chunks(reader: impl Read, target: usize) -> Vec<(u64, Vec<u8>)> {
        Splitter::new(reader, target)
            .map(|piece| match piece {
                Piece::Chunk(chunk) => (chunk.first_line, chunk.data),
                Piece::Broken { error, .. } => panic!("{error}"),
                Piece::Overlong { line, .. } => panic!("line {} is overlong", line.first_line),
            })
            .collect()
    }

    /// C11: a line longer than the maximum is read past in pieces, never held whole, and what
    /// follows it is split as if it had been a normal line, whatever the read sizes.
    #[test]
    fn overlong_lines_are_read_past() {
        let mut text = b"{\"a\":1}\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 5000));
        text.extend_from_slice(b"\n{\"a\":2}\n");
        text.extend(std::iter::repeat_n(b'y', 3000));
        for step in [1, 3] {
            let pieces: Vec<Piece> = Splitter::new(Trickle { data: &text, step }, 100)
                .max_line(1000)
                .collect();
            let summary: Vec<(u64, u64, String)> = pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Chunk(c) => (
                        c.first_line,
                        c.byte_offset,
                        String::from_utf8_lossy(&c.data).into_owned(),
                    ),
                    Piece::Overlong {
                        line,
                        length,
                        terminated,
                    } => (
                        line.first_line,
                        line.byte_offset,
                        format!("overlong {length} {terminated} head {}", line.data.len()),
                    ),
                    Piece::Broken { error, .. } => panic!("{error}"),
                })
                .collect();
            assert_eq!(
                summary,
                [
                    (1, 0, "{\"a\":1}\n".to_owned()),
                    (2, 8, "overlong 5000 true head 1024".to_owned()),
                    (3, 5009, "{\"a\":2}\n".to_owned()),
                    (4, 5017, "overlong 3000 false head 1024".to_owned()),
                ],
                "step {step}"
            );
        }
    }

    #[test]
    fn chunk_boundaries_do_not_depend_on_read_sizes() {
        let text: Vec<u8> = (0..400)
            .flat_map(|i| {
                format!("{{\"i\":{i},\"pad\":\"{}\"}}\n", "x".repeat(i % 50 * 3)).into_bytes()
            })
            .chain(b"no newline at the end".iter().copied())
            .collect();
        for target in [1, 64, 100, 1000, 1 << 20] {
            let whole = chunks(&text[..], target);
            let trickled = chunks(
                Trickle {
                    data: &text,
                    step: 3,
                },
                target,
            );
            assert_eq!(whole, trickled, "target {target}");
            let joined: Vec<u8> = whole.iter().flat_map(|(_, data)| data.clone()).collect();
            assert_eq!(joined, text);
        }
    }
}
