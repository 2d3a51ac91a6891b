//! What a check found, rendered for people (text), machines (JSON) or
//! GitHub Actions (workflow annotations).

use std::fmt::Write;

use serde::Serialize;
use serde_json::json;

use crate::diagnostic::{Diagnostic, Severity};

/// How a [`Report`] is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Like rustc: each diagnostic with its location and help, then a summary line.
    Text,
    /// One JSON document: `{"summary": {...}, "diagnostics": [...]}`.
    Json,
    /// GitHub Actions workflow commands (`::error file=..,line=..,title=MESH0003::...`), then the summary line.
    Github,
}

/// The size of the checked mesh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Domains with at least one product.
    pub domains: usize,
    /// Products declared.
    pub products: usize,
    /// Resolved inputs.
    pub edges: usize,
    /// Resolved inputs between different domains.
    pub cross_domain_edges: usize,
    /// Policies enabled for at least one domain.
    pub policies_checked: usize,
    /// Findings excused by a valid waiver.
    pub waived: usize,
}

/// The result of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every problem, ordered by location.
    pub diagnostics: Vec<Diagnostic>,
    /// The size of the mesh.
    pub summary: Summary,
}

impl Report {
    /// Orders the diagnostics by file, line, column, code and message (those without a location last),
    /// so output is stable; call it after adding diagnostics of your own.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            let place = |d: &Diagnostic| d.location.as_ref().map(|l| (l.file.clone(), l.line, l.column));
            (place(a).is_none(), place(a), &a.code, &a.message).cmp(&(
                place(b).is_none(),
                place(b),
                &b.code,
                &b.message,
            ))
        });
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    /// Whether the check fails.
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// The one-line summary: `mesh ok: 4 domains, 10 products, ...`.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "mesh {}: {}, {}, {} ({} cross-domain), {} {} checked, {} waived: {}, {}",
            if self.has_errors() { "check failed" } else { "ok" },
            plural(s.domains, "domain"),
            plural(s.products, "product"),
            plural(s.edges, "edge"),
            s.cross_domain_edges,
            s.policies_checked,
            if s.policies_checked == 1 { "policy" } else { "policies" },
            plural(s.waived, "finding"),
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning"),
        )
    }

    /// The report in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        let summary = json!({
            "domains": self.summary.domains,
            "products": self.summary.products,
            "edges": self.summary.edges,
            "cross_domain_edges": self.summary.cross_domain_edges,
            "policies_checked": self.summary.policies_checked,
            "waived": self.summary.waived,
            "errors": self.errors(),
            "warnings": self.warnings(),
        });
        render(&self.diagnostics, format, &self.summary_line(), summary)
    }
}

/// `diagnostics` in `format`, ending with a newline: as text and GitHub annotations followed by
/// `summary_line`, as JSON in one document with `summary`. What every command reporting
/// diagnostics prints (`check`, `scan`).
pub fn render(diagnostics: &[Diagnostic], format: Format, summary_line: &str, summary: serde_json::Value) -> String {
    match format {
        Format::Text => {
            let mut out = String::new();
            for diagnostic in diagnostics {
                let _ = writeln!(out, "{diagnostic}\n");
            }
            out + summary_line + "\n"
        }
        Format::Json => {
            let document = json!({ "summary": summary, "diagnostics": diagnostics });
            serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
        }
        Format::Github => {
            let mut out = String::new();
            for d in diagnostics {
                let kind = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let mut properties = Vec::new();
                if let Some(location) = &d.location {
                    properties.push(format!("file={}", escape_property(&location.file)));
                    properties.push(format!("line={}", location.line));
                    properties.push(format!("col={}", location.column));
                }
                properties.push(format!("title={}", escape_property(d.code.as_str())));
                let mut message = d.message.clone();
                if let Some(product) = &d.product {
                    message.push_str(&format!("\nproduct: {product}"));
                }
                if let Some(help) = &d.help {
                    message.push_str(&format!("\nhelp: {help}"));
                }
                let _ = writeln!(out, "::{kind} {}::{}", properties.join(","), escape_data(&message));
            }
            out + summary_line + "\n"
        }
    }
}

/// Escapes a workflow command's message (GitHub's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
