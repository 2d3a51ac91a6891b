//! Nested field paths (`shipping_address.postcode`, `line_items[].sku`,
//! `attributes{}.value`, as `model::nested` writes them) looked up in a schema.

use super::schema::{Kind, Schema, TypeId};

impl Schema {
    /// Whether the root record has a field at `path`: dot-separated field names, each
    /// followed by `[]` per array and `{}` per map value it steps into; unions (options)
    /// are stepped through to the branch that continues the path.
    pub fn has_field_path(&self, path: &str) -> bool {
        let mut at = vec![self.root];
        for segment in path.split('.') {
            let name = segment.trim_end_matches(['[', ']', '{', '}']);
            let steps = &segment[name.len()..];
            let mut next: Vec<TypeId> = at.iter().flat_map(|&id| self.field_types(id, name)).collect();
            for step in steps.as_bytes().chunks(2) {
                next = next.into_iter().flat_map(|id| self.step_into(id, step)).collect();
            }
            if next.is_empty() {
                return false;
            }
            at = next;
        }
        true
    }

    /// The type of field `name` of the record at `id`, or of a record among its union branches.
    fn field_types(&self, id: TypeId, name: &str) -> Vec<TypeId> {
        self.branches(id)
            .into_iter()
            .filter_map(|branch| match &self.get(branch).kind {
                Kind::Record(record) => record.fields.iter().find(|f| f.name == name).map(|f| f.ty),
                _ => None,
            })
            .collect()
    }

    /// The items (`[]`) or values (`{}`) of the array or map at `id`, or among its union branches.
    fn step_into(&self, id: TypeId, step: &[u8]) -> Vec<TypeId> {
        self.branches(id)
            .into_iter()
            .filter_map(|branch| match (&self.get(branch).kind, step) {
                (Kind::Array(items), b"[]") => Some(*items),
                (Kind::Map(values), b"{}") => Some(*values),
                _ => None,
            })
            .collect()
    }

    /// The type itself, or a union's branches (a union cannot hold a union directly).
    fn branches(&self, id: TypeId) -> Vec<TypeId> {
        match &self.get(id).kind {
            Kind::Union(branches) => branches.clone(),
            _ => vec![id],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUSTOMERS: &str = r#"{"type": "record", "name": "Customers", "fields": [
        {"name": "id", "type": "string"},
        {"name": "shipping_address", "type": ["null", {"type": "record", "name": "Address", "fields": [
            {"name": "street", "type": "string"}, {"name": "postcode", "type": "string"}]}]},
        {"name": "addresses", "type": {"type": "array", "items": "Address"}},
        {"name": "contacts_by_role", "type": {"type": "map", "values": {"type": "array", "items": {
            "type": "record", "name": "Contact", "fields": [{"name": "email", "type": ["null", "string"]}]}}}}
    ]}"#;

    #[test]
    fn paths_step_through_options_arrays_and_maps() {
        let schema = Schema::parse(CUSTOMERS).unwrap();
        for path in ["id", "shipping_address.postcode", "addresses[].street", "contacts_by_role{}[].email"] {
            assert!(schema.has_field_path(path), "{path}");
        }
    }

    #[test]
    fn a_missing_field_or_a_wrong_step_is_no_path() {
        let schema = Schema::parse(CUSTOMERS).unwrap();
        for path in [
            "email",
            "shipping_address.city",
            "addresses.street",
            "addresses{}.street",
            "contacts_by_role{}.email",
            "id.length",
            "shipping_address[].postcode",
        ] {
            assert!(!schema.has_field_path(path), "{path}");
        }
    }
}
