//! The assessment's result as text, Markdown or JSON: the scores, the total and band, what to do
//! first for each factor below 3, and the mesh's evidence beside each factor.

use std::fmt::Write as _;

use super::evidence::Fact;
use super::factors::Scores;

fn facts_of<'a>(facts: &'a [Fact], key: &'a str) -> impl Iterator<Item = &'a Fact> + 'a {
    facts.iter().filter(move |fact| fact.factor == key)
}

/// For a terminal or a log.
pub fn text(scores: &Scores, facts: &[Fact]) -> String {
    let mut out = String::new();
    let band = scores.band();
    let (low, high) = band.range();
    let _ = writeln!(out, "Readiness: {} of 30, {band} ({low}-{high}): {}.\n", scores.total(), band.meaning());
    for (factor, score) in scores.iter() {
        let _ = writeln!(out, "{:<24} {score}", factor.name);
        for fact in facts_of(facts, factor.key) {
            let _ = writeln!(out, "    mesh: {}", fact.text);
        }
    }
    let mut weak = scores.weak().peekable();
    if weak.peek().is_some() {
        let _ = writeln!(out, "\nFirst, for the factors below 3:");
        for (factor, score) in weak {
            let _ = writeln!(out, "  {} ({score}): {}", factor.name, factor.first_step);
        }
    }
    out
}

/// For a review document.
pub fn markdown(scores: &Scores, facts: &[Fact]) -> String {
    let mut out = String::new();
    let band = scores.band();
    let (low, high) = band.range();
    let _ = writeln!(out, "# Data mesh readiness\n");
    let _ = writeln!(out, "**{} of 30: {band}** ({low}-{high}): {}.\n", scores.total(), band.meaning());
    let _ = writeln!(out, "| Factor | Score | What the mesh shows |\n|---|---|---|");
    for (factor, score) in scores.iter() {
        let shown: Vec<String> = facts_of(facts, factor.key).map(|fact| escape(&fact.text)).collect();
        let _ = writeln!(out, "| {} | {score} | {} |", factor.name, shown.join("<br>"));
    }
    let mut weak = scores.weak().peekable();
    if weak.peek().is_some() {
        let _ = writeln!(out, "\n## First steps\n");
        for (factor, score) in weak {
            let _ = writeln!(out, "- **{}** ({score}): {}", factor.name, factor.first_step);
        }
    }
    out
}

/// For machines: `scores` by key, `total`, `band`, the first steps and the evidence.
pub fn json(scores: &Scores, facts: &[Fact]) -> String {
    let band = scores.band();
    let (low, high) = band.range();
    let value = serde_json::json!({
        "scores": scores.iter().map(|(f, s)| (f.key.to_owned(), serde_json::Value::from(s))).collect::<serde_json::Map<_, _>>(),
        "total": scores.total(),
        "band": band.name(),
        "band_range": [low, high],
        "first_steps": scores.weak().map(|(f, s)| serde_json::json!({"factor": f.key, "score": s, "step": f.first_step})).collect::<Vec<_>>(),
        "evidence": facts.iter().map(|fact| serde_json::json!({"factor": fact.factor, "fact": fact.text})).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// A table cell's text: a `|` would end the cell.
fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Vec<Fact> {
        vec![Fact { factor: "governance_maturity", text: "9 of 9 global policies at error level".to_owned() }]
    }

    #[test]
    fn text_names_the_band_and_the_first_step_of_each_weak_factor_only() {
        let scores = Scores::new([2, 3, 3, 3, 3, 3]).unwrap();
        let text = text(&scores, &facts());
        assert!(text.starts_with("Readiness: 17 of 30, Build foundation first (12-17)"), "{text}");
        assert!(text.contains("  Domain clarity (2): map the business"), "{text}");
        assert!(!text.contains("Team maturity (3):"), "{text}");
        assert!(text.contains("Governance maturity      3\n    mesh: 9 of 9 global policies"), "{text}");
    }

    #[test]
    fn no_first_steps_when_no_factor_is_below_three() {
        let scores = Scores::new([3; 6]).unwrap();
        assert!(!text(&scores, &[]).contains("First,"));
        assert!(!markdown(&scores, &[]).contains("## First steps"));
    }

    #[test]
    fn json_has_scores_by_key_total_and_band() {
        let scores = Scores::new([5, 5, 4, 4, 3, 3]).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json(&scores, &facts())).unwrap();
        assert_eq!(value["scores"]["platform_capability"], 4);
        assert_eq!(value["total"], 24);
        assert_eq!(value["band"], "Strong mesh candidate");
        assert_eq!(value["evidence"][0]["factor"], "governance_maturity");
    }

    #[test]
    fn markdown_puts_the_evidence_beside_its_factor() {
        let scores = Scores::new([1; 6]).unwrap();
        let md = markdown(&scores, &facts());
        assert!(md.contains("**6 of 30: Centralized approach** (6-11)"), "{md}");
        assert!(md.contains("| Governance maturity | 1 | 9 of 9 global policies at error level |"), "{md}");
        assert!(md.contains("- **Scale need** (1): "), "{md}");
    }
}
