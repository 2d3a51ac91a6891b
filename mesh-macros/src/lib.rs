//! Procedural macros of mesh-as-code.
//!
//! - `#[data_product(...)]` on a struct declares a data product: it validates
//!   the declaration at compile time (all mistakes at once, each at its token)
//!   and generates the Avro schema, the descriptor behind the contract, the
//!   registration that makes the product discoverable, and rustdoc.
//! - `#[derive(AvroRecord)]` and `#[derive(AvroEnum)]` give nested types a schema.
//!
//! [`data_product`] documents every key it takes (the generated
//! `docs/reference/data-product-keys.md`, from the key table in `mesh_model::keys`).
//! Parsing (`ast`) is kept apart from generation (`expand`); the value parsers
//! live in `mesh_core::model` so tools share them.

mod ast;
mod ctxt;
mod expand;
mod symbol;

use proc_macro::TokenStream;

/// Declares a data product on a struct with named fields.
///
/// ```ignore
/// #[data_product(domain = "sales", version = "1.0.0", owner = "sales-data-team@company.com", layer = "bronze")]
/// pub struct SalesRaw { /* fields */ }
/// ```
///
// The key reference is generated from the key table (`cargo xtask docs`), so it cannot drift from what is accepted.
// Only for rustdoc: builds of a copy of the crates without docs/ (the evolution end-to-end test) still compile.
#[cfg_attr(doc, doc = include_str!("../../docs/reference/data-product-keys.md"))]
#[proc_macro_attribute]
pub fn data_product(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::product::expand(args.into(), input.into()).into()
}

/// Gives a struct with named fields an Avro record schema, for use inside products.
///
/// Its fields take `#[pii(...)]` as a product's do; every product nesting the
/// record (from any crate) sees that personal data at the field's path, e.g.
/// `shipping_address.postcode` or `line_items[].sku`.
#[proc_macro_derive(AvroRecord, attributes(avro, pii, quality))]
pub fn derive_avro_record(input: TokenStream) -> TokenStream {
    match syn::parse(input) {
        Ok(input) => expand::record::derive_record(input).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Gives an enum of unit variants an Avro enum schema, for use inside products.
#[proc_macro_derive(AvroEnum, attributes(avro))]
pub fn derive_avro_enum(input: TokenStream) -> TokenStream {
    match syn::parse(input) {
        Ok(input) => expand::record::derive_enum(input).into(),
        Err(e) => e.to_compile_error().into(),
    }
}
