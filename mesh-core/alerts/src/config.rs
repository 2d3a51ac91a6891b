//! Where alerts go: the `[alerts]` table of `mesh.toml` (every domain) and `[domains.<d>.alerts]`
//! (one domain, overriding the defaults).
//!
//! ```toml
//! [alerts]
//! webhook-env = "MESH_ALERT_WEBHOOK"   # the URL is a secret: read it from the environment
//! timeout-seconds = 5
//! retries = 2
//! metrics-dir = "lakehouse/_metrics"   # node_exporter's textfile collector reads *.prom here
//!
//! [domains.sales.alerts]
//! webhook = "http://127.0.0.1:9000/hooks/sales"
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// How a domain's alerts are delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The webhook's URL, when the domain has one.
    pub webhook: Option<String>,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Attempts after the first when one fails.
    pub retries: u32,
}

/// The alerting configuration of the mesh.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertsConfig {
    defaults: RawRoute,
    domains: BTreeMap<String, RawRoute>,
    /// Where the Prometheus metrics files go, when set (relative paths from the workspace root).
    pub metrics_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRoute {
    webhook: Option<String>,
    webhook_env: Option<String>,
    timeout_seconds: Option<u64>,
    retries: Option<u32>,
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    alerts: Option<RawGlobal>,
    #[serde(default)]
    domains: BTreeMap<String, RawDomain>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGlobal {
    webhook: Option<String>,
    webhook_env: Option<String>,
    timeout_seconds: Option<u64>,
    retries: Option<u32>,
    metrics_dir: Option<PathBuf>,
}

#[derive(Deserialize)]
struct RawDomain {
    #[serde(default)]
    alerts: Option<RawRoute>,
}

/// Default seconds one webhook attempt may take.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 5;
/// Default attempts after a failed one.
pub const DEFAULT_RETRIES: u32 = 2;
/// The most attempts after a failed one: a broken endpoint must not hold a validation for long.
pub const MAX_RETRIES: u32 = 5;

impl AlertsConfig {
    /// The alerting tables of `text`, the contents of `file` (for messages). Other tables (policies,
    /// waivers) are the check's and ignored here.
    ///
    /// # Errors
    /// The file is not TOML, or an alerts table has an unknown key or a value of the wrong type
    /// (the message names the file and the key).
    pub fn parse(text: &str, file: &str) -> Result<Self, String> {
        let raw: RawFile = toml::from_str(text)
            .map_err(|e| format!("{file}: the alerts configuration is not valid: {}", e.message().trim()))?;
        let mut config = Self::default();
        if let Some(global) = raw.alerts {
            config.defaults = RawRoute {
                webhook: global.webhook,
                webhook_env: global.webhook_env,
                timeout_seconds: global.timeout_seconds,
                retries: global.retries,
            };
            config.metrics_dir = global.metrics_dir;
        }
        for (domain, table) in raw.domains {
            if let Some(route) = table.alerts {
                config.domains.insert(domain, route);
            }
        }
        for (table, route) in std::iter::once(("alerts".to_string(), &config.defaults))
            .chain(config.domains.iter().map(|(d, r)| (format!("domains.{d}.alerts"), r)))
        {
            if route.webhook.is_some() && route.webhook_env.is_some() {
                return Err(format!("{file}: [{table}] sets both `webhook` and `webhook-env`; keep one"));
            }
            if route.retries.is_some_and(|r| r > MAX_RETRIES) {
                return Err(format!("{file}: [{table}] retries must be at most {MAX_RETRIES}"));
            }
            if route.timeout_seconds == Some(0) {
                return Err(format!("{file}: [{table}] timeout-seconds must be at least 1"));
            }
        }
        Ok(config)
    }

    /// The same configuration with every webhook removed (`validate --no-alerts`).
    pub fn without_webhooks(mut self) -> Self {
        for route in std::iter::once(&mut self.defaults).chain(self.domains.values_mut()) {
            route.webhook = None;
            route.webhook_env = None;
        }
        self
    }

    /// The route of `domain`: its own settings, else the defaults. `env` reads an environment
    /// variable (a `webhook-env` that is unset or empty means no webhook).
    pub fn route(&self, domain: &str, env: &dyn Fn(&str) -> Option<String>) -> Route {
        let own = self.domains.get(domain);
        let pick = |f: fn(&RawRoute) -> bool| own.filter(|r| f(r)).unwrap_or(&self.defaults);
        let webhook_source = pick(|r| r.webhook.is_some() || r.webhook_env.is_some());
        let webhook = match (&webhook_source.webhook, &webhook_source.webhook_env) {
            (Some(url), _) => Some(url.clone()),
            (None, Some(variable)) => env(variable).filter(|v| !v.trim().is_empty()),
            (None, None) => None,
        };
        Route {
            webhook,
            timeout: Duration::from_secs(
                pick(|r| r.timeout_seconds.is_some()).timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS),
            ),
            retries: pick(|r| r.retries.is_some()).retries.unwrap_or(DEFAULT_RETRIES),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "[policies]\nownership = \"error\"\n\n[alerts]\nwebhook-env = \"HOOK\"\nretries = 1\nmetrics-dir = \"lake/_metrics\"\n\n[domains.sales.policies]\nlayer-names = \"error\"\n\n[domains.sales.alerts]\nwebhook = \"http://127.0.0.1:1/sales\"\ntimeout-seconds = 2\n";

    fn env(name: &str) -> Option<String> {
        (name == "HOOK").then(|| "http://127.0.0.1:1/all".to_string())
    }

    #[test]
    fn a_domain_overrides_the_defaults_key_by_key() {
        let config = AlertsConfig::parse(FILE, "mesh.toml").unwrap();
        assert_eq!(
            config.route("sales", &env),
            Route { webhook: Some("http://127.0.0.1:1/sales".into()), timeout: Duration::from_secs(2), retries: 1 }
        );
        assert_eq!(
            config.route("marketing", &env),
            Route { webhook: Some("http://127.0.0.1:1/all".into()), timeout: Duration::from_secs(5), retries: 1 }
        );
        assert_eq!(config.route("marketing", &|_| None).webhook, None, "an unset variable means no webhook");
        assert_eq!(config.metrics_dir, Some(PathBuf::from("lake/_metrics")));
    }

    #[test]
    fn mistakes_name_the_file_and_the_key() {
        let error = AlertsConfig::parse("[alerts]\nwebhok = \"x\"\n", "mesh.toml").unwrap_err();
        assert!(error.starts_with("mesh.toml") && error.contains("webhok"), "{error}");
        let error = AlertsConfig::parse("[alerts]\nwebhook = \"a\"\nwebhook-env = \"B\"\n", "mesh.toml").unwrap_err();
        assert!(error.contains("[alerts] sets both"), "{error}");
        let error = AlertsConfig::parse("[domains.x.alerts]\nretries = 50\n", "mesh.toml").unwrap_err();
        assert!(error.contains("[domains.x.alerts] retries must be at most 5"), "{error}");
    }

    #[test]
    fn no_alerts_table_means_no_webhook_and_no_metrics() {
        let config = AlertsConfig::parse("[policies]\n", "mesh.toml").unwrap();
        assert_eq!(config.route("sales", &env).webhook, None);
        assert_eq!(config.metrics_dir, None);
    }
}
