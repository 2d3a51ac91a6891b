//! Helpers shared by this folder's tests.

pub mod webdriver;
