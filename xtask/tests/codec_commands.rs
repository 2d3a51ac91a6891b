//! `cargo xtask sample` and `cargo xtask dump`, run as the real binary.

use std::path::Path;
use std::process::Command;

use sales::gold::SalesAnalytics;
use sales::types::LineItem;

/// Runs `cargo xtask args`: the exit code (a failure is 1, a panic 101), stdout and stderr.
fn xtask(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().unwrap();
    let code = output.status.code().expect("xtask exits, not killed by a signal");
    (code, String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

fn sample(dir: &Path, file: &str, args: &[&str]) -> std::path::PathBuf {
    let path = dir.join(file);
    let mut all = vec!["sample"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", path.to_str().unwrap()]);
    let (code, _, stderr) = xtask(&all);
    assert_eq!(code, 0, "{stderr}");
    path
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mesh-xtask-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Each of `fields` appears in `line` as a JSON key, in the order given.
fn assert_in_order(line: &str, fields: &[&str]) {
    let at: Vec<usize> = fields
        .iter()
        .map(|f| line.find(&format!("\"{f}\":")).unwrap_or_else(|| panic!("no `{f}` in {line}")))
        .collect();
    assert!(at.is_sorted(), "fields out of declared order {fields:?}: {line}");
}

#[test]
fn sample_writes_the_same_records_for_a_seed() {
    let dir = temp_dir("seed");
    let a = sample(&dir, "a.avro", &["sales.sales_analytics", "--rows", "50", "--seed", "3"]);
    let b = sample(&dir, "b.avro", &["sales_analytics", "--rows", "50", "--seed", "3"]);
    let c = sample(&dir, "c.avro", &["sales_analytics", "--rows", "50", "--seed", "4"]);
    let records = |file: &Path| {
        let (code, records, stderr) = xtask(&["dump", file.to_str().unwrap(), "--reveal"]);
        assert_eq!(code, 0, "{stderr}");
        records
    };
    assert_eq!(records(&a), records(&b));
    assert_ne!(records(&a), records(&c));
    // The customer emails are encrypted with a fresh nonce each: the same records, other bytes.
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dump_prints_json_lines_through_the_typed_and_the_generic_reader() {
    let dir = temp_dir("dump");
    // Seed 8: line items (nested records), a null and an enum.
    let file = sample(&dir, "orders.avro", &["sales.sales_analytics", "--rows", "2", "--seed", "8", "--codec", "null"]);
    let file = file.to_str().unwrap();
    let (code, typed, stderr) = xtask(&["dump", file, "--product", "sales.sales_analytics"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, generic, stderr) = xtask(&["dump", file]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(typed, generic);
    // Fields print in the order the product declares them, nested records too (not sorted).
    let first = typed.lines().next().unwrap();
    assert_in_order(first, SalesAnalytics::FIELDS);
    assert_in_order(first, LineItem::FIELDS);
    insta::assert_snapshot!(typed);
    assert!(!typed.contains('@'), "the encrypted emails print as <encrypted>: {typed}");
    // --reveal opens them with the keyring, through either reader.
    let (code, revealed, stderr) = xtask(&["dump", file, "--product", "sales.sales_analytics", "--reveal"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(xtask(&["dump", file, "--reveal"]).1, revealed);
    assert_eq!(revealed.matches("@example.com").count(), 2);
    for (revealed, redacted) in revealed.lines().zip(typed.lines()) {
        let mut record: serde_json::Value = serde_json::from_str(revealed).unwrap();
        record["customer_email"] = "<encrypted>".into();
        assert_eq!(record, serde_json::from_str::<serde_json::Value>(redacted).unwrap(), "only the email differs");
    }
    let (code, count, _) = xtask(&["dump", file, "--product", "sales_analytics", "--count"]);
    assert_eq!(code, 0, "{count}");
    assert!(count.starts_with("2 records\n") && count.contains("VmHWM"), "{count}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_codec_is_written_by_sample_and_read_back_by_dump() {
    let dir = temp_dir("codecs");
    let mut dumps = Vec::new();
    for codec in ["null", "deflate", "snappy", "zstandard"] {
        let name = format!("{codec}.avro");
        let file = sample(&dir, &name, &["sales.sales_analytics", "--rows", "40", "--seed", "5", "--codec", codec]);
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.windows(codec.len()).any(|w| w == codec.as_bytes()), "{codec}: not in the header");
        let file = file.to_str().unwrap();
        let (code, typed, stderr) = xtask(&["dump", file, "--product", "sales.sales_analytics"]);
        assert_eq!(code, 0, "{codec}: {stderr}");
        let (code, generic, stderr) = xtask(&["dump", file]);
        assert_eq!(code, 0, "{codec}: {stderr}");
        assert_eq!(typed, generic, "{codec}");
        assert_eq!(typed.lines().count(), 40, "{codec}");
        dumps.push(typed);
    }
    // The same seed gives the same records, whatever the codec.
    assert!(dumps.windows(2).all(|pair| pair[0] == pair[1]));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Where each block of a container file with sync marker `sync` starts, and its record count.
fn blocks(bytes: &[u8], sync: &[u8]) -> Vec<(usize, usize)> {
    let varint = |at: &mut usize| {
        let mut reader = mesh_core::codec::Reader::new(&bytes[*at..]);
        let value = reader.read_long().unwrap();
        *at += reader.offset();
        usize::try_from(value).unwrap()
    };
    let mut at = bytes.windows(16).position(|w| w == sync).unwrap() + 16;
    let mut blocks = Vec::new();
    while at < bytes.len() {
        let start = at;
        let count = varint(&mut at);
        let size = varint(&mut at);
        blocks.push((start, count));
        at += size + 16;
    }
    blocks
}

#[test]
fn dump_skips_a_corrupt_block_when_told_reports_it_and_fails() {
    let dir = temp_dir("corrupt");
    let file = sample(&dir, "orders.avro", &["sales.sales_analytics", "--rows", "6000", "--seed", "2"]);
    let mut bytes = std::fs::read(&file).unwrap();
    // Every block ends with the file's sync marker: the file's last 16 bytes are it.
    let sync = bytes[bytes.len() - 16..].to_vec();
    let blocks = blocks(&bytes, &sync);
    assert!(blocks.len() >= 3, "{blocks:?}");
    let (start, lost) = blocks[1];
    // Past the count and size varints (at most 3 bytes each here): the deflate data.
    bytes[start + 8..start + 40].fill(0xff);
    std::fs::write(&file, &bytes).unwrap();
    let file = file.to_str().unwrap();

    // By default the dump stops at the corrupt block.
    let (code, out, stderr) = xtask(&["dump", file, "--product", "sales.sales_analytics"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out.lines().count(), blocks[0].1);
    assert!(stderr.contains("block 1: block does not decompress"), "{stderr}");

    let (code, out, stderr) = xtask(&["dump", file, "--product", "sales.sales_analytics", "--skip-corrupt"]);
    assert_eq!(code, 1, "a skipped block must fail the command: {stderr}");
    assert_eq!(out.lines().count(), 6000 - lost);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with(&format!("warning: {file}, block 1: skipped a corrupt block at byte {start} ("))
            && warnings[0].contains(&format!("{lost} records lost; reading resumed at byte {}", blocks[2].0)),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "error: {file}: skipped 1 corrupt block ({lost} records lost); read the {} records of the other blocks",
            6000 - lost
        )),
        "{stderr}"
    );

    // The schema-driven reader shares the typed reader's block loop: the same records, the same report.
    let (generic_code, generic_out, generic_stderr) = xtask(&["dump", file, "--skip-corrupt"]);
    assert_eq!((generic_code, generic_out, generic_stderr), (code, out, stderr));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dump_refuses_a_file_of_another_product_with_the_fix() {
    let dir = temp_dir("other");
    let file = sample(&dir, "raw.avro", &["sales.sales_raw", "--rows", "1"]);
    let (code, _, stderr) = xtask(&["dump", file.to_str().unwrap(), "--product", "sales.sales_analytics"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("holds `sales.sales_raw` records") && stderr.contains("read it as `sales.sales_raw`"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sample_names_the_known_products_when_one_is_unknown() {
    let (code, _, stderr) = xtask(&["sample", "sales.nope", "--out", "/dev/null"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no product `sales.nope`") && stderr.contains("sales.sales_analytics"), "{stderr}");
}
