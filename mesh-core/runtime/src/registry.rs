//! Every product in every linked crate, discoverable at run time.
//!
//! The macro submits a [`Registration`] per product (via `inventory`), so tools
//! enumerate the mesh without a hand-kept list. A crate's products are seen
//! when the crate is linked, i.e. when the binary uses it (`use sales as _;`).

use mesh_avro::declared::{ProductSchema, ProductSchemaError};
use mesh_model::ProductDescriptor;

/// One registered product.
#[derive(Debug)]
pub struct Registration {
    /// What the declaration says.
    pub descriptor: &'static ProductDescriptor,
    /// The product's schema, built on first use.
    pub schema: fn() -> Result<&'static ProductSchema, ProductSchemaError>,
}

inventory::collect!(Registration);

/// Every registered product, sorted by id (then declaration site, so duplicates stay visible).
pub fn registered_products() -> Vec<&'static Registration> {
    let mut products: Vec<&'static Registration> = inventory::iter::<Registration>.into_iter().collect();
    products.sort_by(|a, b| {
        (&a.descriptor.domain, &a.descriptor.name, &a.descriptor.source.file, a.descriptor.source.line).cmp(&(
            &b.descriptor.domain,
            &b.descriptor.name,
            &b.descriptor.source.file,
            b.descriptor.source.line,
        ))
    });
    products
}
