//! What the mesh itself shows about readiness, beside the person's scores: facts read from the
//! declarations, mesh.toml, the lakehouse and CI. They inform; the scores decide.

use std::collections::BTreeMap;
use std::path::Path;

use mesh_analysis::governance::{CalendarDate, Level, MeshConfig, POLICIES};
use mesh_analysis::lineage::Lineage;
use mesh_core::model::{Layer, ProductDescriptor, Visibility};
use mesh_quality::history::Compliance;

/// One fact, filed under the factor it speaks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The factor's key, e.g. `governance_maturity`.
    pub factor: &'static str,
    /// The fact, in one line.
    pub text: String,
}

/// What the workspace shows beyond the declarations.
pub struct Workspace {
    /// The validation history's compliance per product over all its runs; `None` without a history,
    /// or why it could not be read.
    pub validation_history: Result<Option<Vec<Compliance>>, String>,
    /// The CI files that run `cargo xtask check`.
    pub ci_running_check: Vec<String>,
    /// The errors and warnings of `cargo xtask check`, or why it could not run.
    pub check: Result<(usize, usize), String>,
}

/// The facts about `products` under `config` on `today`.
pub fn gather(
    products: &[&ProductDescriptor],
    config: &MeshConfig,
    today: CalendarDate,
    workspace: &Workspace,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut fact = |factor: &'static str, text: String| facts.push(Fact { factor, text });

    // Domain clarity: domains, and whether every product in them names its owner and support.
    let mut domains: BTreeMap<&str, (usize, bool)> = BTreeMap::new();
    for product in products {
        let entry = domains.entry(&product.domain).or_insert((0, true));
        entry.0 += 1;
        entry.1 &= !product.owner.is_empty() && product.support.is_some();
    }
    let owned = domains.values().filter(|(_, owned)| *owned).count();
    fact("domain_clarity", format!("{} domains declare {} products", domains.len(), products.len()));
    fact(
        "domain_clarity",
        format!("{owned} of {} domains name an owner and a support channel on every product", domains.len()),
    );
    let owners: BTreeMap<&str, usize> = products.iter().fold(BTreeMap::new(), |mut owners, product| {
        *owners.entry(&*product.owner).or_default() += 1;
        owners
    });
    fact("team_maturity", format!("{} owning teams (distinct owner addresses)", owners.len()));
    let lineage = Lineage::build(products.iter().copied());
    fact(
        "scale_need",
        format!(
            "{} inputs between products, {} of them across domains",
            lineage.edge_count(),
            lineage.cross_domain_edge_count()
        ),
    );

    // Platform capability: SLAs, pipelines' results, CI.
    let published: Vec<&&ProductDescriptor> =
        products.iter().filter(|p| p.layer == Layer::Gold || p.visibility != Visibility::Domain).collect();
    let complete = published
        .iter()
        .filter(|p| p.sla.freshness.is_some() && p.sla.availability.is_some() && p.sla.quality_score.is_some())
        .count();
    fact("platform_capability", format!("{complete} of {} published products declare a complete SLA", published.len()));
    fact(
        "platform_capability",
        match &workspace.validation_history {
            Ok(None) => "no validation history yet (`cargo xtask validate` keeps it in the lakehouse)".to_owned(),
            Ok(Some(products)) if products.is_empty() => "the validation history holds no runs yet".to_owned(),
            Ok(Some(products)) => {
                let runs: u64 = products.iter().map(|p| p.runs).sum();
                let compliant: u64 = products.iter().map(|p| p.both_met).sum();
                format!(
                    "{} products validated in {runs} runs, {compliant} of them meeting quality and freshness ({:.1}%)",
                    products.len(),
                    compliant as f64 * 100.0 / runs as f64
                )
            }
            Err(why) => format!("the validation history could not be read: {why}"),
        },
    );
    fact(
        "governance_maturity",
        if workspace.ci_running_check.is_empty() {
            "no CI file found that runs `cargo xtask check`".to_owned()
        } else {
            format!("CI runs `cargo xtask check` ({})", workspace.ci_running_check.join(", "))
        },
    );

    // Governance maturity: policy levels, waivers, the check's result.
    let at_error = POLICIES.iter().filter(|info| config.global_level(info.policy) == Level::Error).count();
    fact("governance_maturity", format!("{at_error} of {} global policies at error level", POLICIES.len()));
    let expired = config.waivers.iter().filter(|w| w.expires < today).count();
    let next = config.waivers.iter().filter(|w| w.expires >= today).map(|w| w.expires).min();
    fact(
        "governance_maturity",
        match (config.waivers.len(), next) {
            (0, _) => "no waivers".to_owned(),
            (n, Some(next)) => format!("{n} waivers, {expired} expired; the next expires on {next}"),
            (n, None) => format!("{n} waivers, all expired"),
        },
    );
    fact(
        "governance_maturity",
        match &workspace.check {
            Ok((errors, warnings)) => format!("`cargo xtask check`: {errors} errors, {warnings} warnings"),
            Err(why) => format!("`cargo xtask check` could not run: {why}"),
        },
    );
    facts
}

/// The compliance of every product over all the runs in `lakehouse`'s validation history.
pub fn validation_history(lakehouse: &Path) -> Result<Option<Vec<Compliance>>, String> {
    mesh_quality::history::History::open_existing(lakehouse)?
        .map(|history| history.compliance_over_all_runs())
        .transpose()
}

/// The CI files (`.ci/*`, `.github/workflows/*`) that run `cargo xtask check`, relative to `root`.
pub fn ci_running_check(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for dir in [".ci", ".github/workflows"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        let mut names: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        for path in names {
            let runs = crate::files::read_text_file(&path).is_ok_and(|text| text.contains("xtask check"));
            if runs {
                found.push(path.strip_prefix(root).unwrap_or(&path).display().to_string());
            }
        }
    }
    found
}
