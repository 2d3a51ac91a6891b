//! Cleaned, conformed product usage data.

use std::collections::BTreeMap;

use crate::bronze::UsageRaw;
use crate::event_payload::{EventPayload, Scalar};
use crate::types::Platform;
use mesh_core::model::Instant;
use mesh_core::{TimestampMicros, Uuid};
use mesh_macros::data_product;
use mesh_pipeline::clean::{HashSet, HashSetExt};
use mesh_pipeline::{Build, Pipeline, PipelineError};

/// Usage events, deduplicated, mapped to features and (where signed in) customers.
#[data_product(
    domain = "product",
    version = "1.1.0",
    event_time = "occurred_at",
    owner = "product-analytics@company.com",
    layer = "silver",
    support = "#product-analytics on Slack",
    tags("usage"),
    sla(freshness = "5 minutes", availability = "99.9%", quality_score = ">99%"),
    access(read = "SELECT on silver.usage_cleaned", authentication = "OAuth2"),
    inputs(UsageRaw)
)]
pub struct UsageCleaned {
    /// Unique event identifier.
    pub event_id: Uuid,
    /// The customer using the product, when signed in.
    pub customer_id: Option<String>,
    /// The product feature used.
    pub feature: String,
    /// Where the event came from.
    pub platform: Platform,
    /// When the event happened (UTC).
    pub occurred_at: TimestampMicros,
    /// How long the interaction took, when measured.
    pub duration_ms: Option<i64>,
    /// Conformed event properties.
    pub properties: BTreeMap<String, String>,
}

impl Platform {
    /// The platform a client names, in any case.
    pub fn from_name(name: &str) -> Option<Self> {
        [("web", Self::Web), ("ios", Self::Ios), ("android", Self::Android), ("api", Self::Api)]
            .into_iter()
            .find_map(|(known, platform)| known.eq_ignore_ascii_case(name).then_some(platform))
    }
}

/// A usage event's content; the error gives the event back (to quarantine) with a reason that
/// quotes nothing of it.
fn parse(raw: UsageRaw) -> Result<UsageCleaned, (Box<UsageRaw>, &'static str)> {
    match validate(&raw) {
        // The user id moves into the cleaned event rather than being copied.
        Ok(event) => Ok(UsageCleaned { customer_id: raw.user_id, ..event }),
        Err(reason) => Err((Box::new(raw), reason)),
    }
}

/// The cleaned event of `raw`, but for its `customer_id` (left out).
fn validate(raw: &UsageRaw) -> Result<UsageCleaned, &'static str> {
    let event_id: Uuid = raw.event_id.parse().map_err(|_| "`event_id` is not a UUID")?;
    let payload = EventPayload::parse(&raw.payload)?;
    let platform = match payload.platform {
        Some(Scalar::Text(name)) => Platform::from_name(&name).ok_or("`platform` is not web, ios, android or api")?,
        _ => return Err("the payload has no `platform` text"),
    };
    let occurred_at = match payload.client_ts {
        Some(Scalar::Text(text)) => {
            Instant::parse_rfc3339(&text).map_err(|_| "`client_ts` is not an RFC 3339 timestamp")?.0
        }
        // Clients that keep no clock: the collector's time is the best there is.
        None | Some(Scalar::Null) => raw.received_at.0,
        Some(_) => return Err("`client_ts` is not text"),
    };
    let duration_ms = match payload.duration_ms {
        None | Some(Scalar::Null) => None,
        Some(Scalar::Int(ms)) if ms >= 0 => Some(ms),
        Some(_) => return Err("`duration_ms` is not a whole number of milliseconds"),
    };
    let feature = raw.event_name.split('.').next().unwrap_or_default().trim().to_ascii_lowercase();
    if feature.is_empty() {
        return Err("`event_name` names no feature");
    }
    Ok(UsageCleaned {
        event_id,
        customer_id: None,
        feature,
        platform,
        occurred_at: TimestampMicros(occurred_at),
        duration_ms,
        properties: payload.properties,
    })
}

/// Parses each event's payload, quarantines events that do not validate, and keeps the first
/// event of each event id (clients retry). Holds the ids seen: 16 bytes per event.
impl Pipeline for UsageCleaned {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let mut seen = HashSet::new();
        for raw in build.read::<UsageRaw>()? {
            match parse(raw?) {
                Ok(event) if seen.insert(event.event_id) => build.write(&event)?,
                Ok(_) => build.drop_record("duplicate usage event"),
                Err((raw, reason)) => build.quarantine(&*raw, reason)?,
            }
        }
        Ok(())
    }
}

mesh_pipeline::pipeline!(UsageCleaned);
