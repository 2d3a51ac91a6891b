//! `--answers FILE.toml`: the scores for scripts, one key per factor.

use std::path::Path;

use super::factors::{check_score, Scores, FACTORS};

/// Reads the scores from an answers file.
///
/// # Errors
/// The file cannot be read or is not TOML; a factor is missing, not a whole number or outside
/// 1-5; a key is not a factor. Every problem is named in the one message.
pub fn read(path: &Path) -> Result<Scores, String> {
    let text = crate::files::read_text_file(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text).map_err(|problems| format!("{}: {}", path.display(), problems.join("; ")))
}

/// The scores in an answers file's text, or every problem found.
pub fn parse(text: &str) -> Result<Scores, Vec<String>> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        vec![format!("not valid TOML ({}); write one line per factor, e.g. `domain_clarity = 4`", e.message())]
    })?;
    let mut problems = Vec::new();
    for key in table.keys() {
        if !FACTORS.iter().any(|factor| factor.key == key) {
            problems.push(format!("`{key}` is not a factor; the factors are {}", factor_keys()));
        }
    }
    let mut scores = [0u8; 6];
    let mut missing = Vec::new();
    for (at, factor) in FACTORS.iter().enumerate() {
        match table.get(factor.key) {
            None => missing.push(format!("`{}`", factor.key)),
            Some(toml::Value::Integer(score)) => match check_score(factor, *score) {
                Ok(score) => scores[at] = score,
                Err(e) => problems.push(e),
            },
            Some(other) => problems.push(format!(
                "`{}` is a {}: a score is a whole number from 1 to 5, e.g. `{} = 3`",
                factor.key,
                other.type_str(),
                factor.key
            )),
        }
    }
    if !missing.is_empty() {
        problems.push(format!("missing {}: every factor needs a score from 1 to 5", missing.join(", ")));
    }
    if problems.is_empty() {
        Scores::new(scores).map_err(|e| vec![e])
    } else {
        Err(problems)
    }
}

fn factor_keys() -> String {
    FACTORS.iter().map(|factor| factor.key).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_THREES: &str = "domain_clarity = 3\nteam_maturity = 3\nplatform_capability = 3\n\
                              governance_maturity = 3\nscale_need = 3\norganizational_buy_in = 3\n";

    #[test]
    fn a_complete_file_gives_the_scores_in_factor_order() {
        let text =
            ALL_THREES.replace("scale_need = 3", "scale_need = 5").replace("domain_clarity = 3", "domain_clarity = 1");
        let scores = parse(&text).unwrap();
        let read: Vec<(&str, u8)> = scores.iter().map(|(factor, score)| (factor.key, score)).collect();
        assert_eq!(read[0], ("domain_clarity", 1));
        assert_eq!(read[4], ("scale_need", 5));
        assert_eq!(scores.total(), 18);
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let text = "domain_clarity = 0\nteam_maturity = \"high\"\nplatform_capability = 3.5\nscale = 2\n";
        let problems = parse(text).unwrap_err();
        let all = problems.join("\n");
        assert!(all.contains("`scale` is not a factor"), "{all}");
        assert!(all.contains("`domain_clarity` is 0: a score is a whole number from 1 to 5"), "{all}");
        assert!(all.contains("`team_maturity` is a string"), "{all}");
        assert!(all.contains("`platform_capability` is a float"), "{all}");
        assert!(all.contains("missing `governance_maturity`, `scale_need`, `organizational_buy_in`"), "{all}");
    }

    #[test]
    fn a_score_of_six_and_a_file_that_is_not_toml_are_refused() {
        let problems = parse(&ALL_THREES.replace("scale_need = 3", "scale_need = 6")).unwrap_err();
        assert_eq!(problems, ["`scale_need` is 6: a score is a whole number from 1 to 5"]);
        let problems = parse("domain_clarity: 3").unwrap_err();
        assert!(problems[0].starts_with("not valid TOML"), "{problems:?}");
    }
}
