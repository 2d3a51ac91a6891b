//! Typed access to the products a product is computed from.

/// The linked input products of a product, as Rust types.
///
/// `#[data_product(inputs(SalesCleaned, "marketing.x@^1"))]` implements it with
/// `type Inputs = (SalesCleaned,)`: inputs named by Rust path are types the
/// compiler checks; inputs named by id are not linked and appear only in the
/// descriptor. A pipeline can then be written against the exact input types:
///
/// ```ignore
/// fn build(orders: impl Iterator<Item = <SalesAnalytics as LinkedInputs>::Inputs>) { .. }
/// ```
pub trait LinkedInputs {
    /// A tuple of the linked input product types, in declaration order.
    type Inputs;
}
