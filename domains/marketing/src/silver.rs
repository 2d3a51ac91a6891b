//! Cleaned, conformed marketing data.

use mesh_core::model::Instant;
use mesh_core::{Decimal, TimestampMillis, Uuid};
use mesh_macros::data_product;
use mesh_pipeline::clean::{trimmed_lowercase, HashSet, HashSetExt};
use mesh_pipeline::{Build, Pipeline, PipelineError};

use crate::bronze::MarketingRaw;
use crate::types::Channel;

/// Campaign touches of known customers (CRM contacts), deduplicated, with a conformed channel.
#[data_product(
    domain = "marketing",
    version = "1.2.0",
    event_time = "touched_at",
    owner = "marketing-data@company.com",
    layer = "silver",
    support = "#marketing-data on Slack",
    tags("campaigns"),
    sla(freshness = "2 hours", availability = "99.5%", quality_score = ">97%"),
    access(read = "SELECT on silver.marketing_cleaned", authentication = "OAuth2"),
    visibility("customer"),
    inputs(MarketingRaw)
)]
pub struct MarketingCleaned {
    /// Unique touch identifier.
    pub touch_id: Uuid,
    /// The customer who was touched.
    pub customer_id: String,
    /// The campaign the touch belongs to.
    pub campaign_id: String,
    /// How the campaign reached the customer.
    pub channel: Channel,
    /// When the touch happened (UTC).
    pub touched_at: TimestampMillis,
    /// Cost of the touch in EUR, when the channel reports one.
    pub cost_eur: Option<Decimal<10, 4>>,
    /// The recipient's email, trimmed and in lower case.
    #[pii(direct, encrypted)]
    pub email: Option<String>,
}

impl Channel {
    /// The channel of a campaign tool's channel name, in any case; [`Channel::Other`] for
    /// names this version does not know.
    pub fn conform(name: &str) -> Self {
        match name.trim().to_ascii_lowercase().as_str() {
            "email" | "e-mail" | "newsletter" => Self::Email,
            "search" | "sem" | "google_ads" => Self::Search,
            "social" | "facebook" | "instagram" => Self::Social,
            "display" | "banner" => Self::Display,
            _ => Self::Other,
        }
    }
}

/// A stable touch id from the tool's event id: a UUID (version 8, RFC 9562) holding two 64-bit
/// FNV-1a hashes of it, so reruns give every touch the same id.
fn touch_id(event_id: &str) -> Uuid {
    let fnv = |offset: u64| {
        event_id.bytes().fold(offset, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3))
    };
    let bits = (u128::from(fnv(0xcbf2_9ce4_8422_2325)) << 64) | u128::from(fnv(0x6c62_272e_07bb_0142));
    // Version 8 in bits 48-51, the RFC variant in bits 64-65.
    Uuid((bits & !(0xf << 76) & !(0x3 << 62)) | (0x8 << 76) | (0x2 << 62))
}

/// Keeps the first event of each event id (tools resend), drops touches of recipients the CRM
/// does not know (no customer id), and quarantines touches whose time or cost does not parse.
/// Holds the event ids seen.
impl Pipeline for MarketingCleaned {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let mut seen = HashSet::new();
        for raw in build.read::<MarketingRaw>()? {
            let raw = raw?;
            if raw.customer_id.is_none() {
                build.drop_record("anonymous recipient (no customer id)");
                continue;
            }
            let cost_eur = match raw.cost_eur.as_deref().map(str::parse::<Decimal<10, 4>>).transpose() {
                Ok(cost) => cost,
                Err(_) => {
                    build.quarantine(&raw, "`cost_eur` is not a decimal with at most 4 places")?;
                    continue;
                }
            };
            // From here the record is not quarantined: its strings move, none is copied.
            let touch_id = touch_id(&raw.event_id);
            if !seen.insert(raw.event_id) {
                build.drop_record("duplicate touch event");
                continue;
            }
            let Some(customer_id) = raw.customer_id else { continue }; // known: checked above
            build.write(&MarketingCleaned {
                touch_id,
                customer_id,
                campaign_id: raw.campaign_id,
                channel: Channel::conform(&raw.channel),
                touched_at: raw.occurred_at,
                cost_eur,
                email: Some(trimmed_lowercase(raw.email)),
            })?;
        }
        Ok(())
    }
}

mesh_pipeline::pipeline!(MarketingCleaned);

/// The UTC day of an instant in milliseconds, as days since the epoch.
pub(crate) fn day_of(at: TimestampMillis) -> i32 {
    Instant::from_millis(at.0).date().days_since_epoch() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_conform_in_any_case() {
        assert_eq!(Channel::conform(" E-Mail"), Channel::Email);
        assert_eq!(Channel::conform("GOOGLE_ADS"), Channel::Search);
        assert_eq!(Channel::conform("instagram"), Channel::Social);
        assert_eq!(Channel::conform("sms"), Channel::Other);
    }

    #[test]
    fn touch_ids_are_stable_version_8_uuids() {
        let id = touch_id("mk-20261101-000001");
        assert_eq!(id, touch_id("mk-20261101-000001"));
        assert_ne!(id, touch_id("mk-20261101-000002"));
        let text = id.to_string();
        assert_eq!(&text[14..15], "8", "{text}");
        assert!(matches!(&text[19..20], "8" | "9" | "a" | "b"), "{text}");
    }

    #[test]
    fn days_are_utc_days_since_the_epoch() {
        assert_eq!(day_of(TimestampMillis(0)), 0);
        assert_eq!(day_of(TimestampMillis(-1)), -1);
        assert_eq!(day_of(TimestampMillis(86_400_000)), 1);
    }
}
