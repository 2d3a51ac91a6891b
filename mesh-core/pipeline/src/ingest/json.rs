//! JSON text to an Avro datum, walking the product's schema.
