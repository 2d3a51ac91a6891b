//! A product's contract as SQL: the table over its Avro files, the grant its access names, and one
//! query that counts, for every quality rule, the records checked and failing, plus the newest event
//! time. `cargo xtask sql` prints them; `cargo xtask validate --engine spark` runs the query on Spark
//! and scores the counts with [`score`](score::score), the code that judges the embedded validator's.
//!
//! Everything is generated from the declaration and its Avro schema alone. The query's columns are
//! named by position in the declaration's rules (`r0_checked`, `r0_failing`, ...), so a row of counts
//! maps back to the rules without parsing SQL.

mod dialect;
mod query;
pub mod score;
mod types;

use serde_json::Value;

use mesh_model::ProductDescriptor;

pub use dialect::Dialect;
pub use query::OPEN_FUNCTION;

/// The SQL of one product in one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statements {
    /// The table's qualified name, quoted: `` `sales`.`sales_analytics` ``.
    pub table: String,
    /// Statements that create the schema (database) and the table, in order.
    pub ddl: Vec<String>,
    /// The grants of the contract's read access, one per grantee; engines without grants
    /// (open-source Spark) keep them for their catalog (Unity, Ranger).
    pub grants: Vec<String>,
    /// One `SELECT` returning one row: `records`, `passing_records`, per rule its counts, and
    /// `newest_event_micros`.
    pub check_query: String,
    /// Comment lines naming the rule of each column prefix (`-- r0: order_id.unique`).
    pub legend: String,
    /// The domains whose keys the check query opens encrypted fields with (through
    /// [`OPEN_FUNCTION`]), sorted; empty when it reads no encrypted field.
    pub opens: Vec<String>,
}

impl Statements {
    /// Every statement as a script: DDL, grant, then the check query, each ending with `;`.
    pub fn script(&self) -> String {
        let mut out = String::new();
        for statement in &self.ddl {
            out.push_str(statement);
            out.push_str(";\n\n");
        }
        for statement in &self.grants {
            out.push_str(statement);
            out.push_str(";\n");
        }
        out.push('\n');
        out.push_str(&self.legend);
        out.push_str(&self.check_query);
        out.push_str(";\n");
        out
    }
}

/// The statements of `product` (Avro schema `schema_json`) in `dialect`; the table reads the Avro
/// files in the folder `location` (Spark, Trino; PostgreSQL has no Avro reader, so its table is
/// one to load the records into).
///
/// # Errors
/// The schema is not JSON, or a field's type or rule has no form in the dialect (naming the field).
pub fn statements(
    product: &ProductDescriptor,
    schema_json: &str,
    dialect: Dialect,
    location: &str,
) -> Result<Statements, String> {
    let schema: Value =
        serde_json::from_str(schema_json).map_err(|e| format!("{}: the Avro schema is not JSON: {e}", product.id()))?;
    let fields = schema["fields"].as_array().cloned().unwrap_or_default();
    let table = format!("{}.{}", dialect.ident(&product.domain), dialect.ident(&product.name));
    let mut ddl = vec![format!("CREATE {} IF NOT EXISTS {}", dialect.schema_keyword(), dialect.ident(&product.domain))];
    ddl.push(types::create_table(dialect, &table, &fields, schema_json, location, product)?);
    let opened = opened_fields(product, &fields, dialect);
    let mut opens: Vec<String> =
        opened.iter().filter_map(|name| query::encrypted_domain(&fields, name)).map(str::to_owned).collect();
    opens.sort_unstable();
    opens.dedup();
    Ok(Statements {
        grants: grants(product, dialect, &table),
        check_query: query::check_query(product, &fields, dialect, &table, &opened)?,
        legend: legend(product, &opened),
        opens,
        table,
        ddl,
    })
}

/// What the table reads, for the header of a script.
pub fn location_note(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Spark | Dialect::Trino => {
            "-- The table reads every Avro file in its location. A product's data/ folder holds the files of its\n\
             -- last three committed versions: to read one version, point the location at a folder holding only the\n\
             -- files its manifest lists (`cargo xtask validate --engine spark` stages them so)."
        }
        Dialect::Postgres => {
            "-- PostgreSQL reads no Avro: load the product's records into the table (e.g. the JSON lines of\n\
             -- `cargo xtask dump FILE --product P --reveal`, which opens encrypted fields), then run the check query."
        }
    }
}

/// The fields a rule reads that are encrypted at rest and that the query opens (every engine but
/// PostgreSQL, whose table holds the values), sorted.
fn opened_fields<'p>(product: &'p ProductDescriptor, fields: &[Value], dialect: Dialect) -> Vec<&'p str> {
    if dialect == Dialect::Postgres {
        return Vec::new();
    }
    let mut ruled: Vec<&str> = Vec::new();
    for rule in product.quality.iter() {
        ruled.extend(rule.field.as_deref());
        if let mesh_model::Check::UniqueCombination(names) = &rule.check {
            ruled.extend(names.iter().map(|name| name.as_ref()));
        }
    }
    ruled.sort_unstable();
    ruled.dedup();
    ruled.retain(|name| query::encrypted_domain(fields, name).is_some());
    ruled
}

/// `-- r<i>: <rule id>` per rule, what the other columns hold, and which encrypted fields it opens.
fn legend(product: &ProductDescriptor, opened: &[&str]) -> String {
    let mut out = String::from(
        "-- The check query's one row: records, passing_records (passing every record-level rule),\n\
         -- r<i>_checked and r<i>_failing per rule (r<i>_duplicated for uniqueness), newest_event_micros.\n",
    );
    for (i, rule) in product.quality.iter().enumerate() {
        out.push_str(&format!("-- r{i}: {} ({})\n", rule.id(), rule.describe().replace('\n', " ")));
    }
    if !opened.is_empty() {
        out.push_str(&format!(
            "-- Encrypted at rest, so read through {}(domain, value), which opens them with the domain's keys:\n\
             -- {}. `cargo xtask validate --engine spark` registers it; another engine needs a function of that name.\n",
            query::OPEN_FUNCTION,
            opened.join(", ")
        ));
    }
    out
}

/// `GRANT <privilege> ON <table> TO <grantee>` per domain that may read the product: the privilege
/// is the first word of `access.read` (`SELECT on sales.orders`), default `SELECT`; the grantees are
/// the owner's domain and the domains its visibility admits, each as a role of that name, or
/// everyone for a public product. The first grant carries `access.read` as a comment.
fn grants(product: &ProductDescriptor, dialect: Dialect, table: &str) -> Vec<String> {
    let read = product.access.read.as_deref();
    let privilege = read
        .and_then(|r| r.split_whitespace().next())
        .filter(|p| p.chars().all(|c| c.is_ascii_alphabetic()))
        .map_or_else(|| "SELECT".to_string(), str::to_ascii_uppercase);
    let mut grantees = vec![dialect.role(&product.domain)];
    match &product.visibility {
        mesh_model::Visibility::Domain => {}
        mesh_model::Visibility::Domains(domains) => grantees.extend(domains.iter().map(|d| dialect.role(d))),
        mesh_model::Visibility::Public => grantees.push(dialect.everyone().to_string()),
    }
    let comment = read.map(|r| format!("-- access.read: {}\n", r.replace('\n', " "))).unwrap_or_default();
    grantees
        .iter()
        .enumerate()
        .map(|(i, grantee)| {
            let comment = if i == 0 { comment.as_str() } else { "" };
            format!("{comment}GRANT {privilege} ON {}{table} TO {grantee}", dialect.table_keyword())
        })
        .collect()
}

#[cfg(test)]
mod tests;
