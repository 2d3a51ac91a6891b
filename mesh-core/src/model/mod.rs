//! The plain product model: descriptors and the value parsers shared by the
//! `#[data_product]` macro (at compile time) and the tools (at run time).

mod calendar;
mod descriptor;
mod names;
mod nested;
mod product_id;
#[cfg(feature = "runtime")]
mod serde_impls;
mod shape;
mod sla;

pub use calendar::CalendarDate;
pub use descriptor::{
    Access, Compatibility, FieldDescriptor, InputRef, Layer, List, Pii, PiiClass, ProductDescriptor, Sla,
    SourceLocation, Text, Visibility,
};
pub use names::{check_avro_name, check_avro_namespace, check_owner, is_snake_case, to_snake_case};
pub use nested::{NestedField, NestedRecord, PiiPath, RecordFields};
pub use product_id::{parse_input_ref, parse_product_id, parse_requirement, parse_version, IdDisplay, ParsedInput};
pub use shape::TypeShape;
pub use sla::{Availability, Bound, Freshness, Percent, QualityScore};
