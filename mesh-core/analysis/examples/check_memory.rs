//! Peak memory and time of the check on a generated mesh.
//!
//! `cargo run --release -p mesh-analysis --example check_memory -- 100000` prints
//! the process's peak resident memory (VmHWM, Linux) after generating the
//! mesh and after checking it: the difference is what the analysis adds.

use std::time::Instant;

use mesh_analysis::governance::{self, CalendarDate, MeshConfig};

#[path = "../benches/synthetic_mesh.rs"]
mod synthetic_mesh;

/// Peak resident memory so far, from /proc/self/status.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown (no /proc/self/status)".into())
}

fn main() {
    let products: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let mesh = synthetic_mesh::generate(products);
    println!("generated {} products; peak memory {}", mesh.len(), peak_memory());
    let today = CalendarDate::parse("2026-06-01").expect("a valid date");
    let started = Instant::now();
    let report = governance::check(&mesh, &MeshConfig::default(), today);
    let elapsed = started.elapsed();
    println!("{}", report.summary_line());
    println!("checked in {:.3} s; peak memory {}", elapsed.as_secs_f64(), peak_memory());
}
