//! Why building a product failed, worded for the domain team that owns it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use mesh_core::codec::ContainerError;

/// A product could not be built. Every message names the product or file and what to do;
/// none repeats a record value (records may hold personal data).
#[derive(Debug)]
pub enum PipelineError {
    /// Reading or writing a lakehouse or landing file failed.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done, e.g. "writing".
        action: &'static str,
        /// The system's error.
        source: io::Error,
    },
    /// A committed data file of an input could not be read.
    Data(ContainerError),
    /// The lakehouse holds something this version cannot use (a bad manifest, a changed landing file).
    Lakehouse(String),
    /// A pipeline read a product it does not declare as an input.
    UndeclaredInput {
        /// The product being built.
        product: &'static str,
        /// The product it tried to read.
        input: &'static str,
    },
    /// An input has no committed version yet.
    InputNotBuilt {
        /// The input product.
        input: String,
        /// Where its manifests would be.
        dir: PathBuf,
    },
    /// Domain code reported a failure.
    Failed(String),
}

impl PipelineError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, action: &'static str, source: io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), action, source }
    }

    /// A failure the domain's pipeline reports, e.g. an invariant its inputs broke.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, action, source } => write!(f, "{action} {}: {source}", path.display()),
            Self::Data(error) => write!(f, "{error}"),
            Self::Lakehouse(message) | Self::Failed(message) => f.write_str(message),
            Self::UndeclaredInput { product, input } => write!(
                f,
                "the pipeline of {product} reads {input}, which {product} does not declare as an input; \
                 add it to `inputs(...)` in its #[data_product] declaration"
            ),
            Self::InputNotBuilt { input, dir } => write!(
                f,
                "input {input} has no committed version (no manifest in {}); build it first: \
                 `cargo xtask run --product {input}`",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for PipelineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Data(error) => Some(error),
            _ => None,
        }
    }
}

impl From<ContainerError> for PipelineError {
    fn from(error: ContainerError) -> Self {
        Self::Data(error)
    }
}
