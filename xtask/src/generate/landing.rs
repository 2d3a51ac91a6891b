//! Landing files on disk: immutable once dropped, so an existing file is only ever compared
//! with what would be generated, and a new one appears whole (written beside it as
//! `.<name>.tmp`, then renamed), so a reader never sees half a file.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, ErrorKind, Read, Write};
use std::path::Path;

use super::dirt::Tally;

/// A writer that compares what it is given with an existing file instead of writing it.
struct SameAs {
    existing: BufReader<File>,
    buffer: Vec<u8>,
    differs: bool,
}

impl Write for SameAs {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.resize(data.len(), 0);
        match self.existing.read_exact(&mut self.buffer) {
            Ok(()) if self.buffer == data => Ok(data.len()),
            Err(e) if e.kind() != ErrorKind::UnexpectedEof => Err(e),
            // Shorter, or other bytes: the answer is known, so generating stops here.
            _ => {
                self.differs = true;
                Err(io::Error::other("the existing file differs"))
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether the file at `path` holds exactly the bytes `generate` writes: the tally if it does,
/// `None` if it differs.
///
/// # Errors
/// The file cannot be read.
pub fn compare(
    path: &Path,
    generate: impl FnOnce(&mut dyn Write) -> io::Result<Tally>,
) -> Result<Option<Tally>, String> {
    let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut same = SameAs { existing: BufReader::with_capacity(1 << 20, file), buffer: Vec::new(), differs: false };
    let generated = generate(&mut same);
    if same.differs {
        return Ok(None);
    }
    let tally = generated.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // Equal so far; longer is different too.
    let mut more = [0u8; 1];
    let rest = same.existing.read(&mut more).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((rest == 0).then_some(tally))
}

/// Writes a new file at `path` from what `generate` writes, through `.<name>.tmp` in the same
/// folder and a rename. An interrupted run leaves at most that temporary file, which the next
/// run overwrites.
///
/// # Errors
/// The folder, the temporary file or the rename fails (the temporary file is then removed).
pub fn write_new(path: &Path, generate: impl FnOnce(&mut dyn Write) -> io::Result<Tally>) -> Result<Tally, String> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(|e| format!("cannot create folder {}: {e}", folder.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = folder.join(format!(".{name}.tmp"));
    let write = || -> io::Result<Tally> {
        let mut writer = BufWriter::with_capacity(1 << 20, File::create(&temporary)?);
        let tally = generate(&mut writer)?;
        let file = writer.into_inner().map_err(io::IntoInnerError::into_error)?;
        // On disk before the name appears: a crash never leaves a named file half written.
        file.sync_all()?;
        fs::rename(&temporary, path)?;
        Ok(tally)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&temporary);
        format!("cannot write {}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writes(text: &'static str) -> impl FnOnce(&mut dyn Write) -> io::Result<Tally> {
        move |out| {
            out.write_all(text.as_bytes())?;
            let mut tally = Tally::new(1);
            tally.lines = 1;
            Ok(tally)
        }
    }

    #[test]
    fn only_the_same_bytes_compare_equal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("day.jsonl");
        fs::write(&path, "abc\n").unwrap();
        assert_eq!(compare(&path, writes("abc\n")).unwrap().map(|t| t.lines), Some(1));
        for other in ["abd\n", "abc", "abc\nd\n", ""] {
            assert_eq!(compare(&path, writes(other)).unwrap(), None, "{other:?}");
        }
        let missing = compare(&dir.path().join("none.jsonl"), writes("")).unwrap_err();
        assert!(missing.starts_with("cannot read ") && missing.contains("none.jsonl"), "{missing}");
    }

    #[test]
    fn a_new_file_appears_whole_and_a_failed_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sales/sales_raw/day.jsonl");
        write_new(&path, writes("line\n")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "line\n");
        let failed = dir.path().join("sales/sales_raw/other.jsonl");
        let error = write_new(&failed, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(error.contains("other.jsonl") && error.contains("disk full"), "{error}");
        let left: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["day.jsonl"]);
    }
}
