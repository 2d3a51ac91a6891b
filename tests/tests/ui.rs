//! Compile-fail tests: every mistake in a declaration is a clear compile error
//! at the offending token, and all of them are reported at once.
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite` and review the diff.

#[test]
fn declarations() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/product/*.rs");
    cases.compile_fail("ui/fields/*.rs");
    cases.compile_fail("ui/derive/*.rs");
    cases.compile_fail("ui/quality/*.rs");
}
