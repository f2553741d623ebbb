//! The screens: each holds its state and draws itself.

pub mod audit;
pub mod calendar;
pub mod dashboard;
pub mod detail;
pub mod dialog;
pub mod help;
pub mod intake;
pub mod queue;
pub mod report;
pub mod response;
