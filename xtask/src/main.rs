//! `cargo xtask`: the mesh's command line, over every product of the linked domain crates.

use std::process::ExitCode;

// Linking a domain crate registers its products; these lines are the mesh.
use customer as _;
use marketing as _;
use product as _;
use sales as _;

fn main() -> ExitCode {
    xtask::main(std::env::args_os())
}
