//! Writes generated files: atomically, and only when their bytes change.

use std::fs;
use std::io::Write;
use std::path::Path;

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
