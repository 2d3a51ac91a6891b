//! What a pipeline sees while it builds its product: its declared inputs, read as their Rust
//! types from their committed versions, and its output, written through its typed writer.

use std::collections::BTreeMap;
use std::fs::File;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use mesh_core::codec::{ContainerReader, ContainerRecord};
use mesh_core::model::{Version, VersionReq};
use mesh_core::DataProduct;

use crate::lakehouse::{DataWriter, Manifest, Origin, Quarantine, Transaction};
use crate::PipelineError;

/// An input's current committed version, resolved by the runner before the pipeline starts.
#[derive(Debug, Clone)]
pub struct CommittedInput {
    /// The input product id.
    pub product: String,
    /// The input's folder in the lakehouse.
    pub dir: PathBuf,
    /// Its current manifest; `None` if it was never built.
    pub manifest: Option<Manifest>,
}

/// The build of product `P`: read inputs with [`Build::read`], write with [`Build::write`],
/// set bad records aside with [`Build::quarantine`], and count deliberate drops with
/// [`Build::drop_record`].
pub struct Build<'a, P: ContainerRecord + DataProduct> {
    transaction: &'a Transaction,
    inputs: &'a [CommittedInput],
    writer: DataWriter<P>,
    quarantine: Quarantine,
    records_in: Arc<AtomicU64>,
    dropped: BTreeMap<&'static str, u64>,
    _product: PhantomData<fn(&P)>,
}

/// What a build produced, for its manifest.
pub(crate) struct BuildOutput<P: ContainerRecord + DataProduct> {
    pub writer: DataWriter<P>,
    pub quarantine: Quarantine,
    pub records_in: u64,
    pub dropped: BTreeMap<String, u64>,
}

impl<'a, P: ContainerRecord + DataProduct> Build<'a, P> {
    pub(crate) fn new(transaction: &'a Transaction, inputs: &'a [CommittedInput]) -> Self {
        Self {
            transaction,
            inputs,
            writer: DataWriter::default(),
            quarantine: Quarantine::default(),
            records_in: Arc::default(),
            dropped: BTreeMap::new(),
            _product: PhantomData,
        }
    }

    /// Streams every record of input `I`'s current committed version, as `I` (data written with
    /// an older schema of `I` is resolved to the current one). Memory: one block at a time.
    ///
    /// # Errors
    /// `I` is not a declared input of `P`, has no committed version, or its committed version
    /// was written by a release `P`'s requirement does not accept.
    pub fn read<I: ContainerRecord + DataProduct>(&self) -> Result<Records<I>, PipelineError> {
        let declared = P::DESCRIPTOR
            .inputs
            .iter()
            .find(|input| input.domain == I::DOMAIN && input.name == I::NAME)
            .ok_or(PipelineError::UndeclaredInput { product: P::PRODUCT_ID, input: I::PRODUCT_ID })?;
        let committed = self.inputs.iter().find(|input| input.product == I::PRODUCT_ID);
        let Some((committed, manifest)) = committed.and_then(|c| Some((c, c.manifest.as_ref()?))) else {
            let dir = committed.map(|c| c.dir.join(crate::lakehouse::MANIFESTS)).unwrap_or_default();
            return Err(PipelineError::InputNotBuilt { input: I::PRODUCT_ID.to_owned(), dir });
        };
        let accepted = match (VersionReq::parse(&declared.requirement), Version::parse(&manifest.product_version)) {
            (Ok(requirement), Ok(version)) => requirement.matches(&version),
            _ => false,
        };
        if !accepted {
            return Err(PipelineError::Lakehouse(format!(
                "{} requires {}@{}, but its committed version {} was written by {} {}: rebuild {} first \
                 (`cargo xtask run --product {}`)",
                P::PRODUCT_ID,
                I::PRODUCT_ID,
                declared.requirement,
                manifest.version,
                I::PRODUCT_ID,
                manifest.product_version,
                I::PRODUCT_ID,
                I::PRODUCT_ID
            )));
        }
        let files = manifest.files.iter().rev().map(|file| committed.dir.join(&file.path)).collect();
        Ok(Records { files, current: None, records_in: Arc::clone(&self.records_in) })
    }

    /// Writes one record of the product.
    ///
    /// # Errors
    /// Writing the data file fails.
    pub fn write(&mut self, record: &P) -> Result<(), PipelineError> {
        self.writer.append(self.transaction, record)
    }

    /// Sets `record` of input `I` aside with `reason`, instead of writing it: it is kept in the
    /// run's quarantine file and counted in the run summary. `reason` must not quote the
    /// record's values (it is printed); the record itself is only stored.
    ///
    /// # Errors
    /// Writing the quarantine file fails.
    pub fn quarantine<I: ContainerRecord>(&mut self, record: &I, reason: &str) -> Result<(), PipelineError> {
        self.quarantine.record(self.transaction, Origin::Input { input: I::PRODUCT_ID }, reason, record)
    }

    /// Counts a record the pipeline leaves out on purpose (a duplicate, a filter), by reason.
    pub fn drop_record(&mut self, reason: &'static str) {
        *self.dropped.entry(reason).or_default() += 1;
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.writer.records()
    }

    pub(crate) fn finish(self) -> BuildOutput<P> {
        BuildOutput {
            writer: self.writer,
            quarantine: self.quarantine,
            records_in: self.records_in.load(Ordering::Relaxed),
            dropped: self.dropped.into_iter().map(|(reason, count)| (reason.to_owned(), count)).collect(),
        }
    }
}

/// The records of one input's committed version, file by file (see [`Build::read`]).
pub struct Records<I: ContainerRecord> {
    // In reverse, so the next file is popped from the end.
    files: Vec<PathBuf>,
    current: Option<ContainerReader<I, File>>,
    records_in: Arc<AtomicU64>,
}

impl<I: ContainerRecord> Iterator for Records<I> {
    type Item = Result<I, PipelineError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(reader) = self.current.as_mut() {
                match reader.next() {
                    Some(Ok(record)) => {
                        self.records_in.fetch_add(1, Ordering::Relaxed);
                        return Some(Ok(record));
                    }
                    Some(Err(error)) => {
                        // A corrupt committed file stops the build: nothing is skipped silently.
                        self.files.clear();
                        self.current = None;
                        return Some(Err(error.into()));
                    }
                    None => self.current = None,
                }
            }
            let path = self.files.pop()?;
            match ContainerReader::open(&path) {
                Ok(reader) => self.current = Some(reader),
                Err(error) => {
                    self.files.clear();
                    return Some(Err(error.into()));
                }
            }
        }
    }
}
