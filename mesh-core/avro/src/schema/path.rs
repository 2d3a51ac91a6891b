//! Nested field paths ([`FieldPath`]: `shipping_address.postcode`, `line_items[].sku`,
//! `attributes{}.value`, as `mesh_model`'s nested fields name them) looked up in a schema.

use std::collections::HashSet;

use mesh_model::{FieldPath, PathStep};

use super::types::{Field, Kind, Schema, TypeId};

impl Schema {
    /// The path of the field at `path` in this schema, following renames: at each field step the
    /// field of that name is taken, else one listing it among its aliases (renamed), array and map
    /// steps step into items and values, and unions (options) are stepped through to the branch
    /// that continues the path. `None` when the field is gone.
    pub fn current_field_path(&self, path: &FieldPath) -> Option<FieldPath> {
        self.locate(path).map(|(path, _)| path)
    }

    /// The field at `path` in this schema (for a path into an array's items or a map's values, the
    /// last field stepped into), found as [`Schema::current_field_path`] finds it; `None` when the
    /// field is gone.
    pub fn field_at(&self, path: &FieldPath) -> Option<&Field> {
        self.locate(path).and_then(|(_, field)| field)
    }

    /// The current path of `path` and the last field it steps into.
    fn locate(&self, path: &FieldPath) -> Option<(FieldPath, Option<&Field>)> {
        let mut at: Vec<(TypeId, FieldPath, Option<&Field>)> = vec![(self.root, FieldPath::new(), None)];
        for step in path.steps() {
            let next: Vec<(TypeId, FieldPath, Option<&Field>)> = match step {
                PathStep::Field(name) => at
                    .iter()
                    .flat_map(|(id, prefix, _)| {
                        self.fields_named(*id, name)
                            .into_iter()
                            .map(move |field| (field.ty, prefix.then_field(field.name.as_str()), Some(field)))
                    })
                    .collect(),
                PathStep::Items | PathStep::Values => at
                    .into_iter()
                    .flat_map(|(id, path, field)| {
                        let path = path.then(step.clone());
                        self.step_into(id, step).into_iter().map(move |ty| (ty, path.clone(), field))
                    })
                    .collect(),
            };
            // Union branches can lead to one type along several ways: keep each type once, or
            // the candidates would multiply at every step.
            let mut seen = HashSet::new();
            at = next.into_iter().filter(|(id, _, _)| seen.insert(*id)).collect();
            if at.is_empty() {
                return None;
            }
        }
        at.into_iter().next().map(|(_, path, field)| (path, field))
    }

    /// Field `name` of the record at `id`, or of a record among its union branches: the field of
    /// that name, else the one listing it among its aliases.
    fn fields_named<'s>(&'s self, id: TypeId, name: &str) -> Vec<&'s Field> {
        self.branches(id)
            .into_iter()
            .filter_map(|branch| match &self.get(branch).kind {
                Kind::Record(record) => record.field(name).or_else(|| record.field_aliased(name)).map(|(_, f)| f),
                _ => None,
            })
            .collect()
    }

    /// The items ([`PathStep::Items`]) or values ([`PathStep::Values`]) of the array or map at
    /// `id`, or among its union branches.
    fn step_into(&self, id: TypeId, step: &PathStep) -> Vec<TypeId> {
        self.branches(id)
            .into_iter()
            .filter_map(|branch| match (&self.get(branch).kind, step) {
                (Kind::Array(items), PathStep::Items) => Some(*items),
                (Kind::Map(values), PathStep::Values) => Some(*values),
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

    fn current(schema: &Schema, path: &str) -> Option<String> {
        schema.current_field_path(&FieldPath::parse(path).unwrap()).map(|path| path.to_string())
    }

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
            assert_eq!(current(&schema, path).as_deref(), Some(path));
        }
    }

    #[test]
    fn the_field_at_a_path_is_the_last_field_stepped_into_wherever_its_type_is_used() {
        let schema = Schema::parse(CUSTOMERS).unwrap();
        let field = |path: &str| schema.field_at(&FieldPath::parse(path).unwrap()).map(|f| f.name.as_str());
        // `Address` is used by two fields: each path finds its own.
        assert_eq!(field("shipping_address.postcode"), Some("postcode"));
        assert_eq!(field("addresses[].street"), Some("street"));
        assert_eq!(field("contacts_by_role{}[].email"), Some("email"));
        assert_eq!(field("addresses"), Some("addresses"));
        assert_eq!(field("shipping_address.city"), None);
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
            assert_eq!(current(&schema, path), None, "{path}");
        }
    }

    #[test]
    fn a_renamed_field_is_found_by_its_alias_at_its_current_path() {
        let schema = Schema::parse(&CUSTOMERS.replace(
            r#"{"name": "postcode", "type": "string"}"#,
            r#"{"name": "post_code", "aliases": ["postcode"], "type": "string"}"#,
        ))
        .unwrap();
        assert_eq!(current(&schema, "shipping_address.postcode").as_deref(), Some("shipping_address.post_code"));
        assert_eq!(current(&schema, "addresses[].postcode").as_deref(), Some("addresses[].post_code"));
        assert_eq!(current(&schema, "addresses[].zip"), None);
    }

    #[test]
    fn union_branches_reaching_one_type_twice_do_not_multiply() {
        // A.x and B.x both hold [A, B]: without keeping each type once, a path of n steps had 2^n candidates.
        let schema = Schema::parse(
            r#"{"type": "record", "name": "R", "fields": [{"name": "x", "type": [
                {"type": "record", "name": "A", "fields": [{"name": "x", "type": ["A",
                    {"type": "record", "name": "B", "fields": [{"name": "x", "type": ["A", "B"]}]}]}]},
                "B"]}]}"#,
        )
        .unwrap();
        let path = vec!["x"; 64].join(".");
        assert_eq!(current(&schema, &path), Some(path));
    }
}
