//! The text of a product declaration: the `#[data_product]` struct with every key the policies
//! require for its layer, and its pipeline stub (bronze: `landing!`, the others: a `Pipeline`
//! that copies the first input's records, ready to be replaced with the product's logic).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::source::CopiedField;

/// Everything a new declaration says.
pub struct ProductSpec {
    pub domain: String,
    pub name: String,
    /// The Rust type, `OrderFacts`.
    pub type_name: String,
    /// `bronze`, `silver` or `gold`.
    pub layer: String,
    pub owner: String,
    pub support: Option<String>,
    /// The product's one-paragraph doc comment.
    pub description: String,
    /// The field holding each record's event time.
    pub event_time: Option<String>,
    /// Freshness, availability, quality score.
    pub sla: [String; 3],
    /// The inputs' Rust types, in `--from` order; the first is the one the stub copies.
    pub inputs: Vec<String>,
    /// The fields; for a bronze product, the landing template's.
    pub fields: Vec<CopiedField>,
    /// The `use` paths the fields and inputs need.
    pub imports: BTreeSet<String>,
}

/// The fields of a bronze product with no input to copy: what a landing event carries.
pub fn landing_fields() -> (Vec<CopiedField>, BTreeSet<String>) {
    let field = |doc: &str, name: &str, rust_type: &str| CopiedField {
        attributes: vec![format!("/// {doc}")],
        name: name.to_owned(),
        rust_type: rust_type.to_owned(),
    };
    (
        vec![
            field("Identifier the source system assigned to the event.", "event_id", "String"),
            field("The event as JSON, unparsed.", "payload", "String"),
            field("When the event reached the platform.", "received_at", "TimestampMillis"),
        ],
        BTreeSet::from(["mesh_core::TimestampMillis".to_owned()]),
    )
}

/// The declaration file's text, formatted as rustfmt formats it.
pub fn render(spec: &ProductSpec, module_doc: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "//! {module_doc}\n");
    let mut imports = spec.imports.clone();
    imports.insert("mesh_macros::data_product".to_owned());
    if spec.layer != "bronze" {
        imports.insert("mesh_pipeline::{Build, Pipeline, PipelineError}".to_owned());
    }
    // One `use` per module, names in braces; this crate's own paths in a group of their own.
    let mut by_module: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for path in imports {
        let (module, item) = path.rsplit_once("::").unwrap_or(("", &path));
        let items: Vec<String> = match item.strip_prefix('{').and_then(|i| i.strip_suffix('}')) {
            Some(list) => list.split(',').map(|i| i.trim().to_owned()).collect(),
            None => vec![item.to_owned()],
        };
        by_module.entry(module.to_owned()).or_default().extend(items);
    }
    let mut lines: Vec<(bool, SortKey, String)> = by_module
        .into_iter()
        .map(|(module, mut items)| {
            items.sort_by_key(|item| rustfmt_key(item));
            items.dedup();
            let line = match items.as_slice() {
                [one] => format!("use {module}::{one};"),
                many => format!("use {module}::{{{}}};", many.join(", ")),
            };
            (module.starts_with("crate"), rustfmt_key(&module), line)
        })
        .collect();
    lines.sort();
    let mut in_crate = false;
    for (own, _, line) in &lines {
        if *own && !in_crate {
            in_crate = true;
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
    for line in spec.description.lines() {
        let _ = writeln!(out, "/// {line}");
    }
    let _ = writeln!(out, "#[data_product(");
    let _ = writeln!(out, "    domain = \"{}\",", spec.domain);
    let _ = writeln!(out, "    version = \"0.1.0\",");
    if let Some(field) = &spec.event_time {
        let _ = writeln!(out, "    event_time = \"{field}\",");
    }
    let _ = writeln!(out, "    owner = \"{}\",", spec.owner);
    let _ = writeln!(out, "    layer = \"{}\",", spec.layer);
    if let Some(support) = &spec.support {
        let _ = writeln!(out, "    support = \"{}\",", support.replace('\\', "\\\\").replace('"', "\\\""));
    }
    let [freshness, availability, quality] = &spec.sla;
    let _ = writeln!(
        out,
        "    sla(freshness = \"{freshness}\", availability = \"{availability}\", quality_score = \"{quality}\"),"
    );
    let _ = write!(out, "    access(read = \"SELECT on {}.{}\", authentication = \"OAuth2\")", spec.layer, spec.name);
    if spec.inputs.is_empty() {
        let _ = writeln!(out);
    } else {
        let _ = writeln!(out, ",\n    inputs({})", spec.inputs.join(", "));
    }
    let _ = writeln!(out, ")]\npub struct {} {{", spec.type_name);
    for field in &spec.fields {
        for attribute in &field.attributes {
            let _ = writeln!(out, "    {attribute}");
        }
        let _ = writeln!(out, "    pub {}: {},", field.name, field.rust_type);
    }
    let _ = writeln!(out, "}}\n");
    match spec.inputs.first() {
        None => {
            let _ = writeln!(out, "mesh_pipeline::landing!({});", spec.type_name);
        }
        Some(input) => {
            let _ = writeln!(
                out,
                "/// One record per `{input}` record, its fields copied: replace with what this product computes.\n\
                 impl Pipeline for {name} {{\n\
                 \x20   fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {{\n\
                 \x20       for record in build.read::<{input}>()? {{\n\
                 \x20           let record = record?;\n\
                 \x20           build.write(&{name} {{",
                name = spec.type_name
            );
            for field in &spec.fields {
                let _ = writeln!(out, "                {0}: record.{0},", field.name);
            }
            let _ = writeln!(
                out,
                "            }})?;\n        }}\n        Ok(())\n    }}\n}}\n\nmesh_pipeline::pipeline!({});",
                spec.type_name
            );
        }
    }
    out
}

/// A path's place in rustfmt's order: each segment's kind, then its text.
type SortKey = Vec<(u8, String)>;

/// How rustfmt orders `use` paths: segment by segment, `self`/`super`/`crate` first, then
/// lower case before upper case within the same letters' order (snake_case modules before types).
fn rustfmt_key(path: &str) -> SortKey {
    path.split("::")
        .map(|segment| {
            let rank = match segment {
                "self" => 0,
                "super" => 1,
                "crate" => 2,
                s if s.starts_with('{') => 5,
                s if s.starts_with(|c: char| c.is_ascii_uppercase()) => 4,
                _ => 3,
            };
            (rank, segment.to_owned())
        })
        .collect()
}
