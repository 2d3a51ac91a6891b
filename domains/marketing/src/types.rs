//! Types shared by the marketing products (and by consumers such as customer 360).

use mesh_macros::AvroEnum;

/// The channel through which a campaign reached a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, AvroEnum)]
#[avro(namespace = "marketing")]
pub enum Channel {
    /// Email newsletter or campaign mail.
    Email,
    /// Paid search advertising.
    Search,
    /// Social media advertising.
    Social,
    /// Display advertising on partner sites.
    Display,
    /// A channel this version does not know.
    #[avro(default)]
    Other,
}
