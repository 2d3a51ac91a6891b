//! What differs between the SQL engines: quoting, literals, and the few functions the checks use.

use std::fmt;

/// A SQL engine the statements are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Apache Spark SQL with Hive support: an external table `STORED AS AVRO`.
    Spark,
    /// Trino's Hive connector: a table `WITH (format = 'AVRO', external_location = ...)`.
    Trino,
    /// PostgreSQL: a plain table with the product's columns (no Avro reader).
    Postgres,
}

impl Dialect {
    /// Every dialect, in documentation order.
    pub const ALL: [Dialect; 3] = [Dialect::Spark, Dialect::Trino, Dialect::Postgres];

    /// Its name on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Dialect::Spark => "spark",
            Dialect::Trino => "trino",
            Dialect::Postgres => "postgres",
        }
    }

    /// An identifier, quoted (Avro names are letters, digits and `_`, but may be reserved words).
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            Dialect::Trino | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal. Spark reads backslash escapes in literals, so backslashes are doubled there.
    pub fn string(self, text: &str) -> String {
        match self {
            Dialect::Spark => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
            Dialect::Trino | Dialect::Postgres => format!("'{}'", text.replace('\'', "''")),
        }
    }

    /// `DATABASE` or `SCHEMA`, for `CREATE ... IF NOT EXISTS`.
    pub const fn schema_keyword(self) -> &'static str {
        match self {
            Dialect::Spark => "DATABASE",
            Dialect::Trino | Dialect::Postgres => "SCHEMA",
        }
    }

    /// What precedes a table's name in `GRANT ... ON`.
    pub const fn table_keyword(self) -> &'static str {
        match self {
            Dialect::Spark | Dialect::Postgres => "TABLE ",
            Dialect::Trino => "",
        }
    }

    /// A domain's role as a grantee.
    pub fn role(self, domain: &str) -> String {
        match self {
            Dialect::Spark => self.ident(domain),
            Dialect::Trino => format!("ROLE {}", self.ident(domain)),
            Dialect::Postgres => self.ident(domain),
        }
    }

    /// Everyone, as a grantee (a public product).
    pub const fn everyone(self) -> &'static str {
        match self {
            Dialect::Spark => "`users`",
            Dialect::Trino => "ROLE public",
            Dialect::Postgres => "PUBLIC",
        }
    }

    /// A predicate that the whole string `column` matches the validator's pattern: anchored at both
    /// ends, with Rust `regex`'s meaning of `.`, `\d`, `\s` and `\w` where the engine can say it
    /// (Java: `(?U)` for Unicode classes, `(?d)` so that only `\n` ends a line, `\z` for the very end).
    pub fn matches(self, column: &str, pattern: &str) -> String {
        match self {
            Dialect::Spark => format!("{column} RLIKE {}", self.string(&format!("(?Ud)\\A(?:{pattern})\\z"))),
            Dialect::Trino => format!("regexp_like({column}, {})", self.string(&format!("\\A(?:{pattern})\\z"))),
            Dialect::Postgres => format!("{column} ~ {}", self.string(&format!("^(?:{pattern})$"))),
        }
    }

    /// The number of characters (Unicode scalar values) of a string.
    pub fn char_length(self, column: &str) -> String {
        match self {
            Dialect::Spark | Dialect::Postgres => format!("char_length({column})"),
            Dialect::Trino => format!("length({column})"),
        }
    }

    /// The number of bytes of a binary value.
    pub fn byte_length(self, column: &str) -> String {
        match self {
            Dialect::Spark | Dialect::Postgres => format!("octet_length({column})"),
            Dialect::Trino => format!("length({column})"),
        }
    }

    /// The number of elements of an array or a map.
    pub fn size(self, column: &str) -> String {
        match self {
            Dialect::Spark => format!("size({column})"),
            Dialect::Trino => format!("cardinality({column})"),
            Dialect::Postgres => format!("cardinality({column})"),
        }
    }

    /// A timestamp's microseconds since the epoch, as a 64-bit integer.
    pub fn timestamp_micros(self, expression: &str) -> String {
        match self {
            Dialect::Spark => format!("unix_micros({expression})"),
            Dialect::Trino => format!("CAST(to_unixtime({expression}) * 1000000 AS BIGINT)"),
            Dialect::Postgres => format!("CAST(EXTRACT(EPOCH FROM {expression}) * 1000000 AS BIGINT)"),
        }
    }

    /// A date's microseconds since the epoch (its midnight, UTC), as a 64-bit integer.
    pub fn date_micros(self, expression: &str) -> String {
        match self {
            Dialect::Spark => format!("CAST(unix_date({expression}) AS BIGINT) * 86400000000"),
            Dialect::Trino => {
                format!("CAST(date_diff('day', DATE '1970-01-01', {expression}) AS BIGINT) * 86400000000")
            }
            Dialect::Postgres => format!("CAST({expression} - DATE '1970-01-01' AS BIGINT) * 86400000000"),
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
