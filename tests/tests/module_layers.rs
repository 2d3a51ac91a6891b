//! The modules of each library crate form no cycle: if `a` uses `crate::b`, nothing in `b` uses
//! `crate::a`, directly or through other modules. A cycle means two modules are one job split in
//! two (or one job's code in the wrong place), and it is how crates stop being splittable.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const CRATES: &[&str] = &[
    "mesh-core/model",
    "mesh-core/crypto",
    "mesh-core/avro",
    "mesh-core/runtime",
    "mesh-core/analysis",
    "mesh-macros",
    "xtask",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The top-level modules of a crate's `src/` and, for each, the other top-level modules it names
/// with `crate::`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in sources(src) {
        let relative = file.strip_prefix(src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        // Comments (doc links among them) are not dependencies.
        let text: String = fs::read_to_string(&file)
            .unwrap()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let uses = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            // `$crate::` in a macro and `mesh_crate::` are not this crate's path.
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric()) {
                continue;
            }
            let name: String =
                text[at + "crate::".len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() && name != module {
                uses.insert(name);
            }
        }
    }
    // Keep only edges to modules (not to items re-exported at the crate root).
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|m| modules.contains(m));
    }
    graph
}

/// One cycle of `graph`, as the path `a -> b -> a`, if it has any.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_has_a_module_cycle() {
    let mut cycles = Vec::new();
    for krate in CRATES {
        let graph = module_graph(&root().join(krate).join("src"));
        assert!(graph.len() > 1, "{krate}: expected several modules, found {graph:?}");
        if let Some(cycle) = find_cycle(&graph) {
            cycles.push(format!("{krate}: {}", cycle.join(" -> ")));
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn a_cycle_is_found_with_its_path() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("product", &["schema"][..]),
        ("schema", &["contract"][..]),
        ("contract", &["product"][..]),
        ("values", &[][..]),
    ]
    .into_iter()
    .map(|(m, uses)| (m.to_string(), uses.iter().map(|u| u.to_string()).collect()))
    .collect();
    assert_eq!(find_cycle(&graph).unwrap(), ["contract", "product", "schema", "contract"]);
    let mut acyclic = graph.clone();
    acyclic.get_mut("contract").unwrap().clear();
    assert_eq!(find_cycle(&acyclic), None);
}

#[test]
fn no_source_file_is_over_800_lines() {
    let mut long = Vec::new();
    for folder in ["mesh-core", "mesh-macros", "xtask", "tests", "domains"] {
        for file in sources(&root().join(folder)) {
            let lines = fs::read_to_string(&file).unwrap().lines().count();
            if lines > 800 {
                long.push(format!("{}: {lines} lines", file.strip_prefix(root()).unwrap().display()));
            }
        }
    }
    assert!(long.is_empty(), "split these files by job:\n{}", long.join("\n"));
}
