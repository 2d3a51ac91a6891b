//! A run's data files: records of one product through its typed container writer.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use mesh_core::codec::{Compression, ContainerRecord, ContainerWriter};
use mesh_core::DataProduct;

use super::{DataFile, Transaction};
use crate::PipelineError;

/// Records per data file: files stay a size other tools handle in one piece.
const RECORDS_PER_FILE: u64 = 1 << 20;

/// Deflate: one of the two codecs every Avro implementation must read.
const COMPRESSION: Compression = Compression::Deflate;

/// Deflate's fastest level: pipelines write much more than a file's size is worth saving
/// (measured in docs/performance.md).
const DEFLATE_LEVEL: u8 = 1;

struct OpenFile<P: ContainerRecord> {
    relative: String,
    path: PathBuf,
    writer: ContainerWriter<P, BufWriter<File>>,
    records: u64,
    newest_event_micros: Option<i64>,
}

/// Writes a run's records of `P` into new data files of its transaction.
pub struct DataWriter<P: ContainerRecord> {
    open: Option<OpenFile<P>>,
    files: Vec<DataFile>,
    records: u64,
    newest_event_micros: Option<i64>,
}

impl<P: ContainerRecord + DataProduct> Default for DataWriter<P> {
    fn default() -> Self {
        Self { open: None, files: Vec::new(), records: 0, newest_event_micros: None }
    }
}

impl<P: ContainerRecord + DataProduct> DataWriter<P> {
    /// Appends one record, starting a new file when needed.
    ///
    /// # Errors
    /// Creating or writing a data file fails.
    pub fn append(&mut self, transaction: &Transaction, record: &P) -> Result<(), PipelineError> {
        if self.open.is_none() {
            let (relative, path) = transaction.new_file("data", self.files.len(), "avro")?;
            let file = File::create(&path).map_err(|e| PipelineError::io(&path, "creating", e))?;
            let mut writer = ContainerWriter::new(BufWriter::with_capacity(1 << 16, file), COMPRESSION)
                .map_err(|e| PipelineError::io(&path, "writing", e))?;
            writer.set_deflate_level(DEFLATE_LEVEL);
            self.open = Some(OpenFile { relative, path, writer, records: 0, newest_event_micros: None });
        }
        let Some(open) = self.open.as_mut() else { unreachable!("a file was opened above") };
        open.writer.append(record).map_err(|e| PipelineError::io(&open.path, "writing", e))?;
        open.records += 1;
        self.records += 1;
        if let Some(micros) = record.event_time_micros() {
            open.newest_event_micros = open.newest_event_micros.max(Some(micros));
            self.newest_event_micros = self.newest_event_micros.max(Some(micros));
        }
        if open.records >= RECORDS_PER_FILE {
            self.close()?;
        }
        Ok(())
    }

    /// Records appended so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The newest event time appended so far.
    pub fn newest_event_micros(&self) -> Option<i64> {
        self.newest_event_micros
    }

    /// Finishes the last file; returns every file written.
    ///
    /// # Errors
    /// Writing the last block fails.
    pub fn finish(mut self) -> Result<Vec<DataFile>, PipelineError> {
        self.close()?;
        Ok(std::mem::take(&mut self.files))
    }

    fn close(&mut self) -> Result<(), PipelineError> {
        let Some(open) = self.open.take() else { return Ok(()) };
        let out = open.writer.finish().map_err(|e| PipelineError::io(&open.path, "writing", e))?;
        let file = out.into_inner().map_err(|e| PipelineError::io(&open.path, "writing", e.into_error()))?;
        let bytes = file.metadata().map_err(|e| PipelineError::io(&open.path, "reading", e))?.len();
        self.files.push(DataFile {
            path: open.relative,
            records: open.records,
            bytes,
            newest_event_micros: open.newest_event_micros,
        });
        Ok(())
    }
}
