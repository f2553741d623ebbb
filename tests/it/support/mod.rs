//! Helpers shared by the test modules that need neither `common` nor `tmux`.

#[cfg(feature = "postgres")]
pub mod pg;
pub mod tool;
