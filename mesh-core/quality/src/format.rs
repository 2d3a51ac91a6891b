//! Reports printed: a table for people, JSON for machines, GitHub annotations, JUnit XML for CI.

use std::fmt::Write as _;

use crate::report::ProductReport;

/// `1d 2h 3m 4s`, shortest form.
pub fn duration(seconds: i64) -> String {
    if seconds < 0 {
        return format!("-{}", duration(-seconds));
    }
    let (d, h, m, s) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m"), (s, "s")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

/// The text report.
pub fn text(reports: &[ProductReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let version = r.version.map(|v| format!(" version {v}")).unwrap_or_default();
        let _ = writeln!(out, "{}{version}: {} records in {} files", r.product, r.records, r.files.len());
        for rule in &r.rules {
            let verdict = if rule.passed { "ok  " } else { "FAIL" };
            let measured = rule.measured.as_deref().map(|m| format!(", {m}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {verdict} {:<40} {:>10} checked {:>10} failing{measured}  ({})",
                rule.id, rule.checked, rule.failing, rule.description
            );
            for e in &rule.examples {
                let _ = writeln!(out, "         at {} block {} record {}: {}", e.file, e.block, e.record, e.value);
            }
        }
        let score = r.quality_score.map_or("n/a".to_string(), |s| format!("{s:.3}%"));
        let bound = r.quality_bound.as_deref().map(|b| format!(" (SLA {b})")).unwrap_or_default();
        let _ = writeln!(out, "  quality score {score}{bound}");
        let age = r.freshness.age_seconds.map_or("n/a".to_string(), duration);
        let fbound = r.freshness.bound.as_deref().map(|b| format!(" (SLA {b})")).unwrap_or_default();
        let newest = r.freshness.newest_event_time.as_deref().unwrap_or("none");
        let _ = writeln!(out, "  freshness {age}{fbound}, newest event {newest}, at {}", r.at);
        for e in &r.read_errors {
            let block = e.block.map(|b| format!(" block {b}")).unwrap_or_default();
            let _ = writeln!(out, "  unreadable {}{block}: {}", e.file, e.message);
        }
        for b in &r.breaches {
            let _ = writeln!(out, "  breach {}: {}", b.what, b.message);
        }
    }
    let breached = reports.iter().filter(|r| r.exit_code() == 1).count();
    let unreadable = reports.iter().filter(|r| r.exit_code() == 2).count();
    let _ = writeln!(
        out,
        "{} products validated: {} keep their contract, {breached} breach it, {unreadable} unreadable",
        reports.len(),
        reports.len() - breached - unreadable
    );
    out
}

/// The reports as one JSON document.
pub fn json(reports: &[ProductReport]) -> String {
    serde_json::to_string_pretty(&serde_json::json!({ "products": reports })).unwrap_or_default() + "\n"
}

/// GitHub workflow commands: an error per breach and unreadable block.
pub fn github(reports: &[ProductReport]) -> String {
    let escape = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let mut out = String::new();
    for r in reports {
        for b in &r.breaches {
            let _ = writeln!(out, "::error title={} {}::{}", r.product, b.what, escape(&b.message));
        }
        for e in &r.read_errors {
            let _ = writeln!(out, "::error file={},title={} unreadable::{}", e.file, r.product, escape(&e.message));
        }
    }
    out
}

/// JUnit XML: a test suite per product, a test case per rule and SLA.
pub fn junit(reports: &[ProductReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mesh validate\">\n");
    for r in reports {
        let mut cases: Vec<(String, Option<String>)> = r
            .rules
            .iter()
            .map(|rule| {
                let failure = (!rule.passed)
                    .then(|| format!("{} of {} records fail: {}", rule.failing, rule.checked, rule.description));
                (rule.id.clone(), failure)
            })
            .collect();
        for what in ["sla.quality_score", "sla.freshness"] {
            cases.push((what.into(), r.breaches.iter().find(|b| b.what == what).map(|b| b.message.clone())));
        }
        for e in &r.read_errors {
            cases.push((format!("read {}", e.file), Some(e.message.clone())));
        }
        let failures = cases.iter().filter(|c| c.1.is_some()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
            xml(&r.product),
            cases.len()
        );
        for (name, failure) in cases {
            match failure {
                None => {
                    let _ = writeln!(out, "    <testcase classname=\"{}\" name=\"{}\"/>", xml(&r.product), xml(&name));
                }
                Some(message) => {
                    let _ = writeln!(
                        out,
                        "    <testcase classname=\"{}\" name=\"{}\"><failure message=\"{}\"/></testcase>",
                        xml(&r.product),
                        xml(&name),
                        xml(&message)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_short() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(90_061), "1d 1h 1m 1s");
        assert_eq!(duration(900), "15m");
    }

    #[test]
    fn xml_escapes_masks_and_quotes() {
        assert_eq!(xml("<pii:direct> \"a\" & b"), "&lt;pii:direct&gt; &quot;a&quot; &amp; b");
    }
}
