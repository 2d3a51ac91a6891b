//! The plain description of a data product: everything its declaration says.
//!
//! Descriptors are const-constructible (`Cow::Borrowed` everywhere), so the
//! `#[data_product]` macro emits them as statics, and equally easy to build by
//! hand, so tools and tests describe whole meshes without a compiler.

use std::borrow::Cow;
use std::fmt;

use super::encryption::Encryption;
use super::names::is_snake_case;
use super::nested::NestedRecord;
use super::quality::QualityRule;
use super::sla::{Availability, Freshness, QualityScore};

/// Text in a descriptor: borrowed from the binary or owned.
pub type Text = Cow<'static, str>;
/// A list in a descriptor: borrowed from the binary or owned.
pub type List<T> = Cow<'static, [T]>;

macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The keyword used in declarations and contracts.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses the keyword.
            ///
            /// # Errors
            /// Lists the accepted keywords.
            pub fn parse(text: &str) -> Result<Self, String> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        concat!("unknown ", $what, " `{}`: expected one of {}"),
                        other,
                        [$(concat!("`", $text, "`")),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum! {
    /// The lakehouse layer a product lives in.
    Layer, "layer" {
        /// Raw data as it arrived from the source system.
        Bronze = "bronze",
        /// Cleaned, conformed data.
        Silver = "silver",
        /// Business-level data products for consumers.
        Gold = "gold",
    }
}

keyword_enum! {
    /// How sensitive a field holding personal data is.
    PiiClass, "PII class" {
        /// Identifies a person on its own: email, name, phone number.
        Direct = "direct",
        /// Identifies a person in combination: postcode, birth date, device id.
        Indirect = "indirect",
        /// Special-category data: health, finances, beliefs.
        Sensitive = "sensitive",
    }
}

keyword_enum! {
    /// Which schema changes a product's consumers tolerate (Avro schema resolution).
    Compatibility, "compatibility mode" {
        /// New readers read old data.
        Backward = "backward",
        /// Old readers read new data.
        Forward = "forward",
        /// Both directions: the default, as consumers in other domains upgrade on their own schedule.
        Full = "full",
        /// Backward against every published version of the same major.
        BackwardTransitive = "backward_transitive",
        /// Forward against every published version of the same major.
        ForwardTransitive = "forward_transitive",
        /// Full against every published version of the same major.
        FullTransitive = "full_transitive",
    }
}

/// A field's personal-data classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pii {
    /// How sensitive the data is.
    pub class: PiiClass,
    /// How the stored value is encrypted at rest; `None` when it is stored as it is.
    pub encryption: Option<Encryption>,
}

impl Pii {
    /// Whether the stored value is encrypted at rest.
    pub const fn encrypted_at_rest(&self) -> bool {
        self.encryption.is_some()
    }
}

/// Who outside the owning domain may consume a product.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Only the owning domain.
    Domain,
    /// The owning domain and the listed domains.
    Domains(List<Text>),
    /// Every domain.
    Public,
}

impl Visibility {
    /// Whether a product owned by `owner_domain` may be read by `consumer_domain`.
    pub fn admits(&self, owner_domain: &str, consumer_domain: &str) -> bool {
        owner_domain == consumer_domain
            || match self {
                Visibility::Domain => false,
                Visibility::Public => true,
                Visibility::Domains(domains) => domains.iter().any(|d| d == consumer_domain),
            }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Visibility::Domain => f.write_str("domain"),
            Visibility::Public => f.write_str("public"),
            Visibility::Domains(domains) => write!(f, "domain and {}", domains.join(", ")),
        }
    }
}

/// Reads the form [`Visibility`] is displayed in, as a published contract holds it:
/// `domain`, `public`, or `domain and a, b`.
impl std::str::FromStr for Visibility {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "domain" => Ok(Visibility::Domain),
            "public" => Ok(Visibility::Public),
            other => {
                let list = other.strip_prefix("domain and ").ok_or_else(|| {
                    format!("visibility `{text}` is not `domain`, `public` or `domain and <domain>, ...`")
                })?;
                let domains: Vec<Text> = list.split(',').map(|d| Text::Owned(d.trim().to_string())).collect();
                match domains.iter().find(|d| !is_snake_case(d)) {
                    Some(bad) => Err(format!("visibility `{text}`: `{bad}` is not a snake-case domain name")),
                    None => Ok(Visibility::Domains(domains.into())),
                }
            }
        }
    }
}

/// The service levels a product promises; `None` where the product promises nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Sla {
    /// Maximum age of the newest data.
    pub freshness: Option<Freshness>,
    /// Share of time the product is readable.
    pub availability: Option<Availability>,
    /// Minimum share of records passing quality checks.
    pub quality_score: Option<QualityScore>,
}

/// How consumers get at the data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Access {
    /// The grant or endpoint that gives read access, e.g. `SELECT on sales.orders`.
    pub read: Option<Text>,
    /// How readers authenticate, e.g. `OAuth2`.
    pub authentication: Option<Text>,
}

/// An upstream product this product is built from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InputRef {
    /// The producing domain.
    pub domain: Text,
    /// The product's name in its domain.
    pub name: Text,
    /// The semver requirement on the producer's version, e.g. `^2`.
    pub requirement: Text,
    /// True when the input was named by its Rust type, so the compiler linked it.
    pub linked: bool,
}

impl InputRef {
    /// The referenced product's id, `domain.product`.
    pub fn id(&self) -> String {
        format!("{}.{}", self.domain, self.name)
    }
}

/// One field of a product's record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldDescriptor {
    /// The Avro field name (after any rename).
    pub name: Text,
    /// The Avro type, written for people: `string`, `decimal(12,2)`, `array<LineItem>`.
    pub avro_type: Text,
    /// The field's documentation (its doc comment).
    pub doc: Text,
    /// The personal-data classification, if the field holds personal data.
    pub pii: Option<Pii>,
    /// Former names of the field, for readers of older data.
    pub aliases: List<Text>,
    /// The record the field holds (directly, or through options, arrays and
    /// maps), whose fields may hold personal data too; `None` for other types.
    pub record: Option<NestedRecord>,
    /// Where the field is declared: diagnostics about one field point here.
    pub source: SourceLocation,
}

/// Where a product or a field is declared, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SourceLocation {
    /// The file, as the compiler names it (relative to the workspace root).
    pub file: Text,
    /// One-based line of the declaration.
    pub line: u32,
    /// One-based column of the declaration.
    pub column: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Everything a data product's declaration says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProductDescriptor {
    /// The owning domain, e.g. `sales`.
    pub domain: Text,
    /// The product's name in its domain, e.g. `orders_cleaned`.
    pub name: Text,
    /// The product's semver version.
    pub version: Text,
    /// The owning team's address.
    pub owner: Text,
    /// The lakehouse layer.
    pub layer: Layer,
    /// What the product is and what it is for.
    pub description: Text,
    /// Where consumers get help, e.g. a chat channel.
    pub support: Option<Text>,
    /// Free-form catalog tags.
    pub tags: List<Text>,
    /// Promised service levels.
    pub sla: Sla,
    /// The Avro name of the field holding each record's event time (`event_time = "..."`), on which the
    /// freshness SLA is measured; `None` when the declaration names none.
    pub event_time: Option<Text>,
    /// How to read the data.
    pub access: Access,
    /// Who may consume the product.
    pub visibility: Visibility,
    /// Which schema changes consumers tolerate.
    pub compatibility: Compatibility,
    /// The date from which the product is deprecated, `YYYY-MM-DD`.
    pub deprecated: Option<Text>,
    /// The upstream products it is built from.
    pub inputs: List<InputRef>,
    /// The record's fields, in order.
    pub fields: List<FieldDescriptor>,
    /// The quality rules, field rules in field order first, then product rules.
    pub quality: List<QualityRule>,
    /// The Rust type that declares the product.
    pub rust_type: Text,
    /// Where the declaration is.
    pub source: SourceLocation,
}

impl ProductDescriptor {
    /// The product id, `domain.product`.
    pub fn id(&self) -> String {
        format!("{}.{}", self.domain, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_reads_back_what_it_displays() {
        for visibility in [
            Visibility::Domain,
            Visibility::Public,
            Visibility::Domains(vec![Text::from("marketing")].into()),
            Visibility::Domains(vec![Text::from("customer"), Text::from("marketing")].into()),
        ] {
            assert_eq!(visibility.to_string().parse::<Visibility>(), Ok(visibility.clone()), "{visibility}");
        }
    }

    #[test]
    fn malformed_visibility_says_what_is_accepted() {
        assert!("everyone".parse::<Visibility>().unwrap_err().contains("is not `domain`, `public`"));
        assert!("domain and Sales".parse::<Visibility>().unwrap_err().contains("`Sales` is not a snake-case domain"));
    }
}
