//! Helpers shared by the test modules that need neither `common` nor `tmux`.

pub mod pg;
pub mod tool;
