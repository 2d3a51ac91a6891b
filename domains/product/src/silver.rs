//! Cleaned, conformed product usage data.

use std::collections::{BTreeMap, HashSet};

use crate::bronze::UsageRaw;
use crate::event_payload::{EventPayload, Scalar};
use crate::types::Platform;
use mesh_core::model::Instant;
use mesh_core::{TimestampMicros, Uuid};
use mesh_macros::data_product;
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
        match name.to_ascii_lowercase().as_str() {
            "web" => Some(Self::Web),
            "ios" => Some(Self::Ios),
            "android" => Some(Self::Android),
            "api" => Some(Self::Api),
            _ => None,
        }
    }
}

/// A usage event's content; the error is a reason that quotes nothing of the event.
fn parse(raw: &UsageRaw) -> Result<UsageCleaned, &'static str> {
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
        customer_id: raw.user_id.clone(),
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
            let raw = raw?;
            match parse(&raw) {
                Ok(event) if seen.insert(event.event_id) => build.write(&event)?,
                Ok(_) => build.drop_record("duplicate usage event"),
                Err(reason) => build.quarantine(&raw, reason)?,
            }
        }
        Ok(())
    }
}

mesh_pipeline::pipeline!(UsageCleaned);
