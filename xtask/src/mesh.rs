//! The mesh as this binary sees it: every registered product with its schema.

use mesh_core::model::ProductDescriptor;
use mesh_core::{registered_products, Contract, ProductSchema, ProductSchemaError};

/// A registered product whose schema was built.
pub struct LoadedProduct {
    pub descriptor: &'static ProductDescriptor,
    pub schema: &'static ProductSchema,
}

impl LoadedProduct {
    pub fn contract(&self) -> Contract {
        Contract::new(self.descriptor, self.schema)
    }
}

/// Every registered product, or every schema error found.
pub fn load() -> Result<Vec<LoadedProduct>, Vec<ProductSchemaError>> {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for registration in registered_products() {
        match (registration.schema)() {
            Ok(schema) => loaded.push(LoadedProduct { descriptor: registration.descriptor, schema }),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(errors)
    }
}

/// The errors as one message, each with the fix.
pub fn describe(errors: &[ProductSchemaError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nerror: ")
}
