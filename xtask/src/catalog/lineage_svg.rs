//! The lineage graph as SVG, laid out at build time: one column per depth (sources left), products
//! of a column grouped by domain; every node links to its product page. No JavaScript, no
//! Graphviz needed at view or build time.

use std::collections::{BTreeMap, VecDeque};

use super::html::{el, Element};
use super::model::Entry;

const NODE_WIDTH: u32 = 230;
const NODE_HEIGHT: u32 = 40;
const COLUMN_GAP: u32 = 90;
const ROW_GAP: u32 = 16;
const MARGIN: u32 = 12;

/// A node to draw.
struct Placed<'a> {
    entry: &'a Entry,
    x: u32,
    y: u32,
}

/// The SVG of `entries` (a whole mesh or one product's neighbourhood), nodes linking to
/// `<link_prefix><id>.html`; `focus` is drawn highlighted.
pub fn svg(entries: &[&Entry], link_prefix: &str, focus: Option<&str>, label: &str) -> Element {
    let index: BTreeMap<String, usize> = entries.iter().enumerate().map(|(i, e)| (e.id(), i)).collect();
    let inputs: Vec<Vec<usize>> = entries
        .iter()
        .map(|e| e.contract.inputs.iter().filter_map(|input| index.get(&input.product).copied()).collect())
        .collect();
    let depth = depths(&inputs);
    let mut columns: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, d) in depth.iter().enumerate() {
        columns.entry(*d).or_default().push(i);
    }
    let mut placed: Vec<Option<Placed<'_>>> = entries.iter().map(|_| None).collect();
    let mut height = 0;
    for (column, members) in &mut columns {
        members.sort_by(|a, b| {
            let (a, b) = (&entries[*a].contract, &entries[*b].contract);
            (&a.domain, &a.name).cmp(&(&b.domain, &b.name))
        });
        let x = MARGIN + u32::try_from(*column).unwrap_or(u32::MAX / 2) * (NODE_WIDTH + COLUMN_GAP);
        for (row, &i) in members.iter().enumerate() {
            let y = MARGIN + u32::try_from(row).unwrap_or(u32::MAX / 2) * (NODE_HEIGHT + ROW_GAP);
            height = height.max(y + NODE_HEIGHT + MARGIN);
            placed[i] = Some(Placed { entry: entries[i], x, y });
        }
    }
    let width = MARGIN * 2 + u32::try_from(columns.len()).unwrap_or(1) * (NODE_WIDTH + COLUMN_GAP)
        - if columns.is_empty() { 0 } else { COLUMN_GAP };
    let mut edges = el("g").attr("class", "edges");
    for (consumer, producers) in inputs.iter().enumerate() {
        let Some(to) = &placed[consumer] else { continue };
        for &producer in producers {
            let Some(from) = &placed[producer] else { continue };
            let (x1, y1) = (from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2);
            let (x2, y2) = (to.x, to.y + NODE_HEIGHT / 2);
            let bend = (i64::from(x2) - i64::from(x1)).abs() / 2 + 20;
            let cross = from.entry.contract.domain != to.entry.contract.domain;
            edges = edges.child(
                el("path")
                    .attr("class", if cross { "edge cross-domain" } else { "edge" })
                    .attr(
                        "d",
                        format!(
                            "M{x1},{y1} C{},{y1} {},{y2} {},{y2}",
                            i64::from(x1) + bend,
                            i64::from(x2) - bend,
                            x2.saturating_sub(6)
                        ),
                    )
                    .attr("marker-end", "url(#arrow)"),
            );
        }
    }
    let mut nodes = el("g").attr("class", "nodes");
    for node in placed.iter().flatten() {
        let id = node.entry.id();
        let class = format!(
            "node layer-{}{}",
            node.entry.contract.layer.as_str(),
            if focus == Some(id.as_str()) { " focus" } else { "" }
        );
        nodes = nodes.child(
            el("a").attr("href", format!("{link_prefix}{id}.html")).attr("class", class).child(
                el("g")
                    .child(el("title").text(format!("{id} ({})", node.entry.contract.layer.as_str())))
                    .child(
                        el("rect")
                            .attr("x", node.x.to_string())
                            .attr("y", node.y.to_string())
                            .attr("width", NODE_WIDTH.to_string())
                            .attr("height", NODE_HEIGHT.to_string())
                            .attr("rx", "6"),
                    )
                    .child(
                        el("text")
                            .attr("x", (node.x + 10).to_string())
                            .attr("y", (node.y + 17).to_string())
                            .attr("class", "name")
                            .text(node.entry.contract.name.clone()),
                    )
                    .child(
                        el("text")
                            .attr("x", (node.x + 10).to_string())
                            .attr("y", (node.y + 32).to_string())
                            .attr("class", "meta")
                            .text(format!("{} · {}", node.entry.contract.domain, node.entry.contract.layer.as_str())),
                    ),
            ),
        );
    }
    let marker = el("defs").child(
        el("marker")
            .attr("id", "arrow")
            .attr("viewBox", "0 0 10 10")
            .attr("refX", "9")
            .attr("refY", "5")
            .attr("markerWidth", "7")
            .attr("markerHeight", "7")
            .attr("orient", "auto")
            .child(el("path").attr("d", "M0,0 L10,5 L0,10 z")),
    );
    el("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("class", "lineage")
        .attr("width", width.to_string())
        .attr("height", height.max(NODE_HEIGHT + 2 * MARGIN).to_string())
        .attr("viewBox", format!("0 0 {width} {}", height.max(NODE_HEIGHT + 2 * MARGIN)))
        .attr("role", "group")
        .attr("aria-label", label)
        .child(marker)
        .child(edges)
        .child(nodes)
}

/// Each node's column: one more than its deepest input. Nodes on a cycle (which `check` reports)
/// are placed after their ranked inputs rather than looping.
fn depths(inputs: &[Vec<usize>]) -> Vec<usize> {
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); inputs.len()];
    let mut waiting: Vec<usize> = inputs.iter().map(Vec::len).collect();
    for (consumer, producers) in inputs.iter().enumerate() {
        for &p in producers {
            consumers[p].push(consumer);
        }
    }
    let mut depth: Vec<Option<usize>> = vec![None; inputs.len()];
    let mut ready: VecDeque<usize> = (0..inputs.len()).filter(|&i| waiting[i] == 0).collect();
    loop {
        while let Some(node) = ready.pop_front() {
            if depth[node].is_some() {
                continue;
            }
            depth[node] = Some(inputs[node].iter().filter_map(|&p| depth[p]).map(|d| d + 1).max().unwrap_or(0));
            for &c in &consumers[node] {
                if depth[c].is_some() || waiting[c] == 0 {
                    continue;
                }
                waiting[c] -= 1;
                if waiting[c] == 0 {
                    ready.push_back(c);
                }
            }
        }
        // Whatever is left waits on a cycle: release the first such node and go on.
        match (0..inputs.len()).find(|&i| depth[i].is_none()) {
            Some(stuck) => {
                waiting[stuck] = 0;
                ready.push_back(stuck);
            }
            None => break,
        }
    }
    depth.into_iter().map(|d| d.unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::depths;

    #[test]
    fn a_product_sits_right_of_its_deepest_input() {
        // 0 -> 1 -> 2, and 0 -> 2 directly: 2 is after 1, not beside it.
        assert_eq!(depths(&[vec![], vec![0], vec![0, 1]]), vec![0, 1, 2]);
    }

    #[test]
    fn a_cycle_is_laid_out_without_looping() {
        let d = depths(&[vec![1], vec![0], vec![]]);
        assert_eq!(d.len(), 3);
        assert_ne!(d[0], d[1]);
    }
}
