//! A product's validation history on its page: the latest quality score and data age against the
//! SLA, a small chart of the quality score over the last runs (SVG drawn here, no script), and the
//! same runs as a table, which is what screen readers and print read.

use mesh_quality::history::Run;

use super::html::{el, Element};
use super::model::Entry;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 90.0;
const PAD: f64 = 8.0;

/// The "Quality history" section's content.
pub fn render(entry: &Entry) -> Element {
    let runs = &entry.validations;
    let Some(latest) = runs.last() else {
        return el("p").text("Not validated yet: run `cargo xtask validate` to measure quality and freshness.");
    };
    let sla = &entry.contract.sla;
    let bound = |bound: Option<String>, met: bool| match bound {
        Some(bound) => format!(" (SLA {bound}: {})", verdict(met)),
        None => " (no SLA)".to_owned(),
    };
    let latest_facts = el("p").text(format!(
        "Latest run (version {}, committed {}): quality score {}{}, data age {}{}.",
        latest.version,
        latest.committed_at,
        score(latest.quality_score),
        bound(sla.quality_score.map(|q| q.to_string()), latest.quality_met),
        data_age(latest.freshness_seconds),
        bound(sla.freshness.map(|f| f.to_string()), latest.freshness_met),
    ));
    el("div").child(latest_facts).child(chart(runs)).child(table(runs))
}

fn score(score: Option<f64>) -> String {
    score.map_or_else(|| "none (no records)".to_owned(), |s| format!("{s:.1}%"))
}

fn data_age(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "unknown".to_owned(), |s| format!("{s} s"))
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "breached"
    }
}

/// The quality score of each run, 0-100% bottom to top, one point per run, coloured by whether
/// the run met its SLA (quality and freshness).
fn chart(runs: &[Run]) -> Element {
    let step = if runs.len() > 1 { (WIDTH - 2.0 * PAD) / (runs.len() - 1) as f64 } else { 0.0 };
    let y = |score: f64| PAD + (100.0 - score.clamp(0.0, 100.0)) / 100.0 * (HEIGHT - 2.0 * PAD);
    let points: Vec<(f64, Option<f64>, &Run)> =
        runs.iter().enumerate().map(|(i, run)| (PAD + step * i as f64, run.quality_score.map(y), run)).collect();
    let line: Vec<String> = points.iter().filter_map(|(x, y, _)| y.map(|y| format!("{x:.1},{y:.1}"))).collect();
    let first = score(runs.first().and_then(|r| r.quality_score));
    let last = score(runs.last().and_then(|r| r.quality_score));
    let mut svg = el("svg")
        .attr("class", "quality-chart")
        .attr("viewBox", format!("0 0 {WIDTH} {HEIGHT}"))
        .attr("width", format!("{WIDTH}"))
        .attr("height", format!("{HEIGHT}"))
        .attr("role", "img")
        .attr("aria-label", format!("Quality score of the last {} runs, from {first} to {last}", runs.len()))
        .child(
            el("line")
                .attr("class", "axis")
                .attr("x1", "0")
                .attr("x2", format!("{WIDTH}"))
                .attr("y1", format!("{:.1}", y(0.0)))
                .attr("y2", format!("{:.1}", y(0.0))),
        )
        .child(el("polyline").attr("class", "score").attr("points", line.join(" ")));
    for (x, y, run) in points {
        let Some(y) = y else { continue };
        let met = run.quality_met && run.freshness_met;
        svg = svg.child(
            el("circle")
                .attr("class", format!("run {}", verdict(met)))
                .attr("cx", format!("{x:.1}"))
                .attr("cy", format!("{y:.1}"))
                .attr("r", "3.5")
                .child(el("title").text(format!(
                    "version {} committed {}: {}, SLA {}",
                    run.version,
                    run.committed_at,
                    score(run.quality_score),
                    verdict(met)
                ))),
        );
    }
    svg
}

fn table(runs: &[Run]) -> Element {
    let head = el("tr").children(
        ["Committed", "Version", "Quality score", "Quality", "Data age", "Freshness"]
            .map(|h| el("th").attr("scope", "col").text(h)),
    );
    let rows = runs.iter().rev().map(|run| {
        el("tr")
            .child(el("td").text(run.committed_at.clone()))
            .child(el("td").text(run.version.to_string()))
            .child(el("td").text(score(run.quality_score)))
            .child(verdict_cell(run.quality_met))
            .child(el("td").text(data_age(run.freshness_seconds)))
            .child(verdict_cell(run.freshness_met))
    });
    el("table")
        .attr("class", "quality-runs")
        .child(el("caption").text(match runs.len() {
            1 => "The one validation so far".to_owned(),
            n => format!("The last {n} validations, newest first"),
        }))
        .child(el("thead").child(head))
        .child(el("tbody").children(rows))
}

fn verdict_cell(met: bool) -> Element {
    el("td").attr("class", format!("sla-{}", verdict(met))).text(verdict(met))
}
