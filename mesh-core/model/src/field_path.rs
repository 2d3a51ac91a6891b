//! Paths to fields nested in a record: `shipping_address.postcode`, `line_items[].sku` (each
//! array item), `attributes{}.value` (each map value). Built and walked as steps; the text is for
//! people and for what comes from outside, e.g. a published contract ([`FieldPath::parse`]).

use std::fmt;
use std::str::FromStr;

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// Into the field of this name.
    Field(String),
    /// Into each item of an array: `[]`.
    Items,
    /// Into each value of a map: `{}`.
    Values,
}

/// A path from a record to a field nested in it, as steps. Options (unions with null) add no
/// step. Displayed as the text contracts and messages use: fields joined by `.`, each followed
/// by `[]` per array and `{}` per map it steps into.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath {
    steps: Vec<PathStep>,
}

impl FieldPath {
    /// The empty path: the record itself.
    pub fn new() -> Self {
        Self::default()
    }

    /// The path of one field.
    pub fn field(name: impl Into<String>) -> Self {
        FieldPath { steps: vec![PathStep::Field(name.into())] }
    }

    /// The steps, from the record.
    pub fn steps(&self) -> &[PathStep] {
        &self.steps
    }

    /// Whether the path is the record itself.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Adds a step at the end.
    pub fn push(&mut self, step: PathStep) {
        self.steps.push(step);
    }

    /// This path followed by `step`.
    pub fn then(&self, step: PathStep) -> FieldPath {
        let mut path = self.clone();
        path.push(step);
        path
    }

    /// This path followed by the field `name`.
    pub fn then_field(&self, name: &str) -> FieldPath {
        self.then(PathStep::Field(name.to_string()))
    }

    /// The field names along the path, without the arrays and maps between them.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().filter_map(|step| match step {
            PathStep::Field(name) => Some(name.as_str()),
            PathStep::Items | PathStep::Values => None,
        })
    }

    /// The steps after `prefix`, if the path starts with it.
    pub fn strip_prefix(&self, prefix: &FieldPath) -> Option<&[PathStep]> {
        self.steps.strip_prefix(prefix.steps.as_slice())
    }

    /// Reads a path written as [`FieldPath`] displays one.
    ///
    /// # Errors
    /// A field name is empty or holds `.`, `[`, `]`, `{` or `}`, or a step is neither `[]` nor `{}`.
    pub fn parse(text: &str) -> Result<FieldPath, FieldPathError> {
        let error = |reason: &str| FieldPathError { path: text.to_string(), reason: reason.to_string() };
        let mut steps = Vec::new();
        if text.is_empty() {
            return Ok(FieldPath { steps });
        }
        for (i, segment) in text.split('.').enumerate() {
            let name = segment.split(['[', ']', '{', '}']).next().unwrap_or_default();
            let mut rest = &segment[name.len()..];
            match name {
                // Only the first segment may start with a step (a path inside an array or map).
                "" if i > 0 || rest.is_empty() => return Err(error("a field name is empty")),
                "" => {}
                name => steps.push(PathStep::Field(name.to_string())),
            }
            while !rest.is_empty() {
                let (step, after) = match (rest.strip_prefix("[]"), rest.strip_prefix("{}")) {
                    (Some(after), _) => (PathStep::Items, after),
                    (None, Some(after)) => (PathStep::Values, after),
                    (None, None) => return Err(error("after a field name, only `[]` and `{}` may follow")),
                };
                steps.push(step);
                rest = after;
            }
        }
        Ok(FieldPath { steps })
    }
}

impl From<Vec<PathStep>> for FieldPath {
    fn from(steps: Vec<PathStep>) -> Self {
        FieldPath { steps }
    }
}

impl FromIterator<PathStep> for FieldPath {
    fn from_iter<I: IntoIterator<Item = PathStep>>(steps: I) -> Self {
        FieldPath { steps: steps.into_iter().collect() }
    }
}

impl Extend<PathStep> for FieldPath {
    fn extend<I: IntoIterator<Item = PathStep>>(&mut self, steps: I) {
        self.steps.extend(steps);
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Field(name) if i == 0 => f.write_str(name)?,
                PathStep::Field(name) => write!(f, ".{name}")?,
                PathStep::Items => f.write_str("[]")?,
                PathStep::Values => f.write_str("{}")?,
            }
        }
        Ok(())
    }
}

impl FromStr for FieldPath {
    type Err = FieldPathError;

    fn from_str(text: &str) -> Result<Self, FieldPathError> {
        FieldPath::parse(text)
    }
}

/// Text that is not a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPathError {
    /// The text.
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for FieldPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a field path: {}", self.path, self.reason)
    }
}

impl std::error::Error for FieldPathError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_display_as_contracts_write_them_and_parse_back() {
        let field = |name: &str| PathStep::Field(name.into());
        for (steps, text) in [
            (vec![field("email")], "email"),
            (vec![field("shipping_address"), field("postcode")], "shipping_address.postcode"),
            (vec![field("line_items"), PathStep::Items, field("sku")], "line_items[].sku"),
            (vec![field("attributes"), PathStep::Values, field("value")], "attributes{}.value"),
            (vec![field("by_role"), PathStep::Values, PathStep::Items, field("email")], "by_role{}[].email"),
            (vec![PathStep::Items, field("x")], "[].x"),
            (vec![], ""),
        ] {
            let path = FieldPath::from(steps);
            assert_eq!(path.to_string(), text);
            assert_eq!(FieldPath::parse(text), Ok(path));
        }
    }

    #[test]
    fn text_that_is_no_path_is_refused() {
        for text in ["a..b", "a.", ".a", "a[", "a[]x", "a{]", "a.[]", "a]"] {
            assert!(FieldPath::parse(text).is_err(), "{text}");
        }
        assert_eq!(
            FieldPath::parse("a[").unwrap_err().to_string(),
            "`a[` is not a field path: after a field name, only `[]` and `{}` may follow"
        );
    }

    #[test]
    fn steps_are_added_and_compared() {
        let path = FieldPath::field("lines").then(PathStep::Items).then_field("sku");
        assert_eq!(path.field_names().collect::<Vec<_>>(), ["lines", "sku"]);
        assert_eq!(
            path.strip_prefix(&FieldPath::field("lines")),
            Some(&[PathStep::Items, PathStep::Field("sku".into())][..])
        );
        assert_eq!(path.strip_prefix(&FieldPath::field("line")), None);
    }
}
