//! The pipeline a domain writes next to a product's declaration, and how the runner finds it.

use std::path::Path;

use mesh_core::codec::ContainerRecord;
use mesh_core::DataProduct;

use crate::build::{Build, CommittedInput};
use crate::lakehouse::{InputVersion, Lakehouse, Manifest, RunCounts, Transaction, FORMAT};
use crate::PipelineError;

/// How a product is built from its declared inputs.
///
/// ```
/// use mesh_macros::data_product;
/// use mesh_pipeline::{Build, Pipeline, PipelineError};
///
/// /// Orders as they arrived.
/// #[data_product(domain = "shop", version = "1.0.0", owner = "shop@example.com", layer = "bronze")]
/// pub struct Orders {
///     /// The order.
///     pub order_id: String,
///     /// Its amount in cents.
///     pub cents: i64,
/// }
/// mesh_pipeline::landing!(Orders);
///
/// /// The orders worth counting.
/// #[data_product(domain = "shop", version = "1.0.0", owner = "shop@example.com", layer = "silver", inputs(Orders))]
/// pub struct PaidOrders {
///     /// The order.
///     pub order_id: String,
///     /// Its amount in cents, above zero.
///     pub cents: i64,
/// }
///
/// impl Pipeline for PaidOrders {
///     fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError> {
///         for order in build.read::<Orders>()? {
///             let order = order?;
///             if order.cents > 0 {
///                 build.write(&PaidOrders { order_id: order.order_id, cents: order.cents })?;
///             } else {
///                 build.drop_record("free order");
///             }
///         }
///         Ok(())
///     }
/// }
/// mesh_pipeline::pipeline!(PaidOrders);
/// ```
///
/// A build reads each input's current committed version in full and writes the product's new
/// version; the runner commits it only when `build` returns `Ok`.
pub trait Pipeline: ContainerRecord + DataProduct + Sized {
    /// Reads the inputs and writes the product's records.
    ///
    /// # Errors
    /// Whatever stops the build; the product's previous version stays current.
    fn build(build: &mut Build<'_, Self>) -> Result<(), PipelineError>;
}

/// What the runner hands a product's builder.
pub struct Job<'a> {
    /// The lakehouse products are read from and committed to.
    pub lakehouse: &'a Lakehouse,
    /// The landing folder bronze products are ingested from.
    pub landing: &'a Path,
    /// The product's inputs, at their current committed versions.
    pub inputs: &'a [CommittedInput],
}

/// The result of one product's build.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A new version was committed.
    Built(Manifest),
    /// Nothing changed since the current version; nothing was written.
    UpToDate(Manifest),
}

/// How a product is built: submitted by [`pipeline!`](crate::pipeline) or
/// [`landing!`](crate::landing), collected by the runner.
pub struct PipelineRegistration {
    /// The product id.
    pub product: &'static str,
    /// Builds the product.
    pub run: fn(&Job<'_>) -> Result<Outcome, PipelineError>,
}

mesh_core::__private::inventory::collect!(PipelineRegistration);

impl PipelineRegistration {
    /// The registration of `P`'s [`Pipeline`].
    pub const fn pipeline<P: Pipeline>() -> Self {
        Self { product: P::PRODUCT_ID, run: run_pipeline::<P> }
    }

    /// The registration of bronze product `T`, ingested from its landing folder.
    pub const fn landing<T: ContainerRecord + DataProduct>() -> Self {
        Self { product: T::PRODUCT_ID, run: crate::ingest::run::<T> }
    }
}

/// Every registered pipeline, by product id.
pub fn registered_pipelines() -> impl Iterator<Item = &'static PipelineRegistration> {
    mesh_core::__private::inventory::iter::<PipelineRegistration>.into_iter()
}

/// Registers `Type`'s [`Pipeline`] impl with the runner.
#[macro_export]
macro_rules! pipeline {
    ($product:ty) => {
        $crate::__private::inventory::submit! { $crate::PipelineRegistration::pipeline::<$product>() }
    };
}

/// Registers bronze product `Type` for ingestion from its landing folder,
/// `<landing>/<domain>/<name>/*.jsonl`.
#[macro_export]
macro_rules! landing {
    ($product:ty) => {
        $crate::__private::inventory::submit! { $crate::PipelineRegistration::landing::<$product>() }
    };
}

/// The schema fingerprint a manifest records: 16 hex digits of the canonical form's Rabin hash.
pub(crate) fn schema_fingerprint<P: ContainerRecord>() -> Result<String, PipelineError> {
    let schema = P::writer_schema().map_err(|e| PipelineError::Failed(e.to_string()))?;
    Ok(format!("{:016x}", mesh_core::model::avro::rabin_fingerprint(&schema.canonical_form)))
}

/// A manifest of `P` with the fields every build fills the same way; the transaction sets the
/// version and times on commit.
pub(crate) fn new_manifest<P: ContainerRecord + DataProduct>(fingerprint: String) -> Manifest {
    Manifest {
        format: FORMAT,
        product: P::PRODUCT_ID.to_owned(),
        version: 0,
        product_version: P::VERSION.to_owned(),
        schema_fingerprint: fingerprint,
        started_at: String::new(),
        committed_at: String::new(),
        files: Vec::new(),
        records: 0,
        newest_event_time: None,
        inputs: Vec::new(),
        landing: Vec::new(),
        run: RunCounts::default(),
    }
}

fn run_pipeline<P: Pipeline>(job: &Job<'_>) -> Result<Outcome, PipelineError> {
    let transaction = Transaction::begin(job.lakehouse, P::DESCRIPTOR)?;
    let fingerprint = schema_fingerprint::<P>()?;
    let inputs: Vec<InputVersion> = job
        .inputs
        .iter()
        .filter_map(|input| {
            let manifest = input.manifest.as_ref()?;
            Some(InputVersion { product: input.product.clone(), version: manifest.version })
        })
        .collect();
    if let Some(previous) = transaction.previous() {
        let unchanged = previous.product_version == P::VERSION
            && previous.schema_fingerprint == fingerprint
            && previous.inputs == inputs;
        if unchanged {
            return Ok(Outcome::UpToDate(previous.clone()));
        }
    }
    let mut build = Build::<P>::new(&transaction, job.inputs);
    P::build(&mut build)?;
    let output = build.finish();
    let newest = output.writer.newest_event_micros();
    let records_out = output.writer.records();
    let mut manifest = new_manifest::<P>(fingerprint);
    manifest.files = output.writer.finish()?;
    manifest.records = records_out;
    manifest.newest_event_time = newest.map(|micros| mesh_core::model::Instant(micros).to_string());
    manifest.inputs = inputs;
    manifest.run = RunCounts {
        records_in: output.records_in,
        records_out,
        quarantined: output.quarantine.entries(),
        dropped: output.dropped,
        quarantine_file: output.quarantine.finish()?,
    };
    transaction.commit(manifest).map(Outcome::Built)
}
