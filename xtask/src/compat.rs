//! `cargo xtask compat OLD.avsc NEW.avsc`: classifies the change between any
//! two Avro schemas. Exit status 0 unless breaking (1); unreadable input is 2.

use std::path::Path;

use clap::ValueEnum;
use mesh_avro::compat::{classify, Classification, Mode, Verdict};
use mesh_avro::Schema;
use serde_json::json;

/// The compatibility mode to check under.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// Readers on the new schema read old data, and readers on the old schema read new data.
    Full,
    /// Readers on the new schema read old data.
    Backward,
    /// Readers on the old schema read new data.
    Forward,
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Full => Mode::Full,
            ModeArg::Backward => Mode::Backward,
            ModeArg::Forward => Mode::Forward,
        }
    }
}

/// How to print the classification.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For machines: a stable JSON object.
    Json,
}

fn load(path: &Path) -> Result<Schema, String> {
    let text = crate::files::read_text_file(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Schema::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Classifies `old` -> `new`; the text to print and whether the change is breaking.
///
/// # Errors
/// A file cannot be read or is not an Avro schema.
pub fn run(old: &Path, new: &Path, mode: ModeArg, format: Format) -> Result<(String, bool), String> {
    let (previous, current) = (load(old)?, load(new)?);
    let root = current.root_name().unwrap_or("root").to_string();
    let classification = classify(&previous, &current, mode.into(), &root);
    let breaking = classification.verdict == Verdict::Breaking;
    let text = match format {
        Format::Text => text(&classification, old, new),
        Format::Json => json(&classification, (old, &previous), (new, &current)),
    };
    Ok((text, breaking))
}

fn text(classification: &Classification, old: &Path, new: &Path) -> String {
    let breaking = classification.breaking().count();
    let needs = match classification.verdict.bump() {
        "none" => "no new version needed".to_string(),
        bump => format!("needs a new {bump} version"),
    };
    let mut out = format!(
        "{} -> {}: {} ({needs}) under {} compatibility",
        old.display(),
        new.display(),
        classification.verdict,
        classification.mode
    );
    if !classification.changes.is_empty() {
        out.push_str(&format!(", {breaking} breaking change(s), {} other(s)", classification.changes.len() - breaking));
    }
    out.push('\n');
    for change in &classification.changes {
        let label = if change.breaking { "breaking" } else { "ok" };
        out.push_str(&format!("  {label:<8} {change}\n"));
    }
    out
}

fn json(classification: &Classification, old: (&Path, &Schema), new: (&Path, &Schema)) -> String {
    let side = |(path, schema): (&Path, &Schema)| json!({ "file": path.display().to_string(), "fingerprint": schema.fingerprint() });
    let changes: Vec<_> = classification
        .changes
        .iter()
        .map(|c| {
            json!({
                "rule": c.rule.id(),
                "path": c.path,
                "message": c.message,
                "breaking": c.breaking,
                "breaks": { "backward": c.breaks.backward, "forward": c.breaks.forward },
            })
        })
        .collect();
    let value = json!({
        "verdict": classification.verdict.as_str(),
        "bump": classification.verdict.bump(),
        "mode": classification.mode.as_str(),
        "previous": side(old),
        "current": side(new),
        "changes": changes,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
