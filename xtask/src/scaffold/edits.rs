//! The small edits that make a new crate or module part of the mesh: one line added to a list,
//! everything else in the file kept byte for byte.

/// `text` with `line` added to the block of lines that follow the line starting with `marker` (up
/// to the first blank line), in order (as rustfmt orders `use` lines); at its end when unsorted.
///
/// # Errors
/// The marker is not in the text.
pub fn append_to_block(text: &str, marker: &str, line: &str, file: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with(marker)).ok_or_else(|| {
        format!("{file} has no line starting with `{marker}`, so the new line `{line}` has no place; restore it")
    })?;
    let end = lines[start..].iter().position(|l| l.trim().is_empty()).map_or(lines.len(), |at| start + at);
    let at = lines[start + 1..end].iter().position(|l| *l > line).map_or(end, |at| start + 1 + at);
    Ok(insert_line(&lines, at, line))
}

/// `text` with `line` added to the run of lines that start with `prefix`, in name order (as
/// rustfmt orders `mod` declarations); after the last such line when the run is not sorted.
///
/// # Errors
/// No line starts with `prefix`.
pub fn insert_sorted(text: &str, prefix: &str, line: &str, file: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with(prefix))
        .ok_or_else(|| format!("{file} has no `{prefix}...` line, so `{line}` has no place; add it by hand"))?;
    let run = lines[first..].iter().take_while(|l| l.starts_with(prefix)).count();
    let at = lines[first..first + run].iter().position(|l| *l > line).map_or(first + run, |at| first + at);
    Ok(insert_line(&lines, at, line))
}

/// `text` with `line` added at the end of its `[dependencies]` table.
///
/// # Errors
/// There is no `[dependencies]` table.
pub fn add_dependency(text: &str, line: &str, file: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "[dependencies]")
        .ok_or_else(|| format!("{file} has no [dependencies] table; add `{line}` by hand"))?;
    let next_table =
        lines[start + 1..].iter().position(|l| l.starts_with('[')).map_or(lines.len(), |at| start + 1 + at);
    let mut end = next_table;
    while end > start + 1 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    Ok(insert_line(&lines, end, line))
}

fn insert_line(lines: &[&str], at: usize, line: &str) -> String {
    let mut out: Vec<&str> = lines.to_vec();
    out.insert(at, line);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_joins_the_end_of_its_block() {
        let text = "[dependencies]\nclap = 1\n# The mesh:\nsales = 1\nmarketing = 1\n\n[dev-dependencies]\n";
        let edited = append_to_block(text, "# The mesh", "zeta = 1", "Cargo.toml").unwrap();
        assert_eq!(
            edited,
            "[dependencies]\nclap = 1\n# The mesh:\nsales = 1\nmarketing = 1\nzeta = 1\n\n[dev-dependencies]\n"
        );
        let sorted = "// The mesh:\nuse customer as _;\nuse sales as _;\n\nfn main() {}\n";
        assert_eq!(
            append_to_block(sorted, "// The mesh", "use finance as _;", "main.rs").unwrap(),
            "// The mesh:\nuse customer as _;\nuse finance as _;\nuse sales as _;\n\nfn main() {}\n"
        );
        assert!(append_to_block(text, "# Gone", "x", "Cargo.toml").unwrap_err().contains("Cargo.toml has no line"));
    }

    #[test]
    fn modules_are_inserted_in_name_order() {
        let text = "//! Doc.\n\npub mod bronze;\npub mod gold;\npub mod silver;\n";
        assert_eq!(
            insert_sorted(text, "pub mod ", "pub mod orders;", "lib.rs").unwrap(),
            "//! Doc.\n\npub mod bronze;\npub mod gold;\npub mod orders;\npub mod silver;\n"
        );
        assert_eq!(
            insert_sorted(text, "pub mod ", "pub mod zeta;", "lib.rs").unwrap(),
            "//! Doc.\n\npub mod bronze;\npub mod gold;\npub mod silver;\npub mod zeta;\n"
        );
    }

    #[test]
    fn a_dependency_ends_the_dependencies_table() {
        let text = "[package]\nname = \"x\"\n\n[dependencies]\na = 1\n\n[lints]\n";
        assert_eq!(
            add_dependency(text, "b = 2", "x/Cargo.toml").unwrap(),
            "[package]\nname = \"x\"\n\n[dependencies]\na = 1\nb = 2\n\n[lints]\n"
        );
    }
}
