use super::render::{self, Selection};
use super::*;
use crate::diagnostic::Code;
use crate::test_mesh::{input, product, reading};
use mesh_model::{Layer, Visibility};

fn codes(lineage: &Lineage<'_>) -> Vec<Code> {
    lineage.diagnostics().iter().map(|d| d.code).collect()
}

fn messages<'l>(lineage: &'l Lineage<'_>) -> Vec<&'l str> {
    lineage.diagnostics().iter().map(|d| d.message.as_str()).collect()
}

/// sales: raw (bronze) -> cleaned (silver) -> analytics (gold); marketing.report (gold) reads sales.cleaned.
fn clean_mesh() -> Vec<ProductDescriptor> {
    let mut cleaned = reading(product("sales.cleaned", Layer::Silver, 2), &["sales.raw"]);
    cleaned.visibility = Visibility::Domains(vec!["marketing".into()].into());
    vec![
        product("sales.raw", Layer::Bronze, 1),
        cleaned,
        reading(product("sales.analytics", Layer::Gold, 3), &["sales.cleaned"]),
        reading(product("marketing.report", Layer::Gold, 4), &["sales.cleaned"]),
    ]
}

#[test]
fn a_clean_mesh_has_no_diagnostics_and_every_edge() {
    let mesh = clean_mesh();
    let lineage = Lineage::build(&mesh);
    assert_eq!(messages(&lineage), Vec::<&str>::new());
    assert_eq!(lineage.edge_count(), 3);
    assert_eq!(lineage.cross_domain_edge_count(), 1);
    assert_eq!(lineage.domains(), ["marketing", "sales"]);
    let order: Vec<String> = lineage.topological_order().iter().map(|n| lineage.product(*n).id()).collect();
    let position = |id: &str| order.iter().position(|o| o == id).unwrap();
    assert!(position("sales.raw") < position("sales.cleaned"));
    assert!(position("sales.cleaned") < position("marketing.report"));
}

#[test]
fn duplicate_ids_are_reported_on_the_second_declaration() {
    let mut mesh = clean_mesh();
    mesh.push(product("sales.raw", Layer::Bronze, 9));
    let lineage = Lineage::build(&mesh);
    assert_eq!(codes(&lineage), [Code::DuplicateProduct]);
    let diagnostic = &lineage.diagnostics()[0];
    assert_eq!(diagnostic.location.as_ref().unwrap().line, 9);
    assert!(diagnostic.message.contains("first at domains/sales/src/lib.rs:1:1"), "{}", diagnostic.message);
}

#[test]
fn an_input_naming_no_product_is_reported_with_a_suggestion() {
    let mut mesh = clean_mesh();
    mesh.push(reading(product("finance.ledger", Layer::Gold, 7), &["finance.analytics"]));
    let lineage = Lineage::build(&mesh);
    assert_eq!(codes(&lineage), [Code::UnknownInput]);
    let diagnostic = &lineage.diagnostics()[0];
    assert_eq!(diagnostic.message, "`finance.ledger` reads `finance.analytics`, which is not a product of the mesh");
    assert!(diagnostic.help.as_ref().unwrap().contains("did you mean `sales.analytics`?"));
    // A typo in the name suggests the product meant.
    mesh[4].inputs = vec![input("sales.claened", "^1")].into();
    let lineage = Lineage::build(&mesh);
    assert!(lineage.diagnostics()[0].help.as_ref().unwrap().starts_with("did you mean `sales.cleaned`?"));
    // So does a typo in the domain.
    mesh[4].inputs = vec![input("slaes.cleaned", "^1")].into();
    let lineage = Lineage::build(&mesh);
    assert!(lineage.diagnostics()[0].help.as_ref().unwrap().starts_with("did you mean `sales.cleaned`?"));
    // Nothing near: say what is missing.
    mesh[4].inputs = vec![input("billing.invoices", "^1")].into();
    let lineage = Lineage::build(&mesh);
    assert!(lineage.diagnostics()[0].help.as_ref().unwrap().starts_with("no domain `billing` is linked"));
}

#[test]
fn a_requirement_the_producer_does_not_satisfy_is_reported() {
    let mut mesh = clean_mesh();
    mesh[2].inputs = vec![input("sales.cleaned", "^2")].into();
    let lineage = Lineage::build(&mesh);
    assert_eq!(codes(&lineage), [Code::UnsatisfiedRequirement]);
    assert_eq!(
        lineage.diagnostics()[0].message,
        "`sales.analytics` requires `sales.cleaned@^2`, but the mesh has version 1.0.0"
    );
    // A requirement that matches passes.
    mesh[2].inputs = vec![input("sales.cleaned", ">=1.0, <2")].into();
    assert!(Lineage::build(&mesh).diagnostics().is_empty());
}

#[test]
fn malformed_versions_and_requirements_are_reported_not_panicked_on() {
    let mut mesh = clean_mesh();
    mesh[0].version = "one".into();
    mesh[2].inputs = vec![input("sales.cleaned", "two")].into();
    let lineage = Lineage::build(&mesh);
    assert_eq!(codes(&lineage), [Code::InvalidVersion, Code::InvalidVersion]);
}

#[test]
fn every_cycle_is_reported_with_its_full_path() {
    // a.x -> a.y -> a.z -> a.x and a.y -> a.w -> a.y: one component, two cycles; b.s feeds itself.
    let mesh = vec![
        reading(product("a.x", Layer::Silver, 1), &["a.z"]),
        reading(product("a.y", Layer::Silver, 2), &["a.x", "a.w"]),
        reading(product("a.z", Layer::Silver, 3), &["a.y"]),
        reading(product("a.w", Layer::Silver, 4), &["a.y"]),
        reading(product("b.s", Layer::Silver, 5), &["b.s"]),
        reading(product("b.t", Layer::Silver, 6), &["b.s"]),
    ];
    let lineage = Lineage::build(&mesh);
    assert_eq!(
        messages(&lineage),
        [
            "dependency cycle: a.x -> a.y -> a.z -> a.x",
            "dependency cycle: a.y -> a.w -> a.y",
            "dependency cycle: b.s -> b.s",
        ]
    );
    assert!(lineage.diagnostics().iter().all(|d| d.code == Code::DependencyCycle));
    assert!(lineage.in_cycle(lineage.find_id("a.w").unwrap()));
    let t = lineage.find_id("b.t").unwrap();
    assert!(!lineage.in_cycle(t));
    assert_eq!(lineage.topological_order(), [t]);
}

#[test]
fn inputs_against_the_layers_are_reported() {
    for (consumer, producer, allowed) in [
        (Layer::Bronze, Layer::Bronze, false),
        (Layer::Silver, Layer::Bronze, true),
        (Layer::Silver, Layer::Silver, true),
        (Layer::Silver, Layer::Gold, false),
        (Layer::Gold, Layer::Bronze, false),
        (Layer::Gold, Layer::Silver, true),
        (Layer::Gold, Layer::Gold, true),
    ] {
        let mesh = vec![product("a.input", producer, 1), reading(product("a.output", consumer, 2), &["a.input"])];
        let lineage = Lineage::build(&mesh);
        let expected: &[Code] = if allowed { &[] } else { &[Code::LayerFlow] };
        assert_eq!(codes(&lineage), expected, "{consumer} reading {producer}");
    }
}

#[test]
fn a_cross_domain_input_needs_the_producers_visibility() {
    let mut mesh = clean_mesh();
    mesh[1].visibility = Visibility::Domain;
    let lineage = Lineage::build(&mesh);
    assert_eq!(codes(&lineage), [Code::NotVisible]);
    assert_eq!(
        lineage.diagnostics()[0].message,
        "`marketing.report` reads `sales.cleaned`, which is visible to domain `sales` only, not to domain `marketing`"
    );
    mesh[1].visibility = Visibility::Public;
    assert!(Lineage::build(&mesh).diagnostics().is_empty());
}

#[test]
fn upstream_and_downstream_follow_the_graph_transitively() {
    let mesh = clean_mesh();
    let lineage = Lineage::build(&mesh);
    let ids = |nodes: Vec<NodeIndex>| {
        let mut ids: Vec<String> = nodes.into_iter().map(|n| lineage.product(n).id()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(lineage.upstream(lineage.find_id("marketing.report").unwrap())), ["sales.cleaned", "sales.raw"]);
    assert_eq!(
        ids(lineage.downstream(lineage.find_id("sales.raw").unwrap())),
        ["marketing.report", "sales.analytics", "sales.cleaned"]
    );
    assert!(lineage.downstream(lineage.find_id("sales.analytics").unwrap()).is_empty());
}

#[test]
fn renderings_show_domains_layers_and_cross_domain_edges() {
    let mesh = clean_mesh();
    let lineage = Lineage::build(&mesh);
    insta::assert_snapshot!("lineage_dot", render::dot(&lineage, Selection::All));
    insta::assert_snapshot!("lineage_mermaid", render::mermaid(&lineage, Selection::All));
    let upstream = Selection::Upstream(lineage.find_id("sales.analytics").unwrap());
    insta::assert_json_snapshot!("lineage_json_upstream", render::json(&lineage, upstream));
}

/// A dangling input draws nothing, in any format or selection: no edge, and no node of its own
/// (dot and Mermaid would invent one for an edge to a name never declared).
#[test]
fn renderings_draw_only_the_inputs_that_resolve() {
    let mut mesh = clean_mesh();
    mesh.push(reading(product("sales.ledger", Layer::Gold, 5), &["sales.analytics", "billing.invoices"]));
    let lineage = Lineage::build(&mesh);
    assert_eq!(codes(&lineage), [Code::UnknownInput]);
    let node = |id: &str| lineage.find_id(id).unwrap();
    let cases = [
        (Selection::All, &["marketing.report", "sales.analytics", "sales.cleaned", "sales.ledger", "sales.raw"][..]),
        (Selection::Upstream(node("sales.ledger")), &["sales.analytics", "sales.cleaned", "sales.ledger", "sales.raw"]),
        (
            Selection::Downstream(node("sales.cleaned")),
            &["marketing.report", "sales.analytics", "sales.cleaned", "sales.ledger"],
        ),
    ];
    for (selection, selected) in cases {
        // Every declared input between two selected products, from the descriptors.
        let mut expected: Vec<(String, String)> = mesh
            .iter()
            .filter(|consumer| selected.contains(&consumer.id().as_str()))
            .flat_map(|consumer| consumer.inputs.iter().map(move |i| (i.id(), consumer.id())))
            .filter(|(producer, _)| selected.contains(&producer.as_str()))
            .collect();
        expected.sort();

        let json = render::json(&lineage, selection);
        let mut ids: Vec<&str> =
            json["products"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        ids.sort_unstable();
        assert_eq!(ids, selected, "{selection:?}");
        let mut edges: Vec<(String, String)> = json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["from"].as_str().unwrap().to_string(), e["to"].as_str().unwrap().to_string()))
            .collect();
        edges.sort();
        assert_eq!(edges, expected, "{selection:?}");

        let dot = render::dot(&lineage, selection);
        let quoted = |text: &str| text.split('"').nth(1).unwrap().to_string();
        let mut declared: Vec<String> =
            dot.lines().filter(|l| l.contains(" [label=") && !l.contains(" -> ")).map(quoted).collect();
        declared.sort();
        assert_eq!(declared, selected, "{selection:?}: {dot}");
        let mut edges: Vec<(String, String)> =
            dot.lines().filter_map(|l| l.split_once(" -> ")).map(|(from, to)| (quoted(from), quoted(to))).collect();
        edges.sort();
        assert_eq!(edges, expected, "{selection:?}: {dot}");

        let mermaid = render::mermaid(&lineage, selection);
        let key_of = |id: &str| format!("p{}", node(id).index());
        let mut declared: Vec<String> =
            mermaid.lines().filter_map(|l| l.trim().split_once("[\"")).map(|(key, _)| key.to_string()).collect();
        declared.sort();
        let mut keys: Vec<String> = selected.iter().map(|id| key_of(id)).collect();
        keys.sort();
        assert_eq!(declared, keys, "{selection:?}: {mermaid}");
        let mut edges: Vec<(String, String)> = mermaid
            .lines()
            .filter(|l| l.contains("-->") || l.contains("==>"))
            .map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                (words[0].to_string(), words[words.len() - 1].to_string())
            })
            .collect();
        edges.sort();
        let mut expected_keys: Vec<(String, String)> = expected.iter().map(|(f, t)| (key_of(f), key_of(t))).collect();
        expected_keys.sort();
        assert_eq!(edges, expected_keys, "{selection:?}: {mermaid}");
    }
}

mod cycle_properties {
    use std::collections::{BTreeSet, HashSet};

    use proptest::prelude::*;

    use super::*;

    /// Whether `to` is reachable from `from` along `edges`.
    fn reaches(edges: &BTreeSet<(usize, usize)>, from: usize, to: usize) -> bool {
        let mut seen = HashSet::from([from]);
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            for &(_, next) in edges.range((node, 0)..=(node, usize::MAX)) {
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        false
    }

    proptest! {
        /// Reported cycles are real, every input that closes a cycle lies on one, and the
        /// rest of the graph comes out in topological order.
        #[test]
        fn cycles_are_real_and_cover_every_cyclic_input(
            (count, edges) in (1usize..10).prop_flat_map(|n| (Just(n), proptest::collection::btree_set((0..n, 0..n), 0..30)))
        ) {
            let mesh: Vec<ProductDescriptor> = (0..count)
                .map(|i| {
                    let inputs: Vec<String> =
                        edges.iter().filter(|(_, to)| *to == i).map(|(from, _)| format!("d.p{from}")).collect();
                    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
                    reading(product(&format!("d.p{i}"), Layer::Silver, i as u32 + 1), &inputs)
                })
                .collect();
            let lineage = Lineage::build(&mesh);
            let node = |i: usize| lineage.find_id(&format!("d.p{i}")).unwrap();
            let cyclic: BTreeSet<(usize, usize)> =
                edges.iter().copied().filter(|&(from, to)| reaches(&edges, to, from)).collect();

            let mut covered = BTreeSet::new();
            for cycle in lineage.cycles() {
                let distinct: HashSet<_> = cycle.iter().collect();
                prop_assert_eq!(distinct.len(), cycle.len(), "a cycle visits each product once");
                for (k, from) in cycle.iter().enumerate() {
                    let to = cycle[(k + 1) % cycle.len()];
                    let pair = (from.index(), to.index());
                    prop_assert!(edges.contains(&pair), "{:?} is not an input", pair);
                    covered.insert(pair);
                }
            }
            prop_assert_eq!(&covered, &cyclic);
            prop_assert_eq!(
                lineage.diagnostics().iter().filter(|d| d.code == Code::DependencyCycle).count(),
                lineage.cycles().len()
            );
            for i in 0..count {
                let on_cycle = cyclic.iter().any(|&(from, to)| from == i || to == i);
                prop_assert_eq!(lineage.in_cycle(node(i)), on_cycle);
            }
            let order = lineage.topological_order();
            prop_assert_eq!(order.len(), (0..count).filter(|&i| !lineage.in_cycle(node(i))).count());
            let position = |i: usize| order.iter().position(|n| *n == node(i));
            for &(from, to) in &edges {
                if let (Some(a), Some(b)) = (position(from), position(to)) {
                    prop_assert!(a < b, "p{} feeds p{} but comes after it", from, to);
                }
            }
        }
    }
}
