//! What cleaning pipelines share: state that is fast to hash, and text normalised without a copy
//! where it can be.

/// Hash maps and sets for a pipeline's state (ids seen, groups): foldhash, the hasher hashbrown
/// uses by default, seeded per map. It hashes the short keys pipelines hold (ids, UUIDs) several
/// times faster than std's SipHash; its resistance to crafted collisions is weaker, which a batch
/// job over the mesh's own landing data can accept.
pub use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// `text` without leading and trailing whitespace, in lower case: in place for ASCII text (no
/// allocation when nothing is trimmed), through Unicode lower-casing otherwise.
pub fn trimmed_lowercase(mut text: String) -> String {
    if !text.is_ascii() {
        return text.trim().to_lowercase();
    }
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    text.drain(..start);
    text.make_ascii_lowercase();
    text
}

#[cfg(test)]
mod tests {
    use super::trimmed_lowercase;

    #[test]
    fn trims_and_lowercases_ascii_and_unicode_alike() {
        for (input, expected) in [
            ("  Ann.Lee@Example.COM\t", "ann.lee@example.com"),
            ("plain", "plain"),
            ("", ""),
            ("   ", ""),
            (" ÅSA@Exämple.SE ", "åsa@exämple.se"),
            ("\u{2003}Wide@Space.ORG\u{3000}", "wide@space.org"),
        ] {
            assert_eq!(trimmed_lowercase(input.to_owned()), expected, "{input:?}");
            assert_eq!(trimmed_lowercase(input.to_owned()), input.trim().to_lowercase(), "{input:?}");
        }
    }
}
