//! The screens: each holds its state and draws itself.

pub mod calendar;
pub mod detail;
pub mod dialog;
pub mod help;
pub mod intake;
pub mod queue;
pub mod response;
