//! The assessment itself: the six factors, what their scores look like, and the bands the total
//! falls into. Plain data and arithmetic, so every boundary is unit-tested.

use std::fmt;

/// One of the six factors scored 1-5.
pub struct Factor {
    /// The key in an answers file and in JSON, e.g. `domain_clarity`.
    pub key: &'static str,
    /// The name shown to people.
    pub name: &'static str,
    /// What a score of 1, 3 and 5 look like.
    pub anchors: [&'static str; 3],
    /// What to do first when the score is below 3.
    pub first_step: &'static str,
}

/// Every factor, in the order they are asked and shown.
pub const FACTORS: [Factor; 6] = [
    Factor {
        key: "domain_clarity",
        name: "Domain clarity",
        anchors: [
            "nobody can say which team owns which data; boundaries are argued case by case",
            "most data has an owning business area, but some boundaries overlap",
            "clear business domains, each owning its data end to end with named owners",
        ],
        first_step: "map the business capabilities to domains and name one owning team for each data set before \
                     scaffolding any domain",
    },
    Factor {
        key: "team_maturity",
        name: "Team maturity",
        anchors: [
            "domain teams have no data engineering skills; every pipeline is built centrally",
            "some domain teams build and run their own pipelines with help",
            "domain teams build, test and operate their data products on their own",
        ],
        first_step: "pair one willing domain team with the platform team on a first product (start from \
                     `cargo xtask new domain`) and grow the skills there",
    },
    Factor {
        key: "platform_capability",
        name: "Platform capability",
        anchors: [
            "no shared tooling; every team provisions storage, pipelines and checks by hand",
            "shared storage and some templates; checks and publishing are partly manual",
            "self-serve: scaffolding, pipelines, checks, contracts and monitoring with no tickets",
        ],
        first_step: "automate the path from declaration to published product (scaffolding, `cargo xtask check` \
                     in CI, `cargo xtask run`) before adding domains",
    },
    Factor {
        key: "governance_maturity",
        name: "Governance maturity",
        anchors: [
            "no agreed policies; PII and quality are handled ad hoc",
            "written policies, checked by hand or in some places",
            "global policies enforced automatically on every change, with dated waivers",
        ],
        first_step: "agree the global policies with the domains and set them to `error` in mesh.toml so CI \
                     enforces them; give every exception a waiver with an expiry",
    },
    Factor {
        key: "scale_need",
        name: "Scale need",
        anchors: [
            "one or two teams and a handful of sources; a central team keeps up easily",
            "several teams, and the central data team is becoming a bottleneck",
            "many domains and sources; the central team cannot keep up with requests",
        ],
        first_step: "check that the central team is really the bottleneck; with little scale a central \
                     platform is cheaper, so decentralise only the domains that need it",
    },
    Factor {
        key: "organizational_buy_in",
        name: "Organizational buy-in",
        anchors: [
            "leadership sees data as IT's job; domains do not want ownership",
            "some sponsors, and some domains willing to try",
            "executive sponsorship and domains asking to own their data",
        ],
        first_step: "find an executive sponsor and one domain that wants ownership; agree what owning a data \
                     product costs them before starting",
    },
];

/// The lowest and highest score of a factor.
pub const SCORE_RANGE: std::ops::RangeInclusive<u8> = 1..=5;

/// Where the total places the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// 24-30.
    StrongMeshCandidate,
    /// 18-23.
    HybridApproach,
    /// 12-17.
    BuildFoundationFirst,
    /// 6-11.
    CentralizedApproach,
}

impl Band {
    /// The band of a total of six scores (6-30).
    pub fn of(total: u8) -> Band {
        match total {
            24.. => Band::StrongMeshCandidate,
            18..=23 => Band::HybridApproach,
            12..=17 => Band::BuildFoundationFirst,
            _ => Band::CentralizedApproach,
        }
    }

    /// The band's name as the assessment names it.
    pub fn name(self) -> &'static str {
        match self {
            Band::StrongMeshCandidate => "Strong mesh candidate",
            Band::HybridApproach => "Hybrid approach",
            Band::BuildFoundationFirst => "Build foundation first",
            Band::CentralizedApproach => "Centralized approach",
        }
    }

    /// The totals the band covers.
    pub fn range(self) -> (u8, u8) {
        match self {
            Band::StrongMeshCandidate => (24, 30),
            Band::HybridApproach => (18, 23),
            Band::BuildFoundationFirst => (12, 17),
            Band::CentralizedApproach => (6, 11),
        }
    }

    /// What the band means, in one sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            Band::StrongMeshCandidate => "the organisation is ready to run a data mesh: move domains onto it",
            Band::HybridApproach => {
                "run the mesh for the domains that are ready and keep a central team for the others"
            }
            Band::BuildFoundationFirst => {
                "build the platform, governance and skills first; a mesh now would spread the gaps"
            }
            Band::CentralizedApproach => "a central data platform serves this organisation better for now",
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One score per factor, each checked to be in 1-5, in the order of [`FACTORS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scores([u8; 6]);

impl Scores {
    /// The scores, or which is out of range.
    ///
    /// # Errors
    /// A score outside 1-5, naming its factor.
    pub fn new(scores: [u8; 6]) -> Result<Self, String> {
        for (factor, score) in FACTORS.iter().zip(scores) {
            check_score(factor, i64::from(score))?;
        }
        Ok(Scores(scores))
    }

    /// Each factor with its score.
    pub fn iter(&self) -> impl Iterator<Item = (&'static Factor, u8)> + '_ {
        FACTORS.iter().zip(self.0)
    }

    /// The sum of the six scores, 6-30.
    pub fn total(&self) -> u8 {
        self.0.iter().sum()
    }

    /// The band of the total.
    pub fn band(&self) -> Band {
        Band::of(self.total())
    }

    /// The factors scored below 3, which need work first.
    pub fn weak(&self) -> impl Iterator<Item = (&'static Factor, u8)> + '_ {
        self.iter().filter(|(_, score)| *score < 3)
    }
}

/// A score for `factor`, or the error that says the accepted range.
///
/// # Errors
/// `score` is outside 1-5.
pub fn check_score(factor: &Factor, score: i64) -> Result<u8, String> {
    match u8::try_from(score) {
        Ok(score) if SCORE_RANGE.contains(&score) => Ok(score),
        _ => Err(format!("`{}` is {score}: a score is a whole number from 1 to 5", factor.key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_boundary_total_falls_in_the_named_band() {
        for (total, band) in [
            (6, "Centralized approach"),
            (11, "Centralized approach"),
            (12, "Build foundation first"),
            (17, "Build foundation first"),
            (18, "Hybrid approach"),
            (23, "Hybrid approach"),
            (24, "Strong mesh candidate"),
            (30, "Strong mesh candidate"),
        ] {
            assert_eq!(Band::of(total).name(), band, "total {total}");
            let (low, high) = Band::of(total).range();
            assert!((low..=high).contains(&total), "total {total} outside the band's own range");
        }
    }

    #[test]
    fn the_bands_cover_six_to_thirty_without_gap_or_overlap() {
        for total in 6..=30u8 {
            let holding: Vec<Band> = [
                Band::StrongMeshCandidate,
                Band::HybridApproach,
                Band::BuildFoundationFirst,
                Band::CentralizedApproach,
            ]
            .into_iter()
            .filter(|band| (band.range().0..=band.range().1).contains(&total))
            .collect();
            assert_eq!(holding, [Band::of(total)], "total {total}");
        }
    }

    #[test]
    fn scores_total_and_the_weak_factors_are_those_below_three() {
        let scores = Scores::new([5, 2, 3, 1, 4, 3]).unwrap();
        assert_eq!(scores.total(), 18);
        assert_eq!(scores.band(), Band::HybridApproach);
        let weak: Vec<&str> = scores.weak().map(|(factor, _)| factor.key).collect();
        assert_eq!(weak, ["team_maturity", "governance_maturity"]);
    }

    #[test]
    fn scores_outside_one_to_five_are_refused_by_factor() {
        let error = Scores::new([3, 3, 0, 3, 3, 3]).unwrap_err();
        assert!(error.contains("`platform_capability` is 0"), "{error}");
        assert!(check_score(&FACTORS[5], 6).unwrap_err().contains("`organizational_buy_in` is 6"));
        assert!(check_score(&FACTORS[0], -1).is_err());
        assert_eq!(check_score(&FACTORS[0], 5), Ok(5));
        assert_eq!(check_score(&FACTORS[0], 1), Ok(1));
    }
}
