//! `cargo xtask publish` removes only the files it wrote, naming each, and refuses, writing
//! nothing, when `contracts/` holds a file it did not write. Run as the real binary on a copy of
//! this workspace's policies and contracts (`MESH_ROOT`).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Every file under `dir`, by path relative to it, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn source() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// A copy of this workspace's `mesh.toml` and `contracts/`.
fn mesh_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(source().join("mesh.toml"), dir.path().join("mesh.toml")).unwrap();
    for (path, bytes) in tree(&source().join("contracts")) {
        let target = dir.path().join("contracts").join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
    dir
}

/// `publish` on `root`: exit code, stdout, stderr.
fn publish(root: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("publish").env("MESH_ROOT", root).output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap(), text(output.stdout), text(output.stderr))
}

#[test]
fn a_file_publish_did_not_write_is_named_and_nothing_is_published() {
    let mesh = mesh_copy();
    let contracts = mesh.path().join("contracts");
    fs::write(contracts.join("NOTES.md"), "our review notes\n").unwrap();
    let before = tree(&contracts);
    let (code, stdout, stderr) = publish(mesh.path());
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    assert_eq!(
        stderr,
        "error: contracts/NOTES.md was not written by `cargo xtask publish`, which would delete it: move it out of \
         `contracts/` (which holds only generated files), then publish again; nothing was published\n"
    );
    assert!(tree(&contracts) == before, "nothing written, nothing removed");

    fs::write(contracts.join("sales/todo.txt"), "x").unwrap();
    let before = tree(&contracts);
    let (code, _, stderr) = publish(mesh.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        "error: contracts/NOTES.md, contracts/sales/todo.txt were not written by `cargo xtask publish`, which would \
         delete them: move them out of `contracts/` (which holds only generated files), then publish again; nothing \
         was published\n"
    );
    assert!(tree(&contracts) == before);
}

#[test]
fn a_file_the_index_lists_but_publish_no_longer_writes_is_removed_by_name() {
    let mesh = mesh_copy();
    let contracts = mesh.path().join("contracts");
    // An older layout: the index lists the schema under another name, which publishing replaces.
    let index = fs::read_to_string(contracts.join("index.yaml")).unwrap();
    let moved = index.replacen("schema: marketing/marketing_raw.avsc", "schema: marketing/raw_old.avsc", 1);
    assert_ne!(moved, index);
    fs::write(contracts.join("index.yaml"), moved).unwrap();
    fs::rename(contracts.join("marketing/marketing_raw.avsc"), contracts.join("marketing/raw_old.avsc")).unwrap();

    let (code, stdout, stderr) = publish(mesh.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "removed contracts/marketing/raw_old.avsc\n");
    let products = index.matches("\n- id: ").count();
    assert_eq!(
        stdout,
        format!("published {products} products to contracts/ (2 files written, 1 removed, the rest unchanged)\n")
    );
    assert!(tree(&contracts) == tree(&source().join("contracts")), "back to the published baseline");
}
