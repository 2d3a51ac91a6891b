//! Names and addresses: what the Avro specification and our conventions accept.

/// Checks an Avro name: `[A-Za-z_][A-Za-z0-9_]*` (Avro specification, "Names").
///
/// # Errors
/// A message naming the offending character and what a valid name looks like.
pub fn check_avro_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Err("an Avro name cannot be empty".into()),
        Some(c) if !(c.is_ascii_alphabetic() || c == '_') => {
            return Err(format!(
                "`{name}` is not a valid Avro name: it must start with a letter or `_` (Avro names match [A-Za-z_][A-Za-z0-9_]*)"
            ))
        }
        Some(_) => {}
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        return Err(format!(
            "`{name}` is not a valid Avro name: `{bad}` is not allowed (Avro names match [A-Za-z_][A-Za-z0-9_]*; use `_` instead)"
        ));
    }
    Ok(())
}

/// Checks a dotted Avro namespace such as `sales` or `com.company.sales`.
///
/// # Errors
/// The first component that is not a valid Avro name.
pub fn check_avro_namespace(namespace: &str) -> Result<(), String> {
    namespace.split('.').try_for_each(|part| check_avro_name(part).map_err(|e| format!("namespace `{namespace}`: {e}")))
}

/// Whether `name` is lower snake case: `orders_cleaned`, not `OrdersCleaned` or `orders-cleaned`.
pub fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.contains("__")
        && !name.ends_with('_')
}

/// Converts a Rust type name to snake case: `OrdersCleaned` -> `orders_cleaned`, `Customer360` -> `customer360`.
pub fn to_snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let acronym_end =
                i > 0 && chars[i - 1].is_ascii_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev_lower || acronym_end {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks an owner address: a team mailbox such as `sales-data-team@company.com`.
///
/// # Errors
/// What is wrong with the address.
pub fn check_owner(owner: &str) -> Result<(), String> {
    let example = "a team address such as \"sales-data-team@company.com\"";
    let Some((local, domain)) = owner.split_once('@') else {
        return Err(format!("owner `{owner}` is not an address: expected {example}"));
    };
    let local_ok = !local.is_empty()
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
        && !local.starts_with('.')
        && !local.ends_with('.');
    if !local_ok {
        return Err(format!("owner `{owner}` has an invalid mailbox name before `@`: expected {example}"));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(format!("owner `{owner}` has an invalid domain after `@`: expected {example}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avro_names_follow_the_specification() {
        for ok in ["orders", "_x", "Orders2", "line_items"] {
            assert!(check_avro_name(ok).is_ok(), "{ok}");
        }
        for (bad, needle) in [("", "empty"), ("2orders", "start with"), ("orders-clean", "`-`"), ("café", "`é`")] {
            assert!(check_avro_name(bad).unwrap_err().contains(needle), "{bad}");
        }
        assert!(check_avro_namespace("com.company.sales").is_ok());
        assert!(check_avro_namespace("com..sales").is_err());
    }

    #[test]
    fn snake_case_conversion_and_check() {
        assert_eq!(to_snake_case("OrdersCleaned"), "orders_cleaned");
        assert_eq!(to_snake_case("Customer360"), "customer360");
        assert_eq!(to_snake_case("HTTPEvents"), "http_events");
        assert_eq!(to_snake_case("SalesRaw"), "sales_raw");
        assert!(is_snake_case("orders_cleaned"));
        for bad in ["Orders", "orders-cleaned", "_orders", "orders_", "a__b", ""] {
            assert!(!is_snake_case(bad), "{bad}");
        }
    }

    #[test]
    fn owners_are_team_addresses() {
        assert!(check_owner("sales-data-team@company.com").is_ok());
        assert!(check_owner("a.b+c@x.co.uk").is_ok());
        for bad in [
            "sales team",
            "@company.com",
            "team@company",
            "team@-company.com",
            "te am@company.com",
            "team@@company.com",
        ] {
            assert!(check_owner(bad).is_err(), "{bad}");
        }
    }
}
