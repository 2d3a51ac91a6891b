//! `cargo xtask sql PRODUCT --dialect spark|trino|postgres`: a product's contract as SQL, from the
//! declaration and its Avro schema alone (`mesh_quality::sql` writes it).

use std::path::Path;

use mesh_core::registered_products;
use mesh_pipeline::lakehouse::Lakehouse;
use mesh_quality::sql::{self, Dialect};

use crate::output::{Failure, Output};

/// The dialects on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SqlDialect {
    /// Apache Spark SQL with Hive support (an external table `STORED AS AVRO`).
    Spark,
    /// Trino's Hive connector (a table `WITH (format = 'AVRO', external_location = ...)`).
    Trino,
    /// PostgreSQL (a table to load the records into; PostgreSQL reads no Avro).
    Postgres,
}

impl From<SqlDialect> for Dialect {
    fn from(dialect: SqlDialect) -> Self {
        match dialect {
            SqlDialect::Spark => Dialect::Spark,
            SqlDialect::Trino => Dialect::Trino,
            SqlDialect::Postgres => Dialect::Postgres,
        }
    }
}

/// Prints the statements of `product`.
pub fn run(
    product: &str,
    dialect: SqlDialect,
    lakehouse: &Path,
    location: Option<&str>,
    out: &mut Output,
) -> Result<(), Failure> {
    let products = registered_products();
    let registration = products.iter().find(|r| r.descriptor.id() == product).ok_or_else(|| {
        let known: Vec<String> = products.iter().map(|r| r.descriptor.id()).collect();
        Failure::from(format!("no product `{product}` in the mesh; known: {}", known.join(", ")))
    })?;
    let descriptor = registration.descriptor;
    let schema = (registration.schema)().map_err(|e| Failure::from(e.to_string()))?;
    let location = match location {
        Some(location) => location.to_string(),
        None => {
            let lakehouse = std::path::absolute(lakehouse).unwrap_or_else(|_| lakehouse.to_path_buf());
            Lakehouse::new(&lakehouse).product_dir(descriptor).join("data").display().to_string()
        }
    };
    let dialect = Dialect::from(dialect);
    let statements = sql::statements(descriptor, &schema.json, dialect, &location).map_err(Failure::from)?;
    out.print(&format!(
        "-- {} {} as {dialect} SQL, generated from its contract by `cargo xtask sql {} --dialect {dialect}`.\n{}\n{}",
        descriptor.id(),
        descriptor.version,
        descriptor.id(),
        sql::location_note(dialect),
        statements.script()
    ))?;
    Ok(())
}
