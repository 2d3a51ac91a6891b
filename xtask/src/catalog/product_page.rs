//! A product's page: what it is, who owns it, what it promises and whether it keeps it, its
//! fields, where it comes from and who reads it, its published versions and how to read it.

use std::collections::{BTreeMap, BTreeSet};

use super::html::{el, Element};
use super::model::{Catalog, Entry};
use super::pages::{page, row_header};
use super::{lineage_svg, quality_history};

/// The page of `catalog.products[index]`; `by_id` finds the others for links and lineage.
pub fn render(catalog: &Catalog, entry: &Entry, by_id: &BTreeMap<String, &Entry>) -> String {
    let c = &entry.contract;
    let id = entry.id();
    let mut header = el("header").attr("class", "product").child(el("h1").text(c.name.clone())).child(
        el("p")
            .attr("class", "meta")
            .child(el("code").text(id.clone()))
            .child(el("span").attr("class", "badge").text(c.layer.as_str()))
            .child(el("span").attr("class", "badge").text(format!("v{}", c.schema.version)))
            .child(
                el("span")
                    .attr("class", format!("badge sla-{}", entry.sla_status().as_str()))
                    .text(entry.sla_status().label()),
            ),
    );
    if let Some(date) = &c.deprecated {
        header = header.child(el("p").attr("class", "deprecated").text(format!("Deprecated from {date}.")));
    }
    header = header.child(el("p").text(c.description.clone()));
    if !c.tags.is_empty() {
        header = header.child(
            el("ul")
                .attr("class", "tags")
                .attr("aria-label", "Tags")
                .children(c.tags.iter().map(|t| el("li").text(t.clone()))),
        );
    }
    let owner = definitions(vec![
        ("Owner", el("a").attr("href", format!("mailto:{}", c.owner)).text(c.owner.clone())),
        ("Support", c.support.as_ref().map_or_else(|| el("span").text("not declared"), |s| el("span").text(s.clone()))),
        ("Domain", el("span").text(c.domain.clone())),
    ]);
    let opt = |value: Option<String>| el("span").text(value.unwrap_or_else(|| "not promised".into()));
    let contract = definitions(vec![
        ("Freshness", opt(c.sla.freshness.map(|f| f.to_string()))),
        ("Freshness measured on", opt(c.sla.freshness_field.clone())),
        ("Availability", opt(c.sla.availability.map(|a| a.to_string()))),
        ("Quality score", opt(c.sla.quality_score.map(|q| q.to_string()))),
        ("Compatibility", el("span").text(c.schema.compatibility.as_str())),
        ("Schema fingerprint", el("code").text(c.schema.fingerprint.clone())),
        ("Read access", opt(c.access.read.clone())),
        ("Authentication", opt(c.access.authentication.clone())),
        ("Visibility", el("span").text(c.access.visibility.to_string())),
    ]);
    let measured = match &entry.lakehouse {
        None => el("p").text("Not built in the lakehouse yet: run `cargo xtask run` to measure freshness."),
        Some(facts) => definitions(vec![
            (
                "Status",
                el("span")
                    .attr("class", format!("sla-{}", entry.sla_status().as_str()))
                    .text(entry.sla_status().label()),
            ),
            ("Newest event time", el("span").text(facts.newest_event_time.clone().unwrap_or_else(|| "none".into()))),
            ("Data age", el("span").text(facts.age_seconds.map_or_else(|| "unknown".into(), age))),
            ("Records", el("span").text(facts.records.to_string())),
            ("Quarantined by the latest run", el("span").text(facts.quarantined.to_string())),
            (
                "Lakehouse version",
                el("span").text(format!(
                    "{} (written by v{}, committed {})",
                    facts.version, facts.product_version, facts.committed_at
                )),
            ),
        ]),
    };
    let main = el("main")
        .child(header)
        .child(section("owner", "Owner and support", owner))
        .child(section("contract", "Contract and SLA", contract))
        .child(section("measured", "Measured", measured))
        .child(section("quality-history", "Quality history", quality_history::render(entry)))
        .child(section("fields", "Fields", fields(entry)))
        .child(section("lineage", "Inputs and consumers", lineage(entry, by_id)))
        .child(section("versions", "Published versions", versions(entry)))
        .child(section("examples", "Example records", example_records(entry)))
        .child(section("read", "How to read it", how_to_read(entry)));
    page(&id, "../", catalog, main, &[])
}

fn age(seconds: u64) -> String {
    match seconds {
        s if s < 120 => format!("{s} seconds"),
        s if s < 7_200 => format!("{} minutes", s / 60),
        s if s < 172_800 => format!("{} hours", s / 3_600),
        s => format!("{} days", s / 86_400),
    }
}

fn section(id: &'static str, title: &str, content: Element) -> Element {
    el("section").attr("aria-labelledby", id).child(el("h2").attr("id", id).text(title)).child(content)
}

fn definitions(items: Vec<(&str, Element)>) -> Element {
    el("dl").children(items.into_iter().flat_map(|(term, value)| [el("dt").text(term), el("dd").child(value)]))
}

/// Whether a personal-data field is encrypted at rest, and how.
fn encrypted_cell(encryption: Option<mesh_core::model::Encryption>) -> &'static str {
    match encryption {
        Some(mesh_core::model::Encryption::Randomized) => "yes",
        Some(mesh_core::model::Encryption::Deterministic) => "yes, deterministic (equal values encrypt equally)",
        None => "no",
    }
}

fn fields(entry: &Entry) -> Element {
    let rows = entry.contract.fields.iter().flat_map(|f| {
        let (class, encrypted) = match &f.pii {
            Some(p) => (p.class.as_str().to_string(), encrypted_cell(p.encryption())),
            None => (String::new(), ""),
        };
        let main = el("tr")
            .child(el("th").attr("scope", "row").child(el("code").text(f.name.clone())))
            .child(el("td").child(el("code").text(f.avro_type.clone())))
            .child(el("td").text(f.doc.clone()))
            .child(el("td").text(class))
            .child(el("td").text(encrypted));
        std::iter::once(main).chain(f.nested_pii.iter().map(|n| {
            el("tr")
                .attr("class", "nested")
                .child(el("th").attr("scope", "row").child(el("code").text(n.path.clone())))
                .child(el("td"))
                .child(el("td").text("inside the record above"))
                .child(el("td").text(n.class.as_str()))
                .child(el("td").text(encrypted_cell(n.encryption())))
        }))
    });
    el("table")
        .child(el("caption").text(format!("{} fields", entry.contract.fields.len())))
        .child(el("thead").child(row_header(&["Field", "Type", "Meaning", "PII class", "Encrypted at rest"])))
        .child(el("tbody").children(rows))
}

fn link(id: &str, by_id: &BTreeMap<String, &Entry>) -> Element {
    if by_id.contains_key(id) {
        el("a").attr("href", format!("{id}.html")).text(id)
    } else {
        el("span").text(format!("{id} (not in this mesh)"))
    }
}

fn lineage(entry: &Entry, by_id: &BTreeMap<String, &Entry>) -> Element {
    let inputs = if entry.contract.inputs.is_empty() {
        el("p").text("None: a source product.")
    } else {
        el("ul").children(
            entry
                .contract
                .inputs
                .iter()
                .map(|i| el("li").child(link(&i.product, by_id)).text(format!(" (requires {})", i.requirement))),
        )
    };
    let consumers = if entry.consumers.is_empty() {
        el("p").text("No product reads it yet.")
    } else {
        el("ul").attr("id", "consumers").children(entry.consumers.iter().map(|c| el("li").child(link(c, by_id))))
    };
    // The neighbourhood: everything upstream and downstream of this product.
    let mut near = BTreeSet::from([entry.id()]);
    let mut walk = |start: &Entry, up: bool| {
        let mut stack = vec![start];
        while let Some(e) = stack.pop() {
            let next: Vec<String> =
                if up { e.contract.inputs.iter().map(|i| i.product.clone()).collect() } else { e.consumers.clone() };
            for id in next {
                if let Some(n) = by_id.get(&id) {
                    if near.insert(id) {
                        stack.push(n);
                    }
                }
            }
        }
    };
    walk(entry, true);
    walk(entry, false);
    let entries: Vec<&Entry> = near.iter().filter_map(|id| by_id.get(id).copied()).collect();
    let id = entry.id();
    el("div")
        .child(el("h3").text("Inputs"))
        .child(inputs)
        .child(el("h3").text("Consumers"))
        .child(consumers)
        .child(el("h3").text("Upstream and downstream"))
        .child(el("div").attr("class", "graph").child(lineage_svg::svg(
            &entries,
            "",
            Some(&id),
            &format!("Lineage of {id}"),
        )))
}

fn versions(entry: &Entry) -> Element {
    if entry.versions.is_empty() {
        return el("p").text("Not published yet: `cargo xtask publish` records it in contracts/.");
    }
    el("table")
        .child(el("caption").text("Versions in contracts/, newest first, each compared with the one before"))
        .child(el("thead").child(row_header(&["Version", "Fingerprint", "Change", "What changed"])))
        .child(el("tbody").children(entry.versions.iter().rev().map(|v| {
            el("tr")
                .child(el("th").attr("scope", "row").text(v.version.clone()))
                .child(el("td").child(el("code").text(v.fingerprint.clone())))
                .child(el("td").text(v.verdict.clone().unwrap_or_else(|| "first version".into())))
                .child(el("td").child(el("ul").children(v.changes.iter().map(|c| el("li").text(c.clone())))))
        })))
}

fn example_records(entry: &Entry) -> Element {
    if entry.examples.is_empty() {
        return el("p").text("No sample generator is linked for this product.");
    }
    el("div")
        .child(el("p").text(
            "Synthetic records from the product's sample generator (`cargo xtask sample`), read back through \
             its typed reader, fields by name; personal data is shown as its class, never as a value.",
        ))
        .children(entry.examples.iter().map(|record| el("pre").child(el("code").text(record.clone()))))
}

fn how_to_read(entry: &Entry) -> Element {
    let id = entry.id();
    el("dl")
        .child(el("dt").text("Rust type"))
        .child(el("dd").child(el("code").text(entry.rust_type.clone())))
        .child(el("dt").text("Avro schema"))
        .child(el("dd").child(
            el("a").attr("href", format!("../schemas/{id}.avsc")).attr("download", "").text(format!("{id}.avsc")),
        ))
        .child(el("dt").text("Sample records"))
        .child(el("dd").child(el("code").text(format!(
            "cargo xtask sample {id} --rows 10 --out {}.avro && cargo xtask dump {}.avro",
            entry.contract.name, entry.contract.name
        ))))
        .child(el("dt").text("Lakehouse location"))
        .child(el("dd").child(el("code").text(format!(
            "lakehouse/{}/{}/{}/",
            entry.contract.layer.as_str(),
            entry.contract.domain,
            entry.contract.name
        ))))
        .children((!entry.spark_sql.is_empty()).then(|| {
            [
                el("dt").text("SQL (Apache Spark)"),
                el("dd").child(
                    el("details")
                        .child(el("summary").text(format!(
                            "An external Hive table over the product's Avro files, and its grants; `cargo xtask sql {id} --dialect spark` also prints the query that checks its quality rules (trino and postgres too)"
                        )))
                        .child(el("pre").attr("class", "sql").child(el("code").text(entry.spark_sql.clone()))),
                ),
            ]
        }).into_iter().flatten())
}
