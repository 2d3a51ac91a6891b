//! mesh-model: the plain product model, shared by the `#[data_product]` macro (at compile
//! time) and everything after it (at run time): product descriptors, the parsers of declared
//! values (ids, versions, SLAs, names), and the Avro schema tree a declaration describes.
//!
//! Light on purpose: the macro compiles it for the host on every build, so it depends on
//! nothing but `serde` (for the descriptor's values in contracts).

pub mod avro;
pub mod keys;

mod calendar;
mod descriptor;
mod encryption;
mod field_path;
mod names;
mod nested;
mod product_id;
mod quality;
mod serde_impls;
mod shape;
mod sla;
mod timestamp;
mod version;

pub use calendar::CalendarDate;
pub use descriptor::{
    Access, Compatibility, FieldDescriptor, InputRef, Layer, List, Pii, PiiClass, ProductDescriptor, Sla,
    SourceLocation, Text, Visibility,
};
pub use encryption::{
    domain_of_key, Encryption, FieldEncryption, DOMAIN_KEY_PREFIX, ENCRYPTION_PROPERTY, KEY_PROPERTY,
};
pub use field_path::{FieldPath, FieldPathError, PathStep};
pub use names::{check_avro_name, check_avro_namespace, check_owner, is_snake_case, to_snake_case};
pub use nested::{NestedField, NestedRecord, PiiPath, RecordFields};
pub use product_id::{
    domain_of, parse_input_ref, parse_product_id, parse_requirement, parse_version, IdDisplay, ParsedInput,
};
pub use quality::{
    check_rule_fits, is_number, parse_share, Check, Limit, Number, QualityRule, FIELD_RULES, PRODUCT_RULES,
};
pub use shape::TypeShape;
pub use sla::{Availability, Bound, Freshness, Percent, QualityScore};
pub use timestamp::{Instant, InstantError};
pub use version::{Version, VersionError, VersionReq};
