//! Types shared by the product usage products.

use mesh_macros::AvroEnum;

/// The client platform an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, AvroEnum)]
pub enum Platform {
    /// The web application.
    Web,
    /// The iOS app.
    Ios,
    /// The Android app.
    Android,
    /// The public API.
    Api,
}
