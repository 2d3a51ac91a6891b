//! The check query: one row of counts for every rule of a product, with the embedded validator's
//! semantics (a null passes every rule but the null share; `unique` ignores nulls; a combination
//! compares nulls as values, as `GROUP BY` does).
//!
//! A field encrypted at rest that a rule reads is opened first, once per record of each scan that
//! reads it (the counts' and the uniqueness count's), by `mesh_open(domain, value)` (see
//! [`OPEN_FUNCTION`]) in a derived table the query reads instead of the table, so that rules judge
//! the values, not their ciphertext.

use serde_json::Value;

use mesh_model::{Check, Limit, Number, ProductDescriptor, QualityRule};

use super::types::{Kind, Named};
use super::Dialect;

/// Column names of the query's one row.
pub mod columns {
    /// Records read.
    pub const RECORDS: &str = "records";
    /// Records passing every record-level rule.
    pub const PASSING: &str = "passing_records";
    /// The newest event time, microseconds since the epoch (null without one).
    pub const NEWEST_EVENT: &str = "newest_event_micros";

    /// The records a rule checked.
    pub fn checked(rule: usize) -> String {
        format!("r{rule}_checked")
    }

    /// The records failing a rule.
    pub fn failing(rule: usize) -> String {
        format!("r{rule}_failing")
    }

    /// The values (or combinations) a uniqueness rule found more than once.
    pub fn duplicated(rule: usize) -> String {
        format!("r{rule}_duplicated")
    }
}

/// The check query of `product` over `table`; `fields` are its Avro schema's fields, of which
/// `opened` are read opened.
pub fn check_query(
    product: &ProductDescriptor,
    fields: &[Value],
    dialect: Dialect,
    table: &str,
    opened: &[&str],
) -> Result<String, String> {
    let source = opened_source(fields, dialect, table, opened);
    let table = source.as_str();
    let named = Named::of(fields);
    let kind = |name: &str| -> Result<Kind, String> {
        fields.iter().find(|f| f["name"] == name).map(|f| named.kind(&f["type"])).ok_or_else(|| {
            format!("{}: a quality rule names field `{name}`, which the schema does not have", product.id())
        })
    };
    let mut aggregates = vec![format!("COUNT(*) AS {}", columns::RECORDS)];
    let mut passing = Vec::new();
    let mut joins = Vec::new();
    let mut extra = Vec::new();
    for (i, rule) in product.quality.iter().enumerate() {
        let column = rule.field.as_deref().map(|f| dialect.ident(f));
        let field_kind = rule.field.as_deref().map(kind).transpose()?;
        match (&rule.check, column, field_kind) {
            (check, Some(c), Some(k)) if check.is_record_level() => {
                let predicate = predicate(rule, dialect, &c, k)?;
                aggregates.push(format!("COUNT({c}) AS {}", columns::checked(i)));
                aggregates.push(format!(
                    "COALESCE(SUM(CASE WHEN {c} IS NULL OR ({predicate}) THEN 0 ELSE 1 END), 0) AS {}",
                    columns::failing(i)
                ));
                passing.push(format!("({c} IS NULL OR ({predicate}))"));
            }
            (Check::MaxNullShare(_), Some(c), _) => {
                aggregates.push(format!("COUNT(*) AS {}", columns::checked(i)));
                aggregates.push(format!(
                    "COALESCE(SUM(CASE WHEN {c} IS NULL THEN 1 ELSE 0 END), 0) AS {}",
                    columns::failing(i)
                ));
            }
            (Check::Unique, Some(c), _) => {
                aggregates.push(format!("COUNT({c}) AS {}", columns::checked(i)));
                joins.push(duplicates(i, table, &c, &format!("WHERE {c} IS NOT NULL ")));
                extra.push(duplicate_columns(i));
            }
            (Check::UniqueCombination(names), _, _) => {
                for name in names.iter() {
                    kind(name)?;
                }
                let group: Vec<String> = names.iter().map(|n| dialect.ident(n)).collect();
                aggregates.push(format!("COUNT(*) AS {}", columns::checked(i)));
                joins.push(duplicates(i, table, &group.join(", "), ""));
                extra.push(duplicate_columns(i));
            }
            (Check::RowCount { .. }, _, _) => {}
            (check, _, _) => {
                return Err(format!(
                    "{}: quality rule `{}` ({}) needs a field",
                    product.id(),
                    rule.id(),
                    check.keyword()
                ))
            }
        }
    }
    aggregates.insert(
        1,
        if passing.is_empty() {
            format!("COUNT(*) AS {}", columns::PASSING)
        } else {
            format!(
                "COALESCE(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0) AS {}",
                passing.join("\n      AND "),
                columns::PASSING
            )
        },
    );
    let newest = match product.event_time.as_deref() {
        Some(field) => {
            let c = dialect.ident(field);
            match kind(field)? {
                Kind::TimestampMillis => dialect.timestamp_micros(&format!("MAX({c})")),
                // Spark reads microsecond timestamps as BIGINT microseconds already.
                Kind::TimestampMicros if dialect == Dialect::Spark => format!("MAX({c})"),
                Kind::TimestampMicros => dialect.timestamp_micros(&format!("MAX({c})")),
                Kind::Date => dialect.date_micros(&format!("MAX({c})")),
                _ => return Err(format!("{}: event_time `{field}` is no timestamp or date", product.id())),
            }
        }
        None => "CAST(NULL AS BIGINT)".into(),
    };
    aggregates.push(format!("{newest} AS {}", columns::NEWEST_EVENT));
    let mut query = String::from("SELECT m.*");
    for columns in &extra {
        query.push_str(",\n  ");
        query.push_str(columns);
    }
    query.push_str(&format!("\nFROM (\n  SELECT\n    {}\n  FROM {table}\n) m", aggregates.join(",\n    ")));
    for join in joins {
        query.push_str("\nCROSS JOIN ");
        query.push_str(&join);
    }
    Ok(query)
}

/// The SQL function a check query opens encrypted fields with: `mesh_open('<domain>', <value>)`
/// returns the plaintext (null for null). `cargo xtask validate --engine spark` registers it with
/// the domain's keys; another engine needs a function of that name.
pub const OPEN_FUNCTION: &str = "mesh_open";

/// What the query reads: `table`, or when fields are `opened`, a derived table of its columns with
/// those opened under their own names.
fn opened_source(fields: &[Value], dialect: Dialect, table: &str, opened: &[&str]) -> String {
    if opened.is_empty() {
        return table.to_string();
    }
    let columns: Vec<String> = fields
        .iter()
        .filter_map(|field| field["name"].as_str())
        .map(|name| {
            let column = dialect.ident(name);
            match encrypted_domain(fields, name).filter(|_| opened.contains(&name)) {
                Some(domain) => format!("{OPEN_FUNCTION}({}, {column}) AS {column}", dialect.string(domain)),
                None => column,
            }
        })
        .collect();
    format!("(SELECT {} FROM {table}) o", columns.join(", "))
}

/// The domain whose keys encrypt field `name`, if the schema marks it encrypted.
pub fn encrypted_domain<'f>(fields: &'f [Value], name: &str) -> Option<&'f str> {
    let field = fields.iter().find(|f| f["name"] == name)?;
    field[mesh_model::ENCRYPTION_PROPERTY].as_str()?;
    mesh_model::domain_of_key(field[mesh_model::KEY_PROPERTY].as_str()?)
}

/// The derived table `d<i>` of a uniqueness rule: the records holding a duplicated key, and how
/// many keys are duplicated.
fn duplicates(rule: usize, table: &str, key: &str, filter: &str) -> String {
    format!(
        "(\n  SELECT COALESCE(SUM(n), 0) AS failing, COUNT(*) AS duplicated\n  FROM (SELECT COUNT(*) AS n FROM {table} {filter}GROUP BY {key} HAVING COUNT(*) > 1) g\n) d{rule}"
    )
}

fn duplicate_columns(rule: usize) -> String {
    format!("d{rule}.failing AS {}, d{rule}.duplicated AS {}", columns::failing(rule), columns::duplicated(rule))
}

/// When a non-null value of column `c` (of kind `kind`) passes the record-level rule.
fn predicate(rule: &QualityRule, dialect: Dialect, c: &str, kind: Kind) -> Result<String, String> {
    let length = || match kind {
        Kind::Text => Ok(dialect.char_length(c)),
        Kind::Bytes => Ok(dialect.byte_length(c)),
        Kind::Collection => Ok(dialect.size(c)),
        _ => Err(format!("quality rule `{}` measures a length, and its field has none", rule.id())),
    };
    let between = |value: String, min: Option<u64>, max: Option<u64>| {
        let parts: Vec<String> = [min.map(|m| format!("{value} >= {m}")), max.map(|m| format!("{value} <= {m}"))]
            .into_iter()
            .flatten()
            .collect();
        if parts.is_empty() {
            "TRUE".to_string()
        } else {
            parts.join(" AND ")
        }
    };
    Ok(match &rule.check {
        Check::NotEmpty => format!("{} > 0", length()?),
        Check::Length { min, max } => between(length()?, *min, *max),
        Check::Range { min, max } => {
            // The bound as written is a SQL numeric literal once it parses as one (exact for decimals).
            let bound = |limit: &Option<Limit>, inclusive: &str, exclusive: &str| {
                limit
                    .as_ref()
                    .map(|l| {
                        Number::parse(&l.value).map_err(|e| format!("quality rule `{}`: {e}", rule.id()))?;
                        Ok::<_, String>(format!("{c} {} {}", if l.inclusive { inclusive } else { exclusive }, l.value))
                    })
                    .transpose()
            };
            let parts: Vec<String> = [bound(min, ">=", ">")?, bound(max, "<=", "<")?].into_iter().flatten().collect();
            if parts.is_empty() {
                "TRUE".to_string()
            } else {
                parts.join(" AND ")
            }
        }
        Check::AcceptedValues(values) => {
            let listed: Vec<String> = values
                .iter()
                .map(|v| match kind {
                    Kind::Text => Ok(dialect.string(v)),
                    _ => v
                        .parse::<i64>()
                        .map(|n| n.to_string())
                        .map_err(|_| format!("quality rule `{}`: accepted value `{v}` is no integer", rule.id())),
                })
                .collect::<Result<_, String>>()?;
            format!("{c} IN ({})", listed.join(", "))
        }
        Check::Pattern(pattern) => dialect.matches(c, pattern),
        other => return Err(format!("quality rule `{}` ({}) is not a record-level rule", rule.id(), other.keyword())),
    })
}
