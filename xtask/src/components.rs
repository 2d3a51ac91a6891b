//! `cargo xtask test`: installs the outside components the tests use, then runs `cargo test`.
//!
//! Tests that need a real tool (Graphviz to parse DOT, Python's reference Avro
//! implementation) fail when it is missing instead of skipping, so the README's one test
//! command has to bring them. Each component is checked first and installed only when
//! missing, so a second run installs nothing.

use std::path::Path;
use std::process::{Command, Stdio};

/// An outside program or library the tests use.
struct Component {
    /// What it is, for messages.
    name: &'static str,
    /// Why the tests need it.
    used_for: &'static str,
    /// A command that succeeds when the component is present.
    probe: &'static [&'static str],
    /// How it is installed.
    install: Install,
}

/// Where a component comes from.
enum Install {
    /// Debian packages, through apt-get (needs root).
    Debian(&'static [&'static str]),
    /// Python packages, through pip.
    Python(&'static [&'static str]),
}

const COMPONENTS: &[Component] = &[
    Component {
        name: "Graphviz",
        used_for: "parses the lineage graph's DOT output",
        probe: &["dot", "-V"],
        install: Install::Debian(&["graphviz"]),
    },
    Component {
        name: "Python avro and PyYAML",
        used_for: "reference readers of the exported schemas and contracts",
        probe: &["python3", "-c", "import avro, yaml"],
        install: Install::Python(&["avro", "pyyaml"]),
    },
    Component {
        name: "util-linux script",
        used_for: "gives `cargo xtask readiness` a pseudo-terminal in its interactive test",
        probe: &["script", "--version"],
        install: Install::Debian(&["bsdutils"]),
    },
    Component {
        name: "Chromium and chromedriver",
        used_for: "drive the catalog site in a real headless browser (WebDriver)",
        probe: &["sh", "-c", "chromium --version && chromedriver --version"],
        install: Install::Debian(&["chromium", "chromium-driver"]),
    },
    Component {
        name: "the ODCS v3.1.0 JSON Schema and jsonschema",
        used_for: "validate the ODCS export against the standard's official schema",
        probe: &["python3", "-c", "import open_data_contract_standard, jsonschema"],
        install: Install::Python(&["open-data-contract-standard==3.1.0", "jsonschema"]),
    },
    Component {
        name: "Java 17",
        used_for: "runs Apache Spark for `validate --engine spark` and its tests",
        probe: &["java", "-version"],
        install: Install::Debian(&["openjdk-17-jre-headless"]),
    },
    Component {
        name: "Apache Spark (pyspark)",
        used_for: "the same checks on Spark, locally and as a standalone cluster on loopback",
        probe: &["python3", "-c", "import pyspark"],
        install: Install::Python(&["pyspark"]),
    },
    Component {
        name: "Python's cryptography (AES-GCM-SIV, AES-SIV)",
        used_for: "opens fields encrypted at rest in Spark's check queries (`mesh_open`)",
        probe: &[
            "python3",
            "-c",
            "from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV, AESSIV; AESGCMSIV(bytes(32))",
        ],
        install: Install::Python(&["cryptography>=42"]),
    },
    Component {
        name: "fastavro",
        used_for: "another Avro implementation: reads the encrypted files and writes the files the scan must flag",
        probe: &["python3", "-c", "import fastavro"],
        install: Install::Python(&["fastavro"]),
    },
    Component {
        name: "promtool (Debian's prometheus)",
        used_for: "checks the exported alerting rules and the metrics files",
        probe: &["promtool", "--version"],
        install: Install::Debian(&["prometheus"]),
    },
    Component {
        name: "DataHub's Python models (acryl-datahub)",
        used_for: "parse the DataHub export as DataHub's file source does",
        probe: &["python3", "-c", "import datahub.emitter.mcp, datahub.ingestion.source.file"],
        install: Install::Python(&["acryl-datahub"]),
    },
];

/// Installs what is missing, then runs `cargo test --workspace --no-fail-fast` with `args`. Cargo's
/// output is its own (stdout inherited, so libtest keeps its colours); this process prints only to stderr.
///
/// # Errors
/// A component cannot be installed (with the command to run by hand), cargo cannot start, or the
/// tests fail (cargo's output above says which; here only one line with its exit status).
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut apt_updated = false;
    for component in COMPONENTS {
        if present(component.probe) {
            continue;
        }
        errln!("  Installing {} ({})", component.name, component.used_for);
        let commands: Vec<Vec<&str>> = match component.install {
            Install::Debian(packages) => {
                let mut commands = Vec::new();
                if !apt_updated {
                    commands.push(vec!["apt-get", "update", "-qq"]);
                    apt_updated = true;
                }
                let mut install = vec!["apt-get", "install", "-y", "-qq", "--no-install-recommends"];
                install.extend(packages);
                commands.push(install);
                commands
            }
            Install::Python(packages) => {
                let mut install = vec![
                    "python3",
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--root-user-action=ignore",
                ];
                install.extend(packages);
                vec![install]
            }
        };
        for command in &commands {
            if !install(command) {
                return Err(format!(
                    "could not install {} ({}): `{}` failed; run it by hand (as root for apt-get), then `cargo xtask test` again",
                    component.name,
                    component.used_for,
                    command.join(" ")
                ));
            }
        }
        if !present(component.probe) {
            return Err(format!(
                "{} is still missing after installing it: `{}` fails",
                component.name,
                component.probe.join(" ")
            ));
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(root)
        .args(["test", "--workspace", "--no-fail-fast"])
        .args(args)
        .status()
        .map_err(|e| format!("could not start `{cargo} test`: {e}"))?;
    if status.success() {
        return Ok(());
    }
    let command = ["cargo test --workspace --no-fail-fast"]
        .into_iter()
        .chain(args.iter().map(String::as_str))
        .collect::<Vec<_>>();
    Err(format!("`{}` failed ({status}); its output above says why", command.join(" ")))
}

/// Whether the probe succeeds; its output is not shown (`dot -V` prints to stderr).
fn present(probe: &[&str]) -> bool {
    let Some((program, args)) = probe.split_first() else { return false };
    Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Runs an install command, its errors shown.
fn install(command: &[&str]) -> bool {
    let Some((program, args)) = command.split_first() else { return false };
    Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
