//! The declaration example of `docs/declaring-products.md` is the one `tests/ui/pass/readme_example.rs` compiles.

#[test]
fn the_documented_declaration_is_the_compiled_example() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/docs/declaring-products.md")).unwrap();
    let compiled = std::fs::read_to_string(format!("{root}/tests/ui/pass/readme_example.rs")).unwrap();
    let marker = readme.find("<!-- declaration-example").expect("docs/declaring-products.md marks its example");
    let start = readme[marker..].find("```rust\n").map(|i| marker + i + "```rust\n".len()).unwrap();
    let end = start + readme[start..].find("```").unwrap();
    let shown = &readme[start..end];
    let declaration = &compiled[compiled.find("use mesh_core").unwrap()..compiled.find("fn main()").unwrap()];
    assert_eq!(
        shown.trim_end(),
        declaration.trim_end(),
        "update the example in docs/declaring-products.md from the compiled file"
    );
}
