//! The `codec` benchmark's cases (`benches/support/`), run outside divan:
//!
//! - one case alone, for an instruction profiler, which counts reproducibly on a loaded machine
//!   where timings do not (building the records is not counted):
//!
//!   ```text
//!   cargo build --release -p mesh-tests --example codec_profile
//!   valgrind --tool=callgrind --toggle-collect='*read_file::mesh_generated' \
//!       target/release/examples/codec_profile read_file mesh_generated 20000
//!   ```
//!
//! - `ratios [RECORDS] [ROUNDS]`: paired timing. Each round times every library of a group back
//!   to back, in a rotating order, and takes each library's time over ours *within the round*;
//!   the report is the median of those per-round ratios (and their range). A burst of load on a
//!   shared machine then slows one round's pair rather than one library's whole sample set.
#![allow(missing_docs)]

use std::time::{Duration, Instant};

#[path = "../benches/support/mod.rs"]
mod support;

use support::{Case, Data, Library, CASES};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |at: usize, default: usize| args.get(at).and_then(|n| n.parse().ok()).unwrap_or(default);
    match args.first().map(String::as_str) {
        Some("ratios") => ratios(&Data::new(number(1, 200_000)), number(2, 15)),
        Some(group) => {
            let library = args.get(1).map(String::as_str).unwrap_or("mesh_generated");
            let Some(case) = CASES.iter().find(|c| c.group == group && c.library.name() == library) else {
                let known: Vec<String> = CASES.iter().map(|c| format!("{} {}", c.group, c.library.name())).collect();
                eprintln!("unknown case `{group} {library}`; the cases are:\n  {}", known.join("\n  "));
                std::process::exit(2);
            };
            let count = number(2, 20_000);
            let data = Data::new(count);
            let elapsed = time(case, &data);
            eprintln!(
                "{group} {library}: {count} records in {elapsed:?} ({:.0} ns/record)",
                elapsed.as_nanos() as f64 / count as f64
            );
        }
        None => {
            eprintln!("usage: codec_profile GROUP LIBRARY [RECORDS] | codec_profile ratios [RECORDS] [ROUNDS]");
            std::process::exit(2);
        }
    }
}

fn time(case: &Case, data: &Data) -> Duration {
    let started = Instant::now();
    (case.run)(data);
    started.elapsed()
}

fn ratios(data: &Data, rounds: usize) {
    let records = data.ours.len();
    println!("{records} records, {rounds} rounds; ratio = the library's time / mesh_generated's, per round");
    println!("{:<14} {:<24} {:>12} {:>8} {:>16}", "group", "library", "median", "ratio", "range");
    let mut groups: Vec<&str> = CASES.iter().map(|c| c.group).collect();
    groups.dedup();
    for group in groups {
        let cases: Vec<&Case> = CASES.iter().filter(|c| c.group == group).collect();
        let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); cases.len()];
        // One warm-up run each: first-touch page faults and lazy schema parsing are not measured.
        for case in &cases {
            time(case, data);
        }
        for round in 0..rounds {
            for offset in 0..cases.len() {
                let at = (round + offset) % cases.len();
                times[at].push(time(cases[at], data));
            }
        }
        let ours = cases.iter().position(|c| c.library == Library::MeshGenerated).unwrap_or(0);
        for (at, case) in cases.iter().enumerate() {
            let mut per_round: Vec<f64> =
                times[at].iter().zip(&times[ours]).map(|(t, o)| t.as_secs_f64() / o.as_secs_f64()).collect();
            per_round.sort_by(f64::total_cmp);
            let mut own = times[at].clone();
            own.sort();
            println!(
                "{:<14} {:<24} {:>12.1?} {:>7.2}x {:>7.2}-{:.2}x",
                group,
                case.library.name(),
                own[own.len() / 2],
                per_round[per_round.len() / 2],
                per_round[0],
                per_round[per_round.len() - 1],
            );
        }
    }
}
