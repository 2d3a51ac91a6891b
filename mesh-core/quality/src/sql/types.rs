//! Avro types as SQL column types, and the `CREATE TABLE` of each dialect.

use std::collections::HashMap;

use serde_json::Value;

use mesh_model::ProductDescriptor;

use super::Dialect;

/// What a check needs to know of a column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string, enum or uuid.
    Text,
    /// `bytes` or `fixed`.
    Bytes,
    /// An array or a map.
    Collection,
    /// `timestamp-millis` (Hive's Avro reader makes it a `TIMESTAMP`).
    TimestampMillis,
    /// `timestamp-micros` (Hive's Avro reader leaves it a `BIGINT` of microseconds).
    TimestampMicros,
    /// A date.
    Date,
    /// Anything else: numbers, booleans, records.
    Other,
}

/// The named types (records, enums, fixed) of a schema by full and short name, so that a
/// reference by name finds its definition.
pub struct Named<'a>(HashMap<String, &'a Value>);

impl<'a> Named<'a> {
    /// Collects the named types defined anywhere in `fields`.
    pub fn of(fields: &'a [Value]) -> Self {
        fn walk<'a>(value: &'a Value, out: &mut HashMap<String, &'a Value>) {
            match value {
                Value::Array(branches) => branches.iter().for_each(|b| walk(b, out)),
                Value::Object(object) => {
                    if let Some(name) = object.get("name").and_then(Value::as_str) {
                        if matches!(object.get("type").and_then(Value::as_str), Some("record" | "enum" | "fixed")) {
                            let full = match object.get("namespace").and_then(Value::as_str) {
                                Some(ns) if !name.contains('.') => format!("{ns}.{name}"),
                                _ => name.to_string(),
                            };
                            out.insert(full.rsplit('.').next().unwrap_or(&full).to_string(), value);
                            out.insert(full, value);
                        }
                    }
                    for key in ["type", "items", "values"] {
                        if let Some(inner) = object.get(key) {
                            walk(inner, out);
                        }
                    }
                    if let Some(Value::Array(fields)) = object.get("fields") {
                        fields.iter().for_each(|f| walk(f, out));
                    }
                }
                _ => {}
            }
        }
        let mut out = HashMap::new();
        fields.iter().for_each(|f| walk(f, &mut out));
        Self(out)
    }

    /// The definition of `avro` (a reference by name resolved), and whether a union made it nullable.
    pub fn resolve(&self, avro: &'a Value) -> (&'a Value, bool) {
        let (inner, nullable) = match avro.as_array() {
            Some(branches) => {
                let non_null: Vec<&Value> = branches.iter().filter(|b| *b != "null").collect();
                (non_null.first().copied().unwrap_or(avro), non_null.len() < branches.len())
            }
            None => (avro, false),
        };
        match inner.as_str().and_then(|name| self.0.get(name)) {
            Some(defined) => (defined, nullable),
            None => (inner, nullable),
        }
    }

    /// What checks need to know of the type `avro`.
    pub fn kind(&self, avro: &'a Value) -> Kind {
        let (avro, _) = self.resolve(avro);
        let (kind, logical) = kind_of(avro);
        match (kind, logical) {
            (_, "timestamp-millis") => Kind::TimestampMillis,
            (_, "timestamp-micros") => Kind::TimestampMicros,
            (_, "date") => Kind::Date,
            (_, "decimal") => Kind::Other,
            ("string" | "enum", _) => Kind::Text,
            ("bytes" | "fixed", _) => Kind::Bytes,
            ("array" | "map", _) => Kind::Collection,
            _ => Kind::Other,
        }
    }

    /// The column type of `avro` in `dialect` (Trino, PostgreSQL; Spark reads the schema literal).
    ///
    /// # Errors
    /// A union of several non-null types, which no SQL column type holds.
    pub fn column_type(&self, avro: &'a Value, dialect: Dialect, path: &str) -> Result<String, String> {
        if let Some(branches) = avro.as_array() {
            if branches.iter().filter(|b| *b != "null").count() > 1 {
                return Err(format!("field `{path}` is a union of several types, which has no {dialect} column type"));
            }
        }
        let (avro, _) = self.resolve(avro);
        let (kind, logical) = kind_of(avro);
        let trino = dialect == Dialect::Trino;
        let decimal = || {
            let precision = avro["precision"].as_u64().unwrap_or(38);
            let scale = avro["scale"].as_u64().unwrap_or(0);
            if trino {
                format!("DECIMAL({precision}, {scale})")
            } else {
                format!("numeric({precision}, {scale})")
            }
        };
        Ok(match (kind, logical) {
            (_, "decimal") => decimal(),
            (_, "date") => (if trino { "DATE" } else { "date" }).into(),
            (_, "timestamp-millis") => (if trino { "TIMESTAMP(3)" } else { "timestamptz(3)" }).into(),
            (_, "timestamp-micros") => (if trino { "TIMESTAMP(6)" } else { "timestamptz(6)" }).into(),
            (_, "local-timestamp-millis") => (if trino { "TIMESTAMP(3)" } else { "timestamp(3)" }).into(),
            (_, "local-timestamp-micros") => (if trino { "TIMESTAMP(6)" } else { "timestamp(6)" }).into(),
            (_, "uuid") if !trino => "uuid".into(),
            ("boolean", _) => (if trino { "BOOLEAN" } else { "boolean" }).into(),
            ("int", _) => (if trino { "INTEGER" } else { "integer" }).into(),
            ("long", _) => (if trino { "BIGINT" } else { "bigint" }).into(),
            ("float", _) => (if trino { "REAL" } else { "real" }).into(),
            ("double", _) => (if trino { "DOUBLE" } else { "double precision" }).into(),
            ("bytes" | "fixed", _) => (if trino { "VARBINARY" } else { "bytea" }).into(),
            ("string" | "enum", _) => (if trino { "VARCHAR" } else { "text" }).into(),
            ("record", _) if trino => {
                let fields: Vec<String> = avro["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        let name = f["name"].as_str().unwrap_or("");
                        Ok(format!(
                            "{} {}",
                            dialect.ident(name),
                            self.column_type(&f["type"], dialect, &format!("{path}.{name}"))?
                        ))
                    })
                    .collect::<Result<_, String>>()?;
                format!("ROW({})", fields.join(", "))
            }
            ("array", _) if trino => {
                format!("ARRAY({})", self.column_type(&avro["items"], dialect, &format!("{path}[]"))?)
            }
            ("map", _) if trino => {
                format!("MAP(VARCHAR, {})", self.column_type(&avro["values"], dialect, &format!("{path}{{}}"))?)
            }
            // PostgreSQL: arrays of scalars as arrays, nested structures as jsonb.
            ("array", _) => {
                let items = self.resolve(&avro["items"]).0;
                match kind_of(items).0 {
                    "record" | "array" | "map" => "jsonb".into(),
                    _ => format!("{}[]", self.column_type(&avro["items"], dialect, &format!("{path}[]"))?),
                }
            }
            ("record" | "map", _) => "jsonb".into(),
            (other, _) => {
                return Err(format!("field `{path}` has the Avro type `{other}`, which has no {dialect} column type"))
            }
        })
    }
}

/// An Avro type's `type` and `logicalType`.
fn kind_of(avro: &Value) -> (&str, &str) {
    let kind = avro.get("type").unwrap_or(avro).as_str().unwrap_or("");
    let logical = avro.get("logicalType").and_then(Value::as_str).unwrap_or("");
    (kind, logical)
}

/// The `CREATE TABLE` of the product over the files in `location`.
pub fn create_table(
    dialect: Dialect,
    table: &str,
    fields: &[Value],
    schema_json: &str,
    location: &str,
    product: &ProductDescriptor,
) -> Result<String, String> {
    let comment = dialect.string(&product.description);
    if dialect == Dialect::Spark {
        // Hive's Avro SerDe takes the columns from the schema itself, so they always agree with the files.
        return Ok(format!(
            "CREATE EXTERNAL TABLE IF NOT EXISTS {table}\nCOMMENT {comment}\nSTORED AS AVRO\nLOCATION {}\nTBLPROPERTIES ('avro.schema.literal' = {})",
            dialect.string(location),
            dialect.string(schema_json)
        ));
    }
    let named = Named::of(fields);
    let mut columns = Vec::new();
    for field in fields {
        let name = field["name"].as_str().unwrap_or("");
        let mut column = format!("  {} {}", dialect.ident(name), named.column_type(&field["type"], dialect, name)?);
        let nullable = named.resolve(&field["type"]).1;
        if dialect == Dialect::Postgres && !nullable {
            column.push_str(" NOT NULL");
        }
        if let (Dialect::Trino, Some(doc)) = (dialect, field["doc"].as_str()) {
            column.push_str(&format!(" COMMENT {}", dialect.string(doc)));
        }
        columns.push(column);
    }
    let mut out = format!("CREATE TABLE IF NOT EXISTS {table} (\n{}\n)", columns.join(",\n"));
    if dialect == Dialect::Trino {
        out.push_str(&format!(
            "\nCOMMENT {comment}\nWITH (format = 'AVRO', external_location = {})",
            dialect.string(location)
        ));
    }
    Ok(out)
}
