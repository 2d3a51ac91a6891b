//! Reads Avro JSON (`.avsc`) into a [`Schema`], following the specification:
//! names resolve against the enclosing namespace, each named type is defined
//! once and referenced by name afterwards (also from inside itself, which is
//! how recursive types are written), and a logical type that is unknown or
//! invalid for its underlying type is ignored.

use std::collections::{HashMap, HashSet};
use std::fmt;

use mesh_model::{Encryption, FieldEncryption, ENCRYPTION_PROPERTY, KEY_PROPERTY};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::index::{FieldIndex, Positions, UnionIndex};
use super::types::{Enum, Field, Fixed, Kind, Logical, Named, Order, Record, Schema, Type, TypeId};

/// An `.avsc` that is not a valid Avro schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where in the schema, e.g. `record sales.Order, field amount`.
    pub context: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.context.is_empty() {
            write!(f, "invalid Avro schema: {}", self.message)
        } else {
            write!(f, "invalid Avro schema at {}: {}", self.context, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

/// The deepest a schema's JSON may nest arrays and objects: 512 levels, e.g. 170 records each
/// nested in a field of the one before (a record, its `fields` and the field take three), where
/// serde_json alone stops at 128. Parsing, and every walk over the parsed types (canonical form,
/// compatibility, read plans, the schema tree), recurses once per level; at this depth each still
/// fits a 2 MiB thread stack unoptimized (`tests/deep_schemas.rs` checks), so a deeper schema is
/// refused rather than risking a stack overflow.
pub const MAX_JSON_DEPTH: usize = 512;

impl Schema {
    /// Parses Avro JSON text.
    ///
    /// # Errors
    /// The text is not JSON, nests deeper than [`MAX_JSON_DEPTH`], or is not a valid Avro schema
    /// (the error says where).
    pub fn parse(text: &str) -> Result<Schema, ParseError> {
        // serde_json's own limit (128 levels, about 40 records) is lifted for ours, which is checked
        // first without recursing.
        if let Some(at) = first_too_deep(text, MAX_JSON_DEPTH) {
            let line = text[..at].matches('\n').count() + 1;
            let column = text[..at].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(too_deep(&format!(" (at line {line}, column {column})")));
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        deserializer.disable_recursion_limit();
        let value = Value::deserialize(&mut deserializer)
            .and_then(|value| deserializer.end().map(|()| value))
            .map_err(|e| ParseError { context: String::new(), message: format!("not JSON: {e}") })?;
        Self::from_json(&value)
    }

    /// Parses an Avro schema given as a JSON value.
    ///
    /// # Errors
    /// As [`Schema::parse`].
    pub fn from_json(value: &Value) -> Result<Schema, ParseError> {
        let mut parser = Parser {
            types: Vec::new(),
            names: HashMap::new(),
            context: Vec::new(),
            unions: HashMap::new(),
            defaults: Vec::new(),
            depth: 0,
        };
        let root = parser.schema(value, None)?;
        let schema = Schema { types: parser.types, root, unions: parser.unions };
        // Checked once every type is complete: a default of a record inside itself, or of a type
        // holding it, needs the record's fields, which are known only after its last one.
        for (record, field, context) in parser.defaults {
            let Kind::Record(record) = &schema.get(record).kind else { continue };
            let field = &record.fields[field];
            let Some(default) = &field.default else { continue };
            if let Err(mismatch) = schema.check_default(field.ty, default) {
                return Err(ParseError { context, message: format!("default `{default}` {mismatch}") });
            }
        }
        Ok(schema)
    }

    /// The schema of a tree built by generated code.
    ///
    /// # Errors
    /// The tree is not valid Avro (e.g. two types share a name).
    pub fn from_node(node: &mesh_model::avro::SchemaNode) -> Result<Schema, ParseError> {
        let json = mesh_model::avro::to_json(node)
            .map_err(|e| ParseError { context: String::new(), message: e.to_string() })?;
        Self::parse(&json)
    }
}

struct Parser {
    types: Vec<Type>,
    names: HashMap<String, TypeId>,
    context: Vec<String>,
    unions: HashMap<TypeId, UnionIndex>,
    /// Each field with a default (its record, its position, where it is), checked at the end.
    defaults: Vec<(TypeId, usize, String)>,
    /// The levels of JSON around what is being parsed.
    depth: usize,
}

fn too_deep(at: &str) -> ParseError {
    ParseError {
        context: String::new(),
        message: format!(
            "the schema nests more than {MAX_JSON_DEPTH} levels of JSON{at}; the limit protects the parser's stack"
        ),
    }
}

/// Where `text` first nests more than `limit` arrays and objects (a byte offset), read as JSON
/// without recursing: brackets inside strings do not count.
fn first_too_deep(text: &str, limit: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, byte) in text.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(at);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// What an object schema nests, by its `type`.
enum Nesting<'v> {
    /// `{"type": {...}}` or `{"type": [...]}`.
    Wrapped(&'v Value),
    /// An array's items.
    Items(&'v Value),
    /// A map's values.
    Values(&'v Value),
    /// A record's fields.
    Record,
    /// Nothing.
    Leaf,
}

const PRIMITIVES: [&str; 8] = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

impl Parser {
    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { context: self.context.join(", "), message: message.into() })
    }

    fn push(&mut self, kind: Kind, logical: Option<Logical>) -> TypeId {
        self.types.push(Type { kind, logical });
        TypeId(self.types.len() - 1)
    }

    fn schema(&mut self, value: &Value, ns: Option<&str>) -> Result<TypeId, ParseError> {
        match value {
            Value::String(name) => self.named_or_primitive(name, ns),
            Value::Array(branches) => {
                self.enter()?;
                let id = self.union(branches, ns);
                self.depth -= 1;
                id
            }
            Value::Object(object) => {
                self.enter()?;
                let id = self.object(object, ns);
                self.depth -= 1;
                id
            }
            other => self.not_a_type(other),
        }
    }

    /// Counts one more level of JSON around what is parsed next. Text is bounded before it is
    /// read; a JSON value given directly is bounded here, by the same count.
    fn enter(&mut self) -> Result<(), ParseError> {
        if self.depth >= MAX_JSON_DEPTH {
            return Err(too_deep(""));
        }
        self.depth += 1;
        Ok(())
    }

    #[inline(never)]
    fn not_a_type(&self, value: &Value) -> Result<TypeId, ParseError> {
        self.error(format!("expected a type name, an object or a union array, found `{value}`"))
    }

    fn union(&mut self, branches: &[Value], ns: Option<&str>) -> Result<TypeId, ParseError> {
        let mut ids = Vec::with_capacity(branches.len());
        for (i, branch) in branches.iter().enumerate() {
            if branch.is_array() {
                return self.nested_union(i);
            }
            ids.push(self.schema(branch, ns)?);
        }
        self.union_end(ids)
    }

    #[inline(never)]
    fn nested_union(&self, branch: usize) -> Result<TypeId, ParseError> {
        self.error(format!("union branch {branch} is itself a union; unions cannot nest"))
    }

    #[inline(never)]
    fn union_end(&mut self, ids: Vec<TypeId>) -> Result<TypeId, ParseError> {
        self.check_union(&ids)?;
        let index = UnionIndex::new(ids.iter().map(|id| &self.types[id.0].kind));
        let id = self.push(Kind::Union(ids), None);
        self.unions.insert(id, index);
        Ok(id)
    }

    fn named_or_primitive(&mut self, name: &str, ns: Option<&str>) -> Result<TypeId, ParseError> {
        if let Some(kind) = primitive(name) {
            return Ok(self.push(kind, None));
        }
        let candidates = [qualify(name, ns), name.to_string()];
        for candidate in &candidates {
            if let Some(id) = self.names.get(candidate) {
                return Ok(*id);
            }
        }
        self.error(format!(
            "unknown type `{name}`: not a primitive and no named type `{}` is defined before this use",
            candidates[0]
        ))
    }

    fn object(&mut self, object: &Map<String, Value>, ns: Option<&str>) -> Result<TypeId, ParseError> {
        match self.nesting(object)? {
            Nesting::Wrapped(nested) => self.schema(nested, ns),
            Nesting::Items(items) => {
                let items = self.schema(items, ns)?;
                Ok(self.push_nested(Kind::Array(items), object))
            }
            Nesting::Values(values) => {
                let values = self.schema(values, ns)?;
                Ok(self.push_nested(Kind::Map(values), object))
            }
            Nesting::Record => {
                let id = self.record(object, ns)?;
                self.set_logical(id, object);
                Ok(id)
            }
            Nesting::Leaf => self.leaf_object(object, ns),
        }
    }

    /// What an object's `type` says is nested in it.
    #[inline(never)]
    fn nesting<'v>(&self, object: &'v Map<String, Value>) -> Result<Nesting<'v>, ParseError> {
        let ty = match object.get("type") {
            Some(Value::String(ty)) => ty.as_str(),
            // `{"type": {...}}` or `{"type": [...]}`: a wrapped schema.
            Some(nested) => return Ok(Nesting::Wrapped(nested)),
            None => return self.error("object without `type`"),
        };
        Ok(match ty {
            "record" | "error" => Nesting::Record,
            "array" => Nesting::Items(object.get("items").map_or_else(|| self.error("array without `items`"), Ok)?),
            "map" => Nesting::Values(object.get("values").map_or_else(|| self.error("map without `values`"), Ok)?),
            _ => Nesting::Leaf,
        })
    }

    #[inline(never)]
    fn push_nested(&mut self, kind: Kind, object: &Map<String, Value>) -> TypeId {
        let id = self.push(kind, None);
        self.set_logical(id, object);
        id
    }

    /// An object whose type nests nothing: an enum, a fixed, a primitive, a named type's reference.
    #[inline(never)]
    fn leaf_object(&mut self, object: &Map<String, Value>, ns: Option<&str>) -> Result<TypeId, ParseError> {
        let ty = object.get("type").and_then(Value::as_str).unwrap_or_default();
        let id = match ty {
            "enum" => self.enumeration(object, ns)?,
            "fixed" => self.fixed(object, ns)?,
            name if PRIMITIVES.contains(&name) => {
                let kind = primitive(name).unwrap_or(Kind::Null);
                self.push(kind, None)
            }
            // A named type referenced through `{"type": "Name"}`.
            name => return self.named_or_primitive(name, ns),
        };
        self.set_logical(id, object);
        Ok(id)
    }

    #[inline(never)]
    fn set_logical(&mut self, id: TypeId, object: &Map<String, Value>) {
        if let Some(Value::String(logical)) = object.get("logicalType") {
            let logical = self.logical(logical, object, &self.types[id.0].kind);
            self.types[id.0].logical = logical;
        }
    }

    /// The logical type if valid for `kind`; `None` (ignored) otherwise, as the specification requires.
    fn logical(&self, name: &str, object: &Map<String, Value>, kind: &Kind) -> Option<Logical> {
        let int = |key: &str| object.get(key).and_then(Value::as_u64).and_then(|v| u32::try_from(v).ok());
        let logical = match name {
            "decimal" => {
                let precision = int("precision")?;
                let scale = if object.contains_key("scale") { int("scale")? } else { 0 };
                if precision == 0 || scale > precision {
                    return None;
                }
                if let Kind::Fixed(fixed) = kind {
                    // The largest precision a fixed of this size holds: floor(log10(2^(8n-1) - 1)).
                    let bits = 8.0 * fixed.size as f64 - 1.0;
                    if f64::from(precision) > (bits * std::f64::consts::LOG10_2).floor() {
                        return None;
                    }
                }
                Logical::Decimal { precision, scale }
            }
            "uuid" => Logical::Uuid,
            "date" => Logical::Date,
            "time-millis" => Logical::TimeMillis,
            "time-micros" => Logical::TimeMicros,
            "timestamp-millis" => Logical::TimestampMillis,
            "timestamp-micros" => Logical::TimestampMicros,
            "timestamp-nanos" => Logical::TimestampNanos,
            "local-timestamp-millis" => Logical::LocalTimestampMillis,
            "local-timestamp-micros" => Logical::LocalTimestampMicros,
            "local-timestamp-nanos" => Logical::LocalTimestampNanos,
            "duration" => Logical::Duration,
            other => return Some(Logical::Other(other.to_string())),
        };
        let fits = match (&logical, kind) {
            (Logical::Decimal { .. }, Kind::Bytes | Kind::Fixed(_)) => true,
            (Logical::Uuid, Kind::String) => true,
            (Logical::Uuid, Kind::Fixed(f)) => f.size == 16,
            (Logical::Date | Logical::TimeMillis, Kind::Int) => true,
            (Logical::Duration, Kind::Fixed(f)) => f.size == 12,
            (
                Logical::TimeMicros
                | Logical::TimestampMillis
                | Logical::TimestampMicros
                | Logical::TimestampNanos
                | Logical::LocalTimestampMillis
                | Logical::LocalTimestampMicros
                | Logical::LocalTimestampNanos,
                Kind::Long,
            ) => true,
            _ => false,
        };
        fits.then_some(logical)
    }

    fn named(&mut self, object: &Map<String, Value>, kind: &str, ns: Option<&str>) -> Result<Named, ParseError> {
        let Some(Value::String(name)) = object.get("name") else {
            return self.error(format!("{kind} without a `name`"));
        };
        let own_ns = match object.get("namespace") {
            Some(Value::String(namespace)) => Some(namespace.as_str()),
            Some(Value::Null) | None => ns,
            Some(other) => return self.error(format!("{kind} `{name}` has a non-string namespace `{other}`")),
        };
        let full_name = qualify(name, own_ns);
        for part in full_name.split('.') {
            if !is_avro_name(part) {
                return self.error(format!(
                    "`{full_name}` is not a valid Avro name: each part starts with a letter or `_` and has only letters, digits and `_`"
                ));
            }
        }
        if PRIMITIVES.contains(&full_name.as_str()) {
            return self.error(format!("a {kind} cannot be named `{full_name}`, a primitive type's name"));
        }
        if self.names.contains_key(&full_name) {
            return self.error(format!("`{full_name}` is defined twice; define it once and refer to it by name"));
        }
        let type_ns = full_name.rsplit_once('.').map(|(ns, _)| ns.to_string());
        let aliases = self.strings(object, "aliases")?.into_iter().map(|a| qualify(&a, type_ns.as_deref())).collect();
        let doc = object.get("doc").and_then(Value::as_str).map(str::to_string);
        Ok(Named { full_name, aliases, doc })
    }

    fn strings(&self, object: &Map<String, Value>, key: &str) -> Result<Vec<String>, ParseError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    other => self.error(format!("`{key}` must list strings, found `{other}`")),
                })
                .collect(),
            Some(other) => self.error(format!("`{key}` must be an array of strings, found `{other}`")),
        }
    }

    // A record nested in a field recurses through `schema`, `type_of`, `object` and `record`: the
    // work around the recursive call sits in helpers, so that these frames stay small and deep
    // schemas fit the stack (unoptimized builds give every local and temporary its own slot).

    fn record(&mut self, object: &Map<String, Value>, ns: Option<&str>) -> Result<TypeId, ParseError> {
        let (id, fields, record_ns) = self.record_start(object, ns)?;
        let mut parsed = (Vec::with_capacity(fields.len()), FieldIndex::default());
        // The `fields` array, then each field's object, are levels of JSON too.
        self.enter()?;
        for field in fields {
            self.enter()?;
            let (field, ty) = self.field_start(field, &mut parsed.1, parsed.0.len())?;
            let ty = self.schema(ty, record_ns.as_deref())?;
            self.field_end(id, field, ty, &mut parsed)?;
            self.depth -= 1;
        }
        self.depth -= 1;
        self.context.pop();
        if let Kind::Record(record) = &mut self.types[id.0].kind {
            (record.fields, record.index) = parsed;
        }
        Ok(id)
    }

    /// Registers the record (before its fields, so that they can refer to it): its id, its fields
    /// and their namespace.
    #[inline(never)]
    fn record_start<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        ns: Option<&str>,
    ) -> Result<(TypeId, &'v [Value], Option<String>), ParseError> {
        let named = self.named(object, "record", ns)?;
        let full_name = named.full_name.clone();
        let id = self.push(Kind::Record(Record { named, fields: Vec::new(), index: FieldIndex::default() }), None);
        self.names.insert(full_name.clone(), id);
        self.context.push(format!("record {full_name}"));
        let Some(Value::Array(fields)) = object.get("fields") else {
            return self.error("record without a `fields` array");
        };
        let record_ns = full_name.rsplit_once('.').map(|(ns, _)| ns.to_string());
        Ok((id, fields, record_ns))
    }

    /// Checks a field's name (the `position`th field) and returns the field and its type's JSON.
    #[inline(never)]
    fn field_start<'v>(
        &mut self,
        field: &'v Value,
        index: &mut FieldIndex,
        position: usize,
    ) -> Result<(&'v Map<String, Value>, &'v Value), ParseError> {
        let Value::Object(field) = field else { return self.error("a field must be an object") };
        let Some(Value::String(name)) = field.get("name") else { return self.error("field without a `name`") };
        if !is_avro_name(name) {
            return self.error(format!("field name `{name}` is not a valid Avro name"));
        }
        if !index.names.insert(name, position) {
            return self.error(format!("field `{name}` appears twice"));
        }
        self.context.push(format!("field {name}"));
        let Some(ty) = field.get("type") else { return self.error("field without a `type`") };
        Ok((field, ty))
    }

    /// Adds the field of type `ty` to the record `id`'s fields.
    #[inline(never)]
    fn field_end(
        &mut self,
        id: TypeId,
        field: &Map<String, Value>,
        ty: TypeId,
        (parsed, index): &mut (Vec<Field>, FieldIndex),
    ) -> Result<(), ParseError> {
        let order = match field.get("order").and_then(Value::as_str) {
            None | Some("ascending") => Order::Ascending,
            Some("descending") => Order::Descending,
            Some("ignore") => Order::Ignore,
            Some(other) => return self.error(format!("order `{other}` is not `ascending`, `descending` or `ignore`")),
        };
        let aliases = self.strings(field, "aliases")?;
        let encryption = self.encryption(field, ty)?;
        if field.contains_key("default") {
            self.defaults.push((id, parsed.len(), self.context.join(", ")));
        }
        self.context.pop();
        for alias in &aliases {
            index.aliases.insert(alias, parsed.len());
        }
        let name = field.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        parsed.push(Field {
            name,
            aliases,
            doc: field.get("doc").and_then(Value::as_str).map(str::to_string),
            default: field.get("default").cloned(),
            order,
            ty,
            encryption,
        });
        Ok(())
    }

    /// The field's `mesh.encryption` and `mesh.key` properties: both or neither, a known cipher,
    /// on a `string` or an optional `string` (what the typed codecs encrypt).
    fn encryption(&self, field: &Map<String, Value>, ty: TypeId) -> Result<Option<FieldEncryption>, ParseError> {
        let property = |name: &'static str| field.get(name).map(|v| v.as_str().ok_or(name));
        let (algorithm, key) = match (property(ENCRYPTION_PROPERTY), property(KEY_PROPERTY)) {
            (None, None) => return Ok(None),
            (Some(Err(name)), _) | (_, Some(Err(name))) => return self.error(format!("`{name}` is not a string")),
            (Some(Ok(algorithm)), Some(Ok(key))) => (algorithm, key),
            (Some(_), None) => return self.error(format!("`{ENCRYPTION_PROPERTY}` without `{KEY_PROPERTY}`")),
            (None, Some(_)) => return self.error(format!("`{KEY_PROPERTY}` without `{ENCRYPTION_PROPERTY}`")),
        };
        let Some(mode) = Encryption::from_algorithm(algorithm) else {
            let known: Vec<&str> = Encryption::ALL.iter().map(|m| m.algorithm()).collect();
            return self.error(format!("`{ENCRYPTION_PROPERTY}` is `{algorithm}`, not one of {}", known.join(", ")));
        };
        if !self.is_text(ty) {
            return self
                .error(format!("`{ENCRYPTION_PROPERTY}` on a field that is not a string or an optional string"));
        }
        Ok(Some(FieldEncryption { mode, key: key.to_string() }))
    }

    /// Whether `ty` is `string` or a union of `null` and `string` (in either order).
    fn is_text(&self, ty: TypeId) -> bool {
        match &self.types[ty.0].kind {
            Kind::String => true,
            Kind::Union(branches) => {
                let kinds: Vec<&Kind> = branches.iter().map(|b| &self.types[b.0].kind).collect();
                matches!(kinds.as_slice(), [Kind::Null, Kind::String] | [Kind::String, Kind::Null])
            }
            _ => false,
        }
    }

    fn enumeration(&mut self, object: &Map<String, Value>, ns: Option<&str>) -> Result<TypeId, ParseError> {
        let named = self.named(object, "enum", ns)?;
        let symbols = self.strings(object, "symbols")?;
        let full_name = named.full_name.clone();
        let mut index = Positions::default();
        for (i, symbol) in symbols.iter().enumerate() {
            if !is_avro_name(symbol) {
                return self.error(format!("enum {full_name}: symbol `{symbol}` is not a valid Avro name"));
            }
            if !index.insert(symbol, i) {
                return self.error(format!("enum {full_name}: symbol `{symbol}` appears twice"));
            }
        }
        let default = match object.get("default") {
            None | Some(Value::Null) => None,
            Some(Value::String(default)) if index.get(default).is_some() => Some(default.clone()),
            Some(other) => return self.error(format!("enum {full_name}: default `{other}` is not one of its symbols")),
        };
        let id = self.push(Kind::Enum(Enum { named, symbols, default, index }), None);
        self.names.insert(full_name, id);
        Ok(id)
    }

    fn fixed(&mut self, object: &Map<String, Value>, ns: Option<&str>) -> Result<TypeId, ParseError> {
        let named = self.named(object, "fixed", ns)?;
        let Some(size) = object.get("size").and_then(Value::as_u64) else {
            return self.error(format!("fixed {} needs a non-negative integer `size`", named.full_name));
        };
        let full_name = named.full_name.clone();
        let id = self.push(Kind::Fixed(Fixed { named, size }), None);
        self.names.insert(full_name, id);
        Ok(id)
    }

    /// A union may not hold two branches of the same unnamed kind nor two with the same name.
    fn check_union(&self, ids: &[TypeId]) -> Result<(), ParseError> {
        let mut seen: HashSet<String> = HashSet::new();
        for id in ids {
            let key = match &self.types[id.0].kind {
                Kind::Union(_) => return self.error("unions cannot nest"),
                Kind::Array(_) => "array".to_string(),
                Kind::Map(_) => "map".to_string(),
                Kind::Record(r) => r.named.full_name.clone(),
                Kind::Enum(e) => e.named.full_name.clone(),
                Kind::Fixed(f) => f.named.full_name.clone(),
                other => format!("{other:?}").to_lowercase(),
            };
            if seen.contains(&key) {
                return self.error(format!("a union holds `{key}` twice"));
            }
            seen.insert(key);
        }
        Ok(())
    }
}

fn primitive(name: &str) -> Option<Kind> {
    Some(match name {
        "null" => Kind::Null,
        "boolean" => Kind::Boolean,
        "int" => Kind::Int,
        "long" => Kind::Long,
        "float" => Kind::Float,
        "double" => Kind::Double,
        "bytes" => Kind::Bytes,
        "string" => Kind::String,
        _ => return None,
    })
}

/// A name with a dot is already full; otherwise it takes the namespace.
fn qualify(name: &str, ns: Option<&str>) -> String {
    match ns {
        Some(ns) if !ns.is_empty() && !name.contains('.') => format!("{ns}.{name}"),
        _ => name.strip_prefix('.').unwrap_or(name).to_string(),
    }
}

fn is_avro_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names_against_namespaces_and_aliases() {
        let schema = Schema::parse(
            r#"{"type":"record","name":"Order","namespace":"sales","aliases":["OldOrder","legacy.Order"],
                "fields":[
                  {"name":"item","type":{"type":"record","name":"Item","fields":[{"name":"n","type":"int"}]}},
                  {"name":"again","type":"Item"},
                  {"name":"full","type":"sales.Item"},
                  {"name":"other","type":{"type":"fixed","name":"x.Hash","size":16}},
                  {"name":"next","type":["null","Order"]}
                ]}"#,
        )
        .unwrap();
        let Kind::Record(order) = &schema.get(schema.root()).kind else { panic!() };
        assert_eq!(order.named.full_name, "sales.Order");
        assert_eq!(order.named.aliases, ["sales.OldOrder", "legacy.Order"]);
        assert_eq!(order.fields[0].ty, order.fields[1].ty);
        assert_eq!(order.fields[0].ty, order.fields[2].ty);
        assert_eq!(schema.display(order.fields[3].ty).to_string(), "fixed x.Hash(16)");
        let Kind::Union(branches) = &schema.get(order.fields[4].ty).kind else { panic!() };
        assert_eq!(branches[1], schema.root(), "the recursive reference is the record itself");
    }

    #[test]
    fn ignores_invalid_logical_types_and_keeps_unknown_ones() {
        let field_type = |ty: &str| {
            let schema =
                Schema::parse(&format!(r#"{{"type":"record","name":"R","fields":[{{"name":"f","type":{ty}}}]}}"#))
                    .unwrap();
            let Kind::Record(r) = &schema.get(schema.root()).kind else { panic!() };
            schema.display(r.fields[0].ty).to_string()
        };
        assert_eq!(field_type(r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#), "decimal(4,2)");
        assert_eq!(field_type(r#"{"type":"bytes","logicalType":"decimal","precision":2,"scale":4}"#), "bytes");
        assert_eq!(field_type(r#"{"type":"string","logicalType":"date"}"#), "string");
        assert_eq!(
            field_type(r#"{"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":5}"#),
            "fixed D(2)"
        );
        assert_eq!(
            field_type(r#"{"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":4}"#),
            "decimal(4,0)"
        );
        assert_eq!(field_type(r#"{"type":"long","logicalType":"my-clock"}"#), "long");
    }

    #[test]
    fn rejects_invalid_schemas_with_their_location() {
        for (text, needle) in [
            (
                r#"{"type":"record","name":"R","fields":[{"name":"a","type":"Nope"}]}"#,
                "record R, field a: unknown type `Nope`",
            ),
            (r#"{"type":"enum","name":"E","symbols":["A","A"]}"#, "symbol `A` appears twice"),
            (
                r#"{"type":"enum","name":"E","symbols":["A"],"default":"B"}"#,
                "default `\"B\"` is not one of its symbols",
            ),
            (r#"["null",["int"]]"#, "cannot nest"),
            (r#"["int","int"]"#, "holds `int` twice"),
            (r#"{"type":"fixed","name":"F"}"#, "integer `size`"),
            (r#"{"type":"record","name":"1R","fields":[]}"#, "not a valid Avro name"),
            (r#"[{"type":"fixed","name":"F","size":1},{"type":"fixed","name":"F","size":2}]"#, "defined twice"),
            ("nope", "not JSON"),
        ] {
            let err = Schema::parse(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn rejects_defaults_that_do_not_match_the_field_type() {
        let parse = |ty: &str, default: &str| {
            Schema::parse(&format!(
                r#"{{"type":"record","name":"R","namespace":"ns","fields":[{{"name":"n","type":{ty},"default":{default}}}]}}"#
            ))
            .map(|_| ())
            .map_err(|e| e.to_string())
        };
        for (ty, default) in [
            (r#""int""#, "null"),
            (r#""int""#, "3000000000"),
            (r#""int""#, "1.5"),
            (r#""long""#, r#""1""#),
            (r#""string""#, "1"),
            (r#""boolean""#, "0"),
            (r#""double""#, r#""NaN""#),
            (r#""bytes""#, r#""\u0100""#),
            (r#"{"type":"fixed","name":"F","size":2}"#, r#""a""#),
            (r#"{"type":"enum","name":"E","symbols":["A"]}"#, r#""B""#),
            (r#"{"type":"array","items":"int"}"#, r#"[1, "2"]"#),
            (r#"{"type":"map","values":"int"}"#, r#"{"a": null}"#),
            (r#"["null","string"]"#, "1"),
            (r#"["string","null"]"#, "[]"),
            (r#"{"type":"record","name":"In","fields":[{"name":"a","type":"int"}]}"#, "{}"),
            (r#"{"type":"record","name":"In","fields":[{"name":"a","type":"int"}]}"#, r#"{"a": "1"}"#),
        ] {
            let err = parse(ty, default).expect_err(&format!("{ty} with default {default}"));
            assert!(err.starts_with("invalid Avro schema at record ns.R, field n: default `"), "{ty}: {err}");
        }
        assert_eq!(
            parse(r#""int""#, "null").unwrap_err(),
            "invalid Avro schema at record ns.R, field n: default `null` does not match the field's type: expected an integer within the range of int"
        );
        assert_eq!(
            parse(r#"["null","string"]"#, "1").unwrap_err(),
            "invalid Avro schema at record ns.R, field n: default `1` does not match the field's type: expected a value of one of the branches of union[null, string]"
        );
        for (ty, default) in [
            (r#""int""#, "-2147483648"),
            (r#""long""#, "9007199254740993"),
            (r#""double""#, "1"),
            (r#""bytes""#, r#""\u00ff""#),
            (r#"{"type":"fixed","name":"F","size":2}"#, r#""ab""#),
            (r#"{"type":"enum","name":"E","symbols":["A"]}"#, r#""A""#),
            (r#"{"type":"array","items":"int"}"#, "[1, 2]"),
            (r#"{"type":"map","values":["null","int"]}"#, r#"{"a": null}"#),
            (r#"["null","string"]"#, "null"),
            (r#"["string","null"]"#, r#""x""#),
            // Avro 1.12: a value of any branch (1.11 wanted the first; see `Schema::check_default`).
            (r#"["null","string"]"#, r#""x""#),
            (r#"["string","null"]"#, "null"),
            (
                r#"{"type":"record","name":"In","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}"#,
                r#"{"a": 1}"#,
            ),
            (r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#, r#""\u0000""#),
        ] {
            assert_eq!(parse(ty, default), Ok(()), "{ty} with default {default}");
        }
    }
}
