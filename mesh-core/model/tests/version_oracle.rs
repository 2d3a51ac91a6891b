//! Differential tests: our `Version` / `VersionReq` must behave exactly like the `semver` crate, which Cargo uses and
//! which they replace. Inputs come from a grammar of valid and near-valid texts (leading zeros, numbers past
//! `u64::MAX`, empty or odd identifier segments, stray characters, spaces, wildcards, too many comparators), so that
//! both acceptance and every error message get exercised.

use std::cmp::Ordering;

use mesh_model::{Version, VersionReq};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::Index;

/// Enough cases to reach the rarer error paths, few enough to stay well under a second each in debug builds.
const CASES: u32 = 2_000;

/// A number part: mostly small, sometimes with leading zeros, too big for `u64`, or missing.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0u64..4).prop_map(|n| n.to_string()),
        3 => (0u64..1_000).prop_map(|n| n.to_string()),
        1 => "0[0-9]{1,3}",
        1 => Just(u64::MAX.to_string()),
        1 => "1844674407370955161[5-9]",
        1 => "[1-9][0-9]{20,24}",
        1 => Just(String::new()),
    ]
}

/// One pre-release or build identifier, sometimes empty or numeric with a leading zero.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z]{1,3}",
        3 => (0u64..12).prop_map(|n| n.to_string()),
        1 => "0[0-9]{1,2}",
        2 => "[0-9A-Za-z-]{1,4}",
        1 => Just(String::new()),
        1 => Just("-".to_owned()),
    ]
}

/// Dot-separated identifiers (which may include empty segments).
fn dotted() -> impl Strategy<Value = String> {
    prop::collection::vec(segment(), 1..4).prop_map(|segments| segments.join("."))
}

/// Characters that do not belong, including ones `Debug` escapes in error messages.
fn stray() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        ' ', '.', ',', '!', '-', '+', '*', 'x', 'X', 'v', '=', '^', 'é', '\0', '\n', '\'', '\u{301}',
    ])
}

/// A small damage to an otherwise well-formed text.
#[derive(Debug, Clone)]
enum Edit {
    Keep,
    Insert(Index, char),
    Remove(Index),
    Truncate(Index),
}

/// Mostly no damage, so that well-formed texts stay common.
fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        5 => Just(Edit::Keep),
        2 => (any::<Index>(), stray()).prop_map(|(at, c)| Edit::Insert(at, c)),
        1 => any::<Index>().prop_map(Edit::Remove),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

/// Applies `edit` at a character boundary (the stray characters are not all ASCII).
fn apply(mut text: String, edit: Edit) -> String {
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    match edit {
        Edit::Keep => {}
        Edit::Insert(at, c) => text.insert(boundaries[at.index(boundaries.len())], c),
        // The last boundary is the end, which starts no character.
        Edit::Remove(at) if boundaries.len() > 1 => {
            text.remove(boundaries[at.index(boundaries.len() - 1)]);
        }
        Edit::Remove(_) => {}
        Edit::Truncate(at) => text.truncate(boundaries[at.index(boundaries.len())]),
    }
    text
}

/// `MAJOR.MINOR.PATCH[-PRE][+BUILD]` from possibly bad parts, then possibly damaged.
fn version_text() -> impl Strategy<Value = String> {
    let parts = (number(), number(), number(), option::weighted(0.4, dotted()), option::weighted(0.3, dotted()));
    (parts, edit()).prop_map(|((major, minor, patch, pre, build), edit)| {
        let mut text = format!("{major}.{minor}.{patch}");
        if let Some(pre) = pre {
            text = format!("{text}-{pre}");
        }
        if let Some(build) = build {
            text = format!("{text}+{build}");
        }
        apply(text, edit)
    })
}

/// Spaces, which requirements allow around operators, versions and commas.
fn spaces() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", "", "", " ", "  "])
}

/// Operators, and a few that are not.
fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", "=", ">", ">=", "<", "<=", "~", "^", "==", "=>", "!", "~>"])
}

/// A minor or patch part: a number or a wildcard.
fn part() -> impl Strategy<Value = String> {
    prop_oneof![3 => number(), 1 => prop::sample::select(vec!["*", "x", "X"]).prop_map(str::to_owned)]
}

/// One comparator (valid, or from bad parts, where pre-release and build may follow a partial version), or a lone
/// wildcard, with spaces around.
fn comparator_text() -> impl Strategy<Value = String> {
    let version = (
        number(),
        option::weighted(0.8, (part(), option::weighted(0.7, part()))),
        option::weighted(0.25, dotted()),
        option::weighted(0.15, dotted()),
    )
        .prop_map(|(major, rest, pre, build)| {
            let mut text = major;
            if let Some((minor, patch)) = rest {
                text = format!("{text}.{minor}");
                if let Some(patch) = patch {
                    text = format!("{text}.{patch}");
                }
            }
            if let Some(pre) = pre {
                text = format!("{text}-{pre}");
            }
            if let Some(build) = build {
                text = format!("{text}+{build}");
            }
            text
        });
    let comparator =
        (spaces(), op(), spaces(), version, spaces()).prop_map(|(a, op, b, v, c)| format!("{a}{op}{b}{v}{c}"));
    let wildcard =
        (spaces(), prop::sample::select(vec!["*", "x", "X"]), spaces()).prop_map(|(a, w, b)| format!("{a}{w}{b}"));
    let clean = (spaces(), clean_comparator(), spaces()).prop_map(|(a, c, b)| format!("{a}{c}{b}"));
    prop_oneof![4 => clean, 4 => comparator, 1 => wildcard]
}

/// Comma-separated comparators, then possibly damaged.
fn req_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(comparator_text(), 1..4), edit())
        .prop_map(|(comparators, edit)| apply(comparators.join(","), edit))
}

/// A valid version with small parts, so that ties and requirement boundaries come up often.
fn small_version() -> impl Strategy<Value = String> {
    let pre =
        prop::collection::vec(prop::sample::select(vec!["alpha", "beta", "rc", "0", "1", "2", "11", "a-b"]), 1..3);
    let build = prop::collection::vec(prop::sample::select(vec!["0", "00", "01", "1", "10", "a", "b1"]), 1..3);
    (0u64..3, 0u64..3, 0u64..3, option::weighted(0.4, pre), option::weighted(0.3, build)).prop_map(
        |(major, minor, patch, pre, build)| {
            let mut text = format!("{major}.{minor}.{patch}");
            if let Some(pre) = pre {
                text = format!("{text}-{}", pre.join("."));
            }
            if let Some(build) = build {
                text = format!("{text}+{}", build.join("."));
            }
            text
        },
    )
}

/// A valid comparator over small numbers, in every shape Cargo accepts, likely to sit near `small_version`'s.
fn clean_comparator() -> impl Strategy<Value = String> {
    let n = || (0u64..3).prop_map(|n| n.to_string());
    let wild = || prop::sample::select(vec!["*", "x", "X"]).prop_map(str::to_owned);
    let pre = prop::sample::select(vec!["alpha", "beta", "rc.1", "0", "2"]);
    let build = prop::sample::select(vec!["b", "007"]);
    let version = prop_oneof![
        2 => n(),
        2 => (n(), n()).prop_map(|(major, minor)| format!("{major}.{minor}")),
        1 => (n(), wild()).prop_map(|(major, w)| format!("{major}.{w}")),
        1 => (n(), prop_oneof![n(), wild()], wild()).prop_map(|(major, minor, w)| format!("{major}.{minor}.{w}")),
        6 => (n(), n(), n(), option::weighted(0.5, pre), option::weighted(0.1, build)).prop_map(
            |(major, minor, patch, pre, build)| {
                let pre = pre.map(|pre| format!("-{pre}")).unwrap_or_default();
                let build = build.map(|build| format!("+{build}")).unwrap_or_default();
                format!("{major}.{minor}.{patch}{pre}{build}")
            }
        ),
    ];
    (prop::sample::select(vec!["", "=", ">", ">=", "<", "<=", "~", "^"]), version)
        .prop_map(|(op, v)| format!("{op}{v}"))
}

/// A valid requirement over small versions.
fn small_req() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop::collection::vec(clean_comparator(), 1..3).prop_map(|comparators| comparators.join(", ")),
        1 => Just("*".to_owned()),
    ]
}

/// Both parse the same texts; accepted ones have the same parts and display; rejected ones the same message.
fn check_version(text: &str) -> Result<Option<(Version, semver::Version)>, TestCaseError> {
    match (Version::parse(text), semver::Version::parse(text)) {
        (Ok(ours), Ok(theirs)) => {
            prop_assert_eq!((ours.major, ours.minor, ours.patch), (theirs.major, theirs.minor, theirs.patch));
            prop_assert_eq!((ours.pre.as_str(), ours.build.as_str()), (theirs.pre.as_str(), theirs.build.as_str()));
            prop_assert_eq!(ours.to_string(), theirs.to_string());
            prop_assert_eq!(
                format!("{ours:>30}|{ours:*^31}|{ours:<4}|{ours:.2}"),
                format!("{theirs:>30}|{theirs:*^31}|{theirs:<4}|{theirs:.2}")
            );
            prop_assert_eq!(text.parse::<Version>(), Ok(ours.clone()));
            Ok(Some((ours, theirs)))
        }
        (Err(ours), Err(theirs)) => {
            prop_assert_eq!(ours.to_string(), theirs.to_string(), "{:?}", text);
            Ok(None)
        }
        (ours, theirs) => Err(TestCaseError::fail(format!("{text:?}: ours {ours:?}, semver {theirs:?}"))),
    }
}

/// As `check_version`, for requirements.
fn check_req(text: &str) -> Result<Option<(VersionReq, semver::VersionReq)>, TestCaseError> {
    match (VersionReq::parse(text), semver::VersionReq::parse(text)) {
        (Ok(ours), Ok(theirs)) => {
            prop_assert_eq!(ours.to_string(), theirs.to_string(), "{:?}", text);
            prop_assert_eq!(text.parse::<VersionReq>(), Ok(ours.clone()));
            Ok(Some((ours, theirs)))
        }
        (Err(ours), Err(theirs)) => {
            prop_assert_eq!(ours.to_string(), theirs.to_string(), "{:?}", text);
            Ok(None)
        }
        (ours, theirs) => Err(TestCaseError::fail(format!("{text:?}: ours {ours:?}, semver {theirs:?}"))),
    }
}

/// The JSON string holding `text` deserializes alike (value or message), and values serialize alike.
fn check_serde<Ours, Theirs>(text: &str) -> Result<(), TestCaseError>
where
    Ours: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    Theirs: serde::Serialize + serde::de::DeserializeOwned,
{
    let json = serde_json::to_string(text).unwrap();
    match (serde_json::from_str::<Ours>(&json), serde_json::from_str::<Theirs>(&json)) {
        (Ok(ours), Ok(theirs)) => {
            let written = serde_json::to_string(&ours).unwrap();
            prop_assert_eq!(&written, &serde_json::to_string(&theirs).unwrap());
            prop_assert_eq!(serde_json::from_str::<Ours>(&written).unwrap(), ours);
        }
        (Err(ours), Err(theirs)) => prop_assert_eq!(ours.to_string(), theirs.to_string()),
        (ours, _) => return Err(TestCaseError::fail(format!("{text:?}: ours {ours:?}, semver disagrees"))),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn versions_parse_alike(text in version_text()) {
        check_version(&text)?;
    }

    #[test]
    fn requirements_parse_alike(text in req_text()) {
        check_req(&text)?;
    }

    #[test]
    fn comparator_limit_alike(
        count in 30usize..=34,
        comparator in prop::sample::select(vec![">=1", "<2.0.0", " ^0.1 ", "~1.2.3-rc"]),
        tail in prop::sample::select(vec!["", ",", ", !", ", *", ", 1"]),
    ) {
        let text = format!("{}{tail}", vec![comparator; count].join(","));
        check_req(&text)?;
    }

    #[test]
    fn versions_order_alike(a in small_version(), b in small_version()) {
        let (ours_a, theirs_a) = check_version(&a)?.expect("small versions are valid");
        let (ours_b, theirs_b) = check_version(&b)?.expect("small versions are valid");
        prop_assert_eq!(ours_a.cmp(&ours_b), theirs_a.cmp(&theirs_b), "{} vs {}", a, b);
        prop_assert_eq!(ours_a.partial_cmp(&ours_b), Some(theirs_a.cmp(&theirs_b)));
        prop_assert_eq!(ours_a == ours_b, theirs_a == theirs_b);
        prop_assert_eq!(ours_a.cmp(&ours_b) == Ordering::Equal, ours_a == ours_b);
    }

    #[test]
    fn requirements_match_alike(
        req in small_req(),
        other in small_req(),
        versions in prop::collection::vec(small_version(), 8),
    ) {
        let (ours, theirs) = check_req(&req)?.expect("small requirements are valid");
        for text in &versions {
            let (ours_v, theirs_v) = check_version(text)?.expect("small versions are valid");
            prop_assert_eq!(ours.matches(&ours_v), theirs.matches(&theirs_v), "{} on {}", req, text);
        }
        if let Some((ours_other, theirs_other)) = check_req(&other)? {
            prop_assert_eq!(ours == ours_other, theirs == theirs_other, "{} vs {}", req, other);
        }
    }

    #[test]
    fn serde_alike(version in version_text(), small in small_version(), req in req_text()) {
        check_serde::<Version, semver::Version>(&version)?;
        check_serde::<Version, semver::Version>(&small)?;
        check_serde::<VersionReq, semver::VersionReq>(&req)?;
    }
}

/// Non-string JSON is refused with the same message.
#[test]
fn serde_rejects_non_strings_alike() {
    for json in ["1", "null", "[\"1.0.0\"]", "{}"] {
        let ours = serde_json::from_str::<Version>(json).unwrap_err().to_string();
        assert_eq!(ours, serde_json::from_str::<semver::Version>(json).unwrap_err().to_string());
        let ours = serde_json::from_str::<VersionReq>(json).unwrap_err().to_string();
        assert_eq!(ours, serde_json::from_str::<semver::VersionReq>(json).unwrap_err().to_string());
    }
}
