//! Writes generated files: atomically, and only when their bytes change.

use std::fs;
use std::io::Write;
use std::path::Path;

/// The largest schema, contract or config file read: far above any real one (the example's
/// largest is a few KB), low enough that a wrong path (`/dev/zero`) fails at once.
pub const MAX_TEXT_FILE_BYTES: u64 = 64 << 20;

/// Reads a text input file (a schema, a contract, `mesh.toml`): only a regular file (a FIFO or a
/// device is refused before it is opened, so it cannot block or stream forever), at most
/// [`MAX_TEXT_FILE_BYTES`].
///
/// # Errors
/// Says which file and what is wrong: missing (kind `NotFound`), not a regular file, too large,
/// unreadable or not UTF-8.
pub fn read_text_file(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind, Read};
    let metadata = fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file (a folder, device or FIFO); give a file"));
    }
    let too_large = || {
        Error::new(
            ErrorKind::InvalidData,
            format!("larger than the {} MiB accepted for a schema, contract or config file", MAX_TEXT_FILE_BYTES >> 20),
        )
    };
    if metadata.len() > MAX_TEXT_FILE_BYTES {
        return Err(too_large());
    }
    let mut text = String::new();
    // A file that grows while it is read stops at the limit too.
    fs::File::open(path)?.take(MAX_TEXT_FILE_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_TEXT_FILE_BYTES {
        return Err(too_large());
    }
    Ok(text)
}

/// Whether a write changed the file.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Created,
    Updated,
    Unchanged,
}

/// Writes `contents` to `path` via a temporary file and a rename, so readers
/// never see a half-written file and an interrupted write leaves the old one.
pub fn write_if_changed(path: &Path, contents: &str) -> Result<Written, String> {
    let existing = fs::read(path).ok();
    if existing.as_deref() == Some(contents.as_bytes()) {
        return Ok(Written::Unchanged);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| format!("cannot create directory {}: {e}", dir.display()))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&temporary);
        format!("cannot write {}: {e}", path.display())
    })?;
    Ok(if existing.is_some() { Written::Updated } else { Written::Created })
}

/// Whether `path` holds `contents`, up to line endings (a checkout may turn `\n` into `\r\n`).
pub fn is_current(path: &Path, contents: &str) -> bool {
    fs::read_to_string(path).is_ok_and(|existing| existing.replace("\r\n", "\n") == contents.replace("\r\n", "\n"))
}

/// The process's peak resident memory in KiB, from /proc (Linux only).
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}
