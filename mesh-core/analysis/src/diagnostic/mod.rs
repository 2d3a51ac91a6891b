//! Diagnostics: what the mesh checks report, in the style of rustc and buf.
//!
//! Each problem is one [`Diagnostic`] with a stable [`Code`] (`MESH0003`) from
//! the one table in [`codes`], a severity, the product and source location it
//! concerns, what is wrong, and how to fix it. Front ends render them as text,
//! JSON or CI annotations.

pub mod codes;

use std::fmt;

use serde::{Deserialize, Serialize};

use mesh_model::SourceLocation;

pub use codes::{Code, CodeSeverity};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the check.
    Error,
    /// Reported, does not fail the check.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file, relative to the workspace root.
    pub file: String,
    /// One-based line.
    pub line: u32,
    /// One-based column.
    pub column: u32,
}

impl From<&SourceLocation> for Location {
    fn from(source: &SourceLocation) -> Self {
        Self { file: source.file.to_string(), line: source.line, column: source.column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem found in the mesh.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `MESH0003`; every code is in [`codes`].
    pub code: Code,
    /// Whether it fails the check.
    pub severity: Severity,
    /// The product concerned, `domain.product`, if any.
    pub product: Option<String>,
    /// Where the problem is declared, if known.
    pub location: Option<Location>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `code` at the severity the code table gives it.
    ///
    /// A policy's code has no fixed severity: use [`Diagnostic::policy`]. Given one
    /// anyway, the diagnostic is an error (debug builds panic).
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        debug_assert!(code.severity() != CodeSeverity::Policy, "{code} is a policy: use Diagnostic::policy");
        Self::with_severity(code, code.severity().fixed().unwrap_or(Severity::Error), message)
    }

    /// A policy's finding at `severity`, the policy's level for the domain in `mesh.toml`.
    ///
    /// `code` is a policy's (debug builds panic otherwise): other codes have one severity.
    pub fn policy(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        debug_assert!(code.severity() == CodeSeverity::Policy, "{code} is not a policy: use Diagnostic::new");
        Self::with_severity(code, severity, message)
    }

    fn with_severity(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        Self { code, severity, product: None, location: None, message: message.into(), help: None }
    }

    /// Sets the product concerned.
    pub fn product(mut self, product: impl Into<String>) -> Self {
        self.product = Some(product.into());
        self
    }

    /// Sets the location.
    pub fn at(mut self, location: impl Into<Location>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// Sets how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// Like rustc: `error[MESH0003]: message`, then location, product and help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        if let Some(location) = &self.location {
            write!(f, "\n  --> {location}")?;
        }
        if let Some(product) = &self.product {
            write!(f, "\n   = product: {product}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n   = help: {help}")?;
        }
        Ok(())
    }
}
