//! Finding the next block after a corrupt one: the file's sync marker, scanned for forward.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

/// How a reader that can seek goes back to a corrupt block's start and asks where it is: kept as
/// plain function pointers, so the reader needs `Seek` only when recovery is turned on.
pub(crate) struct Recovery<R> {
    pub(crate) position: fn(&mut BufReader<R>) -> io::Result<u64>,
    pub(crate) seek: fn(&mut BufReader<R>, u64) -> io::Result<()>,
}

impl<R: Read + Seek> Recovery<R> {
    pub(crate) fn new() -> Self {
        Self { position: |input| input.stream_position(), seek: |input, to| input.seek(SeekFrom::Start(to)).map(drop) }
    }
}

/// Reads `input` up to and including the next `sync` marker; returns the bytes consumed, or
/// `None` when the input ends first (all of it consumed).
///
/// Each byte is looked at once and nothing is kept but the last 15 bytes of the previous buffer
/// (for a marker split between two reads), so the cost is linear in the bytes skipped and the
/// memory constant, whatever the file's contents claim.
pub(crate) fn skip_past_sync(input: &mut impl BufRead, sync: &[u8; 16]) -> io::Result<Option<u64>> {
    let mut consumed = 0u64;
    let mut tail = [0u8; 15];
    let mut tail_len = 0;
    loop {
        let buffer = match input.fill_buf() {
            Ok([]) => return Ok(None),
            Ok(buffer) => buffer,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        // A marker that starts in the tail and ends in this buffer.
        let mut joined = [0u8; 30];
        let head = buffer.len().min(15);
        joined[..tail_len].copy_from_slice(&tail[..tail_len]);
        joined[tail_len..tail_len + head].copy_from_slice(&buffer[..head]);
        let found = find(&joined[..tail_len + head], sync)
            .map(|at| at + 16 - tail_len)
            .or_else(|| find(buffer, sync).map(|at| at + 16));
        if let Some(end) = found {
            input.consume(end);
            return Ok(Some(consumed + end as u64));
        }
        // Keep the last 15 bytes seen (of the tail and this buffer) for the next round.
        let len = buffer.len();
        let keep = (tail_len + len).min(15);
        let from_buffer = keep.min(len);
        let from_tail = keep - from_buffer;
        tail.copy_within(tail_len - from_tail..tail_len, 0);
        tail[from_tail..keep].copy_from_slice(&buffer[len - from_buffer..]);
        tail_len = keep;
        input.consume(len);
        consumed += len as u64;
    }
}

fn find(haystack: &[u8], sync: &[u8; 16]) -> Option<usize> {
    haystack.windows(16).position(|window| window == sync)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYNC: [u8; 16] = *b"0123456789abcdef";

    #[test]
    fn finds_the_marker_wherever_reads_split_it() {
        for at in [0usize, 1, 7, 14, 15, 16, 17, 29, 30, 31, 100] {
            let mut data = vec![b'x'; at];
            data.extend_from_slice(&SYNC);
            data.extend_from_slice(b"next block");
            // Buffers of every small size put the split at every place in the marker.
            for capacity in 1..=40 {
                let mut input = BufReader::with_capacity(capacity, &data[..]);
                let consumed = skip_past_sync(&mut input, &SYNC).unwrap();
                assert_eq!(consumed, Some(at as u64 + 16), "at {at}, buffer {capacity}");
                let mut rest = Vec::new();
                input.read_to_end(&mut rest).unwrap();
                assert_eq!(rest, b"next block", "at {at}, buffer {capacity}");
            }
        }
    }

    #[test]
    fn a_partial_marker_is_not_a_marker() {
        let mut data = SYNC[..15].to_vec();
        data.extend_from_slice(b"zz");
        data.extend_from_slice(&SYNC[1..]);
        for capacity in [1, 8, 16, 64] {
            let mut input = BufReader::with_capacity(capacity, &data[..]);
            assert_eq!(skip_past_sync(&mut input, &SYNC).unwrap(), None, "buffer {capacity}");
        }
    }

    #[test]
    fn without_a_marker_the_input_is_consumed_to_its_end() {
        let data = vec![7u8; 100_000];
        let mut input = BufReader::with_capacity(4096, &data[..]);
        assert_eq!(skip_past_sync(&mut input, &SYNC).unwrap(), None);
        assert!(input.fill_buf().unwrap().is_empty());
    }
}
