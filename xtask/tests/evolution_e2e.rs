//! End to end, in a temporary copy of the workspace: change an example
//! product incompatibly and see the evolution check fail with the rule, the
//! path and the consumers; bump only the minor and see it still fail; bump
//! the major, publish, and see it pass. Runs the real `cargo xtask` of the
//! copy, rebuilt after each edit (only the copy's own crates compile; see
//! `Workspace::copy`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What the copy needs to build and run `xtask`: the workspace's crates (whole, as their manifests
/// name benches and fixture binaries), its policies and published contracts; not the build output.
const COPIED: &[&str] =
    &["Cargo.lock", "rustfmt.toml", "mesh.toml", "mesh-core", "mesh-macros", "domains", "xtask", "tests", "contracts"];

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(from, to).unwrap();
    }
}

struct Workspace {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Workspace {
    /// Copies the workspace into `<temp>/ws/mesh/` under a workspace root `<temp>/ws/`. Cargo names
    /// a workspace crate's artifacts after its path relative to the workspace root, so the copy's
    /// crates get names of their own and can share this build's directory without overwriting
    /// our artifacts, while the registry dependencies built there are reused. The git repository
    /// is `<temp>/ws`, so `--against` also runs from a subdirectory of its repository.
    fn copy() -> Self {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws/mesh");
        for path in COPIED {
            copy(&source.join(path), &root.join(path));
        }
        let manifest = fs::read_to_string(source.join("Cargo.toml")).unwrap();
        let (head, rest) = manifest.split_once("members = [").unwrap();
        let (members, tail) = rest.split_once(']').unwrap();
        let members: Vec<String> = members
            .split(',')
            .map(str::trim)
            .filter(|member| !member.is_empty())
            .map(|member| format!("\"mesh/{}", member.trim_start_matches('"')))
            .collect();
        let manifest = format!("{head}members = [{}]{tail}", members.join(", ")).replace("path = \"", "path = \"mesh/");
        fs::write(dir.path().join("ws/Cargo.toml"), manifest).unwrap();
        fs::rename(root.join("Cargo.lock"), dir.path().join("ws/Cargo.lock")).unwrap();
        let workspace = Self { _dir: dir, root };
        workspace.git(&["init", "--quiet"]);
        workspace.git(&["add", "."]);
        workspace.git(&["commit", "--quiet", "-m", "published"]);
        workspace
    }

    fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .current_dir(&self.root)
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    }

    /// The version the declaration in `file` states (its first `version = "..."`).
    fn version(&self, file: &str) -> String {
        let text = fs::read_to_string(self.root.join(file)).unwrap();
        let start = text.find("version = \"").expect("a declared version") + "version = \"".len();
        text[start..].split('"').next().unwrap().to_owned()
    }

    fn set_version(&self, file: &str, from: &str, to: &str) {
        self.edit(file, &format!("version = \"{from}\""), &format!("version = \"{to}\""));
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.root.join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// Runs the copy's `cargo xtask args`: the exit code (1 for a failed check; cargo's 101 if
    /// the copy does not build) and stdout then stderr.
    fn xtask(&self, args: &[&str]) -> (i32, String) {
        // The test binary is <target>/debug/deps/<name>: build in that directory (see `copy`), but
        // put the copy's `xtask` binary in a target directory of its own.
        let build = std::env::current_exe().unwrap().ancestors().nth(3).unwrap().to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let Output { status, stdout, stderr } = Command::new(cargo)
            .current_dir(&self.root)
            .env("CARGO_BUILD_BUILD_DIR", build)
            .env("CARGO_TARGET_DIR", self.root.parent().unwrap().join("target"))
            .env_remove("MESH_ROOT")
            .args(["run", "--offline", "--quiet", "--package", "xtask", "--"])
            .args(args)
            .output()
            .unwrap();
        let output = String::from_utf8_lossy(&stdout).into_owned() + &String::from_utf8_lossy(&stderr);
        (status.code().expect("cargo exits, not killed by a signal"), output)
    }

    fn contracts(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut stack = vec![self.root.join("contracts")];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push((path.clone(), fs::read(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }
}

enum Bump {
    Minor,
    Major,
}

fn bump(version: &str, bump: Bump) -> String {
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap()).collect();
    match bump {
        Bump::Minor => format!("{}.{}.0", parts[0], parts[1] + 1),
        Bump::Major => format!("{}.0.0", parts[0] + 1),
    }
}

#[test]
fn breaking_change_needs_a_major_version_then_publishes() {
    // Our own `cargo xtask` binary must survive the copy's builds untouched.
    let own_xtask = Path::new(env!("CARGO_BIN_EXE_xtask"));
    let own_before = fs::metadata(own_xtask).and_then(|m| m.modified()).ok();
    let ws = Workspace::copy();
    let (code, output) = ws.xtask(&["publish", "--check"]);
    assert_eq!(code, 0, "the example mesh matches its published contracts:\n{output}");

    // An incompatible change: the SKU of every order line becomes a number.
    ws.edit("domains/sales/src/types.rs", "pub sku: String,", "pub sku: i64,");
    // The pipeline that builds the order lines must follow, or the domain crate does not compile.
    ws.edit("domains/sales/src/order_payload.rs", "sku: line.sku,", "sku: line.sku.len() as i64,");
    let (code, output) = ws.xtask(&["publish", "--check"]);
    assert_eq!(code, 1, "{output}");
    insta::assert_snapshot!("same_version", output);

    // A failed publish writes nothing.
    let before = ws.contracts();
    let (code, output) = ws.xtask(&["publish"]);
    assert!(code == 1 && output.contains("nothing published"), "{output}");
    assert!(ws.contracts() == before, "a refused publish changed contracts/");

    // A minor version is not enough.
    let (silver, gold) = (ws.version("domains/sales/src/silver.rs"), ws.version("domains/sales/src/gold.rs"));
    ws.set_version("domains/sales/src/silver.rs", &silver, &bump(&silver, Bump::Minor));
    ws.set_version("domains/sales/src/gold.rs", &gold, &bump(&gold, Bump::Minor));
    let (code, output) = ws.xtask(&["publish", "--check"]);
    assert_eq!(code, 1, "{output}");
    insta::assert_snapshot!("minor_bump", output);

    // A major version passes; the consumers still on the old major are listed.
    ws.set_version("domains/sales/src/silver.rs", &bump(&silver, Bump::Minor), &bump(&silver, Bump::Major));
    ws.set_version("domains/sales/src/gold.rs", &bump(&gold, Bump::Minor), &bump(&gold, Bump::Major));
    ws.edit("domains/marketing/src/gold.rs", "sales.sales_cleaned@^1.2", "sales.sales_cleaned@^2");
    let (code, output) = ws.xtask(&["publish"]);
    assert_eq!(code, 0, "{output}");
    insta::assert_snapshot!("major_bump_publish", output);
    let history = ws.root.join(format!("contracts/sales/history/sales_cleaned@{silver}.avsc"));
    let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/sales/sales_cleaned.avsc");
    assert_eq!(fs::read_to_string(history).unwrap(), fs::read_to_string(original).unwrap());
    let index = fs::read_to_string(ws.root.join("contracts/index.yaml")).unwrap();
    let major = bump(&silver, Bump::Major);
    assert!(index.contains(&format!("- id: sales.sales_cleaned\n  version: \"{major}\"")), "{index}");

    // Published: the check passes, and publishing again rewrites nothing.
    let (code, output) = ws.xtask(&["publish", "--check"]);
    assert_eq!(code, 0, "{output}");
    let published = ws.contracts();
    let (code, output) = ws.xtask(&["publish"]);
    assert!(code == 0 && output.contains("0 files written, 0 removed"), "{output}");
    assert!(ws.contracts() == published);

    // A pull request is compared with the baseline of its target branch.
    let (code, output) = ws.xtask(&["publish", "--check", "--against", "HEAD"]);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains(&format!(
            "warning[MESH1008]: sales.sales_cleaned {major} is a new major version ({silver} -> {major})"
        )),
        "{output}"
    );
    let empty_tree = ws.git(&["hash-object", "-t", "tree", "/dev/null"]);
    let before_contracts = ws.git(&["commit-tree", &empty_tree, "-m", "before any publish"]);
    let (code, output) = ws.xtask(&["publish", "--check", "--against", &before_contracts]);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains(&format!("warning[MESH1010]: `{before_contracts}` has no published baseline")), "{output}");
    let (code, output) = ws.xtask(&["publish", "--check", "--against", "no-such-ref"]);
    assert!(code == 1 && output.contains("`no-such-ref` is not a commit of the repository"), "{output}");

    assert_eq!(fs::metadata(own_xtask).and_then(|m| m.modified()).ok(), own_before, "our xtask binary was replaced");
}
