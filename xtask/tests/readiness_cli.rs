//! `cargo xtask readiness`: the real binary, from an answers file at every band boundary, with
//! every bad input, and interactively through a pseudo-terminal (util-linux `script`).

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[path = "support/validations.rs"]
mod validations;

const KEYS: [&str; 6] = [
    "domain_clarity",
    "team_maturity",
    "platform_capability",
    "governance_maturity",
    "scale_need",
    "organizational_buy_in",
];

fn readiness(args: &[&str], answers: Option<&str>) -> Output {
    readiness_in(None, args, answers)
}

/// `readiness` with `MESH_ROOT` at `root`, when given.
fn readiness_in(root: Option<&Path>, args: &[&str], answers: Option<&str>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.arg("readiness").args(args).stdin(Stdio::null());
    if let Some(root) = root {
        command.env("MESH_ROOT", root);
    }
    if let Some(text) = answers {
        let file = dir.path().join("answers.toml");
        std::fs::write(&file, text).unwrap();
        command.arg("--answers").arg(&file);
    }
    command.output().unwrap()
}

/// Scores adding up to `total`, spread as evenly as possible.
fn answers_totalling(total: u8) -> (String, [u8; 6]) {
    let mut scores = [total / 6; 6];
    for score in scores.iter_mut().take(usize::from(total % 6)) {
        *score += 1;
    }
    let text = KEYS.iter().zip(scores).map(|(key, score)| format!("{key} = {score}\n")).collect();
    (text, scores)
}

#[test]
fn every_band_boundary_from_an_answers_file() {
    for (total, band) in [
        (6, "Centralized approach"),
        (11, "Centralized approach"),
        (12, "Build foundation first"),
        (17, "Build foundation first"),
        (18, "Hybrid approach"),
        (23, "Hybrid approach"),
        (24, "Strong mesh candidate"),
        (30, "Strong mesh candidate"),
    ] {
        let (text, scores) = answers_totalling(total);
        let output = readiness(&["--format", "json"], Some(&text));
        assert!(output.status.success(), "{total}: {}", String::from_utf8_lossy(&output.stderr));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["total"], total);
        assert_eq!(json["band"], band, "total {total}");
        for (key, score) in KEYS.iter().zip(scores) {
            assert_eq!(json["scores"][key], score, "{key} at total {total}");
        }
        let weak: Vec<&str> =
            json["first_steps"].as_array().unwrap().iter().map(|s| s["factor"].as_str().unwrap()).collect();
        let expected: Vec<&str> = KEYS.iter().zip(scores).filter(|(_, s)| *s < 3).map(|(k, _)| *k).collect();
        assert_eq!(weak, expected, "total {total}");
    }
}

#[test]
fn text_and_markdown_name_the_band_and_the_mesh_evidence() {
    let (answers, _) = answers_totalling(17);
    let text = String::from_utf8(readiness(&[], Some(&answers)).stdout).unwrap();
    assert!(text.starts_with("Readiness: 17 of 30, Build foundation first (12-17)"), "{text}");
    // The example mesh's own facts: its domain folders, and its CI script running the check.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let domains = std::fs::read_dir(root.join("domains")).unwrap().count();
    assert!(text.contains(&format!("mesh: {domains} domains declare")), "{text}");
    assert!(text.contains("mesh: CI runs `cargo xtask check` (.ci/run)"), "{text}");
    let markdown = String::from_utf8(readiness(&["--format", "markdown"], Some(&answers)).stdout).unwrap();
    assert!(markdown.contains("**17 of 30: Build foundation first** (12-17)"), "{markdown}");
    assert!(markdown.contains("| Factor | Score | What the mesh shows |"), "{markdown}");
}

#[test]
fn the_evidence_reads_the_validation_history() {
    use validations::validation;
    let dir = tempfile::tempdir().unwrap();
    validations::record(
        &dir.path().join("lakehouse"),
        &[
            validation("sales.sales_raw", 1, "2026-10-01T00:00:00Z", &[]),
            validation("sales.sales_raw", 2, "2026-10-02T00:00:00Z", &["sla.freshness"]),
            validation("marketing.marketing_raw", 1, "2026-10-01T00:00:00Z", &[]),
        ],
    );
    let (answers, _) = answers_totalling(17);
    let text = String::from_utf8(readiness_in(Some(dir.path()), &[], Some(&answers)).stdout).unwrap();
    assert!(
        text.contains("mesh: 2 products validated in 3 runs, 2 of them meeting quality and freshness (66.7%)"),
        "{text}"
    );

    std::fs::write(dir.path().join("lakehouse/_validations.sqlite"), "not a database").unwrap();
    let text = String::from_utf8(readiness_in(Some(dir.path()), &[], Some(&answers)).stdout).unwrap();
    assert!(text.contains("mesh: the validation history could not be read: validation history"), "{text}");
}

#[test]
fn bad_inputs_are_clear_errors() {
    let (good, _) = answers_totalling(18);
    for (answers, message) in [
        (good.replace("scale_need = 3", "scale_need = 0"), "`scale_need` is 0: a score is a whole number from 1 to 5"),
        (good.replace("scale_need = 3", "scale_need = 6"), "`scale_need` is 6: a score is a whole number from 1 to 5"),
        (good.replace("scale_need = 3\n", ""), "missing `scale_need`: every factor needs a score from 1 to 5"),
        (good.replace("scale_need = 3", "scale_need = \"3\""), "`scale_need` is a string"),
        (format!("{good}buy_in = 3\n"), "`buy_in` is not a factor"),
        ("domain_clarity 3".to_owned(), "not valid TOML"),
    ] {
        let output = readiness(&[], Some(&answers));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{answers}");
        assert!(stderr.contains("answers.toml: ") && stderr.contains(message), "{message}: {stderr}");
        assert!(output.stdout.is_empty(), "no result printed for bad answers");
    }
    let output = readiness(&["--answers", "/nonexistent/answers.toml"], None);
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent/answers.toml"));
    // No answers and no terminal: refused, never scored from nothing.
    let output = readiness(&[], None);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("stdin is not a terminal") && stderr.contains("--answers FILE.toml"), "{stderr}");
}

/// The binary on a pseudo-terminal: `script` gives it one, and forwards what is typed.
struct Terminal {
    child: Child,
    screen: mpsc::Receiver<u8>,
    seen: String,
}

impl Terminal {
    fn start(args: &str) -> Terminal {
        let command = format!("{} readiness {args}", env!("CARGO_BIN_EXE_xtask"));
        let mut child = Command::new("script")
            .args(["--quiet", "--return", "--command", &command, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("util-linux `script` runs the pseudo-terminal test (Debian package bsdutils; `cargo xtask test` installs it)");
        let mut stdout = child.stdout.take().unwrap();
        let (send, screen) = mpsc::channel();
        std::thread::spawn(move || {
            let mut byte = [0u8];
            while stdout.read(&mut byte).is_ok_and(|n| n == 1) {
                if send.send(byte[0]).is_err() {
                    break;
                }
            }
        });
        Terminal { child, screen, seen: String::new() }
    }

    /// Waits until the screen shows `text` after what was expected before.
    fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.seen.contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.screen.recv_timeout(left) {
                Ok(byte) => self.seen.push(char::from(byte)),
                Err(_) => panic!("the terminal never showed {text:?}; it showed:\n{}", self.seen),
            }
        }
        let end = self.seen.find(text).unwrap() + text.len();
        self.seen.drain(..end);
    }

    fn type_line(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(format!("{line}\r").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// The rest of the screen and the exit status.
    fn finish(mut self) -> (String, std::process::ExitStatus) {
        let status = self.child.wait().unwrap();
        let rest: Vec<u8> = self.screen.iter().collect();
        (self.seen + &String::from_utf8_lossy(&rest), status)
    }
}

#[test]
fn the_interactive_assessment_through_a_pseudo_terminal_with_a_revision() {
    let mut terminal = Terminal::start("--format json");
    terminal.expect("1/6 Domain clarity");
    terminal.expect("  3: most data has an owning business area");
    terminal.expect("Score for Domain clarity (1-5): ");
    terminal.type_line("7");
    terminal.expect("`7` is not a score: type a whole number from 1 to 5");
    terminal.type_line("4");
    for (name, score) in [
        ("Team maturity", "2"),
        ("Platform capability", "4"),
        ("Governance maturity", "5"),
        ("Scale need", "3"),
        ("Organizational buy-in", "4"),
    ] {
        terminal.expect(&format!("Score for {name} (1-5): "));
        terminal.type_line(score);
    }
    terminal.expect("Total 22 of 30: Hybrid approach");
    terminal.expect("to revise it, or press Enter to accept: ");
    // Team maturity revised from 2 to 5 before the result.
    terminal.type_line("2");
    terminal.expect("Score for Team maturity (1-5): ");
    terminal.type_line("5");
    terminal.expect("Total 25 of 30: Strong mesh candidate");
    terminal.expect("press Enter to accept: ");
    terminal.type_line("");
    let (rest, status) = terminal.finish();
    assert!(status.success(), "{rest}");
    let json = &rest[rest.find('{').expect("the JSON result")..];
    let value: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(value["scores"]["team_maturity"], 5);
    assert_eq!(value["total"], 25);
    assert_eq!(value["band"], "Strong mesh candidate");
}

#[test]
fn the_interactive_assessment_ended_early_scores_nothing() {
    let mut terminal = Terminal::start("");
    terminal.expect("Score for Domain clarity (1-5): ");
    terminal.type_line("3");
    terminal.expect("Score for Team maturity (1-5): ");
    // Ctrl-D: the end of input on a terminal.
    terminal.child.stdin.as_mut().unwrap().write_all(b"\x04").unwrap();
    let (rest, status) = terminal.finish();
    assert_eq!(status.code(), Some(1), "{rest}");
    assert!(rest.contains("the input ended before the assessment was accepted"), "{rest}");
    assert!(!rest.contains("Readiness:"), "{rest}");
}
