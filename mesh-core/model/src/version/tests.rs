//! The version parser's own cases; `tests/version_oracle.rs` compares it with the `semver` crate.

use super::*;

fn version(text: &str) -> Version {
    Version::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn req(text: &str) -> VersionReq {
    VersionReq::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn version_error(text: &str) -> String {
    Version::parse(text).expect_err(text).to_string()
}

fn req_error(text: &str) -> String {
    VersionReq::parse(text).expect_err(text).to_string()
}

#[test]
fn parses_and_displays_versions() {
    let v = version("1.22.333-alpha.1.x-y+build.007.b");
    assert_eq!((v.major, v.minor, v.patch), (1, 22, 333));
    assert_eq!((v.pre.as_str(), v.build.as_str()), ("alpha.1.x-y", "build.007.b"));
    assert_eq!(v.to_string(), "1.22.333-alpha.1.x-y+build.007.b");
    assert_eq!(version("0.0.0"), Version::new(0, 0, 0));
    assert_eq!(version("1.2.3+b").build, "b");
    assert_eq!("18446744073709551615.0.0".parse::<Version>().unwrap().major, u64::MAX);
    // Padding as `semver` pads; precision does not truncate.
    let v = version("1.2.3");
    assert_eq!(format!("[{v:>8}|{v:*^9}|{v:7}|{v:.1}]"), "[   1.2.3|**1.2.3**|1.2.3  |1.2.3]");
}

#[test]
fn version_errors_read_as_semvers() {
    let cases = [
        ("", "empty string, expected a semver version"),
        ("2.1", "unexpected end of input while parsing minor version number"),
        ("2.", "unexpected end of input while parsing minor version number"),
        ("2", "unexpected end of input while parsing major version number"),
        ("v1.2.3", "unexpected character 'v' while parsing major version number"),
        ("1.q.3", "unexpected character 'q' while parsing minor version number"),
        ("1-2.3", "unexpected character '-' after major version number"),
        (" 1.2.3", "unexpected character ' ' while parsing major version number"),
        ("1.2.3 ", "unexpected character ' ' after patch version number"),
        ("1.2.3-a b", "unexpected character ' ' after pre-release identifier"),
        ("1.2.3+b+c", "unexpected character '+' after build metadata"),
        ("1.2.3\n", "unexpected character '\\n' after patch version number"),
        ("1.2.3\0", "unexpected character '\\0' after patch version number"),
        ("1.2.3é", "unexpected character 'é' after patch version number"),
        ("01.2.3", "invalid leading zero in major version number"),
        ("1.00.3", "invalid leading zero in minor version number"),
        ("1.2.3-01", "invalid leading zero in pre-release identifier"),
        ("18446744073709551616.0.0", "value of major version number exceeds u64::MAX"),
        ("1.2.99999999999999999999", "value of patch version number exceeds u64::MAX"),
        ("1.2.3-", "empty identifier segment in pre-release identifier"),
        ("1.2.3-a..b", "empty identifier segment in pre-release identifier"),
        ("1.2.3-a.", "empty identifier segment in pre-release identifier"),
        ("1.2.3+", "empty identifier segment in build metadata"),
        ("1.2.3+.b", "empty identifier segment in build metadata"),
    ];
    for (text, message) in cases {
        assert_eq!(version_error(text), message, "{text:?}");
    }
    // Build metadata may have leading zeros; alphanumeric pre-release identifiers may start with zero.
    let version = Version::parse("1.2.3-0a.0+007").unwrap();
    assert_eq!((version.pre.as_str(), version.build.as_str()), ("0a.0", "007"));
}

#[test]
fn orders_by_semver_precedence() {
    let ascending = [
        "0.9.9",
        "1.0.0-0",
        "1.0.0-2",
        "1.0.0-10",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.0+0",
        "1.0.0+00",
        "1.0.0+1",
        "1.0.0+a",
        "1.0.1",
        "1.1.0",
        "2.0.0",
    ];
    for pair in ascending.windows(2) {
        assert!(version(pair[0]) < version(pair[1]), "{} < {}", pair[0], pair[1]);
    }
    assert_eq!(version("1.0.0-a.1").cmp(&version("1.0.0-a.1")), Ordering::Equal);
}

#[test]
fn parses_and_displays_requirements() {
    let cases = [
        ("^2", "^2"),
        ("2", "^2"),
        (">=1.4, <3", ">=1.4, <3"),
        ("  >= 1.4 ,<3  ", ">=1.4, <3"),
        ("~1.2", "~1.2"),
        ("=1.0.0", "=1.0.0"),
        ("=1.0.0-rc.1+build", "=1.0.0-rc.1"),
        ("1.*", "1.*"),
        ("1.x.X", "1.*"),
        ("1.2.*", "1.2.*"),
        ("=1.*", "=1"),
        ("^1.2.x", "^1.2"),
        ("*", "*"),
        (" x ", "*"),
    ];
    for (text, shown) in cases {
        assert_eq!(req(text).to_string(), shown, "{text:?}");
    }
    assert_eq!(req("1.x"), req("1.*"));
}

#[test]
fn requirement_errors_read_as_semvers() {
    let cases = [
        ("", "unexpected end of input while parsing major version number"),
        ("two", "unexpected character 't' while parsing major version number"),
        ("1.0,", "unexpected end of input while parsing major version number"),
        ("1.2.3.4", "expected comma after patch version number, found '.'"),
        ("1.2.3-a foo", "expected comma after pre-release identifier, found 'f'"),
        ("1 2", "expected comma after major version number, found '2'"),
        ("1.x-pre", "expected comma after minor version number, found '-'"),
        ("^01", "invalid leading zero in major version number"),
        ("1.2.3-", "empty identifier segment in pre-release identifier"),
        ("=1.2.3+", "empty identifier segment in build metadata"),
        ("<99999999999999999999", "value of major version number exceeds u64::MAX"),
        ("*, 1.0", "wildcard req (*) must be the only comparator in the version req"),
        ("1.0, x", "wildcard req (x) must be the only comparator in the version req"),
        ("1.0, X , 2", "wildcard req (X) must be the only comparator in the version req"),
        ("1.0, *1", "unexpected character '*' while parsing major version number"),
        ("*1", "unexpected character after wildcard in version req"),
        ("1.*.3", "unexpected character after wildcard in version req"),
        (">=*", "unexpected character '*' while parsing major version number"),
    ];
    for (text, message) in cases {
        assert_eq!(req_error(text), message, "{text:?}");
    }
}

#[test]
fn limits_the_number_of_comparators() {
    let many = |n: usize| vec![">=1"; n].join(", ");
    let at_limit = VersionReq::parse(&many(32)).unwrap();
    assert_eq!(at_limit.to_string(), many(32));
    assert_eq!(req_error(&many(33)), "excessive number of version comparators");
    // The limit is hit at the 32nd comma, whatever follows it.
    assert_eq!(req_error(&format!("{}, !", many(32))), "excessive number of version comparators");
}

#[test]
fn matches_like_cargo() {
    let cases: [(&str, &[&str], &[&str]); 12] = [
        ("^1.2.3", &["1.2.3", "1.9.0", "1.2.3+b"], &["1.2.2", "2.0.0", "1.3.0-beta", "1.2.3-rc"]),
        ("^0.2.3", &["0.2.3", "0.2.9"], &["0.3.0", "0.2.2"]),
        ("^0.0.3", &["0.0.3"], &["0.0.4", "0.0.2"]),
        ("^0", &["0.0.0", "0.9.9"], &["1.0.0", "0.1.0-a"]),
        ("^1.2", &["1.2.0", "1.5.0"], &["1.1.9", "2.0.0"]),
        ("^0.2", &["0.2.0", "0.2.9"], &["0.3.0", "0.1.0"]),
        ("~1.2.3", &["1.2.3", "1.2.9"], &["1.3.0", "1.2.2"]),
        ("~1", &["1.0.0", "1.9.9"], &["2.0.0", "0.9.0"]),
        (">=1.2.3-beta, <2", &["1.2.3-beta", "1.2.3-rc", "1.2.3", "1.9.0"], &["1.2.3-alpha", "1.2.4-beta", "2.0.0"]),
        ("=1.2", &["1.2.0", "1.2.9"], &["1.3.0", "1.2.0-a"]),
        ("1.*", &["1.0.0", "1.9.0"], &["2.0.0", "1.0.0-a"]),
        ("*", &["0.0.0", "9.9.9"], &["1.0.0-a"]),
    ];
    for (requirement, matching, other) in cases {
        let parsed = req(requirement);
        for v in matching {
            assert!(parsed.matches(&version(v)), "{requirement} should match {v}");
        }
        for v in other {
            assert!(!parsed.matches(&version(v)), "{requirement} should not match {v}");
        }
    }
    assert!(req(">1.2").matches(&version("1.3.0")) && !req(">1.2").matches(&version("1.2.7")));
    assert!(req("<=1.2").matches(&version("1.2.7")) && !req("<1.2").matches(&version("1.2.0")));
}

#[test]
fn serializes_as_strings() {
    let v = version("1.2.3-a+b");
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(json, r#""1.2.3-a+b""#);
    assert_eq!(serde_json::from_str::<Version>(&json).unwrap(), v);
    let r = req(">= 1.2, <2");
    assert_eq!(serde_json::to_string(&r).unwrap(), r#"">=1.2, <2""#);
    assert_eq!(serde_json::from_str::<VersionReq>(r#""^1""#).unwrap(), req("^1"));
    let error = serde_json::from_str::<Version>(r#""1.2""#).unwrap_err().to_string();
    assert!(error.starts_with("unexpected end of input while parsing minor version number"), "{error}");
    let error = serde_json::from_str::<Version>("1").unwrap_err().to_string();
    assert!(error.starts_with("invalid type: integer `1`, expected semver version"), "{error}");
}
