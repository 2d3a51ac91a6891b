//! mesh-alerts: what a validation's breaches tell the people who own the data.
//!
//! - [`alert`]: one alert per breach (Slack-compatible `text` plus structured fields), built from
//!   counts, bounds and rule ids only, so no record value reaches it;
//! - [`config`]: where alerts go, per domain, from `mesh.toml`;
//! - [`webhook`]: the delivery, with a timeout and a bounded retry;
//! - [`metrics`]: the validation as Prometheus metrics for node_exporter's textfile collector;
//! - [`rules`]: Prometheus alerting rules generated from every product's SLA.
//!
//! A failing delivery is reported and never fails the validation or loses its result: the
//! history is written before alerts are sent.

pub mod alert;
pub mod config;
pub mod metrics;
pub mod rules;
pub mod webhook;

use std::path::{Path, PathBuf};

use mesh_model::{Instant, ProductDescriptor};
use mesh_quality::report::ProductReport;

use config::AlertsConfig;

/// What delivering a validation's alerts and metrics did.
#[derive(Debug, Default)]
pub struct Delivery {
    /// Alerts a webhook accepted.
    pub sent: usize,
    /// Alerts with no webhook configured for their domain.
    pub unrouted: usize,
    /// Deliveries that failed, one line each (endpoints only, never a webhook's secret path).
    pub failures: Vec<String>,
    /// Metrics files written.
    pub metrics_files: Vec<PathBuf>,
}

/// Sends every breach of `validated` to its domain's webhook and, with `metrics_dir`, writes each
/// product's metrics file. `env` reads the environment (for `webhook-env`).
pub fn deliver(
    validated: &[(&ProductDescriptor, &ProductReport)],
    config: &AlertsConfig,
    metrics_dir: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    now: Instant,
) -> Delivery {
    let mut delivery = Delivery::default();
    for (product, report) in validated {
        let route = config.route(&product.domain, env);
        let alerts = alert::alerts(product, report);
        match &route.webhook {
            None => delivery.unrouted += alerts.len(),
            Some(url) if !alerts.is_empty() => {
                let agent = webhook::agent(&route);
                for alert in alerts {
                    let body = serde_json::to_string(&alert).unwrap_or_default();
                    match webhook::post(&agent, url, &route, &body) {
                        Ok(_) => delivery.sent += 1,
                        Err(e) => delivery.failures.push(format!("{} `{}`: {e}", alert.product, alert.breach)),
                    }
                }
            }
            Some(_) => {}
        }
        if let Some(dir) = metrics_dir {
            let file = metrics::file_of(dir, product);
            match metrics::write(&file, &metrics::text(product, report, now)) {
                Ok(()) => delivery.metrics_files.push(file),
                Err(e) => delivery.failures.push(e),
            }
        }
    }
    delivery
}

#[cfg(test)]
mod tests;
