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

/// The registered products, split by whether their schema builds.
pub struct Mesh {
    /// Products whose schema was built.
    pub products: Vec<LoadedProduct>,
    /// Products whose schema cannot be built, with the reason.
    pub unbuilt: Vec<(&'static ProductDescriptor, ProductSchemaError)>,
}

/// Every registered product, building each schema once (they are cached).
pub fn load_all() -> Mesh {
    let mut mesh = Mesh { products: Vec::new(), unbuilt: Vec::new() };
    for registration in registered_products() {
        match (registration.schema)() {
            Ok(schema) => mesh.products.push(LoadedProduct { descriptor: registration.descriptor, schema }),
            Err(e) => mesh.unbuilt.push((registration.descriptor, e)),
        }
    }
    mesh
}

/// Every registered product, or every schema error found.
pub fn load() -> Result<Vec<LoadedProduct>, Vec<ProductSchemaError>> {
    let mesh = load_all();
    if mesh.unbuilt.is_empty() {
        Ok(mesh.products)
    } else {
        Err(mesh.unbuilt.into_iter().map(|(_, e)| e).collect())
    }
}

/// The errors as one message, each with the fix.
pub fn describe(errors: &[ProductSchemaError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nerror: ")
}
