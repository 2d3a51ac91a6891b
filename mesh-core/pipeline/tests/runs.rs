//! Runs of a small mesh: ingestion, incremental reruns, quarantine, failures that stop only
//! their downstream, panics, undeclared inputs, leftovers of runs that did not commit.

use std::fs;
use std::path::Path;

use mesh_core::codec::ContainerReader;
use mesh_core::model::ProductDescriptor;
use mesh_core::{DataProduct, TimestampMillis};
use mesh_macros::data_product;
use mesh_pipeline::lakehouse::{Lakehouse, Manifest, Transaction};
use mesh_pipeline::{Build, Pipeline, PipelineError, ProductReport, Status};

/// Test events as a source system drops them.
#[data_product(domain = "t", version = "1.0.0", owner = "t@example.com", layer = "bronze", event_time = "at")]
pub struct Events {
    /// Event id.
    pub id: String,
    /// A value; negative ones make the silver pipeline misbehave on purpose.
    pub value: i64,
    /// When it happened.
    pub at: TimestampMillis,
}
mesh_pipeline::landing!(Events);

/// Events with a non-negative value, deduplicated by id.
#[data_product(domain = "t", version = "1.0.0", owner = "t@example.com", layer = "silver", inputs(Events))]
pub struct Clean {
    /// Event id.
    pub id: String,
    /// The value.
    pub value: i64,
}

impl Pipeline for Clean {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let mut seen = std::collections::HashSet::new();
        for event in build.read::<Events>()? {
            let event = event?;
            match event.value {
                -1 => return Err(PipelineError::failed("an event says -1: the source is broken")),
                -2 => panic!("the value of {} is secret", event.id),
                value if value < 0 => build.quarantine(&event, "negative value")?,
                _ if !seen.insert(event.id.clone()) => build.drop_record("duplicate"),
                value => build.write(&Clean { id: event.id, value })?,
            }
        }
        Ok(())
    }
}
mesh_pipeline::pipeline!(Clean);

/// The sum of the values.
#[derive(Debug, PartialEq)]
#[data_product(domain = "t", version = "1.0.0", owner = "t@example.com", layer = "gold", inputs(Clean))]
pub struct Total {
    /// Sum of `Clean::value`.
    pub total: i64,
}

impl Pipeline for Total {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let mut total = 0;
        for clean in build.read::<Clean>()? {
            total += clean?.value;
        }
        build.write(&Total { total })
    }
}
mesh_pipeline::pipeline!(Total);

/// Counts events, but reads a product it does not declare.
#[data_product(domain = "t", version = "1.0.0", owner = "t@example.com", layer = "silver", inputs(Events))]
pub struct Sneaky {
    /// Records read.
    pub count: i64,
}

impl Pipeline for Sneaky {
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
        let count = build.read::<Clean>()?.count() as i64;
        build.write(&Sneaky { count })
    }
}
mesh_pipeline::pipeline!(Sneaky);

fn mesh() -> Vec<&'static ProductDescriptor> {
    vec![Events::DESCRIPTOR, Clean::DESCRIPTOR, Total::DESCRIPTOR, Sneaky::DESCRIPTOR]
}

fn run(root: &Path) -> Vec<ProductReport> {
    let plan = mesh_pipeline::Plan::new(mesh(), &mesh()).unwrap();
    mesh_pipeline::run(&plan, &Lakehouse::new(root.join("lake")), &root.join("landing"), 2, &|_| {})
}

fn status<'a>(reports: &'a [ProductReport], product: &ProductDescriptor) -> &'a Status {
    &reports.iter().find(|r| r.product.id() == product.id()).unwrap().status
}

fn land(root: &Path, name: &str, lines: &[String]) {
    let dir = root.join("landing/t/events");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(name), lines.join("\n") + "\n").unwrap();
}

fn event(id: &str, value: i64, at: &str) -> String {
    format!(r#"{{"id":"{id}","value":{value},"at":"{at}"}}"#)
}

fn current(root: &Path, product: &ProductDescriptor) -> Manifest {
    Lakehouse::new(root.join("lake")).current(product).unwrap().expect("a committed version")
}

fn read_all<T: mesh_core::codec::ContainerRecord>(root: &Path, product: &ProductDescriptor) -> Vec<T> {
    let manifest = current(root, product);
    let dir = Lakehouse::new(root.join("lake")).product_dir(product);
    manifest
        .files
        .iter()
        .flat_map(|file| ContainerReader::<T, _>::open(dir.join(&file.path)).unwrap().map(Result::unwrap))
        .collect()
}

#[test]
fn a_rerun_without_new_landing_files_does_nothing_and_a_new_file_is_ingested_once() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    land(root, "day1.jsonl", &[event("a", 1, "2026-11-01T10:00:00Z"), event("b", 2, "2026-11-01T11:00:00Z")]);
    let first = run(root);
    assert!(matches!(status(&first, Events::DESCRIPTOR), Status::Built));
    assert!(matches!(status(&first, Total::DESCRIPTOR), Status::Built));
    assert_eq!(read_all::<Total>(root, Total::DESCRIPTOR), [Total { total: 3 }]);
    let events = current(root, Events::DESCRIPTOR);
    assert_eq!((events.version, events.records), (1, 2));
    assert_eq!(events.newest_event_time.as_deref(), Some("2026-11-01T11:00:00Z"));

    let second = run(root);
    for product in [Events::DESCRIPTOR, Clean::DESCRIPTOR, Total::DESCRIPTOR] {
        assert!(matches!(status(&second, product), Status::UpToDate), "{}", product.id());
    }
    assert_eq!(current(root, Events::DESCRIPTOR).version, 1);

    land(root, "day2.jsonl", &[event("c", 10, "2026-11-02T09:00:00Z")]);
    let third = run(root);
    assert!(matches!(status(&third, Total::DESCRIPTOR), Status::Built));
    let events = current(root, Events::DESCRIPTOR);
    assert_eq!((events.version, events.records, events.run.records_in), (2, 3, 1), "only day2 was read");
    let landed: Vec<(&str, u64)> = events.landing.iter().map(|f| (f.name.as_str(), f.version)).collect();
    assert_eq!(landed, [("day1.jsonl", 1), ("day2.jsonl", 2)]);
    assert_eq!(read_all::<Total>(root, Total::DESCRIPTOR), [Total { total: 13 }]);
    assert_eq!(current(root, Clean::DESCRIPTOR).inputs[0].version, 2);
}

#[test]
fn lines_that_do_not_fit_go_to_quarantine_with_file_line_and_reason() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let lines = [
        event("a", 1, "2026-11-01T10:00:00Z"),
        r#"{"id":"b","value":"#.to_owned(),
        String::new(),
        r#"{"id":"c","value":"seven","at":"2026-11-01T10:00:00Z"}"#.to_owned(),
        event("d", -5, "2026-11-01T10:00:00Z"),
        event("a", 1, "2026-11-01T10:00:00Z"),
    ];
    land(root, "day1.jsonl", &lines);
    let reports = run(root);
    assert!(matches!(status(&reports, Clean::DESCRIPTOR), Status::Built));
    let events = current(root, Events::DESCRIPTOR);
    assert_eq!((events.run.records_in, events.run.records_out, events.run.quarantined), (6, 3, 2));
    let dir = Lakehouse::new(root.join("lake")).product_dir(Events::DESCRIPTOR);
    let quarantine = fs::read_to_string(dir.join(events.run.quarantine_file.as_ref().unwrap())).unwrap();
    let entries: Vec<serde_json::Value> = quarantine.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(entries.len(), 2);
    assert_eq!((entries[0]["source"].as_str(), entries[0]["line"].as_u64()), (Some("t/events/day1.jsonl"), Some(2)));
    assert_eq!(entries[0]["raw"].as_str(), Some(lines[1].as_str()), "the line is kept as it was");
    assert_eq!(entries[1]["line"].as_u64(), Some(4));
    assert!(entries[1]["reason"].as_str().unwrap().contains("value"), "{}", entries[1]);
    assert!(!entries[1]["reason"].as_str().unwrap().contains("seven"), "reasons never quote values");

    let clean = current(root, Clean::DESCRIPTOR);
    assert_eq!((clean.run.records_in, clean.run.records_out, clean.run.quarantined), (3, 1, 1));
    assert_eq!(clean.run.dropped.get("duplicate"), Some(&1));
}

#[test]
fn a_failing_pipeline_fails_its_downstream_and_keeps_its_previous_version() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    land(root, "day1.jsonl", &[event("a", 1, "2026-11-01T10:00:00Z")]);
    run(root);
    land(root, "day2.jsonl", &[event("b", -1, "2026-11-02T10:00:00Z")]);
    let reports = run(root);
    assert!(matches!(status(&reports, Events::DESCRIPTOR), Status::Built));
    let Status::Failed(message) = status(&reports, Clean::DESCRIPTOR) else { panic!("clean must fail") };
    assert!(message.contains("the source is broken"), "{message}");
    let Status::Skipped { upstream } = status(&reports, Total::DESCRIPTOR) else { panic!("total must be skipped") };
    assert_eq!(upstream, "t.clean");
    // A neighbour that does not read the failed product is not affected by it.
    assert!(!matches!(status(&reports, Sneaky::DESCRIPTOR), Status::Skipped { .. }));
    assert_eq!(current(root, Clean::DESCRIPTOR).version, 1, "the previous version stays current");
    let clean_dir = Lakehouse::new(root.join("lake")).product_dir(Clean::DESCRIPTOR);
    let data_files = fs::read_dir(clean_dir.join("data")).unwrap().count();
    assert_eq!(data_files, 1, "the failed run left no data file behind, or the next run removes it");
}

#[test]
fn a_panic_fails_the_product_without_showing_its_message() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    land(root, "day1.jsonl", &[event("private-id-42", -2, "2026-11-01T10:00:00Z")]);
    let reports = run(root);
    let Status::Failed(message) = status(&reports, Clean::DESCRIPTOR) else { panic!("clean must fail") };
    assert!(message.contains("panicked at") && message.contains("runs.rs"), "{message}");
    assert!(!message.contains("private-id-42"), "{message}");
    assert!(matches!(status(&reports, Total::DESCRIPTOR), Status::Skipped { .. }));
}

#[test]
fn reading_an_undeclared_input_is_an_error_naming_both_products() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    land(root, "day1.jsonl", &[event("a", 1, "2026-11-01T10:00:00Z")]);
    let reports = run(root);
    let Status::Failed(message) = status(&reports, Sneaky::DESCRIPTOR) else { panic!("sneaky must fail") };
    assert!(message.contains("t.sneaky reads t.clean") && message.contains("inputs(...)"), "{message}");
}

#[test]
fn leftovers_of_runs_that_did_not_commit_are_removed_and_never_read() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    land(root, "day1.jsonl", &[event("a", 1, "2026-11-01T10:00:00Z")]);
    run(root);
    let dir = Lakehouse::new(root.join("lake")).product_dir(Clean::DESCRIPTOR);
    fs::write(dir.join("data/00000002-dead-000.avro"), b"half a file").unwrap();
    fs::write(dir.join("_manifests/.00000002.json.tmp-dead"), b"{").unwrap();
    assert_eq!(current(root, Clean::DESCRIPTOR).version, 1, "readers see only committed versions");
    land(root, "day2.jsonl", &[event("b", 2, "2026-11-02T10:00:00Z")]);
    run(root);
    assert!(!dir.join("data/00000002-dead-000.avro").exists());
    assert!(!dir.join("_manifests/.00000002.json.tmp-dead").exists());
    assert_eq!(read_all::<Total>(root, Total::DESCRIPTOR), [Total { total: 3 }]);
}

#[test]
fn a_landing_file_that_changed_after_ingestion_stops_the_run() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    land(root, "day1.jsonl", &[event("a", 1, "2026-11-01T10:00:00Z")]);
    run(root);
    land(root, "day1.jsonl", &[event("a", 1, "2026-11-01T10:00:00Z"), event("b", 2, "2026-11-01T10:00:00Z")]);
    let reports = run(root);
    let Status::Failed(message) = status(&reports, Events::DESCRIPTOR) else { panic!("events must fail") };
    assert!(message.contains("day1.jsonl") && message.contains("must not change"), "{message}");
}

#[test]
fn a_product_another_run_is_building_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    land(root, "day1.jsonl", &[event("a", 1, "2026-11-01T10:00:00Z")]);
    let lakehouse = Lakehouse::new(root.join("lake"));
    let _held = Transaction::begin(&lakehouse, Events::DESCRIPTOR).unwrap();
    let reports = run(root);
    let Status::Failed(message) = status(&reports, Events::DESCRIPTOR) else { panic!("events must fail") };
    assert!(message.contains("another run is building t.events"), "{message}");
}

#[test]
fn only_the_last_versions_are_kept() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    for day in 1..=5 {
        land(root, &format!("day{day}.jsonl"), &[event(&format!("e{day}"), day, "2026-11-01T10:00:00Z")]);
        run(root);
    }
    let dir = Lakehouse::new(root.join("lake")).product_dir(Clean::DESCRIPTOR);
    let mut manifests: Vec<String> =
        fs::read_dir(dir.join("_manifests")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    manifests.sort();
    // The fifth run removed versions 1 and 2 before it committed version 5.
    assert_eq!(manifests, ["00000003.json", "00000004.json", "00000005.json"]);
    assert_eq!(fs::read_dir(dir.join("data")).unwrap().count(), 3);
    assert_eq!(read_all::<Total>(root, Total::DESCRIPTOR), [Total { total: 15 }]);
}
