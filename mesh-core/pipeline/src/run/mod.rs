//! The runner: builds products in lineage order, independent ones in parallel, and fails a
//! product's downstream (never its neighbours) when it fails.

mod panics;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant as Clock};

use mesh_core::model::ProductDescriptor;

use crate::build::CommittedInput;
use crate::lakehouse::{Lakehouse, Manifest};
use crate::pipeline::{registered_pipelines, Job, Outcome, PipelineRegistration};
use crate::PipelineError;

/// One product of a run, with the positions of its inputs in the plan.
#[derive(Debug, Clone)]
pub struct Step {
    /// The product.
    pub product: &'static ProductDescriptor,
    /// Positions in [`Plan::steps`] of the inputs built in this run.
    pub inputs: Vec<usize>,
}

/// What a run builds, in an order where every input comes before its consumers.
#[derive(Debug, Clone)]
pub struct Plan {
    steps: Vec<Step>,
    // Every product of the mesh, to find inputs that are not part of this run.
    mesh: Vec<&'static ProductDescriptor>,
}

impl Plan {
    /// Plans `selected` (in topological order: inputs first) within `mesh`.
    ///
    /// # Errors
    /// A product comes before one of its inputs in `selected` (the order is not topological).
    pub fn new(mesh: Vec<&'static ProductDescriptor>, selected: &[&'static ProductDescriptor]) -> Result<Self, String> {
        let mut steps: Vec<Step> = Vec::with_capacity(selected.len());
        for (at, product) in selected.iter().enumerate() {
            let mut inputs = Vec::new();
            for input in product.inputs.iter() {
                if let Some(position) = selected.iter().position(|p| p.domain == input.domain && p.name == input.name) {
                    if position >= at {
                        return Err(format!(
                            "{} is planned before its input {}: the plan must follow the lineage order",
                            product.id(),
                            input.id()
                        ));
                    }
                    inputs.push(position);
                }
            }
            steps.push(Step { product, inputs });
        }
        Ok(Self { steps, mesh })
    }

    /// The products, in build order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }
}

/// How one product of a run ended.
#[derive(Debug, Clone)]
pub enum Status {
    /// A new version was committed.
    Built,
    /// Its inputs and declaration did not change: nothing was done.
    UpToDate,
    /// The build failed; the product's previous version stays current.
    Failed(String),
    /// Not attempted because an input failed.
    Skipped {
        /// The failed product upstream.
        upstream: String,
    },
}

/// One product's part of a run.
#[derive(Debug, Clone)]
pub struct ProductReport {
    /// The product.
    pub product: &'static ProductDescriptor,
    /// How it ended.
    pub status: Status,
    /// Its current version after the run (the new one when built).
    pub manifest: Option<Manifest>,
    /// Wall time of its build.
    pub elapsed: Duration,
}

/// Runs `plan` on `threads` worker threads, calling `on_done` as each product ends (from the
/// worker that built it); returns every product's report in plan order.
pub fn run(
    plan: &Plan,
    lakehouse: &Lakehouse,
    landing: &Path,
    threads: usize,
    on_done: &(dyn Fn(&ProductReport) + Sync),
) -> Vec<ProductReport> {
    panics::install_hook();
    let count = plan.steps.len();
    let mut consumers = vec![Vec::new(); count];
    for (at, step) in plan.steps.iter().enumerate() {
        for &input in &step.inputs {
            consumers[input].push(at);
        }
    }
    let waiting: Vec<usize> = plan.steps.iter().map(|s| s.inputs.len()).collect();
    let ready: VecDeque<usize> = (0..count).filter(|&at| waiting[at] == 0).collect();
    let state = Mutex::new(State { waiting, ready, reports: vec![None; count], finished: 0 });
    let wake = Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, count.max(1)) {
            scope.spawn(|| worker(plan, lakehouse, landing, &consumers, &state, &wake, on_done));
        }
    });
    let state = state.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    state.reports.into_iter().flatten().collect()
}

struct State {
    waiting: Vec<usize>,
    ready: VecDeque<usize>,
    reports: Vec<Option<ProductReport>>,
    finished: usize,
}

fn worker(
    plan: &Plan,
    lakehouse: &Lakehouse,
    landing: &Path,
    consumers: &[Vec<usize>],
    state: &Mutex<State>,
    wake: &Condvar,
    on_done: &(dyn Fn(&ProductReport) + Sync),
) {
    loop {
        let at = {
            let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if let Some(at) = guard.ready.pop_front() {
                    break at;
                }
                if guard.finished == plan.steps.len() {
                    return;
                }
                guard = wake.wait(guard).unwrap_or_else(|p| p.into_inner());
            }
        };
        let report = build_step(plan, at, lakehouse, landing);
        on_done(&report);
        let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
        let failed = !matches!(report.status, Status::Built | Status::UpToDate);
        guard.reports[at] = Some(report);
        guard.finished += 1;
        if failed {
            skip_downstream(plan, at, consumers, &mut guard, on_done);
        } else {
            for &consumer in &consumers[at] {
                guard.waiting[consumer] -= 1;
                if guard.waiting[consumer] == 0 && guard.reports[consumer].is_none() {
                    guard.ready.push_back(consumer);
                }
            }
        }
        drop(guard);
        wake.notify_all();
    }
}

/// Marks everything downstream of failed step `at` as skipped, naming the failed product.
fn skip_downstream(
    plan: &Plan,
    at: usize,
    consumers: &[Vec<usize>],
    state: &mut State,
    on_done: &(dyn Fn(&ProductReport) + Sync),
) {
    let upstream = plan.steps[at].product.id();
    let mut pending: Vec<usize> = consumers[at].clone();
    while let Some(next) = pending.pop() {
        if state.reports[next].is_some() {
            continue;
        }
        let product = plan.steps[next].product;
        let report = ProductReport {
            product,
            status: Status::Skipped { upstream: upstream.clone() },
            manifest: None,
            elapsed: Duration::ZERO,
        };
        on_done(&report);
        state.reports[next] = Some(report);
        state.finished += 1;
        pending.extend(&consumers[next]);
    }
}

fn build_step(plan: &Plan, at: usize, lakehouse: &Lakehouse, landing: &Path) -> ProductReport {
    let product = plan.steps[at].product;
    let started = Clock::now();
    let result = resolve_inputs(plan, product, lakehouse).and_then(|inputs| {
        let registration = registration(product)?;
        let job = Job { lakehouse, landing, inputs: &inputs };
        panics::catch(product, || (registration.run)(&job))
    });
    let (status, manifest) = match result {
        Ok(Outcome::Built(manifest)) => (Status::Built, Some(manifest)),
        Ok(Outcome::UpToDate(manifest)) => (Status::UpToDate, Some(manifest)),
        Err(error) => (Status::Failed(error.to_string()), lakehouse.current(product).ok().flatten()),
    };
    ProductReport { product, status, manifest, elapsed: started.elapsed() }
}

fn registration(product: &ProductDescriptor) -> Result<&'static PipelineRegistration, PipelineError> {
    let id = product.id();
    registered_pipelines().find(|r| r.product == id).ok_or_else(|| {
        PipelineError::Failed(format!(
            "{id} has no pipeline: implement `mesh_pipeline::Pipeline` for `{}` and register it with \
             `mesh_pipeline::pipeline!({})` (bronze products: `mesh_pipeline::landing!({})`)",
            product.rust_type, product.rust_type, product.rust_type
        ))
    })
}

/// The current committed version of each of `product`'s inputs.
fn resolve_inputs(
    plan: &Plan,
    product: &ProductDescriptor,
    lakehouse: &Lakehouse,
) -> Result<Vec<CommittedInput>, PipelineError> {
    product
        .inputs
        .iter()
        .map(|input| {
            let id = input.id();
            let descriptor =
                plan.mesh.iter().find(|p| p.domain == input.domain && p.name == input.name).ok_or_else(|| {
                    PipelineError::Failed(format!(
                        "{} reads {id}, which is not part of this mesh; `cargo xtask check` explains",
                        product.id()
                    ))
                })?;
            Ok(CommittedInput {
                product: id,
                dir: lakehouse.product_dir(descriptor),
                manifest: lakehouse.current(descriptor)?,
            })
        })
        .collect()
}
