//! The interactive assessment: each factor with what a 1, 3 and 5 look like, a number typed per
//! factor, and the scores shown for revision before the result. Line-based, so it works on any
//! terminal and a pseudo-terminal test can drive it.

use std::io::{self, BufRead, Write};

use super::factors::{check_score, Scores, FACTORS};

/// Asks every factor on `terminal` (prompts) reading `input`, then lets the person revise any
/// answer until they accept with an empty line.
///
/// # Errors
/// The input ends before the person accepted, or the terminal cannot be read or written.
pub fn ask(input: &mut impl BufRead, terminal: &mut impl Write) -> Result<Scores, String> {
    let io_error = |e: io::Error| format!("cannot use the terminal: {e}");
    writeln!(
        terminal,
        "Readiness assessment: {} factors, each scored from 1 to 5. Type a number and press Enter.\n",
        FACTORS.len()
    )
    .map_err(io_error)?;
    let mut scores = [0u8; 6];
    for (at, score) in scores.iter_mut().enumerate() {
        *score = ask_one(at, input, terminal)?;
    }
    loop {
        let current = Scores::new(scores)?;
        writeln!(terminal, "\nYour scores:").map_err(io_error)?;
        for (at, (factor, score)) in current.iter().enumerate() {
            writeln!(terminal, "  {}. {:<24} {score}", at + 1, factor.name).map_err(io_error)?;
        }
        writeln!(terminal, "  Total {} of 30: {}", current.total(), current.band()).map_err(io_error)?;
        write!(terminal, "Type a factor's number (1-{}) to revise it, or press Enter to accept: ", FACTORS.len())
            .map_err(io_error)?;
        terminal.flush().map_err(io_error)?;
        let line = read_line(input)?;
        let choice = line.trim();
        if choice.is_empty() {
            return Ok(current);
        }
        match choice.parse::<usize>() {
            Ok(number) if (1..=FACTORS.len()).contains(&number) => {
                writeln!(terminal).map_err(io_error)?;
                scores[number - 1] = ask_one(number - 1, input, terminal)?;
            }
            _ => writeln!(terminal, "  `{choice}` is not a factor's number: type 1 to {}, or nothing", FACTORS.len())
                .map_err(io_error)?,
        }
    }
}

/// Asks one factor until a score from 1 to 5 is typed.
fn ask_one(at: usize, input: &mut impl BufRead, terminal: &mut impl Write) -> Result<u8, String> {
    let io_error = |e: io::Error| format!("cannot use the terminal: {e}");
    let factor = &FACTORS[at];
    writeln!(terminal, "{}/{} {}", at + 1, FACTORS.len(), factor.name).map_err(io_error)?;
    for (score, anchor) in [1, 3, 5].into_iter().zip(factor.anchors) {
        writeln!(terminal, "  {score}: {anchor}").map_err(io_error)?;
    }
    loop {
        write!(terminal, "Score for {} (1-5): ", factor.name).map_err(io_error)?;
        terminal.flush().map_err(io_error)?;
        let line = read_line(input)?;
        let typed = line.trim();
        match typed.parse::<i64>().map_err(|_| ()).and_then(|n| check_score(factor, n).map_err(|_| ())) {
            Ok(score) => return Ok(score),
            Err(()) => {
                writeln!(terminal, "  `{typed}` is not a score: type a whole number from 1 to 5").map_err(io_error)?
            }
        }
    }
}

/// One line of input; the end of input before the person accepted is an error, never a guess.
fn read_line(input: &mut impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) => Err("the input ended before the assessment was accepted; nothing was scored. \
                      For scripts, pass the scores with `--answers FILE.toml`"
            .to_owned()),
        Ok(_) => Ok(line),
        Err(e) => Err(format!("cannot read the terminal: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(typed: &str) -> (Result<Scores, String>, String) {
        let mut terminal = Vec::new();
        let result = ask(&mut typed.as_bytes(), &mut terminal);
        (result, String::from_utf8(terminal).unwrap())
    }

    #[test]
    fn six_scores_then_enter_gives_those_scores() {
        let (scores, shown) = run("4\n4\n4\n4\n4\n4\n\n");
        assert_eq!(scores.unwrap().total(), 24);
        assert!(shown.contains("Total 24 of 30: Strong mesh candidate"), "{shown}");
        assert!(shown.contains("  5: executive sponsorship"), "{shown}");
    }

    #[test]
    fn a_bad_score_is_asked_again_and_an_answer_can_be_revised() {
        let (scores, shown) = run("0\nfive\n5\n3\n3\n3\n3\n3\n9\n2\n1\n\n");
        let scores = scores.unwrap();
        assert_eq!(scores.iter().map(|(_, s)| s).collect::<Vec<_>>(), [5, 1, 3, 3, 3, 3]);
        assert!(shown.contains("`0` is not a score"), "{shown}");
        assert!(shown.contains("`five` is not a score"), "{shown}");
        assert!(shown.contains("`9` is not a factor's number"), "{shown}");
        assert!(shown.contains("Total 20 of 30: Hybrid approach"), "{shown}");
        assert!(shown.contains("Total 18 of 30: Hybrid approach"), "{shown}");
    }

    #[test]
    fn input_ending_early_is_an_error_not_a_result() {
        let (scores, _) = run("3\n3\n");
        assert!(scores.unwrap_err().contains("the input ended before the assessment was accepted"));
        let (scores, _) = run("3\n3\n3\n3\n3\n3\n");
        assert!(scores.is_err(), "not accepted yet");
    }
}
