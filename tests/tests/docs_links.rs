//! Every link in the README and `docs/` points at a file of this repository: a user's clone has
//! nothing else, so a link outside it (another checkout, a web page that may move) is a dead end.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").canonicalize().unwrap()
}

/// The README and every Markdown file under `docs/`.
fn documents() -> Vec<PathBuf> {
    let mut found = vec![root().join("README.md")];
    let mut folders = vec![root().join("docs")];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found
}

/// The targets of the inline links `[text](target)` in `markdown`, outside code blocks and spans.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_block = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            continue;
        }
        // Text inside `code` is not a link.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    targets
}

#[test]
fn every_link_resolves_to_a_file_of_the_repository() {
    let root = root();
    let mut problems = Vec::new();
    let mut links = 0;
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap();
        let shown = document.strip_prefix(&root).unwrap().display().to_string();
        for target in link_targets(&text) {
            links += 1;
            if target.contains("://") || target.starts_with("mailto:") {
                problems.push(format!("{shown}: `{target}` leaves the repository"));
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            if file.is_empty() {
                continue;
            }
            match document.parent().unwrap().join(file).canonicalize() {
                Ok(path) if path.starts_with(&root) => {}
                Ok(_) => problems.push(format!("{shown}: `{target}` is outside the repository")),
                Err(_) => problems.push(format!("{shown}: `{target}` does not exist")),
            }
        }
    }
    assert!(links > 10, "the README and docs link each other; found only {links} links");
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

#[test]
fn links_are_found_outside_code_only() {
    let markdown = "see [a](a.md) and `[b](b.md)`\n```\n[c](c.md)\n```\n[d](d.md#part)";
    assert_eq!(link_targets(markdown), ["a.md", "d.md#part"]);
}
