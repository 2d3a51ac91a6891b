//! The schemas Rust types declare: composing them ([`AvroSchema`], [`SchemaContext`]) and a
//! product's schema built once ([`ProductSchema`]).

use std::collections::HashSet;
use std::fmt;

use mesh_model::avro::{self, EnumSchema, Name, RecordSchema, SchemaError, SchemaNode};
use mesh_model::{Encryption, FieldEncryption, RecordFields};

use crate::schema::Schema;

/// A Rust type with an Avro schema: records and enums declared with the
/// `mesh_macros` derives, and every `#[data_product]`.
///
/// Nested types compose through this trait, so a record can use a type
/// declared in any crate.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no Avro schema",
    label = "this type is used in a data product but has no Avro schema",
    note = "derive one: `#[derive(mesh_macros::AvroRecord)]` on a struct with named fields, or `#[derive(mesh_macros::AvroEnum)]` on an enum of unit variants"
)]
pub trait AvroSchema {
    /// The fields of a record type, so a product sees the personal data of the
    /// records nested in it; `None` for enums.
    const RECORD: Option<RecordFields> = None;

    /// The type's schema; named types already being built are returned as references.
    fn avro_schema(ctx: &mut SchemaContext) -> SchemaNode;
}

/// State while a schema is being composed: the enclosing namespace, the
/// records under construction (so recursive types become references), and the
/// product's domain, whose keys encrypt the fields declared `encrypted` (nested
/// records' too: a record shared by products of two domains is encrypted with
/// each product's own keys).
#[derive(Debug, Default)]
pub struct SchemaContext {
    namespaces: Vec<Option<String>>,
    in_progress: HashSet<String>,
    domain: Option<String>,
}

impl SchemaContext {
    /// A context for a top-level schema.
    pub fn new() -> Self {
        Self::default()
    }

    /// A context for the schema of a product of `domain`.
    pub fn for_domain(domain: &str) -> Self {
        Self { domain: Some(domain.to_owned()), ..Self::default() }
    }

    /// How a field encrypted in `mode` is marked in the schema: the mode, and the keys of the
    /// product's domain (`domain:<domain>`; outside a product, a placeholder naming it).
    pub fn encryption(&self, mode: Encryption) -> FieldEncryption {
        match &self.domain {
            Some(domain) => FieldEncryption::for_domain(mode, domain),
            None => FieldEncryption { mode, key: "domain:<the product's domain>".to_owned() },
        }
    }

    fn enclosing(&self) -> Option<&str> {
        self.namespaces.last().and_then(|ns| ns.as_deref())
    }

    /// Builds a record; `fields` runs inside the record's namespace.
    pub fn record(
        &mut self,
        name: Name,
        doc: Option<String>,
        aliases: Vec<String>,
        fields: impl FnOnce(&mut Self) -> Vec<avro::FieldSchema>,
    ) -> SchemaNode {
        let full_name = name.full_name(self.enclosing());
        if self.in_progress.contains(&full_name) {
            return SchemaNode::Reference(full_name);
        }
        let own_ns = name.namespace.clone().or_else(|| self.enclosing().map(str::to_string));
        self.in_progress.insert(full_name.clone());
        self.namespaces.push(own_ns);
        let fields = fields(self);
        self.namespaces.pop();
        self.in_progress.remove(&full_name);
        SchemaNode::Record(RecordSchema { name, doc, aliases, fields })
    }

    /// Builds an enum.
    pub fn enumeration(&mut self, schema: EnumSchema) -> SchemaNode {
        SchemaNode::Enum(schema)
    }
}

/// A product's schema, built once: the tree, its JSON, its parse and canonical form.
#[derive(Debug)]
pub struct ProductSchema {
    /// The schema tree.
    pub node: SchemaNode,
    /// The schema as Avro JSON (`.avsc`).
    pub json: String,
    /// The schema parsed, as readers resolve data against it.
    pub parsed: Schema,
    /// The Parsing Canonical Form, as the Avro specification defines it.
    pub canonical_form: String,
}

impl ProductSchema {
    /// Builds the schema of `T` and checks that it parses as Avro.
    ///
    /// # Errors
    /// The schema is not valid Avro (e.g. two types share a name).
    pub fn build<T: AvroSchema>(product: &str) -> Result<Self, ProductSchemaError> {
        let domain = mesh_model::domain_of(product);
        let node = T::avro_schema(&mut SchemaContext::for_domain(domain));
        Self::from_node(product, node)
    }

    /// Renders and checks an already built schema tree.
    ///
    /// # Errors
    /// As [`ProductSchema::build`].
    pub fn from_node(product: &str, node: SchemaNode) -> Result<Self, ProductSchemaError> {
        let error = |reason: String| ProductSchemaError { product: product.to_string(), reason };
        let json = avro::to_json(&node).map_err(|e: SchemaError| error(e.to_string()))?;
        let parsed = Schema::parse(&json).map_err(|e| error(e.to_string()))?;
        let canonical_form = parsed.canonical_form();
        Ok(Self { node, json, parsed, canonical_form })
    }
}

/// A product whose schema could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSchemaError {
    /// The product id.
    pub product: String,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl fmt::Display for ProductSchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the Avro schema of `{}` is invalid: {}", self.product, self.reason)
    }
}

impl std::error::Error for ProductSchemaError {}
