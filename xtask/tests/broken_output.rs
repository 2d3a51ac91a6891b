//! Every command, run as the real binary, with a stdout that cannot be written: a full device
//! (`> /dev/full`) is one `error: cannot write to stdout: ...` line and the command's failure
//! code; a pipe whose reader went away (`| head -c1`) ends the command quietly with the code it
//! has anyway. Never a panic (exit code 101).

#![cfg(target_os = "linux")]

use std::fs::{self, File};
use std::io::Read;
use std::process::{Command, Output, Stdio};

#[path = "support/hand_made.rs"]
mod hand_made;

use hand_made::mesh_copy;

const FULL: &str = "error: cannot write to stdout: No space left on device (os error 28)";

/// The binary, on this workspace (`MESH_ROOT` unset) unless a test points it elsewhere.
fn xtask(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).env_remove("MESH_ROOT");
    command
}

fn no_panic(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_ne!(output.status.code(), Some(101), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Runs `command` with stdout on `/dev/full`; asserts the exit code and that stderr ends with
/// the one line saying so (the only error line); returns stderr.
fn on_full_device(mut command: Command, code: i32) -> String {
    let full = File::options().write(true).open("/dev/full").unwrap();
    let output = command.stdout(Stdio::from(full)).stderr(Stdio::piped()).output().unwrap();
    let stderr = no_panic(&output);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert_eq!(stderr.lines().last(), Some(FULL), "{stderr}");
    assert_eq!(stderr.lines().filter(|line| line.starts_with("error:")).count(), 1, "{stderr}");
    stderr
}

/// Runs the command `make` gives with stdout a pipe that is closed after reading at most
/// `read` bytes; asserts no panic, the exit code, and no word of the closed pipe; returns stderr.
fn on_closed_pipe_after(make: &dyn Fn() -> Command, read: usize, code: i32) -> String {
    let mut child = make().stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = vec![0u8; read];
    let _ = stdout.read(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = no_panic(&output);
    assert_eq!(output.status.code(), Some(code), "after reading {read} bytes: {stderr}");
    assert!(!stderr.contains("cannot write to stdout") && !stderr.contains("Broken pipe"), "{stderr}");
    stderr
}

/// Closed before the first write (so that it fails), and after the first byte (later writes fail).
fn on_closed_pipe(make: &dyn Fn() -> Command, code: i32) -> String {
    on_closed_pipe_after(make, 0, code);
    on_closed_pipe_after(make, 1, code)
}

#[test]
fn check() {
    on_full_device(xtask(&["check"]), 1);
    on_closed_pipe(&|| xtask(&["check"]), 0);
    on_full_device(xtask(&["check", "--format", "json"]), 1);
}

#[test]
fn policies() {
    on_full_device(xtask(&["policies"]), 1);
    on_closed_pipe(&|| xtask(&["policies"]), 0);
}

#[test]
fn graph() {
    on_full_device(xtask(&["graph"]), 1);
    on_closed_pipe(&|| xtask(&["graph", "--format", "json"]), 0);
}

#[test]
fn export() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    on_full_device(xtask(&["export", "--out", out]), 1);
    on_closed_pipe(&|| xtask(&["export", "--out", out]), 0);
}

#[test]
fn docs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    // The first run writes the pages, and says so on stderr before the error.
    let stderr = on_full_device(xtask(&["docs", "--root", root]), 1);
    assert!(stderr.starts_with("created docs/reference/"), "{stderr}");
    on_closed_pipe(&|| xtask(&["docs", "--root", root]), 0);
    on_closed_pipe(&|| xtask(&["docs", "--root", root, "--check"]), 0);
}

#[test]
fn publish() {
    let mesh = mesh_copy();
    let with_root = |args: &[&str]| {
        let mut command = xtask(args);
        command.env("MESH_ROOT", mesh.path());
        command
    };
    on_full_device(with_root(&["publish"]), 1);
    on_closed_pipe(&|| with_root(&["publish"]), 0);
    on_full_device(with_root(&["publish", "--check"]), 1);
    on_closed_pipe(&|| with_root(&["publish", "--check"]), 0);
}

#[test]
fn compat() {
    let dir = tempfile::tempdir().unwrap();
    let schema = |name: &str, field_type: &str| {
        let path = dir.path().join(name);
        let text = format!(r#"{{"type": "record", "name": "R", "fields": [{{"name": "a", "type": "{field_type}"}}]}}"#);
        fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let (old, new) = (schema("old.avsc", "int"), schema("new.avsc", "string"));
    // 2: compat's code for input or output it cannot handle; 1: the change is breaking.
    on_full_device(xtask(&["compat", &old, &new]), 2);
    on_closed_pipe(&|| xtask(&["compat", &old, &new]), 1);
    on_closed_pipe(&|| xtask(&["compat", &old, &old, "--format", "json"]), 0);
}

#[test]
fn sample() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orders.avro");
    let args = ["sample", "sales.sales_raw", "--rows", "3", "--out", file.to_str().unwrap()];
    // It prints nothing on stdout (its one message is on stderr), so a full stdout changes nothing.
    let full = File::options().write(true).open("/dev/full").unwrap();
    let output = xtask(&args).stdout(Stdio::from(full)).stderr(Stdio::piped()).output().unwrap();
    let stderr = no_panic(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.starts_with("wrote 3 records of sales.sales_raw to ") && stderr.lines().count() == 1, "{stderr}");
    on_closed_pipe(&|| xtask(&args), 0);
}

#[test]
fn dump() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orders.avro");
    let file = file.to_str().unwrap();
    // Enough records that the JSON lines are far more than a pipe holds.
    let output = xtask(&["sample", "sales.sales_analytics", "--rows", "3000", "--out", file]).output().unwrap();
    assert!(output.status.success(), "{}", no_panic(&output));
    for args in [
        &["dump", file][..],
        &["dump", file, "--product", "sales.sales_analytics"],
        &["dump", file, "--product", "sales.sales_analytics", "--skip-corrupt"],
        &["dump", file, "--count"],
    ] {
        on_full_device(xtask(args), 1);
        on_closed_pipe(&|| xtask(args), 0);
    }
}

/// `test` runs cargo with its own stdout; a stand-in for cargo shows what becomes of its failure.
#[test]
fn test() {
    // `CARGO=/bin/sh` runs `sh test --workspace` in the workspace root: the script `test` there,
    // read by the shell rather than executed (no race with another test's fork holding it open).
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("test"), "printf 'running 1 test\\ntest fake ... ok\\n' || exit 1\n").unwrap();
    let with_cargo = || {
        let mut command = xtask(&["test"]);
        command.env("CARGO", "/bin/sh").env("MESH_ROOT", dir.path());
        command
    };
    let full = File::options().write(true).open("/dev/full").unwrap();
    let output = with_cargo().stdout(Stdio::from(full)).stderr(Stdio::piped()).output().unwrap();
    let stderr = no_panic(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.lines().last(),
        Some("error: `cargo test --workspace --no-fail-fast` failed (exit status: 1); its output above says why"),
        "{stderr}"
    );
    // The stand-in prints everything at once, before the pipe is closed.
    on_closed_pipe_after(&with_cargo, 1, 0);
}

#[test]
fn help_and_version() {
    for flag in ["--help", "--version"] {
        on_full_device(xtask(&[flag]), 1);
        on_closed_pipe(&|| xtask(&[flag]), 0);
    }
}

/// Stderr that cannot be written is no panic either: the exit code still tells.
#[test]
fn a_full_stderr() {
    let full = File::options().write(true).open("/dev/full").unwrap();
    let status = xtask(&["graph", "--product", "sales.nope", "--upstream"])
        .stdout(Stdio::null())
        .stderr(Stdio::from(full))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn generate() {
    let dir = tempfile::tempdir().unwrap();
    let landing = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let args = |folder: String| {
        vec!["generate".to_owned(), "--landing".to_owned(), folder, "--days".to_owned(), "1".to_owned()]
    };
    let command = |folder: String| xtask(&args(folder).iter().map(String::as_str).collect::<Vec<_>>());
    on_full_device(command(landing("full")), 1);
    on_closed_pipe(&|| command(landing("closed")), 0);
}

#[test]
fn run() {
    let dir = tempfile::tempdir().unwrap();
    let landing = dir.path().join("landing");
    let generated =
        xtask(&["generate", "--landing", landing.to_str().unwrap(), "--days", "1", "--orders-per-day", "20"])
            .output()
            .unwrap();
    assert!(generated.status.success());
    let command = |lake: &str| {
        let lake = dir.path().join(lake);
        xtask(&["run", "--landing", landing.to_str().unwrap(), "--lakehouse", lake.to_str().unwrap()])
    };
    on_full_device(command("full"), 1);
    on_closed_pipe(&|| command("closed"), 0);
}
