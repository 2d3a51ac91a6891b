//! Names the scaffolder accepts, and the Rust names it derives from them.

use mesh_core::model::{check_owner, is_snake_case};

/// Rust keywords and names a crate or module cannot take.
const RESERVED: &[&str] = &[
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "try",
    "gen",
    "core",
    "std",
    "alloc",
    "test",
    "bronze",
    "silver",
    "gold",
    "lib",
    "main",
    "types",
    // The workspace's own crates: a domain crate of the same name would clash with them.
    "xtask",
    "mesh_core",
    "mesh_model",
    "mesh_avro",
    "mesh_analysis",
    "mesh_pipeline",
    "mesh_macros",
    "mesh_tests",
];

/// `name` as a domain or product name, or what is wrong with it.
///
/// # Errors
/// Not lower snake case, or a Rust keyword or reserved module name.
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    if !is_snake_case(name) {
        let suggestion = mesh_core::model::to_snake_case(&name.replace(['-', ' ', '.'], "_"));
        return Err(format!(
            "the {what} name `{name}` is not lower snake case (letters, digits and single underscores, starting with \
             a letter), e.g. `{suggestion}`"
        ));
    }
    if RESERVED.contains(&name) {
        return Err(format!(
            "the {what} name `{name}` is reserved in Rust or in a domain crate's layout; choose another"
        ));
    }
    Ok(())
}

/// `owner` as an owner address, or the error naming the flag.
///
/// # Errors
/// Not a valid address.
pub fn check_owner_address(owner: &str) -> Result<(), String> {
    check_owner(owner).map_err(|e| format!("--owner: {e}"))
}

/// The Rust type of a product: `order_facts` -> `OrderFacts`, `customer_360` -> `Customer360`.
pub fn type_name(product: &str) -> String {
    product
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_the_pascal_case_of_the_product() {
        assert_eq!(type_name("order_facts"), "OrderFacts");
        assert_eq!(type_name("customer_360"), "Customer360");
        assert_eq!(type_name("x"), "X");
    }

    #[test]
    fn bad_names_are_refused_with_a_suggestion() {
        let error = check_name("domain", "Finance-Ops").unwrap_err();
        assert!(error.contains("`Finance-Ops` is not lower snake case") && error.contains("`finance_ops`"), "{error}");
        assert!(check_name("product", "order__facts").is_err());
        assert!(check_name("product", "9lives").is_err());
        assert!(check_name("domain", "crate").unwrap_err().contains("reserved"));
        assert!(check_name("domain", "gold").unwrap_err().contains("reserved"));
        assert!(check_name("domain", "xtask").unwrap_err().contains("reserved"));
        assert_eq!(check_name("domain", "finance"), Ok(()));
    }
}
