//! `cargo xtask generate --landing DIR`: deterministic synthetic landing data for the example
//! mesh's three bronze products, with the dirt real sources have (see docs/landing-data.md).
//!
//! Each day's file is a pure function of (seed, product, day, population options), so a longer
//! run into the same folder leaves the files already there byte-identical and adds the rest.

mod dirt;
mod landing;
mod manifest;
mod marketing;
mod population;
mod render;
mod rng;
mod sales;
mod stream;
mod usage;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant as Stopwatch;

use mesh_core::model::CalendarDate;

use crate::files::Written;
use crate::output::{Failure, Output};
use dirt::{Dirt, Tally};
use manifest::Manifest;
use population::Population;

pub use population::MAX_CUSTOMERS;

/// What `generate` is asked for.
pub struct Options {
    pub landing: PathBuf,
    pub days: u32,
    pub seed: u64,
    pub start: CalendarDate,
    pub orders_per_day: u64,
    pub customers: u32,
}

/// What every product's day is generated from.
pub struct Generation {
    pub seed: u64,
    pub orders_per_day: u64,
    pub population: Population,
}

/// A bronze product that operational systems feed through a landing folder.
#[derive(Debug, Clone, Copy)]
enum Product {
    Sales,
    Marketing,
    Usage,
}

impl Product {
    const ALL: [Product; 3] = [Product::Sales, Product::Marketing, Product::Usage];

    fn id(self) -> &'static str {
        match self {
            Self::Sales => "sales.sales_raw",
            Self::Marketing => "marketing.marketing_raw",
            Self::Usage => "product.usage_raw",
        }
    }

    /// `<domain>/<product>`, where its files land.
    fn folder(self) -> String {
        self.id().replace('.', "/")
    }

    /// The dirt its files can hold: the manifest reports these kinds, zeros too.
    fn dirt(self) -> &'static [Dirt] {
        use Dirt::*;
        match self {
            Self::Sales => &[
                Duplicate,
                Truncated,
                WrongType,
                MissingField,
                Late,
                MixedCaseEmail,
                PaddedEmail,
                UnknownCurrency,
                InvalidPayload,
            ],
            Self::Marketing => &[Duplicate, Truncated, WrongType, MissingField, Late, MixedCaseEmail, UnknownChannel],
            Self::Usage => &[Duplicate, Truncated, WrongType, MissingField, Late, NonUuidEventId, UnknownPlatform],
        }
    }

    fn write_day(self, generation: &Generation, day: CalendarDate, out: &mut dyn Write) -> std::io::Result<Tally> {
        let written = match self {
            Self::Sales => sales::write_day(generation, day, out),
            Self::Marketing => marketing::write_day(generation, day, out),
            Self::Usage => usage::write_day(generation, day, out),
        };
        written.map(|(_, tally)| tally)
    }
}

/// One file to generate.
struct Job {
    product: Product,
    day: CalendarDate,
    /// Relative to the landing folder, with `/`.
    file: String,
    path: PathBuf,
}

/// The run's days: none before 1970-01-02 (a late event falls on the day before, and epoch
/// numbers in malformed lines are positive) and none after 9999-12-31 (four-digit years).
fn check_days(start: CalendarDate, days: u32) -> Result<Vec<CalendarDate>, String> {
    let first = start.days_since_epoch();
    let last = first + i64::from(days) - 1;
    let last_allowed = CalendarDate::new(9999, 12, 31).map_or(0, CalendarDate::days_since_epoch);
    if first < 1 || last > last_allowed {
        return Err(format!(
            "--start {start} --days {days}: the days must lie between 1970-01-02 and 9999-12-31 \
             (a late event falls on the day before, and timestamps have four-digit years)"
        ));
    }
    Ok((first..=last).map(CalendarDate::from_days_since_epoch).collect())
}

/// Generates the landing files, prints counts and paths (never the data).
///
/// # Errors
/// An existing landing file differs from what these options generate for its day, the folder's
/// manifest names other options, or a file cannot be read or written. The checks come first, so
/// that on such an error nothing has been written.
pub fn run(options: &Options, out: &mut Output) -> Result<(), Failure> {
    let started = Stopwatch::now();
    let days = check_days(options.start, options.days)?;
    let landing = &options.landing;
    let mut manifest = Manifest::open(
        landing,
        manifest::Population {
            seed: options.seed,
            customers: options.customers,
            orders_per_day: options.orders_per_day,
        },
    )?;
    let generation = Generation {
        seed: options.seed,
        orders_per_day: options.orders_per_day,
        population: Population::new(options.seed, options.customers),
    };
    let jobs: Vec<Job> = Product::ALL
        .into_iter()
        .flat_map(|product| days.iter().map(move |&day| (product, day)))
        .map(|(product, day)| {
            let file = format!("{}/{day}.jsonl", product.folder());
            Job { product, day, path: landing.join(&file), file }
        })
        .collect();

    // Every existing file first: one that differs stops the run before anything is written.
    let mut tallies: Vec<Option<Tally>> = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let tally = match job.path.try_exists() {
            Ok(false) => None,
            Ok(true) => {
                let same = landing::compare(&job.path, |out| job.product.write_day(&generation, job.day, out))?;
                Some(same.ok_or_else(|| changed_file(&job.path, options))?)
            }
            Err(e) => return Err(format!("cannot read {}: {e}", job.path.display()).into()),
        };
        tallies.push(tally);
    }
    let mut summaries: Vec<Summary> = Product::ALL.iter().map(|&product| Summary::new(product)).collect();
    for (job, tally) in jobs.iter().zip(tallies) {
        let (tally, written) = match tally {
            Some(tally) => (tally, false),
            None => (landing::write_new(&job.path, |out| job.product.write_day(&generation, job.day, out))?, true),
        };
        manifest.record(job.product.id(), &job.day.to_string(), &job.file, &tally, job.product.dirt());
        summaries[job.product as usize].add(&tally, written);
    }
    let manifest_written = manifest.save()?;

    for summary in &summaries {
        out.line(summary)?;
    }
    let lines: u64 = summaries.iter().map(|s| s.lines).sum();
    let written: usize = summaries.iter().map(|s| s.written).sum();
    let seconds = started.elapsed().as_secs_f64();
    out.line(format_args!(
        "{} days from {} into {}: {written} files written, {} unchanged; {lines} lines in {seconds:.2} s \
         ({:.0} lines/s); {} {}",
        days.len(),
        options.start,
        landing.display(),
        jobs.len() - written,
        lines as f64 / seconds.max(1e-9),
        manifest::FILE_NAME,
        match manifest_written {
            Written::Created => "created",
            Written::Updated => "updated",
            Written::Unchanged => "unchanged",
        }
    ))?;
    Ok(())
}

fn changed_file(path: &Path, options: &Options) -> String {
    format!(
        "{} exists with other content than --seed {} --customers {} --orders-per-day {} generates for its day; \
         landing files are immutable once dropped, so nothing was written: generate into another --landing folder",
        path.display(),
        options.seed,
        options.customers,
        options.orders_per_day
    )
}

/// One product's files of a run, for the summary line.
struct Summary {
    product: Product,
    written: usize,
    unchanged: usize,
    lines: u64,
    dirt: Vec<u64>,
}

impl Summary {
    fn new(product: Product) -> Self {
        Self { product, written: 0, unchanged: 0, lines: 0, dirt: vec![0; product.dirt().len()] }
    }

    fn add(&mut self, tally: &Tally, written: bool) {
        if written {
            self.written += 1;
        } else {
            self.unchanged += 1;
        }
        self.lines += tally.lines;
        for (total, &dirt) in self.dirt.iter_mut().zip(self.product.dirt()) {
            *total += tally.count(dirt);
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} files ({} written, {} unchanged), {} lines;",
            self.product.id(),
            self.written + self.unchanged,
            self.written,
            self.unchanged,
            self.lines
        )?;
        for (total, dirt) in self.dirt.iter().zip(self.product.dirt()) {
            write!(f, " {} {total}", dirt.key())?;
        }
        Ok(())
    }
}
