//! Generation: the plain model -> tokens and artifacts.

mod codec;
mod descriptor;
mod docs;
mod json;
pub mod product;
pub(crate) mod quality;
pub mod record;
mod schema;
mod tokens;
mod typed;
