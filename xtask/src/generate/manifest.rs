//! `_generated.json`: the options a landing folder was generated with, and for every product
//! and day the file's lines and the dirt injected into it. A later run into the same folder
//! must use the same options (every file of a folder is about the same customers) and adds its
//! days to those already listed.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::dirt::{Dirt, Tally};
use crate::files::{self, Written};

pub const FILE_NAME: &str = "_generated.json";

/// The options that make a folder's files one data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Population {
    pub seed: u64,
    pub customers: u32,
    pub orders_per_day: u64,
}

impl Population {
    fn describe(self) -> String {
        format!("--seed {} --customers {} --orders-per-day {}", self.seed, self.customers, self.orders_per_day)
    }
}

/// The manifest of one landing folder.
pub struct Manifest {
    path: PathBuf,
    population: Population,
    /// Product id -> day -> that file's entry.
    products: Map<String, Value>,
}

impl Manifest {
    /// The manifest in `landing`, if there is one, checked against this run's `population`.
    ///
    /// # Errors
    /// It cannot be read, is not a manifest of this command, or names other options.
    pub fn open(landing: &Path, population: Population) -> Result<Self, String> {
        let path = landing.join(FILE_NAME);
        let mut manifest = Self { path, population, products: Map::new() };
        let text = match std::fs::read_to_string(&manifest.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(manifest),
            Err(e) => return Err(format!("cannot read {}: {e}", manifest.path.display())),
        };
        let not_ours = || {
            format!(
                "{} is not the manifest `cargo xtask generate` writes; generate into another --landing folder",
                manifest.path.display()
            )
        };
        let value: Value = serde_json::from_str(&text).map_err(|_| not_ours())?;
        let number = |key: &str| value.get(key).and_then(Value::as_u64);
        let (Some(seed), Some(customers), Some(orders_per_day), Some(products)) = (
            number("seed"),
            number("customers").and_then(|n| u32::try_from(n).ok()),
            number("orders_per_day"),
            value.get("products").and_then(Value::as_object),
        ) else {
            return Err(not_ours());
        };
        let theirs = Population { seed, customers, orders_per_day };
        if theirs != population {
            return Err(format!(
                "{}: this landing folder holds data generated with {}, not {}; its files are one data set \
                 (the same customers): generate with those options, or into another --landing folder",
                manifest.path.display(),
                theirs.describe(),
                population.describe()
            ));
        }
        manifest.products = products.clone();
        Ok(manifest)
    }

    /// Records the file of `product` for `day` (relative path `file`) and what it holds.
    pub fn record(&mut self, product: &str, day: &str, file: &str, tally: &Tally, kinds: &[Dirt]) {
        let mut entry = Map::new();
        entry.insert("file".into(), json!(file));
        entry.insert("lines".into(), json!(tally.lines));
        entry.insert("events".into(), json!(tally.events));
        for &dirt in kinds {
            entry.insert(dirt.key().into(), json!(tally.count(dirt)));
        }
        let days = self.products.entry(product.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(days) = days {
            days.insert(day.to_string(), Value::Object(entry));
        }
    }

    /// Writes the manifest (atomically, and only if its text changed).
    ///
    /// # Errors
    /// It cannot be written.
    pub fn save(&self) -> Result<Written, String> {
        let Population { seed, customers, orders_per_day } = self.population;
        let value = json!({
            "generated_by": "cargo xtask generate",
            "seed": seed,
            "customers": customers,
            "orders_per_day": orders_per_day,
            "products": self.products,
        });
        let text =
            serde_json::to_string_pretty(&value).map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        files::write_if_changed(&self.path, &(text + "\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: Population = Population { seed: 1, customers: 10, orders_per_day: 5 };

    #[test]
    fn a_folder_keeps_its_options_and_adds_days() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::open(dir.path(), ONE).unwrap();
        let mut tally = Tally::new(5);
        tally.lines = 6;
        manifest.record("sales.sales_raw", "2026-11-01", "sales/sales_raw/2026-11-01.jsonl", &tally, &[Dirt::Late]);
        assert_eq!(manifest.save().unwrap(), Written::Created);
        let mut again = Manifest::open(dir.path(), ONE).unwrap();
        again.record("sales.sales_raw", "2026-11-02", "sales/sales_raw/2026-11-02.jsonl", &tally, &[Dirt::Late]);
        again.save().unwrap();
        let value: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap()).unwrap();
        let days = value["products"]["sales.sales_raw"].as_object().unwrap();
        assert_eq!(days.keys().collect::<Vec<_>>(), ["2026-11-01", "2026-11-02"]);
        assert_eq!(
            days["2026-11-02"],
            json!({"file": "sales/sales_raw/2026-11-02.jsonl", "lines": 6, "events": 5, "late": 0})
        );

        let other = Population { seed: 2, ..ONE };
        let error = Manifest::open(dir.path(), other).err().unwrap();
        assert!(error.contains("--seed 1 --customers 10 --orders-per-day 5, not --seed 2"), "{error}");
        assert!(error.contains(FILE_NAME) && error.contains("another --landing folder"), "{error}");
    }

    #[test]
    fn a_file_of_another_tool_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for text in ["not json", r#"{"seed": 1}"#] {
            std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
            let error = Manifest::open(dir.path(), ONE).err().unwrap();
            assert!(error.contains("is not the manifest `cargo xtask generate` writes"), "{error}");
        }
    }
}
