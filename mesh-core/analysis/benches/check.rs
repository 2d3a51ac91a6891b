//! The analysis of `cargo xtask check` alone (lineage graph and every policy)
//! on generated meshes of 1,000, 10,000 and 100,000 products.
//!
//! Baseline, measured in the same run: `index_ids`, the least any check must
//! do (one hash-map insert per product id). `check / index_ids` staying flat
//! across sizes shows the check grows linearly.
//!
//! Run: `cargo bench -p mesh-analysis --bench check`.

use divan::Bencher;
use mesh_analysis::governance::{self, CalendarDate, MeshConfig};
use mesh_analysis::lineage::Lineage;

#[path = "synthetic_mesh.rs"]
mod synthetic_mesh;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn main() {
    divan::main();
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn index_ids(bencher: Bencher, products: usize) {
    let mesh = synthetic_mesh::generate(products);
    bencher.bench_local(|| {
        let mut index = std::collections::HashMap::with_capacity(mesh.len());
        for (position, product) in mesh.iter().enumerate() {
            index.insert((&*product.domain, &*product.name), position);
        }
        index
    });
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn lineage(bencher: Bencher, products: usize) {
    let mesh = synthetic_mesh::generate(products);
    bencher.bench_local(|| Lineage::build(&mesh));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn check(bencher: Bencher, products: usize) {
    let mesh = synthetic_mesh::generate(products);
    let config = MeshConfig::default();
    let today = CalendarDate::parse("2026-06-01").expect("a valid date");
    let report = governance::check(&mesh, &config, today);
    assert!(report.diagnostics.is_empty(), "the generated mesh must be clean: {:?}", report.diagnostics.first());
    assert_eq!(report.summary.products, products);
    bencher.bench_local(|| governance::check(&mesh, &config, today));
}
