//! Generation: the plain model -> tokens and artifacts.

mod descriptor;
mod docs;
pub mod product;
pub mod record;
mod schema;
mod tokens;
