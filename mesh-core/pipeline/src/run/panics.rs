//! A panic in domain code fails that product only, and is reported without its message: a
//! message can quote record values, and records may hold personal data.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use mesh_core::model::ProductDescriptor;

use crate::PipelineError;

thread_local! {
    static IN_PIPELINE: Cell<bool> = const { Cell::new(false) };
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs, once per process, a hook that stays silent for panics inside a pipeline (noting
/// where they happened) and hands every other panic to the hook that was there before.
pub(super) fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_PIPELINE.get() {
                let location = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                LOCATION.set(location);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `build`, turning a panic into a failure of `product`.
pub(super) fn catch<T>(
    product: &ProductDescriptor,
    build: impl FnOnce() -> Result<T, PipelineError>,
) -> Result<T, PipelineError> {
    IN_PIPELINE.set(true);
    let result = panic::catch_unwind(AssertUnwindSafe(build));
    IN_PIPELINE.set(false);
    result.unwrap_or_else(|_| {
        let location = LOCATION.take().unwrap_or_else(|| "an unknown location".to_owned());
        Err(PipelineError::Failed(format!(
            "the pipeline of {} panicked at {location} (the panic message is not shown: it may quote record \
             values); fix the pipeline, or return an error from it instead",
            product.id()
        )))
    })
}
