//! Serde for model values: each is written as the text a product team would write.

use std::fmt::Display;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::{Availability, Compatibility, Encryption, Freshness, Layer, PiiClass, QualityScore, Visibility};

macro_rules! via_text {
    ($($ty:ty => $parse:expr),+ $(,)?) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                let parse: fn(&str) -> Result<$ty, String> = $parse;
                parse(&text).map_err(de::Error::custom)
            }
        }
    )+};
}

fn from_str<T: FromStr<Err = String> + Display>(text: &str) -> Result<T, String> {
    text.parse()
}

via_text! {
    Freshness => from_str::<Freshness>,
    Availability => from_str::<Availability>,
    QualityScore => from_str::<QualityScore>,
    Layer => Layer::parse,
    PiiClass => PiiClass::parse,
    Compatibility => Compatibility::parse,
    Visibility => from_str::<Visibility>,
    Encryption => |text| Encryption::from_name(text).ok_or_else(|| format!("unknown encryption `{text}`: expected `randomized` or `deterministic`")),
}
