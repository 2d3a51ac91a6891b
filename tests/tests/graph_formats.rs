//! `cargo xtask graph` in each format, parsed, against the registry: for the whole mesh and
//! for every product's upstream and downstream, the graph must hold exactly the selected
//! products (with their domain, layer and version) and exactly the edges their declared
//! inputs give. JSON is read with serde_json, dot with Graphviz itself (`dot -Tjson`), and
//! Mermaid with the small flowchart parser below.
//!
//! The expectations are computed here from the descriptors, not from the lineage graph the
//! renderers draw, so a renderer or graph that drops, adds or misplaces anything fails.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use mesh_core::model::ProductDescriptor;
use mesh_core::registered_products;
use serde_json::{json, Value};
// Links the example domains, the mesh of `fixture_example` (which is `cargo xtask`).
use mesh_tests as _;

/// Which part of the mesh to draw, as `--product ID --upstream|--downstream` selects it.
#[derive(Debug, Clone, Copy)]
enum Focus<'a> {
    All,
    Upstream(&'a str),
    Downstream(&'a str),
}

/// An edge: producer, consumer, the consumer's requirement, whether it crosses domains.
type Edge = (String, String, String, bool);

/// What a graph of a selection must hold.
struct Expected {
    /// The selected products, in the registry's order (sorted by id).
    products: Vec<&'static ProductDescriptor>,
    /// Their domains, sorted.
    domains: Vec<String>,
    /// Every declared input between two selected products, sorted.
    edges: Vec<Edge>,
}

impl Expected {
    fn of(focus: Focus<'_>) -> Self {
        let all: Vec<&'static ProductDescriptor> = registered_products().iter().map(|r| r.descriptor).collect();
        let known: BTreeSet<String> = all.iter().map(|d| d.id()).collect();
        // Producer -> consumer for every declared input naming a product of the mesh.
        let inputs: Vec<(String, String)> = all
            .iter()
            .flat_map(|d| d.inputs.iter().map(move |i| (i.id(), d.id())))
            .filter(|(producer, _)| known.contains(producer))
            .collect();
        let selected: BTreeSet<String> = match focus {
            Focus::All => known,
            Focus::Upstream(id) => reachable(id, &inputs, |(producer, consumer)| (consumer, producer)),
            Focus::Downstream(id) => reachable(id, &inputs, |(producer, consumer)| (producer, consumer)),
        };
        let products: Vec<_> = all.into_iter().filter(|d| selected.contains(&d.id())).collect();
        let domains: BTreeSet<String> = products.iter().map(|d| d.domain.to_string()).collect();
        let mut edges: Vec<Edge> = products
            .iter()
            .flat_map(|consumer| {
                consumer
                    .inputs
                    .iter()
                    .filter(|i| selected.contains(&i.id()))
                    .map(|i| (i.id(), consumer.id(), i.requirement.to_string(), *i.domain != *consumer.domain))
            })
            .collect();
        edges.sort();
        Self { products, domains: domains.into_iter().collect(), edges }
    }

    fn product(&self, id: &str) -> &'static ProductDescriptor {
        self.products.iter().find(|d| d.id() == id).unwrap_or_else(|| panic!("`{id}` is not selected"))
    }
}

/// `start` and every product reachable from it, following `step(edge) = (from, to)`.
fn reachable(
    start: &str,
    edges: &[(String, String)],
    step: fn(&(String, String)) -> (&String, &String),
) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([start.to_string()]);
    let mut stack = vec![start.to_string()];
    while let Some(node) = stack.pop() {
        for (from, to) in edges.iter().map(step) {
            if *from == node && seen.insert(to.clone()) {
                stack.push(to.clone());
            }
        }
    }
    seen
}

/// Every selection: the whole mesh, and each product's upstream and downstream.
fn every_focus(ids: &[String]) -> Vec<Focus<'_>> {
    let mut all = vec![Focus::All];
    for id in ids {
        all.push(Focus::Upstream(id));
        all.push(Focus::Downstream(id));
    }
    all
}

fn registered_ids() -> Vec<String> {
    registered_products().iter().map(|r| r.descriptor.id()).collect()
}

/// `cargo xtask graph --format FORMAT` for `focus`; must exit 0 and warn about nothing.
fn graph(format: &str, focus: Focus<'_>) -> String {
    let mut args = vec!["graph", "--format", format];
    match focus {
        Focus::All => {}
        Focus::Upstream(id) => args.extend(["--product", id, "--upstream"]),
        Focus::Downstream(id) => args.extend(["--product", id, "--downstream"]),
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_fixture_example"))
        .args(&args)
        .env("MESH_ROOT", root)
        .current_dir(root)
        .output()
        .expect("cannot run the example's cargo xtask");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.is_empty(), "{args:?} warned: {stderr}");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn the_json_graph_holds_every_selected_product_and_declared_input() {
    let ids = registered_ids();
    for focus in every_focus(&ids) {
        let expected = Expected::of(focus);
        let graph: Value = serde_json::from_str(&graph("json", focus)).expect("graph --format json prints JSON");
        let keys: Vec<&String> = graph.as_object().expect("a JSON object").keys().collect();
        assert_eq!(keys, ["domains", "edges", "products"], "{focus:?}");
        assert_eq!(graph["domains"], json!(expected.domains), "{focus:?}");
        let products: Vec<Value> = expected
            .products
            .iter()
            .map(|d| {
                json!({
                    "id": d.id(),
                    "domain": &*d.domain,
                    "name": &*d.name,
                    "version": &*d.version,
                    "layer": d.layer.as_str(),
                    "visibility": d.visibility.to_string(),
                    "source": format!("{}:{}:{}", d.source.file, d.source.line, d.source.column),
                })
            })
            .collect();
        assert_eq!(graph["products"], Value::Array(products), "{focus:?}");
        let mut edges: Vec<Edge> = graph["edges"]
            .as_array()
            .expect("edges are a list")
            .iter()
            .map(|edge| {
                let keys: Vec<&String> = edge.as_object().expect("an edge is an object").keys().collect();
                assert_eq!(keys, ["cross_domain", "from", "requirement", "to"], "{focus:?}: {edge}");
                let text = |key: &str| edge[key].as_str().unwrap_or_else(|| panic!("{key} of {edge}")).to_string();
                (text("from"), text("to"), text("requirement"), edge["cross_domain"].as_bool().unwrap())
            })
            .collect();
        edges.sort();
        assert_eq!(edges, expected.edges, "{focus:?}");
    }
}

/// Lays `dot` out with Graphviz and returns its JSON form; a missing Graphviz is an error.
fn graphviz_json(dot: &str) -> Value {
    let mut child = match Command::new("dot")
        .arg("-Tjson")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("Graphviz `dot` is not installed, and this test needs it: install graphviz (`apt-get install graphviz`)")
        }
        Err(e) => panic!("cannot run Graphviz `dot`: {e}"),
    };
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "Graphviz rejects the dot output: {stderr}\n{dot}");
    assert!(stderr.is_empty(), "Graphviz warns about the dot output: {stderr}\n{dot}");
    serde_json::from_slice(&output.stdout).expect("dot -Tjson prints JSON")
}

#[test]
fn the_dot_graph_parses_with_graphviz_into_the_selected_products_and_declared_inputs() {
    let ids = registered_ids();
    for focus in every_focus(&ids) {
        let expected = Expected::of(focus);
        let dot = graph("dot", focus);
        let graph = graphviz_json(&dot);
        assert_eq!(graph["directed"], true, "{focus:?}");
        let objects = graph["objects"].as_array().expect("dot -Tjson lists objects");
        // Graphviz lists the subgraphs first, then the nodes; `_gvid` numbers each kind.
        let clusters = graph["_subgraph_cnt"].as_u64().unwrap() as usize;
        let (subgraphs, nodes) = objects.split_at(clusters);
        let name_of = |gvid: &Value| -> String {
            let node = nodes.iter().find(|n| n["_gvid"] == *gvid).unwrap_or_else(|| panic!("no node {gvid}"));
            node["name"].as_str().unwrap().to_string()
        };

        let mut names: Vec<String> = nodes.iter().map(|n| n["name"].as_str().unwrap().to_string()).collect();
        names.sort();
        let mut expected_names: Vec<String> = expected.products.iter().map(|d| d.id()).collect();
        expected_names.sort();
        assert_eq!(names, expected_names, "{focus:?}: the nodes\n{dot}");
        for node in nodes {
            let d = expected.product(node["name"].as_str().unwrap());
            // The label as written, `\n` a dot escape for a line break.
            let label = format!("{}\\n{} {}", d.name, d.layer.as_str(), d.version);
            assert_eq!(node["label"], label, "{focus:?}: {}", d.id());
        }

        // One cluster per domain, labelled with it, holding exactly the domain's products.
        let mut in_cluster = BTreeMap::new();
        for subgraph in subgraphs {
            let name = subgraph["name"].as_str().unwrap();
            let domain = name.strip_prefix("cluster_").unwrap_or_else(|| panic!("{name} is not a cluster"));
            assert_eq!(subgraph["label"], domain, "{focus:?}");
            for gvid in subgraph["nodes"].as_array().map(Vec::as_slice).unwrap_or_default() {
                let id = name_of(gvid);
                assert_eq!(*expected.product(&id).domain, *domain, "{focus:?}: {id} is drawn in {name}");
                assert!(in_cluster.insert(id.clone(), domain.to_string()).is_none(), "{focus:?}: {id} in two clusters");
            }
        }
        let clustered: BTreeSet<&String> = in_cluster.values().collect();
        assert_eq!(clustered.into_iter().cloned().collect::<Vec<_>>(), expected.domains, "{focus:?}");
        assert_eq!(in_cluster.len(), expected.products.len(), "{focus:?}: every product in its domain's cluster");

        let mut edges: Vec<Edge> = graph["edges"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|edge| {
                // Cross-domain inputs are drawn bold, the others plain.
                let bold = match edge.get("style") {
                    None => false,
                    Some(style) if style == "bold" => true,
                    Some(other) => panic!("{focus:?}: edge style {other}"),
                };
                (name_of(&edge["tail"]), name_of(&edge["head"]), edge["label"].as_str().unwrap().to_string(), bold)
            })
            .collect();
        edges.sort();
        assert_eq!(edges, expected.edges, "{focus:?}: the edges\n{dot}");
    }
}

/// A Mermaid flowchart as far as the renderer writes one.
#[derive(Debug, Default)]
struct Flowchart {
    /// `classDef NAME STYLE`.
    classes: BTreeSet<String>,
    /// Node key -> (label, class, enclosing subgraph).
    nodes: BTreeMap<String, (String, Option<String>, Option<String>)>,
    /// (from key, arrow, label, to key).
    edges: Vec<(String, String, Option<String>, String)>,
}

/// A Mermaid node key: letters, digits and `_`.
fn mermaid_key(text: &str, line: &str) -> String {
    assert!(
        !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "`{text}` is not a node key: {line}"
    );
    text.to_string()
}

/// Parses the flowchart subset the renderer writes; any other line is an error.
fn parse_mermaid(text: &str) -> Flowchart {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let header = lines.next().expect("an empty flowchart");
    let (kind, direction) = header.split_once(' ').unwrap_or((header, ""));
    assert!(matches!(kind, "flowchart" | "graph"), "not a flowchart header: {header}");
    assert!(matches!(direction, "LR" | "RL" | "TB" | "TD" | "BT"), "no direction: {header}");
    let mut chart = Flowchart::default();
    let mut subgraph: Option<String> = None;
    for line in lines {
        if let Some(rest) = line.strip_prefix("classDef ") {
            let (name, style) = rest.split_once(' ').unwrap_or_else(|| panic!("classDef without style: {line}"));
            assert!(!style.trim().is_empty(), "classDef without style: {line}");
            chart.classes.insert(name.to_string());
        } else if let Some(name) = line.strip_prefix("subgraph ") {
            assert!(subgraph.is_none(), "nested subgraph: {line}");
            subgraph = Some(mermaid_key(name.trim(), line));
        } else if line == "end" {
            assert!(subgraph.take().is_some(), "`end` outside a subgraph");
        } else if let Some((from, arrow, rest)) =
            ["-->", "==>"].iter().find_map(|arrow| line.split_once(arrow).map(|(from, rest)| (from, *arrow, rest)))
        {
            let (label, to) = match rest.strip_prefix('|') {
                Some(labelled) => {
                    let (label, to) = labelled.split_once('|').unwrap_or_else(|| panic!("unclosed label: {line}"));
                    let label = label.strip_prefix('"').and_then(|l| l.strip_suffix('"')).unwrap_or(label);
                    (Some(label.to_string()), to)
                }
                None => (None, rest),
            };
            let edge = (mermaid_key(from.trim(), line), arrow.to_string(), label, mermaid_key(to.trim(), line));
            chart.edges.push(edge);
        } else if let Some((key, rest)) = line.split_once("[\"") {
            let (label, rest) = rest.split_once("\"]").unwrap_or_else(|| panic!("unclosed node label: {line}"));
            let class = match rest {
                "" => None,
                rest => Some(rest.strip_prefix(":::").unwrap_or_else(|| panic!("after the label: {line}")).to_string()),
            };
            let key = mermaid_key(key, line);
            let node = (label.to_string(), class, subgraph.clone());
            assert!(chart.nodes.insert(key, node).is_none(), "node declared twice: {line}");
        } else {
            panic!("not a line of the flowchart: {line}");
        }
    }
    assert!(subgraph.is_none(), "unclosed subgraph");
    chart
}

#[test]
fn the_mermaid_graph_declares_the_selected_products_and_draws_their_declared_inputs() {
    let ids = registered_ids();
    for focus in every_focus(&ids) {
        let expected = Expected::of(focus);
        let mermaid = graph("mermaid", focus);
        let chart = parse_mermaid(&mermaid);
        // Node key -> product id, from the label `ID<br/>LAYER VERSION`.
        let mut product_of = BTreeMap::new();
        for (key, (label, class, subgraph)) in &chart.nodes {
            let (id, rest) = label.split_once("<br/>").unwrap_or_else(|| panic!("{focus:?}: label {label}"));
            let d = expected.product(id);
            assert_eq!(rest, format!("{} {}", d.layer.as_str(), d.version), "{focus:?}: {id}");
            assert_eq!(class.as_deref(), Some(d.layer.as_str()), "{focus:?}: {id} is styled by its layer");
            assert!(chart.classes.contains(d.layer.as_str()), "{focus:?}: no classDef {}", d.layer.as_str());
            assert_eq!(subgraph.as_deref(), Some(&*d.domain), "{focus:?}: {id} is drawn in its domain");
            product_of.insert(key.clone(), id.to_string());
        }
        let mut drawn: Vec<&String> = product_of.values().collect();
        drawn.sort();
        let mut selected: Vec<String> = expected.products.iter().map(|d| d.id()).collect();
        selected.sort();
        assert_eq!(drawn, selected.iter().collect::<Vec<_>>(), "{focus:?}: the nodes\n{mermaid}");

        let mut edges: Vec<Edge> = chart
            .edges
            .iter()
            .map(|(from, arrow, label, to)| {
                // An edge to an undeclared key would make Mermaid draw a bare node of its own.
                let id = |key: &String| {
                    product_of.get(key).unwrap_or_else(|| panic!("{focus:?}: edge to undeclared node {key}")).clone()
                };
                let thick = match arrow.as_str() {
                    "==>" => true,
                    "-->" => false,
                    other => panic!("arrow {other}"),
                };
                (id(from), id(to), label.clone().expect("every edge carries its requirement"), thick)
            })
            .collect();
        edges.sort();
        assert_eq!(edges, expected.edges, "{focus:?}: the edges (cross-domain ones thick)\n{mermaid}");
    }
}

#[test]
fn the_mermaid_parser_reads_what_it_must_and_refuses_the_rest() {
    let chart = parse_mermaid(
        "graph TD\n  classDef gold fill:#fff\n  subgraph s\n    a[\"x<br/>gold 1.0.0\"]:::gold\n  end\n  b[\"y\"]\n  a ==>|\"^1\"| b\n  b --> a\n",
    );
    assert_eq!(chart.classes, BTreeSet::from(["gold".to_string()]));
    assert_eq!(chart.nodes["a"], ("x<br/>gold 1.0.0".to_string(), Some("gold".to_string()), Some("s".to_string())));
    assert_eq!(chart.nodes["b"], ("y".to_string(), None, None));
    assert_eq!(
        chart.edges,
        [
            ("a".to_string(), "==>".to_string(), Some("^1".to_string()), "b".to_string()),
            ("b".to_string(), "-->".to_string(), None, "a".to_string()),
        ]
    );
    for bad in ["flowchart LR\n  a -> b\n", "flowchart LR\n  subgraph s\n", "pie\n", "flowchart LR\n  a[\"x\n"] {
        assert!(std::panic::catch_unwind(|| parse_mermaid(bad)).is_err(), "accepted {bad:?}");
    }
}
