//! Shared helpers of the mesh's integration tests; the tests are in `tests/`.
//!
//! Linking the example domains here registers every example product.

use customer as _;
use marketing as _;
use product as _;
use sales as _;
