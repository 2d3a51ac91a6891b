//! Product identities (`domain.product`) and references to them with a version requirement.

use std::fmt;

use super::names::is_snake_case;
use super::version::{Version, VersionReq};

/// The domain of a product id `domain.name` (all of it if it has no dot): whose keys encrypt the
/// product's fields, whose levels and waivers apply to it.
pub fn domain_of(product_id: &str) -> &str {
    product_id.split_once('.').map_or(product_id, |(domain, _)| domain)
}

/// Parses a product id `domain.product` (both lower snake case).
///
/// # Errors
/// Which part is missing or not snake case.
pub fn parse_product_id(id: &str) -> Result<(&str, &str), String> {
    let Some((domain, name)) = id.split_once('.') else {
        return Err(format!("product id `{id}` must be `domain.product`, e.g. \"sales.orders_cleaned\""));
    };
    for (part, what) in [(domain, "domain"), (name, "product name")] {
        if !is_snake_case(part) {
            return Err(format!(
                "product id `{id}`: {what} `{part}` must be lower snake case (letters, digits, single `_`), e.g. \"sales.orders_cleaned\""
            ));
        }
    }
    Ok((domain, name))
}

/// A parsed input reference `domain.product@requirement`, e.g. `sales.orders_cleaned@^2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedInput<'a> {
    /// The producing domain.
    pub domain: &'a str,
    /// The product's name within its domain.
    pub name: &'a str,
    /// The semver requirement the consumer places on the producer's version.
    pub requirement: VersionReq,
}

/// Parses `domain.product@requirement`.
///
/// # Errors
/// What is malformed, with an example of the expected form.
pub fn parse_input_ref(text: &str) -> Result<ParsedInput<'_>, String> {
    let Some((id, requirement)) = text.split_once('@') else {
        return Err(format!(
            "input `{text}` has no version requirement: write `domain.product@requirement`, e.g. \"sales.orders_cleaned@^2\""
        ));
    };
    let (domain, name) = parse_product_id(id).map_err(|e| format!("input `{text}`: {e}"))?;
    let requirement = parse_requirement(requirement).map_err(|e| format!("input `{text}`: {e}"))?;
    Ok(ParsedInput { domain, name, requirement })
}

/// Parses a semver version such as `2.1.0`.
///
/// # Errors
/// The semver parser's complaint and the expected form.
pub fn parse_version(text: &str) -> Result<Version, String> {
    Version::parse(text.trim())
        .map_err(|e| format!("version `{text}` is not semver ({e}): write MAJOR.MINOR.PATCH, e.g. \"2.1.0\""))
}

/// Parses a semver requirement such as `^2`, `>=1.4, <3`.
///
/// # Errors
/// The semver parser's complaint and the expected form.
pub fn parse_requirement(text: &str) -> Result<VersionReq, String> {
    if text.trim().is_empty() {
        return Err("the version requirement after `@` is empty: write e.g. `^2` or `>=1.4, <3`".into());
    }
    VersionReq::parse(text.trim())
        .map_err(|e| format!("version requirement `{text}` is not valid semver ({e}): write e.g. `^2` or `>=1.4, <3`"))
}

/// A product id, `domain.product`, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdDisplay<'a>(pub &'a str, pub &'a str);

impl fmt::Display for IdDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_refs_parse_into_id_and_requirement() {
        let input = parse_input_ref("sales.orders_cleaned@^2").unwrap();
        assert_eq!((input.domain, input.name), ("sales", "orders_cleaned"));
        assert!(input.requirement.matches(&Version::new(2, 9, 1)));
        assert!(!input.requirement.matches(&Version::new(3, 0, 0)));
        assert!(parse_input_ref("sales.orders@>=1.4, <3").is_ok());
    }

    #[test]
    fn malformed_input_refs_say_what_to_write() {
        for (text, needle) in [
            ("sales.orders", "no version requirement"),
            ("orders@^2", "must be `domain.product`"),
            ("Sales.orders@^2", "domain `Sales`"),
            ("sales.orders-raw@^2", "product name `orders-raw`"),
            ("sales.orders@", "empty"),
            ("sales.orders@two", "not valid semver"),
        ] {
            let err = parse_input_ref(text).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn versions_are_semver() {
        assert_eq!(parse_version("2.1.0").unwrap(), Version::new(2, 1, 0));
        assert!(parse_version("1.0.0-rc.1").is_ok());
        assert!(parse_version("2.1").unwrap_err().contains("MAJOR.MINOR.PATCH"));
    }
}
