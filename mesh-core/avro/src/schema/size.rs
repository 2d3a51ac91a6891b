//! The fewest bytes a datum of a schema can take: how container readers bound
//! a block's record count by its size without refusing records that take none.

use super::types::{Kind, Schema, TypeId};

impl Schema {
    /// A lower bound on the bytes one datum of the root type takes in Avro's binary
    /// encoding, e.g. 0 for a record whose fields are all `null`, 2 for `{int, string}`.
    ///
    /// Exact for non-recursive schemas. A record met again inside itself counts as 0
    /// bytes there, so the result never exceeds the true minimum.
    ///
    /// Each record is walked once, in the order its definition appears, so a reference by
    /// name finds it walked (or in progress) and the recursion is no deeper than the
    /// schema's JSON, which the parser bounds; a chain of records by name stays flat.
    pub fn min_datum_bytes(&self) -> u64 {
        self.min_bytes_by_type()[self.root.0]
    }

    /// [`Schema::min_datum_bytes`] of every type, indexed by [`TypeId`]: 0 exactly for the types
    /// whose values all take no bytes (null, `fixed(0)`, records of those), which array readers
    /// cannot bound by the bytes left.
    pub(crate) fn min_bytes_by_type(&self) -> Vec<u64> {
        let mut walk = MinBytes { schema: self, records: vec![Record::Unseen; self.types.len()] };
        // From the root first, in document order (see above); then every record is done, and any
        // other type's walk stops at the records below it.
        walk.of(self.root);
        (0..self.types.len()).map(|id| walk.of(TypeId(id))).collect()
    }
}

#[derive(Clone, Copy)]
enum Record {
    Unseen,
    InProgress,
    Done(u64),
}

struct MinBytes<'a> {
    schema: &'a Schema,
    /// Per type id; used for records only, which named references can share.
    records: Vec<Record>,
}

impl MinBytes<'_> {
    fn of(&mut self, id: TypeId) -> u64 {
        match &self.schema.get(id).kind {
            Kind::Null => 0,
            // A boolean is one byte; ints, longs, lengths, counts and indexes are varints of at least one.
            Kind::Boolean | Kind::Int | Kind::Long | Kind::Bytes | Kind::String | Kind::Enum(_) => 1,
            // An empty array or map is its terminating zero count.
            Kind::Array(_) | Kind::Map(_) => 1,
            Kind::Float => 4,
            Kind::Double => 8,
            Kind::Fixed(fixed) => fixed.size,
            Kind::Union(branches) => {
                let cheapest = branches.iter().map(|&branch| self.of(branch)).min();
                // An empty union has no value to write; 1 (its index) stays a lower bound.
                1u64.saturating_add(cheapest.unwrap_or(0))
            }
            Kind::Record(record) => match self.records[id.0] {
                Record::Done(bytes) => bytes,
                Record::InProgress => 0,
                Record::Unseen => {
                    self.records[id.0] = Record::InProgress;
                    let bytes = record.fields.iter().fold(0u64, |sum, field| sum.saturating_add(self.of(field.ty)));
                    self.records[id.0] = Record::Done(bytes);
                    bytes
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min(json: &str) -> u64 {
        Schema::parse(json).unwrap().min_datum_bytes()
    }

    #[test]
    fn primitives_take_their_smallest_encoding() {
        for (schema, bytes) in [
            (r#""null""#, 0),
            (r#""boolean""#, 1),
            (r#""int""#, 1),
            (r#""long""#, 1),
            (r#""float""#, 4),
            (r#""double""#, 8),
            (r#""string""#, 1),
            (r#""bytes""#, 1),
            (r#"{"type": "fixed", "name": "F", "size": 16}"#, 16),
            (r#"{"type": "enum", "name": "E", "symbols": ["A"]}"#, 1),
            (r#"{"type": "array", "items": "double"}"#, 1),
            (r#"{"type": "map", "values": "double"}"#, 1),
            (r#"["double", "null"]"#, 1),
            (r#"["double", "float"]"#, 5),
        ] {
            assert_eq!(min(schema), bytes, "{schema}");
        }
    }

    #[test]
    fn a_record_of_nulls_takes_no_bytes() {
        assert_eq!(min(r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "null"}]}"#), 0);
        assert_eq!(min(r#"{"type": "record", "name": "R", "fields": []}"#), 0);
    }

    #[test]
    fn a_record_sums_its_fields_and_shares_named_types() {
        let schema = r#"{"type": "record", "name": "R", "fields": [
            {"name": "id", "type": "long"},
            {"name": "at", "type": {"type": "fixed", "name": "Stamp", "size": 12}},
            {"name": "inner", "type": {"type": "record", "name": "I", "fields": [
                {"name": "x", "type": "double"}, {"name": "tag", "type": ["null", "string"]}]}},
            {"name": "again", "type": "I"},
            {"name": "also", "type": "Stamp"}]}"#;
        assert_eq!(min(schema), 1 + 12 + (8 + 1) + (8 + 1) + 12);
    }

    #[test]
    fn recursion_counts_the_way_out() {
        let list = r#"{"type": "record", "name": "Node", "fields": [
            {"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}"#;
        assert_eq!(min(list), 2);
        // Unencodable (no way out), but still a finite lower bound.
        let endless = r#"{"type": "record", "name": "Loop", "fields": [
            {"name": "value", "type": "int"}, {"name": "next", "type": "Loop"}]}"#;
        assert_eq!(min(endless), 1);
    }

    #[test]
    fn a_long_chain_of_records_by_name_is_walked_flat() {
        // Record i holds record i-1 by name: the last one nests 20,000 records deep while the
        // JSON stays flat, the shape that once overflowed the read plan's stack.
        let mut branches =
            vec![r#"{"type": "record", "name": "R0", "fields": [{"name": "v", "type": "double"}]}"#.to_string()];
        for i in 1..20_000 {
            let previous = i - 1;
            branches.push(format!(
                r#"{{"type": "record", "name": "R{i}", "fields": [{{"name": "v", "type": "R{previous}"}}]}}"#
            ));
        }
        let chain = format!("[{}]", branches.join(","));
        assert_eq!(min(&chain), 1 + 8);
    }
}
