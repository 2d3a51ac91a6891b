//! Every command that reads something a user or another tool hands it, run as the real binary on
//! hostile inputs of each kind, generated here at several sizes: under an address-space limit
//! and a time limit (a liveness bound against hangs, not a speed goal), and with stdout on a
//! pipe, on `/dev/full` and on a closed pipe. Never a panic, an abort or a hang, and no record
//! silently dropped.

#![cfg(target_os = "linux")]

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/hand_made.rs"]
mod hand_made;

use hand_made::{container, container_with, long, mesh_copy};

/// Far above any of these runs on a loaded CI machine, far below "forever".
const TIME_LIMIT: Duration = Duration::from_secs(90);
/// Address space per run, KiB: a quadratic table or an unbounded read fails against it.
const ADDRESS_SPACE_KIB: u64 = 3 << 20;

#[derive(Clone, Copy, Debug)]
enum Stdout {
    Pipe,
    Full,
    Closed,
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `xtask args` (with `MESH_ROOT=root` if given) under the limits.
fn xtask(args: &[&str], root: Option<&Path>, stdout: Stdout) -> Ran {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .stderr(Stdio::piped());
    match root {
        Some(root) => command.env("MESH_ROOT", root),
        None => command.env_remove("MESH_ROOT"),
    };
    match stdout {
        Stdout::Pipe | Stdout::Closed => command.stdout(Stdio::piped()),
        Stdout::Full => command.stdout(Stdio::from(File::options().write(true).open("/dev/full").unwrap())),
    };
    let mut child = command.spawn().unwrap();
    let mut err = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || std::io::read_to_string(&mut err).unwrap_or_default());
    let out = child.stdout.take().map(|mut out| {
        std::thread::spawn(move || {
            if matches!(stdout, Stdout::Closed) {
                // Read one byte, then close: the command's next write meets a closed pipe.
                let _ = out.read(&mut [0u8; 1]);
                return String::new();
            }
            std::io::read_to_string(&mut out).unwrap_or_default()
        })
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`xtask {}` ran past {TIME_LIMIT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = err.join().unwrap();
    let stdout = out.map(|out| out.join().unwrap()).unwrap_or_default();
    let code = status.code().unwrap_or_else(|| panic!("`xtask {}` was killed by a signal: {stderr}", args.join(" ")));
    assert_ne!(code, 101, "`xtask {}` panicked: {stderr}", args.join(" "));
    assert!(!stderr.contains("panicked") && !stderr.contains("memory allocation"), "{stderr}");
    Ran { code, stdout, stderr }
}

/// Runs with each kind of stdout; returns the piped run, after checking the broken-output ones.
fn every_stdout(args: &[&str], root: Option<&Path>) -> Ran {
    let ran = xtask(args, root, Stdout::Pipe);
    let full = xtask(args, root, Stdout::Full);
    if !ran.stdout.is_empty() {
        assert!(full.code != 0 && full.stderr.contains("cannot write to stdout"), "{}", full.stderr);
    }
    let closed = xtask(args, root, Stdout::Closed);
    assert!(!closed.stderr.contains("Broken pipe"), "{}", closed.stderr);
    ran
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn union_of_fixed(n: usize) -> String {
    let branches: Vec<String> = (0..n).map(|i| format!(r#"{{"type":"fixed","name":"F{i}","size":1}}"#)).collect();
    format!("[{}]", branches.join(","))
}

fn record_of_fields(n: usize) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!(r#"{{"name":"f{i}","type":"int","default":0}}"#)).collect();
    format!(r#"{{"type":"record","name":"R","fields":[{}]}}"#, fields.join(","))
}

fn enum_of_symbols(n: usize) -> String {
    let symbols: Vec<String> = (0..n).map(|i| format!("\"S{i}\"")).collect();
    format!(r#"{{"type":"enum","name":"E","symbols":[{}]}}"#, symbols.join(","))
}

#[test]
fn dump_reads_hostile_container_files_without_crash_or_loss() {
    let dir = tempfile::tempdir().unwrap();
    let chain = r#"{"type":"record","name":"N","fields":[{"name":"next","type":["null","N"]}]}"#;
    for depth in [10, 2_000, 30_000] {
        let mut datum = vec![2u8; depth];
        datum.push(0);
        let file = write(dir.path(), &format!("deep{depth}.avro"), &container(chain, &[(1, &datum)]));
        let ran = every_stdout(&["dump", text(&file)], None);
        // Shallow records print; deep ones are an error naming the file, never a crash.
        assert!(ran.code == 0 && ran.stdout.lines().count() == 1 || ran.code == 1 && ran.stderr.contains(text(&file)));
    }
    let empty_record = r#"{"type":"record","name":"E","fields":[]}"#;
    for count in [1i64 << 20, 1 << 40, 1 << 62] {
        let file = write(dir.path(), &format!("count{count}.avro"), &container(empty_record, &[(count, &[])]));
        let ran = every_stdout(&["dump", text(&file), "--count"], None);
        assert!(ran.code == 0 || ran.stderr.contains("bad block"), "{}", ran.stderr);
        if ran.code == 0 {
            assert!(ran.stdout.starts_with(&format!("{count} records")), "{}", ran.stdout);
        }
    }
    let longs = r#"{"type":"record","name":"L","fields":[{"name":"n","type":"long"}]}"#;
    for records in [2usize, 1_000, 100_000] {
        let datums: Vec<u8> = (1..=records as i64)
            .flat_map(|n| {
                let mut d = Vec::new();
                long(&mut d, n);
                d
            })
            .collect();
        let file =
            write(dir.path(), &format!("gap{records}.avro"), &container(longs, &[(0, &[]), (records as i64, &datums)]));
        let ran = every_stdout(&["dump", text(&file)], None);
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert_eq!(ran.stdout.lines().count(), records, "no record is dropped after an empty block");
    }
    for branches in [1_000, 10_000, 40_000] {
        let schema =
            format!(r#"{{"type":"record","name":"W","fields":[{{"name":"u","type":{}}}]}}"#, union_of_fixed(branches));
        let file =
            write(dir.path(), &format!("union{branches}.avro"), &container(&schema, &[(20, &[0u8, 7].repeat(20))]));
        let ran = every_stdout(&["dump", text(&file)], None);
        assert_eq!((ran.code, ran.stdout.lines().count()), (0, 20), "{}", ran.stderr);
        let typed = every_stdout(&["dump", text(&file), "--product", "sales.sales_analytics"], None);
        assert_eq!(typed.code, 1, "a file of another schema is refused: {}", typed.stderr);
    }
}

#[test]
fn scan_walks_hostile_container_files_of_a_product_without_crash_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    // Files that say they hold a product's records, so the scan walks every value of their schema.
    let product = [("mesh.product", "sales.sales_analytics")];
    let chain = r#"{"type":"record","name":"N","fields":[{"name":"email","type":"string"},{"name":"next","type":["null","N"]}]}"#;
    let mut files = 0;
    for depth in [10, 2_000, 30_000] {
        let mut datum = Vec::new();
        for _ in 0..depth {
            datum.extend_from_slice(b"\x0ca@b.cc\x02");
        }
        datum.extend_from_slice(b"\x0ca@b.cc\x00");
        write(dir.path(), &format!("deep{depth}.avro"), &container_with(chain, &product, &[(1, &datum)]));
        files += 1;
    }
    // A record nesting itself through three optional fields unfolds into 3^depth paths: the scan's
    // plan stops growing at its budget instead of exhausting time and memory.
    let branching = r#"{"type":"record","name":"B","fields":[{"name":"email","type":"string"},{"name":"l","type":["null","B"]},{"name":"m","type":["null","B"]},{"name":"r","type":["null","B"]}]}"#;
    let mut datum = b"\x0ca@b.cc\x02\x0ca@b.cc\x00\x00\x00".to_vec();
    datum.extend_from_slice(b"\x00\x00");
    write(dir.path(), "branching.avro", &container_with(branching, &product, &[(1, &datum)]));
    files += 1;
    let empty_record = r#"{"type":"record","name":"E","fields":[]}"#;
    for count in [1i64 << 20, 1 << 40, 1 << 62] {
        write(dir.path(), &format!("count{count}.avro"), &container_with(empty_record, &product, &[(count, &[])]));
        files += 1;
    }
    for branches in [1_000, 10_000, 40_000] {
        let schema =
            format!(r#"{{"type":"record","name":"W","fields":[{{"name":"u","type":{}}}]}}"#, union_of_fixed(branches));
        let blocks = [(20, &[0u8, 7].repeat(20)[..])];
        write(dir.path(), &format!("union{branches}.avro"), &container_with(&schema, &product, &blocks));
        files += 1;
    }
    let ran = every_stdout(&["scan", "--format", "json", text(dir.path())], None);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap_or_else(|e| panic!("{e}: {}", ran.stderr));
    assert_eq!(report["summary"]["files"], files);
    // Every file is scanned or reported unreadable; the emails in a field of no declaration are counted.
    let messages: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    // One finding per path, down to the depth the scan inspects; deeper records are stepped over.
    let deep10 =
        messages.iter().filter(|m| m.contains("deep10.avro: field `") && m.contains("1 of its 1 values")).count();
    assert_eq!(deep10, 11, "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("deep30000.avro cannot be read to its end")), "{messages:#?}");
    // The root's email and the one in `l`, each counted once; the record reads to its end.
    for path in ["email", "l.email"] {
        let found = format!("branching.avro: field `{path}`");
        assert!(messages.iter().any(|m| m.contains(&found) && m.contains("1 of its 1 values")), "{messages:#?}");
    }
    assert!(!messages.iter().any(|m| m.contains("branching.avro cannot be read")), "{messages:#?}");
    assert_eq!(ran.code, 1, "personal data in an unclassified field is an error: {}", ran.stderr);
}

#[test]
fn compat_handles_huge_and_hostile_schemas_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let int = write(dir.path(), "int.avsc", br#""int""#);
    for n in [1_000, 10_000, 80_000] {
        let union = write(dir.path(), &format!("union{n}.avsc"), union_of_fixed(n).as_bytes());
        let ran = every_stdout(&["compat", text(&int), text(&union)], None);
        assert_eq!(ran.code, 1, "int to a union without int breaks: {}", ran.stderr);
        let record = write(dir.path(), &format!("record{n}.avsc"), record_of_fields(n).as_bytes());
        let wider = write(dir.path(), &format!("record{n}b.avsc"), record_of_fields(n + 1).as_bytes());
        let ran = every_stdout(&["compat", text(&record), text(&wider)], None);
        assert_eq!(ran.code, 0, "a field added with a default is compatible: {}", ran.stderr);
        let symbols = write(dir.path(), &format!("enum{n}.avsc"), enum_of_symbols(n).as_bytes());
        let fewer = write(dir.path(), &format!("enum{n}b.avsc"), enum_of_symbols(n - 1).as_bytes());
        let ran = every_stdout(&["compat", text(&symbols), text(&fewer)], None);
        assert_eq!(ran.code, 1, "a symbol removed without a default breaks: {}", ran.stderr);
    }
    // An invalid default inside a recursive type is an error, never "compatible".
    let recursive = write(
        dir.path(),
        "recursive.avsc",
        br#"{"type":"record","name":"R","fields":[{"name":"next","type":["R","null"],"default":{"zzz":1}}]}"#,
    );
    let ran = every_stdout(&["compat", text(&recursive), text(&recursive)], None);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("default"), "{}", ran.stderr);
    // Neither a device that never ends nor a FIFO nobody writes is read.
    let fifo = dir.path().join("fifo.avsc");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for endless in [Path::new("/dev/zero"), fifo.as_path()] {
        let ran = every_stdout(&["compat", text(endless), text(&int)], None);
        assert_eq!(ran.code, 2);
        assert!(ran.stderr.contains("not a regular file"), "{}", ran.stderr);
    }
}

#[test]
fn check_and_policies_read_huge_mesh_toml_files() {
    for n in [1_000, 8_000, 32_000] {
        let root = mesh_copy();
        let mut config = fs::read_to_string(root.path().join("mesh.toml")).unwrap();
        for i in 0..n {
            config += &format!("\n[domains.d{i}]\nmax_pii_fields = 3\n");
        }
        for i in 0..n {
            config += &format!(
                "\n[[waivers]]\npolicy = \"pii-encrypted\"\nproduct = \"d{i}.p\"\nreason = \"r\"\nexpires = \"2027-01-01\"\n"
            );
        }
        fs::write(root.path().join("mesh.toml"), config).unwrap();
        for args in [&["check", "--today", "2026-12-01"][..], &["policies"][..]] {
            let ran = every_stdout(args, Some(root.path()));
            // Unknown domains and waivers for products that do not exist are findings, not a crash.
            assert!(ran.code == 0 || ran.code == 1, "{args:?}: {}", ran.stderr);
        }
    }
}

#[test]
fn run_quarantines_hostile_landing_lines_and_keeps_the_rest() {
    let root = tempfile::tempdir().unwrap();
    let landing = root.path().join("landing");
    let generated = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--landing", text(&landing), "--days", "1", "--orders-per-day", "50"])
        .output()
        .unwrap();
    assert!(generated.status.success());
    let sales = landing.join("sales/sales_raw");
    let day = fs::read_to_string(sales.join("2026-11-01.jsonl")).unwrap();
    let good = day.lines().find(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()).unwrap().to_owned();
    let hostile: Vec<Vec<u8>> = vec![
        "[".repeat(100_000).into_bytes(),
        vec![b'x'; (16 << 20) + 10],
        vec![0xff, 0xfe, b'{', b'}'],
        format!("{{\"event_id\":{}}}", "9".repeat(10_000)).into_bytes(),
        b"{\"event_id\":\"a\",\"event_id\":\"b\"}".to_vec(),
    ];
    let mut file = Vec::new();
    for line in &hostile {
        file.extend_from_slice(line);
        file.push(b'\n');
    }
    file.extend_from_slice(good.as_bytes());
    // The last line has no newline: it is still a line.
    fs::write(sales.join("2026-11-02.jsonl"), &file).unwrap();
    let lake = root.path().join("lake");
    let ran = every_stdout(&["run", "--landing", text(&landing), "--lakehouse", text(&lake), "--format", "json"], None);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let raw = report["products"].as_array().unwrap().iter().find(|p| p["product"] == "sales.sales_raw").unwrap();
    assert_eq!(raw["status"], "built", "{raw}");
    let manifest: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(lake.join("bronze/sales/sales_raw/_manifests/00000001.json")).unwrap(),
    )
    .unwrap();
    let hostile_file =
        manifest["landing"].as_array().unwrap().iter().find(|f| f["name"] == "2026-11-02.jsonl").unwrap();
    assert_eq!((hostile_file["lines"].as_u64(), hostile_file["records"].as_u64()), (Some(6), Some(1)));
    assert_eq!(hostile_file["quarantined"].as_u64(), Some(5), "every hostile line is quarantined, none dropped");
}
