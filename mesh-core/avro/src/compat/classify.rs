//! Classifying the change between two schemas under a compatibility mode.

use std::collections::HashMap;
use std::fmt;

use super::resolution::{Direction, Resolver};
use super::rules::{Breaks, Change, Rule};
use crate::schema::Schema;

/// Which readers must keep working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Readers on the current schema read previous data.
    Backward,
    /// Readers on the previous schema read current data.
    Forward,
    /// Both.
    Full,
}

impl Mode {
    /// The keyword: `backward`, `forward` or `full`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Backward => "backward",
            Mode::Forward => "forward",
            Mode::Full => "full",
        }
    }

    /// Whether a change breaking in `breaks` breaks this mode.
    pub fn is_broken_by(self, breaks: Breaks) -> bool {
        match self {
            Mode::Backward => breaks.backward,
            Mode::Forward => breaks.forward,
            Mode::Full => breaks.backward || breaks.forward,
        }
    }
}

impl From<mesh_model::Compatibility> for Mode {
    fn from(compatibility: mesh_model::Compatibility) -> Self {
        use mesh_model::Compatibility as C;
        match compatibility {
            C::Backward | C::BackwardTransitive => Mode::Backward,
            C::Forward | C::ForwardTransitive => Mode::Forward,
            C::Full | C::FullTransitive => Mode::Full,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a schema changed, and the version bump it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Nothing changed.
    Identical,
    /// Only documentation changed: a patch release.
    DocOnly,
    /// Changed, compatible in the mode: a minor release.
    Compatible,
    /// Not compatible in the mode: a major release.
    Breaking,
}

impl Verdict {
    /// The keyword: `identical`, `doc-only`, `compatible`, `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Identical => "identical",
            Verdict::DocOnly => "doc-only",
            Verdict::Compatible => "compatible",
            Verdict::Breaking => "breaking",
        }
    }

    /// The semver bump the change needs: `none`, `patch`, `minor` or `major`.
    pub fn bump(self) -> &'static str {
        match self {
            Verdict::Identical => "none",
            Verdict::DocOnly => "patch",
            Verdict::Compatible => "minor",
            Verdict::Breaking => "major",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The classification of a change from a previous to a current schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// The mode it was checked under.
    pub mode: Mode,
    /// The verdict.
    pub verdict: Verdict,
    /// Every change found, breaking ones first; each says whether it breaks `mode`.
    pub changes: Vec<Change>,
}

impl Classification {
    /// The changes that break the mode.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.breaking)
    }
}

/// Classifies the change from `previous` to `current` under `mode`; paths start at `root`.
///
/// ```
/// use mesh_avro::compat::{classify, Mode, Verdict}; use mesh_avro::Schema;
/// let previous = Schema::parse(r#"{"type":"record","name":"R","fields":[{"name":"n","type":"int"}]}"#).unwrap();
/// let current = Schema::parse(r#"{"type":"record","name":"R","fields":[{"name":"n","type":"long"}]}"#).unwrap();
/// assert_eq!(classify(&previous, &current, Mode::Backward, "R").verdict, Verdict::Compatible);
/// let full = classify(&previous, &current, Mode::Full, "R");
/// assert_eq!(full.verdict, Verdict::Breaking);
/// assert_eq!(full.changes[0].to_string(), "[FIELD_TYPE_WIDENED] R.n: type changed from int to long: readers of the previous schema cannot read the wider values");
/// ```
pub fn classify(previous: &Schema, current: &Schema, mode: Mode, root: &str) -> Classification {
    if previous.full_form() == current.full_form() {
        return Classification { mode, verdict: Verdict::Identical, changes: Vec::new() };
    }
    if previous.structural_form() == current.structural_form() {
        return Classification { mode, verdict: Verdict::DocOnly, changes: Vec::new() };
    }
    let mut changes = changes(previous, current, root);
    for change in &mut changes {
        change.breaking = mode.is_broken_by(change.breaks);
    }
    if changes.is_empty() {
        changes.push(Change {
            rule: Rule::OtherChange,
            path: root.to_string(),
            message: "defaults, aliases or sort order changed; readers resolve the data as before".into(),
            breaks: Breaks::default(),
            breaking: false,
        });
    }
    changes.sort_by_key(|c| !c.breaking);
    let verdict = if changes.iter().any(|c| c.breaking) { Verdict::Breaking } else { Verdict::Compatible };
    Classification { mode, verdict, changes }
}

/// Every change in both directions, one entry per rule and path.
fn changes(previous: &Schema, current: &Schema, root: &str) -> Vec<Change> {
    let mut merged: Vec<Change> = Vec::new();
    let mut positions: HashMap<(Rule, String), usize> = HashMap::new();
    for direction in [Direction::Backward, Direction::Forward] {
        for change in Resolver::new(previous, current, direction).run(root) {
            match positions.get(&(change.rule, change.path.clone())) {
                Some(&i) => {
                    merged[i].breaks.backward |= change.breaks.backward;
                    merged[i].breaks.forward |= change.breaks.forward;
                }
                None => {
                    positions.insert((change.rule, change.path.clone()), merged.len());
                    merged.push(change);
                }
            }
        }
    }
    merged
}
