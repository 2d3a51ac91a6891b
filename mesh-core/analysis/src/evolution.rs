//! Schema evolution of the mesh: every product's declared schema, contract
//! and version against the published baseline.
//!
//! Its diagnostics are the `MESH10xx` codes of [`crate::diagnostic::codes`]
//! (listed in `docs/reference/diagnostics.md`).

use std::collections::{BTreeMap, BTreeSet};

use crate::baseline::{Baseline, BaselineError, CurrentProduct, Files, PublishedProduct, PUBLISH_COMMAND};
use crate::contract_diff::compare_contracts;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::governance::CalendarDate;
use mesh_avro::compat::{classify, Change, Mode, Verdict};
use mesh_avro::Schema;
use mesh_model::{parse_requirement, Compatibility, ProductDescriptor};

/// Reports each unreadable baseline file as [`Code::UnreadableBaseline`] (`MESH1000`).
pub fn baseline_errors(errors: &[BaselineError]) -> Vec<Diagnostic> {
    errors
        .iter()
        .map(|e| {
            Diagnostic::new(Code::UnreadableBaseline, format!("the published baseline is unreadable: {e}"))
                .at(Location { file: e.file.clone(), line: 1, column: 1 })
                .help(format!(
                    "`contracts/` is generated: restore it from version control (`git checkout -- contracts/`), then run `{PUBLISH_COMMAND}`; publish will not overwrite a baseline it cannot read, as it could not check evolution against it"
                ))
        })
        .collect()
}

/// Checks every product against the published `baseline`: version rules for
/// schema and contract changes, removed products (allowed after their
/// deprecation date, compared with `today`), and the impact of breaking
/// changes on consumers. Products in `unbuilt` are declared but their schema
/// failed to build (reported elsewhere): they are skipped, not taken as removed.
pub fn check_evolution(
    current: &[CurrentProduct<'_>],
    baseline: &Baseline,
    today: CalendarDate,
    unbuilt: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let descriptors: Vec<&ProductDescriptor> = current.iter().map(|p| p.descriptor).collect();
    for product in current {
        let Some(published) = baseline.products.get(&product.descriptor.id()) else { continue };
        diagnostics.extend(check_product(product, published, &descriptors, baseline));
    }
    let current_ids: BTreeSet<String> = descriptors.iter().map(|d| d.id()).collect();
    for (id, published) in &baseline.products {
        if current_ids.contains(id) || unbuilt.contains(id) || published.entry.removed {
            continue;
        }
        let version = &published.latest.version;
        let consumers = impact(id, None, &descriptors, baseline);
        let removed = |message: String, help: String| {
            Diagnostic::new(Code::RemovedTooEarly, message + &consumers).product(id.clone()).help(help)
        };
        match published.contract.deprecated.as_deref().map(|date| (date, CalendarDate::parse(date))) {
            None => diagnostics.push(removed(
                format!("published product {id} {version} was removed without being deprecated first"),
                format!("restore it with `deprecated = \"YYYY-MM-DD\"` in its #[data_product(...)], run `{PUBLISH_COMMAND}` so consumers see the deprecation, and remove it after that date"),
            )),
            Some((_, Ok(date))) if date < today => {}
            Some((text, Ok(_))) => diagnostics.push(removed(
                format!("published product {id} {version} was removed, but its deprecation date {text} is still in the future (today is {today})"),
                format!("restore it until {text} has passed, so consumers have the time the deprecation promised, then remove it"),
            )),
            Some((text, Err(e))) => diagnostics.push(removed(
                format!("published product {id} {version} was removed, but its published deprecation date cannot be read: {e}"),
                format!("restore it with a valid `deprecated = \"YYYY-MM-DD\"` (not `{text}`), publish, and remove it after that date"),
            )),
        }
    }
    diagnostics
}

/// Reports every difference between the files the code publishes and `on_disk` (`MESH1001`, `MESH1006`).
/// Products in `unbuilt` keep their published files (see [`Baseline::render`]).
pub fn check_published(
    current: &[CurrentProduct<'_>],
    on_disk: &Files,
    baseline: &Baseline,
    unbuilt: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let expected = baseline.render(current, unbuilt);
    let mut diagnostics = Vec::new();
    let mut explained = BTreeSet::new();
    let mut sorted: Vec<&CurrentProduct<'_>> = current.iter().collect();
    sorted.sort_by_key(|p| p.descriptor.id());
    for product in sorted {
        let d = product.descriptor;
        let prefix = format!("{}/{}", d.domain, d.name);
        let own = |path: &&String| {
            path.strip_prefix(&prefix).is_some_and(|rest| rest.starts_with('.'))
                || path.starts_with(&format!("{}/history/{}@", d.domain, d.name))
        };
        let differing: Vec<String> = expected
            .keys()
            .chain(on_disk.keys())
            .filter(own)
            .filter(|path| expected.get(*path) != on_disk.get(*path))
            .map(|path| format!("contracts/{path}"))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        explained.extend(expected.keys().chain(on_disk.keys()).filter(own).cloned());
        if differing.is_empty() {
            continue;
        }
        let diagnostic = if !baseline.products.contains_key(&d.id()) {
            Diagnostic::new(Code::NotPublished, format!("product {} {} is not published yet", d.id(), d.version))
        } else {
            Diagnostic::new(
                Code::ContractsOutOfDate,
                format!("the published contract of {} is out of date: {}", d.id(), differing.join(", ")),
            )
        };
        diagnostics.push(
            diagnostic.product(d.id()).at(&d.source).help(format!("run `{PUBLISH_COMMAND}` and commit `contracts/`")),
        );
    }
    let others: Vec<String> = expected
        .keys()
        .chain(on_disk.keys())
        .filter(|path| !explained.contains(*path) && expected.get(*path) != on_disk.get(*path))
        .map(|path| format!("contracts/{path}"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !others.is_empty() {
        diagnostics.push(
            Diagnostic::new(Code::ContractsOutOfDate, format!("`contracts/` is out of date: {}", others.join(", ")))
                .help(format!("run `{PUBLISH_COMMAND}` and commit `contracts/`")),
        );
    }
    diagnostics
}

/// What a product's change needs, and why.
struct Assessment {
    verdict: Verdict,
    changes: Vec<(Option<mesh_model::Version>, Change)>,
}

fn assess(
    product: &CurrentProduct<'_>,
    current: &Schema,
    published: &PublishedProduct,
    version: &mesh_model::Version,
) -> Assessment {
    let id = product.descriptor.id();
    let compatibility = product.descriptor.compatibility;
    let mode = Mode::from(compatibility);
    let latest = classify(&published.latest.schema, current, mode, &id);
    let mut verdict = latest.verdict;
    let mut changes: Vec<(Option<mesh_model::Version>, Change)> =
        latest.changes.into_iter().map(|c| (None, c)).collect();
    let transitive = matches!(
        compatibility,
        Compatibility::BackwardTransitive | Compatibility::ForwardTransitive | Compatibility::FullTransitive
    );
    if transitive {
        for old in published.history.iter().filter(|old| same_major(&old.version, version)) {
            let against = classify(&old.schema, current, mode, &id);
            for change in against.changes.into_iter().filter(|c| c.breaking) {
                verdict = verdict.max(Verdict::Breaking);
                changes.push((Some(old.version.clone()), change));
            }
        }
    }
    let contract_changes = compare_contracts(&published.contract, &product.contract, Some(current), &id);
    if contract_changes.iter().any(|c| c.breaking) {
        verdict = Verdict::Breaking;
    } else if !contract_changes.is_empty() {
        verdict = verdict.max(Verdict::Compatible);
    }
    changes.extend(contract_changes.into_iter().map(|c| (None, c)));
    Assessment { verdict, changes }
}

fn check_product(
    product: &CurrentProduct<'_>,
    published: &PublishedProduct,
    descriptors: &[&ProductDescriptor],
    baseline: &Baseline,
) -> Vec<Diagnostic> {
    let d = product.descriptor;
    let id = d.id();
    let diagnostic = |code: Code, message: String| Diagnostic::new(code, message).product(id.clone()).at(&d.source);
    let version = product.contract.schema.version.clone();
    let before = &published.latest.version;
    let current = match Schema::parse(product.schema_json) {
        Ok(schema) => schema,
        Err(e) => {
            return vec![diagnostic(Code::UnreadableSchema, format!("the schema of {id} cannot be read back: {e}"))
                .help("the generated schema is not valid Avro: report it with the declaration, since the derive should have rejected it")]
        }
    };
    if &version < before {
        return vec![diagnostic(
            Code::VersionLowered,
            format!("{id} has version {version}, lower than the published {before}"),
        )
        .help(format!("versions only go up: declare a version above {before}"))];
    }
    let mut out = Vec::new();
    if d.deprecated.is_some() && published.contract.deprecated.is_none() {
        let consumers = impact(&id, None, descriptors, baseline);
        if !consumers.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::DeprecatedStillConsumed,
                    format!("{id} is deprecated from {}{consumers}", d.deprecated.as_deref().unwrap_or_default()),
                )
                .product(id.clone())
                .at(&d.source)
                .help("tell the consumers to migrate before the product is removed"),
            );
        }
    }
    let assessment = assess(product, &current, published, &version);
    let listed = |breaking_only: bool| -> String {
        assessment
            .changes
            .iter()
            .filter(|(_, c)| !breaking_only || c.breaking)
            .map(|(against, c)| match against {
                Some(v) => format!("\n  {c} (against {v})"),
                None => format!("\n  {c}"),
            })
            .collect()
    };
    let mode = d.compatibility;
    match assessment.verdict {
        Verdict::Identical | Verdict::DocOnly => {}
        verdict if &version == before => out.push(
            diagnostic(
                Code::ChangedUnderPublishedVersion,
                format!(
                    "{id} changed under the published version {before} ({verdict} under {mode} compatibility):{}{}",
                    listed(false),
                    if verdict == Verdict::Breaking {
                        impact(&id, Some((&version, false)), descriptors, baseline)
                    } else {
                        String::new()
                    }
                ),
            )
            .help(format!(
                "a {verdict} change needs a {} version: {}",
                verdict.bump(),
                declare(before, verdict)
            )),
        ),
        Verdict::Breaking if !is_major_bump(before, &version) => {
            let consumers = impact(&id, Some((&version, false)), descriptors, baseline);
            out.push(
                diagnostic(
                    Code::BreakingWithoutMajor,
                    format!(
                        "breaking change to {id} needs a new major version ({before} -> {version}, {mode} compatibility):{}{consumers}",
                        listed(true)
                    ),
                )
                .help(format!(
                    "{} and tell the consumers, or make the change compatible (e.g. give new fields a default)",
                    declare(before, Verdict::Breaking)
                )),
            );
        }
        Verdict::Breaking => {
            let consumers = impact(&id, Some((&version, true)), descriptors, baseline);
            if !consumers.is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::NewMajorVersion,
                        format!(
                            "{id} {version} is a new major version ({before} -> {version}):{}{consumers}",
                            listed(true)
                        ),
                    )
                    .product(id.clone())
                    .at(&d.source)
                    .help("consumers must migrate and raise their requirement"),
                );
            }
        }
        Verdict::Compatible if (version.major, version.minor) <= (before.major, before.minor) => out.push(
            diagnostic(
                Code::CompatibleWithoutMinor,
                format!(
                    "{id} changed compatibly, which needs at least a new minor version ({before} -> {version}):{}",
                    listed(false)
                ),
            )
            .help(declare(before, Verdict::Compatible)),
        ),
        Verdict::Compatible => {}
    }
    out
}

/// Whether two versions are in one semver-compatible series (same major; for 0.x the same minor, as in Cargo).
fn same_major(a: &mesh_model::Version, b: &mesh_model::Version) -> bool {
    let series = |v: &mesh_model::Version| match (v.major, v.minor) {
        (0, 0) => (0, 0, Some(v.patch)),
        (0, minor) => (0, minor, None),
        (major, _) => (major, 0, None),
    };
    series(a) == series(b)
}

/// Whether `after` starts a new release series (so 0.2 -> 0.3 counts, as in Cargo). Pre-release
/// tags are ignored: `1.3.0-rc.1` is in the 1.x series, so a breaking change there is no new major.
fn is_major_bump(before: &mesh_model::Version, after: &mesh_model::Version) -> bool {
    !same_major(before, after)
}

/// The lowest version a change of this kind needs; `None` when it does not fit in the version numbers.
fn next(before: &mesh_model::Version, verdict: Verdict) -> Option<mesh_model::Version> {
    match verdict {
        Verdict::Breaking if before.major == 0 => Some(mesh_model::Version::new(0, before.minor.checked_add(1)?, 0)),
        Verdict::Breaking => Some(mesh_model::Version::new(before.major.checked_add(1)?, 0, 0)),
        Verdict::Compatible => Some(mesh_model::Version::new(before.major, before.minor.checked_add(1)?, 0)),
        _ => Some(mesh_model::Version::new(before.major, before.minor, before.patch.checked_add(1)?)),
    }
}

/// "declare version X" for the help lines, or what to do when no higher version exists.
fn declare(before: &mesh_model::Version, verdict: Verdict) -> String {
    match next(before, verdict) {
        Some(version) => format!("declare version {version}"),
        None => format!("{before} leaves no higher version for this change: publish it as a new product"),
    }
}

/// The consumers of `id` (from the current declarations, as the lineage graph
/// has them) and, for a new `version` (and whether it is a new major), whether
/// their requirement accepts it.
/// A linked input's requirement is the one its consumer published, since the
/// linked version always equals the producer's current one.
fn impact(
    id: &str,
    version: Option<(&mesh_model::Version, bool)>,
    descriptors: &[&ProductDescriptor],
    baseline: &Baseline,
) -> String {
    let mut direct = Vec::new();
    for consumer in descriptors {
        for input in consumer.inputs.iter().filter(|input| input.id() == id) {
            let published_requirement = baseline
                .products
                .get(&consumer.id())
                .and_then(|p| p.contract.inputs.iter().find(|i| i.product == id))
                .map(|i| i.requirement.clone());
            let requirement = match (input.linked, published_requirement) {
                (true, Some(published)) => published,
                (true, None) => format!("^{}", input.requirement),
                (false, _) => input.requirement.to_string(),
            };
            let verdict = match (version, parse_requirement(&requirement)) {
                // After a new major version, the consumers still on the old one must migrate.
                (Some((version, true)), Ok(req)) if req.matches(version) => continue,
                (Some((version, true)), Ok(_)) => {
                    format!("requires {requirement}, which {version} does not satisfy: it must migrate")
                }
                // Without one, every consumer that accepts the version would read incompatible data.
                (Some((version, false)), Ok(req)) if req.matches(version) => {
                    format!("requires {requirement}, which accepts {version}, so it would read incompatible data")
                }
                _ => format!("requires {requirement}"),
            };
            direct.push((consumer.id(), verdict));
        }
    }
    if direct.is_empty() {
        return String::new();
    }
    let mut downstream = BTreeSet::new();
    let mut frontier: Vec<String> = direct.iter().map(|(c, _)| c.clone()).collect();
    let direct_ids: BTreeSet<String> = frontier.iter().cloned().collect();
    while let Some(next) = frontier.pop() {
        for consumer in descriptors {
            if consumer.inputs.iter().any(|i| i.id() == next) && downstream.insert(consumer.id()) {
                frontier.push(consumer.id());
            }
        }
    }
    let by_id: BTreeMap<String, String> = direct.into_iter().collect();
    let mut text = String::from("\n  consumers affected:");
    for (consumer, verdict) in &by_id {
        text.push_str(&format!("\n    {consumer} ({verdict})"));
    }
    let indirect: Vec<&String> = downstream.iter().filter(|c| !direct_ids.contains(*c) && c.as_str() != id).collect();
    if !indirect.is_empty() {
        text.push_str(&format!(
            "\n  downstream of them: {}",
            indirect.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    text
}
