//! Semantic versions and version requirements, behaving exactly like the `semver` crate (1.0.x) as Cargo uses it.
//!
//! Our own small implementation rather than a dependency: the `#[data_product]` macro builds this crate for the
//! host on every build, so it should stay light. `tests/version_oracle.rs` checks it against `semver` itself —
//! acceptance, error texts, display, ordering, matching and serde.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::str::FromStr;

/// Cargo's limit: a requirement with more comparators than this is refused.
const MAX_COMPARATORS: usize = 32;

/// A semantic version, MAJOR.MINOR.PATCH with optional pre-release and build metadata.
///
/// Ordering follows SemVer 2.0 precedence, then build metadata as a final tie-break (as `semver` does), so that
/// the order agrees with equality.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// Incompatible API changes.
    pub major: u64,
    /// Backwards-compatible additions.
    pub minor: u64,
    /// Backwards-compatible fixes.
    pub patch: u64,
    /// The pre-release identifiers after `-`, e.g. `alpha.1`; empty for a release.
    pub pre: String,
    /// The build metadata after `+`, e.g. `git.abc123`; empty when absent.
    pub build: String,
}

impl Version {
    /// A release version without pre-release or build metadata.
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Version { major, minor, patch, pre: String::new(), build: String::new() }
    }

    /// Parses `MAJOR.MINOR.PATCH[-PRE][+BUILD]`, strictly: no surrounding spaces, no leading zeros, no `v` prefix.
    ///
    /// # Errors
    /// What is wrong and where, worded as `semver` words it.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        if text.is_empty() {
            return Err(ErrorKind::Empty.into());
        }
        let mut scan = Scanner { rest: text };
        let major = scan.number(Position::Major)?;
        scan.dot(Position::Major)?;
        let minor = scan.number(Position::Minor)?;
        scan.dot(Position::Minor)?;
        let patch = scan.number(Position::Patch)?;

        // The last part read names the place of any trailing garbage.
        let mut last = Position::Patch;
        let mut pre = "";
        if scan.eat('-') {
            last = Position::Pre;
            pre = scan.identifier(Position::Pre)?;
        }
        let mut build = "";
        if scan.eat('+') {
            last = Position::Build;
            build = scan.identifier(Position::Build)?;
        }
        if let Some(found) = scan.peek() {
            return Err(ErrorKind::UnexpectedCharAfter(last, found).into());
        }
        Ok(Version { major, minor, patch, pre: pre.to_owned(), build: build.to_owned() })
    }

    /// The canonical text, without any padding.
    fn write_plain(&self, out: &mut impl fmt::Write) -> fmt::Result {
        write!(out, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(out, "-{}", self.pre)?;
        }
        if !self.build.is_empty() {
            write!(out, "+{}", self.build)?;
        }
        Ok(())
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Version::parse(text)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `semver` honours width, fill and alignment but not precision, so `Formatter::pad` (which truncates)
        // will not do.
        let Some(width) = f.width() else {
            return self.write_plain(f);
        };
        let mut text = String::new();
        self.write_plain(&mut text)?;
        // Counted in bytes, as `semver` does; parsed versions are ASCII anyway.
        let padding = width.saturating_sub(text.len());
        let (before, after) = match f.align() {
            Some(fmt::Alignment::Right) => (padding, 0),
            Some(fmt::Alignment::Center) => (padding / 2, padding.div_ceil(2)),
            Some(fmt::Alignment::Left) | None => (0, padding),
        };
        let fill = f.fill();
        for _ in 0..before {
            f.write_char(fill)?;
        }
        f.write_str(&text)?;
        for _ in 0..after {
            f.write_char(fill)?;
        }
        Ok(())
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| cmp_pre(&self.pre, &other.pre))
            .then_with(|| cmp_build(&self.build, &other.build))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParseVisitor::<Version>(std::marker::PhantomData))
    }
}

/// Pre-release precedence (SemVer 2.0 §11): a release outranks any pre-release of it; otherwise dot-separated
/// identifiers compare left to right, numeric ones numerically (they have no leading zeros) and below alphanumeric
/// ones, which compare in ASCII order; a longer list wins a tie.
fn cmp_pre(left: &str, right: &str) -> Ordering {
    match (left.is_empty(), right.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => cmp_dotted(left, right, |l, r| l.len().cmp(&r.len()).then_with(|| l.cmp(r))),
    }
}

/// Build metadata has no precedence in SemVer; like `semver` we still order it, so that `Ord` agrees with `Eq`.
/// Numeric identifiers may carry leading zeros here: by value first, then the shorter spelling first
/// (0 < 00 < 1 < 01 < 2 < 10).
fn cmp_build(left: &str, right: &str) -> Ordering {
    cmp_dotted(left, right, |l, r| {
        let (l_value, r_value) = (l.trim_start_matches('0'), r.trim_start_matches('0'));
        l_value.len().cmp(&r_value.len()).then_with(|| l_value.cmp(r_value)).then_with(|| l.len().cmp(&r.len()))
    })
}

/// Compares dot-separated identifiers pairwise, numeric ones with `numeric`.
fn cmp_dotted(left: &str, right: &str, numeric: fn(&str, &str) -> Ordering) -> Ordering {
    let is_numeric = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let (mut left, mut right) = (left.split('.'), right.split('.'));
    loop {
        let order = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(l), Some(r)) => match (is_numeric(l), is_numeric(r)) {
                (true, true) => numeric(l, r),
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => l.cmp(r),
            },
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

/// A version requirement such as `^2`, `>=1.4, <3`, `~1.2`, `=1.0.0`, `1.*`, `*`.
///
/// A version matches when it satisfies every comparator. As in Cargo, a pre-release version only matches if some
/// comparator names the same MAJOR.MINOR.PATCH with a pre-release of its own: `^1.2.3` does not admit `1.3.0-beta`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionReq {
    /// Empty for `*`, which matches every release.
    comparators: Vec<Comparator>,
}

impl VersionReq {
    /// Parses comma-separated comparators, each an optional operator (`=`, `>`, `>=`, `<`, `<=`, `~`, `^`; none
    /// means `^`) and a version whose minor and patch may be omitted or written as a wildcard (`*`, `x`, `X`).
    /// Spaces are allowed before operators, versions and commas; `*` alone matches any release.
    ///
    /// # Errors
    /// What is wrong and where, worded as `semver` words it.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let text = text.trim_start_matches(' ');
        if let Some((wildcard, rest)) = split_wildcard(text) {
            let rest = rest.trim_start_matches(' ');
            return if rest.is_empty() {
                Ok(VersionReq { comparators: Vec::new() })
            } else if rest.starts_with(',') {
                Err(ErrorKind::WildcardNotTheOnlyComparator(wildcard).into())
            } else {
                Err(ErrorKind::UnexpectedAfterWildcard.into())
            };
        }

        let mut scan = Scanner { rest: text };
        let mut comparators = Vec::new();
        loop {
            let start = scan.rest;
            let (comparator, last) = scan.comparator().map_err(|error| explain_wildcard(start, error))?;
            comparators.push(comparator);
            match scan.peek() {
                None => return Ok(VersionReq { comparators }),
                Some(',') => scan.rest = scan.rest[1..].trim_start_matches(' '),
                Some(found) => return Err(ErrorKind::ExpectedCommaFound(last, found).into()),
            }
            if comparators.len() == MAX_COMPARATORS {
                return Err(ErrorKind::ExcessiveComparators.into());
            }
        }
    }

    /// Whether `version` satisfies every comparator, with Cargo's pre-release rule (see the type's docs).
    pub fn matches(&self, version: &Version) -> bool {
        self.comparators.iter().all(|comparator| comparator.admits(version))
            && (version.pre.is_empty() || self.comparators.iter().any(|comparator| comparator.opts_into_pre(version)))
    }
}

/// A lone wildcard after a comma (`1.0, *`) is refused with a message saying why, rather than a bare "unexpected
/// character".
fn explain_wildcard(start: &str, error: VersionError) -> VersionError {
    let Some((wildcard, rest)) = split_wildcard(start) else {
        return error;
    };
    let rest = rest.trim_start_matches(' ');
    if rest.is_empty() || rest.starts_with(',') {
        ErrorKind::WildcardNotTheOnlyComparator(wildcard).into()
    } else {
        error
    }
}

impl FromStr for VersionReq {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        VersionReq::parse(text)
    }
}

impl fmt::Display for VersionReq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.comparators.is_empty() {
            return f.write_str("*");
        }
        for (i, comparator) in self.comparators.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{comparator}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for VersionReq {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for VersionReq {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParseVisitor::<VersionReq>(std::marker::PhantomData))
    }
}

/// Reads a version or requirement from a string, reporting parse errors through serde.
struct ParseVisitor<T>(std::marker::PhantomData<T>);

impl<T: FromStr<Err = VersionError>> serde::de::Visitor<'_> for ParseVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `semver`'s wording, for both types.
        f.write_str("semver version")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }
}

/// One operator applied to a possibly partial version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Comparator {
    op: Op,
    major: u64,
    minor: Option<u64>,
    /// `Some` only when `minor` is.
    patch: Option<u64>,
    /// Only ever non-empty when `patch` is `Some`.
    pre: String,
}

/// A comparator's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    /// `=`
    Exact,
    /// `>`
    Greater,
    /// `>=`
    GreaterEq,
    /// `<`
    Less,
    /// `<=`
    LessEq,
    /// `~`: patch updates (or minor ones if only the major is given).
    Tilde,
    /// `^` or no operator: updates that keep the leftmost non-zero part.
    Caret,
    /// No operator and a wildcard, e.g. `1.*`: behaves as `=` on the given parts.
    Wildcard,
}

impl Comparator {
    /// Whether the version satisfies this comparator, before the pre-release rule.
    fn admits(&self, version: &Version) -> bool {
        match self.op {
            Op::Exact | Op::Wildcard => self.equals(version),
            Op::Greater => self.order_of(version) == Some(Ordering::Greater),
            Op::GreaterEq => self.equals(version) || self.order_of(version) == Some(Ordering::Greater),
            Op::Less => self.order_of(version) == Some(Ordering::Less),
            Op::LessEq => self.equals(version) || self.order_of(version) == Some(Ordering::Less),
            Op::Tilde => self.tilde_admits(version),
            Op::Caret => self.caret_admits(version),
        }
    }

    /// The version's order relative to this comparator, comparing only the parts it names (and the pre-release
    /// when it names all three); `None` when those parts are equal but the comparator is partial, because then the
    /// version is neither above nor below it (`>1.2` excludes `1.2.7`).
    fn order_of(&self, version: &Version) -> Option<Ordering> {
        let parts = [(version.major, Some(self.major)), (version.minor, self.minor), (version.patch, self.patch)];
        for (actual, wanted) in parts {
            match actual.cmp(&wanted?) {
                Ordering::Equal => {}
                order => return Some(order),
            }
        }
        Some(cmp_pre(&version.pre, &self.pre))
    }

    /// Equal on the named parts, and no pre-release unless it is exactly the comparator's.
    fn equals(&self, version: &Version) -> bool {
        self.major == version.major
            && self.minor.is_none_or(|minor| minor == version.minor)
            && self.patch.is_none_or(|patch| patch == version.patch)
            && self.pre == version.pre
    }

    /// `~1.2.3` is `>=1.2.3, <1.3.0`; `~1.2` is `1.2.*`; `~1` is `1.*`.
    fn tilde_admits(&self, version: &Version) -> bool {
        if version.major != self.major || self.minor.is_some_and(|minor| minor != version.minor) {
            return false;
        }
        match self.patch {
            Some(patch) if patch != version.patch => version.patch > patch,
            _ => cmp_pre(&version.pre, &self.pre) != Ordering::Less,
        }
    }

    /// `^1.2.3` is `>=1.2.3, <2.0.0`; `^0.2.3` is `>=0.2.3, <0.3.0`; `^0.0.3` is `=0.0.3`; `^1.2` is `>=1.2.0, <2`;
    /// `^0.2` is `0.2.*`; `^1` is `1.*`.
    fn caret_admits(&self, version: &Version) -> bool {
        if version.major != self.major {
            return false;
        }
        let Some(minor) = self.minor else {
            return true;
        };
        let Some(patch) = self.patch else {
            return if self.major > 0 { version.minor >= minor } else { version.minor == minor };
        };
        let release = if self.major > 0 {
            (version.minor, version.patch).cmp(&(minor, patch))
        } else if minor > 0 {
            if version.minor != minor {
                return false;
            }
            version.patch.cmp(&patch)
        } else if (version.minor, version.patch) != (minor, patch) {
            return false;
        } else {
            Ordering::Equal
        };
        match release {
            Ordering::Equal => cmp_pre(&version.pre, &self.pre) != Ordering::Less,
            order => order == Ordering::Greater,
        }
    }

    /// Whether this comparator lets pre-releases of `version`'s release through: it names that exact
    /// MAJOR.MINOR.PATCH with a pre-release.
    fn opts_into_pre(&self, version: &Version) -> bool {
        self.major == version.major
            && self.minor == Some(version.minor)
            && self.patch == Some(version.patch)
            && !self.pre.is_empty()
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.op {
            Op::Exact => "=",
            Op::Greater => ">",
            Op::GreaterEq => ">=",
            Op::Less => "<",
            Op::LessEq => "<=",
            Op::Tilde => "~",
            Op::Caret => "^",
            Op::Wildcard => "",
        })?;
        write!(f, "{}", self.major)?;
        match (self.minor, self.patch) {
            (Some(minor), Some(patch)) => {
                write!(f, ".{minor}.{patch}")?;
                if !self.pre.is_empty() {
                    write!(f, "-{}", self.pre)?;
                }
            }
            (Some(minor), None) => write!(f, ".{minor}")?,
            (None, _) => {}
        }
        // Only a wildcard keeps its star: `=1.*` means `=1` and prints so.
        if self.op == Op::Wildcard && self.patch.is_none() {
            f.write_str(".*")?;
        }
        Ok(())
    }
}

/// A cursor over the text being parsed.
struct Scanner<'a> {
    rest: &'a str,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    /// Consumes `expected` if it comes next.
    fn eat(&mut self, expected: char) -> bool {
        match self.rest.strip_prefix(expected) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start_matches(' ');
    }

    /// A decimal number without leading zeros that fits in a `u64`.
    fn number(&mut self, pos: Position) -> Result<u64, VersionError> {
        let len = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, rest) = self.rest.split_at(len);
        if digits.is_empty() {
            return Err(match self.peek() {
                Some(found) => ErrorKind::UnexpectedChar(pos, found),
                None => ErrorKind::UnexpectedEnd(pos),
            }
            .into());
        }
        if digits.len() > 1 && digits.starts_with('0') {
            return Err(ErrorKind::LeadingZero(pos).into());
        }
        // Only digits remain, so the sole possible failure is overflow.
        let value = digits.parse().map_err(|_| ErrorKind::Overflow(pos))?;
        self.rest = rest;
        Ok(value)
    }

    /// The dot after the major or minor number.
    fn dot(&mut self, after: Position) -> Result<(), VersionError> {
        if self.eat('.') {
            return Ok(());
        }
        Err(match self.peek() {
            Some(found) => ErrorKind::UnexpectedCharAfter(after, found),
            None => ErrorKind::UnexpectedEnd(after),
        }
        .into())
    }

    /// Dot-separated, non-empty identifiers of ASCII letters, digits and hyphens; pre-release ones that are numeric
    /// must not have leading zeros (SemVer 2.0 §9), build metadata ones may (§10). Stops at the first other
    /// character.
    fn identifier(&mut self, pos: Position) -> Result<&'a str, VersionError> {
        let len = self.rest.bytes().take_while(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.').count();
        let (text, rest) = self.rest.split_at(len);
        for part in text.split('.') {
            if part.is_empty() {
                return Err(ErrorKind::EmptySegment(pos).into());
            }
            let numeric = part.bytes().all(|b| b.is_ascii_digit());
            if pos == Position::Pre && numeric && part.len() > 1 && part.starts_with('0') {
                return Err(ErrorKind::LeadingZero(pos).into());
            }
        }
        self.rest = rest;
        Ok(text)
    }

    /// An optional operator; `None` when the comparator starts with its version.
    fn op(&mut self) -> Option<Op> {
        const OPS: [(&str, Op); 7] = [
            (">=", Op::GreaterEq),
            ("<=", Op::LessEq),
            ("=", Op::Exact),
            (">", Op::Greater),
            ("<", Op::Less),
            ("~", Op::Tilde),
            ("^", Op::Caret),
        ];
        let (token, op) = OPS.into_iter().find(|(token, _)| self.rest.starts_with(token))?;
        self.rest = &self.rest[token.len()..];
        Some(op)
    }

    /// A wildcard standing for the minor or patch number.
    fn wildcard(&mut self) -> bool {
        match split_wildcard(self.rest) {
            Some((_, rest)) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// One comparator and the trailing spaces, with the last part read (which names the place of what follows).
    fn comparator(&mut self) -> Result<(Comparator, Position), VersionError> {
        let op = self.op();
        self.skip_spaces();
        let mut last = Position::Major;
        let major = self.number(Position::Major)?;
        let (mut minor, mut patch, mut wildcard) = (None, None, false);
        if self.eat('.') {
            last = Position::Minor;
            if self.wildcard() {
                wildcard = true;
            } else {
                minor = Some(self.number(Position::Minor)?);
            }
            if self.eat('.') {
                last = Position::Patch;
                if self.wildcard() {
                    wildcard = true;
                } else if wildcard {
                    // `1.*.3`: nothing precise may follow a wildcard.
                    return Err(ErrorKind::UnexpectedAfterWildcard.into());
                } else {
                    patch = Some(self.number(Position::Patch)?);
                }
            }
        }

        // Pre-release and build only follow a full version; the build is accepted and ignored, as in Cargo.
        let mut pre = "";
        if patch.is_some() {
            if self.eat('-') {
                last = Position::Pre;
                pre = self.identifier(Position::Pre)?;
            }
            if self.eat('+') {
                last = Position::Build;
                self.identifier(Position::Build)?;
            }
        }
        self.skip_spaces();

        let op = match op {
            Some(op) => op,
            None if wildcard => Op::Wildcard,
            None => Op::Caret,
        };
        Ok((Comparator { op, major, minor, patch, pre: pre.to_owned() }, last))
    }
}

/// Splits off a leading wildcard character.
fn split_wildcard(text: &str) -> Option<(char, &str)> {
    let wildcard = text.chars().next().filter(|c| matches!(c, '*' | 'x' | 'X'))?;
    Some((wildcard, &text[1..]))
}

/// Why a version or requirement does not parse. Its `Display` is the text `semver` gives for the same input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    kind: ErrorKind,
}

impl From<ErrorKind> for VersionError {
    fn from(kind: ErrorKind) -> Self {
        VersionError { kind }
    }
}

/// The kinds of `semver::Error`, one for each message it can give.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ErrorKind {
    Empty,
    UnexpectedEnd(Position),
    UnexpectedChar(Position, char),
    UnexpectedCharAfter(Position, char),
    ExpectedCommaFound(Position, char),
    LeadingZero(Position),
    Overflow(Position),
    EmptySegment(Position),
    WildcardNotTheOnlyComparator(char),
    UnexpectedAfterWildcard,
    ExcessiveComparators,
}

/// Which part of a version an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Major,
    Minor,
    Patch,
    Pre,
    Build,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Position::Major => "major version number",
            Position::Minor => "minor version number",
            Position::Patch => "patch version number",
            Position::Pre => "pre-release identifier",
            Position::Build => "build metadata",
        })
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Characters are quoted as Rust's `Debug` does (`'a'`, `'\n'`, `'\0'`), as in `semver`.
        match self.kind {
            ErrorKind::Empty => f.write_str("empty string, expected a semver version"),
            ErrorKind::UnexpectedEnd(pos) => write!(f, "unexpected end of input while parsing {pos}"),
            ErrorKind::UnexpectedChar(pos, found) => write!(f, "unexpected character {found:?} while parsing {pos}"),
            ErrorKind::UnexpectedCharAfter(pos, found) => write!(f, "unexpected character {found:?} after {pos}"),
            ErrorKind::ExpectedCommaFound(pos, found) => write!(f, "expected comma after {pos}, found {found:?}"),
            ErrorKind::LeadingZero(pos) => write!(f, "invalid leading zero in {pos}"),
            ErrorKind::Overflow(pos) => write!(f, "value of {pos} exceeds u64::MAX"),
            ErrorKind::EmptySegment(pos) => write!(f, "empty identifier segment in {pos}"),
            ErrorKind::WildcardNotTheOnlyComparator(wildcard) => {
                write!(f, "wildcard req ({wildcard}) must be the only comparator in the version req")
            }
            ErrorKind::UnexpectedAfterWildcard => f.write_str("unexpected character after wildcard in version req"),
            ErrorKind::ExcessiveComparators => f.write_str("excessive number of version comparators"),
        }
    }
}

impl std::error::Error for VersionError {}

#[cfg(test)]
mod tests;
