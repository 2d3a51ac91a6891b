//! The fields of an input product, read from its declaration's source so a new product can copy
//! them as written: doc comments, `#[pii(...)]` classification and Rust type, with the paths the
//! types need from the new product's crate.
//!
//! The declarations are rustfmt-formatted (CI checks it), so the struct is read line by line.

use std::collections::BTreeSet;

/// One field of the input, ready to be written into a new declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedField {
    /// Its doc comment and `#[pii(...)]` lines, trimmed.
    pub attributes: Vec<String>,
    /// The field's Rust name.
    pub name: String,
    /// Its Rust type as written.
    pub rust_type: String,
}

/// The fields of `pub struct <type_name>` in `source`, and the `use` paths their types need when
/// written in another crate. `module` is the struct's module path (`sales::silver`): `crate::`
/// becomes its crate and types declared beside the struct are reached through it.
///
/// # Errors
/// The struct is not in the file, or a field is not written `pub name: Type,`.
pub fn copy_fields(
    source: &str,
    type_name: &str,
    module: &str,
) -> Result<(Vec<CopiedField>, BTreeSet<String>), String> {
    let krate = module.split("::").next().unwrap_or(module);
    let header = format!("pub struct {type_name} {{");
    let mut lines = source.lines().skip_while(|line| line.trim() != header);
    if lines.next().is_none() {
        return Err(format!("`pub struct {type_name} {{` is not in the declaration's file"));
    }
    let mut fields = Vec::new();
    let mut attributes = Vec::new();
    for line in lines {
        let line = line.trim();
        if line == "}" {
            break;
        }
        if line.starts_with("///") || line.starts_with("#[pii") {
            attributes.push(line.to_owned());
        } else if line.starts_with("#[") || line.is_empty() || line.starts_with("//") {
            // Other attributes (renames, aliases) belong to the input's own history, not the copy.
        } else {
            let declared = line
                .strip_prefix("pub ")
                .and_then(|rest| rest.strip_suffix(','))
                .and_then(|rest| rest.split_once(": "));
            let Some((name, rust_type)) = declared else {
                return Err(format!("the field line `{line}` of `{type_name}` is not `pub name: Type,`"));
            };
            fields.push(CopiedField {
                attributes: std::mem::take(&mut attributes),
                name: name.to_owned(),
                rust_type: rust_type.to_owned(),
            });
        }
    }
    let imports = imports(source, krate);
    let mut needed = BTreeSet::new();
    for field in &fields {
        for ident in type_idents(&field.rust_type) {
            if ["Option", "Vec", "String", "Box"].contains(&ident) {
                continue;
            }
            let path = imports
                .iter()
                .find(|(name, _)| name == ident)
                .map(|(_, path)| path.clone())
                .unwrap_or_else(|| format!("{module}::{ident}"));
            needed.insert(path);
        }
    }
    Ok((fields, needed))
}

/// The capitalised identifiers in a type: `Option<Decimal<12, 2>>` -> `Option`, `Decimal`.
fn type_idents(rust_type: &str) -> impl Iterator<Item = &str> {
    rust_type
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Each name a file's `use` lines bring in, with its full path (`crate::` as `krate::`).
fn imports(source: &str, krate: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in source.lines() {
        let Some(path) = line.trim().strip_prefix("use ").and_then(|rest| rest.strip_suffix(';')) else { continue };
        let path = match path.strip_prefix("crate::") {
            Some(rest) => format!("{krate}::{rest}"),
            None => path.to_owned(),
        };
        match path.split_once("::{") {
            Some((prefix, names)) => {
                for name in names.trim_end_matches('}').split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    found.push((name.to_owned(), format!("{prefix}::{name}")));
                }
            }
            None => {
                let name = path.rsplit("::").next().unwrap_or(&path).to_owned();
                found.push((name, path));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "use mesh_core::{Decimal, TimestampMillis};\nuse crate::types::{Currency, LineItem};\n\n\
        /// Orders.\n#[data_product(domain = \"sales\")]\npub struct Orders {\n    /// The id.\n    pub id: String,\n\
        \x20   /// The email.\n    #[pii(direct, encrypted)]\n    #[avro(alias = \"mail\")]\n    pub email: String,\n\
        \x20   /// Amount.\n    pub amount: Option<Decimal<12, 2>>,\n    /// Lines.\n    pub lines: Vec<LineItem>,\n\
        \x20   /// Local.\n    pub state: State,\n}\n";

    #[test]
    fn fields_are_copied_with_their_docs_and_pii_and_the_paths_their_types_need() {
        let (fields, needed) = copy_fields(SOURCE, "Orders", "sales::silver").unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "email", "amount", "lines", "state"]);
        assert_eq!(fields[1].attributes, ["/// The email.", "#[pii(direct, encrypted)]"]);
        assert_eq!(fields[2].rust_type, "Option<Decimal<12, 2>>");
        let needed: Vec<&str> = needed.iter().map(String::as_str).collect();
        assert_eq!(needed, ["mesh_core::Decimal", "sales::silver::State", "sales::types::LineItem"]);
    }

    #[test]
    fn a_missing_struct_is_an_error_naming_it() {
        assert!(copy_fields(SOURCE, "Missing", "sales::silver").unwrap_err().contains("`pub struct Missing {`"));
    }
}
