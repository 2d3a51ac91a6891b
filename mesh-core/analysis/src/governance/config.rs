//! `mesh.toml`: the mesh's global policies, stricter local policies of
//! domains, and waivers.
//!
//! ```toml
//! [policies]                      # global level of each policy: "error", "warning" or "off"
//! layer-names = "error"
//!
//! [domains.sales.policies]        # a domain of the mesh may only be stricter than the global level
//! layer-names = "error"
//!
//! [[waivers]]                     # a domain's time-limited exception to a global policy
//! domain = "marketing"
//! policy = "published-docs"       # name or code (MESH0104)
//! reason = "fields documented in the catalog migration, ticket DATA-123"
//! expires = "2027-01-31"
//! ```
//!
//! A table sets each policy once, by name or by code. Every problem in the
//! file becomes a diagnostic pointing at its line; the valid rest still
//! applies, so one typo does not hide the mesh's findings.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::policy::{Level, Policy, POLICIES};
use crate::diagnostic::{Code, Diagnostic, Location};
use mesh_model::CalendarDate;

/// A domain's time-limited exception to a global policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The domain excused.
    pub domain: String,
    /// The policy waived.
    pub policy: Policy,
    /// Why the domain cannot comply yet.
    pub reason: String,
    /// The last day the waiver applies.
    pub expires: CalendarDate,
    /// Where the waiver is declared.
    pub location: Location,
}

/// The parsed `mesh.toml`, or the built-in defaults.
#[derive(Debug, Clone)]
pub struct MeshConfig {
    global: Vec<Level>,
    local: HashMap<String, Vec<Option<Level>>>,
    domain_tables: Vec<(String, Location)>,
    /// The waivers declared.
    pub waivers: Vec<Waiver>,
    /// What was wrong in the file.
    pub problems: Vec<Diagnostic>,
}

impl Default for MeshConfig {
    fn default() -> Self {
        Self {
            global: POLICIES.iter().map(|info| info.default_level).collect(),
            local: HashMap::new(),
            domain_tables: Vec::new(),
            waivers: Vec::new(),
            problems: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    policies: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    domains: BTreeMap<Spanned<String>, RawDomain>,
    #[serde(default)]
    waivers: Vec<Spanned<RawWaiver>>,
    /// Alert routing: read by `mesh-alerts`, not a governance setting.
    #[serde(default)]
    #[allow(dead_code)]
    alerts: Option<toml::Value>,
    /// The keyring: read by `cargo xtask`, not a governance setting.
    #[serde(default)]
    #[allow(dead_code)]
    keys: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    #[serde(default)]
    policies: BTreeMap<String, Spanned<String>>,
    /// The domain's alert routing: read by `mesh-alerts`.
    #[serde(default)]
    #[allow(dead_code)]
    alerts: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    domain: Option<String>,
    policy: Option<String>,
    reason: Option<String>,
    expires: Option<toml::Value>,
}

/// Turns byte offsets of the file into locations: lines and columns (in bytes) from 1.
struct Source<'a> {
    file: &'a str,
    /// Where each line starts, found once: rescanning the text for every diagnostic made a
    /// file of many tables or waivers quadratic to check.
    line_starts: Vec<usize>,
    len: usize,
}

impl<'a> Source<'a> {
    fn new(file: &'a str, text: &str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Self { file, line_starts, len: text.len() }
    }

    fn location(&self, span: Range<usize>) -> Location {
        let offset = span.start.min(self.len);
        // The lines starting at or before `offset`: at least the first, which starts at 0.
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let column = offset - self.line_starts[line - 1] + 1;
        Location { file: self.file.to_string(), line: line as u32, column: column as u32 }
    }
}

impl MeshConfig {
    /// The configuration in `text`, the contents of `file` (relative to the workspace root, for diagnostics).
    ///
    /// Never fails: problems are kept in [`MeshConfig::problems`] and reported by the check.
    pub fn parse(text: &str, file: &str) -> Self {
        let source = Source::new(file, text);
        let mut config = Self::default();
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let location = source.location(e.span().unwrap_or(0..0));
                config.problems.push(
                    Diagnostic::new(Code::InvalidConfig, format!("{file} is not valid: {}", e.message().trim()))
                        .at(location)
                        .help("fix the file; the built-in policies apply until then (see the README for the format)"),
                );
                return config;
            }
        };
        for (policy, level, _) in config.table_levels(&source, &raw.policies, "policies") {
            config.global[policy as usize] = level;
        }
        for (domain, raw_domain) in &raw.domains {
            let mut levels = vec![None; POLICIES.len()];
            let table = format!("domains.{}.policies", domain.get_ref());
            for (policy, level, span) in config.table_levels(&source, &raw_domain.policies, &table) {
                let global = config.global[policy as usize];
                if level < global {
                    config.problems.push(
                        Diagnostic::new(
                            Code::LaxLocalPolicy,
                            format!(
                                "domain `{domain}` sets policy {policy} to `{level}`, laxer than the global `{global}`"
                            ),
                        )
                        .at(source.location(span))
                        .help(format!(
                            "local policies may only be stricter; to excuse `{domain}` for a while, add a [[waivers]] \
                             entry with a reason and an expiry date"
                        )),
                    );
                    continue;
                }
                levels[policy as usize] = Some(level);
            }
            config.domain_tables.push((domain.get_ref().clone(), source.location(domain.span())));
            config.local.insert(domain.get_ref().clone(), levels);
        }
        for waiver in &raw.waivers {
            if let Some(waiver) = config.waiver(&source, waiver) {
                config.waivers.push(waiver);
            }
        }
        config
    }

    /// The valid `(policy, level, span of the level)` entries of one policies table, in file order; reports
    /// unknown policies, unknown levels and a policy set twice (once by name, once by code).
    fn table_levels(
        &mut self,
        source: &Source<'_>,
        entries: &BTreeMap<String, Spanned<String>>,
        table: &str,
    ) -> Vec<(Policy, Level, Range<usize>)> {
        let mut entries: Vec<(&String, &Spanned<String>)> = entries.iter().collect();
        entries.sort_by_key(|(_, level)| level.span().start);
        let mut first: Vec<Option<(&str, u32)>> = vec![None; POLICIES.len()];
        let mut levels = Vec::new();
        for (key, level) in entries {
            let location = source.location(level.span());
            let Some(policy) = Policy::find(key) else {
                self.problems.push(unknown_policy(Code::InvalidConfig, key).at(location));
                continue;
            };
            if let Some((first_key, first_line)) = first[policy as usize] {
                self.problems.push(
                    Diagnostic::new(
                        Code::InvalidConfig,
                        format!(
                            "policy {policy} is set twice in [{table}]: as `{first_key}` on line {first_line} and as `{key}`"
                        ),
                    )
                    .at(location)
                    .help(format!("keep one: remove `{key}` or `{first_key}`; until then the first applies")),
                );
                continue;
            }
            first[policy as usize] = Some((key, location.line));
            match Level::parse(level.get_ref()) {
                Ok(parsed) => levels.push((policy, parsed, level.span())),
                Err(e) => self.problems.push(
                    Diagnostic::new(Code::InvalidConfig, format!("policy `{key}`: {e}"))
                        .at(location)
                        .help(format!("write `{key} = \"error\"`")),
                ),
            }
        }
        levels
    }

    fn waiver(&mut self, source: &Source<'_>, raw: &Spanned<RawWaiver>) -> Option<Waiver> {
        let location = source.location(raw.span());
        let RawWaiver { domain, policy, reason, expires } = raw.get_ref();
        let missing: Vec<&str> = [
            ("domain", domain.is_none()),
            ("policy", policy.is_none()),
            ("reason", reason.as_deref().is_none_or(|r| r.trim().is_empty())),
            ("expires", expires.is_none()),
        ]
        .into_iter()
        .filter_map(|(key, missing)| missing.then_some(key))
        .collect();
        if !missing.is_empty() {
            self.problems.push(
                Diagnostic::new(Code::InvalidWaiver, format!("waiver is missing `{}`", missing.join("`, `")))
                    .at(location)
                    .help(
                        "a waiver names the domain, the policy, the reason the domain cannot comply yet, and the \
                         last day it applies: domain = \"sales\", policy = \"published-docs\", reason = \"...\", \
                         expires = \"2027-01-31\"",
                    ),
            );
            return None;
        }
        let (domain, policy, reason, expires) =
            (domain.clone()?, policy.as_deref()?, reason.clone()?, expires.as_ref()?);
        let Some(found) = Policy::find(policy) else {
            let diagnostic = if policy.starts_with("MESH0") {
                Diagnostic::new(Code::InvalidWaiver, format!("`{policy}` is not a policy and cannot be waived"))
                    .help("lineage and configuration errors (MESH00xx, MESH02xx) are always fixed, never waived")
            } else {
                unknown_policy(Code::InvalidWaiver, policy)
            };
            self.problems.push(diagnostic.at(location));
            return None;
        };
        let expires_text = match expires {
            toml::Value::String(text) => text.clone(),
            toml::Value::Datetime(date) => date.to_string(),
            other => format!("<{}>", other.type_str()),
        };
        match CalendarDate::parse(&expires_text) {
            Ok(expires) => Some(Waiver { domain, policy: found, reason, expires, location }),
            Err(e) => {
                self.problems.push(
                    Diagnostic::new(Code::InvalidWaiver, format!("waiver `expires`: {e}"))
                        .at(location)
                        .help("write the last day the waiver applies: expires = \"2027-01-31\""),
                );
                None
            }
        }
    }

    /// The level of `policy` for products of `domain`: the domain's own if it set one, else the global one.
    pub fn level(&self, policy: Policy, domain: &str) -> Level {
        self.local.get(domain).and_then(|levels| levels[policy as usize]).unwrap_or(self.global[policy as usize])
    }

    /// The global level of `policy`: `mesh.toml`'s `[policies]`, else the built-in default.
    pub fn global_level(&self, policy: Policy) -> Level {
        self.global[policy as usize]
    }

    /// The domains `mesh.toml` has a `[domains.<domain>]` table for, with where the domain is named, in name order.
    pub fn domain_tables(&self) -> impl Iterator<Item = (&str, &Location)> {
        self.domain_tables.iter().map(|(domain, location)| (domain.as_str(), location))
    }

    /// The waiver that excuses `domain` from `policy` on `today`: the first declared one, if it
    /// has not expired (the check reports expired and repeated ones).
    pub fn active_waiver(&self, domain: &str, policy: Policy, today: CalendarDate) -> Option<&Waiver> {
        self.waivers
            .iter()
            .find(|waiver| waiver.domain == domain && waiver.policy == policy)
            .filter(|waiver| waiver.expires >= today)
    }

    /// The strictest level of `policy` in any domain: whether the check must run at all.
    pub fn strictest(&self, policy: Policy) -> Level {
        self.local
            .values()
            .filter_map(|levels| levels[policy as usize])
            .chain([self.global[policy as usize]])
            .max()
            .unwrap_or(Level::Off)
    }
}

fn unknown_policy(code: Code, key: &str) -> Diagnostic {
    let known: Vec<&str> = POLICIES.iter().map(|info| info.name()).collect();
    let (first, last) = (POLICIES[0].code, POLICIES[POLICIES.len() - 1].code);
    Diagnostic::new(code, format!("unknown policy `{key}`"))
        .help(format!("write a policy name or code: {} ({first}..{last})", known.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(config: &MeshConfig) -> Vec<(Code, u32)> {
        config.problems.iter().map(|d| (d.code, d.location.as_ref().map_or(0, |l| l.line))).collect()
    }

    #[test]
    fn alert_tables_are_no_governance_problem() {
        let config = MeshConfig::parse(
            "[alerts]\nwebhook-env = \"HOOK\"\n\n[domains.sales.alerts]\nretries = 1\n\n[domains.sales.policies]\nlayer-names = \"error\"\n",
            "mesh.toml",
        );
        assert_eq!(codes(&config), []);
        assert_eq!(config.level(Policy::LayerNames, "sales"), Level::Error);
    }

    #[test]
    fn global_and_stricter_local_levels_apply() {
        let config = MeshConfig::parse(
            "[policies]\nlayer-names = \"off\"\nMESH0101 = \"warning\"\n\n[domains.sales.policies]\nlayer-names = \"error\"\n",
            "mesh.toml",
        );
        assert_eq!(codes(&config), []);
        assert_eq!(config.level(Policy::LayerNames, "marketing"), Level::Off);
        assert_eq!(config.level(Policy::LayerNames, "sales"), Level::Error);
        assert_eq!(config.strictest(Policy::LayerNames), Level::Error);
        assert_eq!(config.level(Policy::PiiEncryptedAtRest, "sales"), Level::Warning);
        assert_eq!(config.level(Policy::Ownership, "sales"), Level::Error, "built-in default");
    }

    #[test]
    fn a_local_policy_cannot_relax_a_global_one() {
        let config = MeshConfig::parse("[domains.sales.policies]\nownership = \"warning\"\n", "mesh.toml");
        assert_eq!(codes(&config), [(Code::LaxLocalPolicy, 2)]);
        assert_eq!(config.level(Policy::Ownership, "sales"), Level::Error);
    }

    #[test]
    fn a_policy_set_twice_by_name_and_code_is_reported_on_the_second_line() {
        // Key order (`MESH0108` < `layer-names`) differs from file order: the file's first setting applies.
        let config = MeshConfig::parse(
            "[policies]\nlayer-names = \"off\"\nMESH0108 = \"error\"\n\n\
             [domains.sales.policies]\nMESH0101 = \"error\"\npii-encrypted-at-rest = \"error\"\n",
            "mesh.toml",
        );
        assert_eq!(codes(&config), [(Code::InvalidConfig, 3), (Code::InvalidConfig, 7)]);
        assert_eq!(
            config.problems[0].message,
            "policy layer-names (MESH0108) is set twice in [policies]: as `layer-names` on line 2 and as `MESH0108`"
        );
        assert_eq!(
            config.problems[1].message,
            "policy pii-encrypted-at-rest (MESH0101) is set twice in [domains.sales.policies]: \
             as `MESH0101` on line 6 and as `pii-encrypted-at-rest`"
        );
        assert!(config.problems[0].help.as_ref().unwrap().starts_with("keep one"));
        assert_eq!(config.global_level(Policy::LayerNames), Level::Off);
    }

    #[test]
    fn domain_tables_are_kept_with_their_line() {
        let config = MeshConfig::parse(
            "[policies]\nlayer-names = \"warning\"\n\n[domains.sale.policies]\nlayer-names = \"error\"\n\n[domains.crm]\n",
            "mesh.toml",
        );
        let tables: Vec<(&str, u32)> = config.domain_tables().map(|(domain, at)| (domain, at.line)).collect();
        assert_eq!(tables, [("crm", 7), ("sale", 4)]);
    }

    #[test]
    fn waivers_need_a_reason_and_an_expiry_date() {
        let config = MeshConfig::parse(
            "[[waivers]]\ndomain = \"sales\"\npolicy = \"published-docs\"\nreason = \"migration\"\nexpires = 2027-01-31\n\n\
             [[waivers]]\ndomain = \"sales\"\npolicy = \"MESH0101\"\n\n\
             [[waivers]]\ndomain = \"sales\"\npolicy = \"MESH0004\"\nreason = \"r\"\nexpires = \"2027-01-31\"\n\n\
             [[waivers]]\ndomain = \"sales\"\npolicy = \"ownership\"\nreason = \"r\"\nexpires = \"2027-02-30\"\n",
            "mesh.toml",
        );
        assert_eq!(config.waivers.len(), 1);
        assert_eq!(config.waivers[0].policy, Policy::PublishedDocs);
        assert_eq!(config.waivers[0].expires.to_string(), "2027-01-31");
        assert_eq!(config.waivers[0].location.line, 1);
        assert_eq!(codes(&config), [(Code::InvalidWaiver, 7), (Code::InvalidWaiver, 11), (Code::InvalidWaiver, 17)]);
        assert_eq!(config.problems[0].message, "waiver is missing `reason`, `expires`");
        assert_eq!(config.problems[1].message, "`MESH0004` is not a policy and cannot be waived");
    }

    #[test]
    fn locations_count_lines_and_byte_columns_from_one() {
        let source = Source::new("mesh.toml", "ab\n\nxyz\n");
        let at = |offset: usize| {
            let location = source.location(offset..offset + 1);
            (location.line, location.column)
        };
        assert_eq!(
            [at(0), at(1), at(2), at(3), at(4), at(6), at(8)],
            [(1, 1), (1, 2), (1, 3), (2, 1), (3, 1), (3, 3), (4, 1)]
        );
        assert_eq!(at(100), (4, 1), "past the end: the end");
        assert_eq!(Source::new("mesh.toml", "").location(0..0).line, 1);
    }

    #[test]
    fn malformed_files_unknown_policies_and_levels_are_reported_at_their_line() {
        let config = MeshConfig::parse("[policies]\npii = \"error\"\nownership = \"fatal\"\n", "mesh.toml");
        assert_eq!(codes(&config), [(Code::InvalidConfig, 2), (Code::InvalidConfig, 3)], "in file order");
        let config = MeshConfig::parse("[policies\n", "mesh.toml");
        assert_eq!(codes(&config), [(Code::InvalidConfig, 1)]);
        let config = MeshConfig::parse("\n[waivers]\n", "mesh.toml");
        assert_eq!(config.problems.len(), 1);
        assert_eq!(config.level(Policy::Ownership, "x"), Level::Error, "defaults still apply");
    }
}
