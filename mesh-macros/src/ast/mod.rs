//! Parsing: syn input -> a plain model, recording every error in the context.

pub mod attr;
pub mod enumeration;
pub mod event_time;
pub mod product;
pub mod quality;
pub mod record;
pub mod types;
