//! All integration tests, in one crate: the library and its dependencies are linked once
//! for the whole suite instead of once per test file. Each former `tests/NAME.rs` is the
//! module `NAME` here (its tests are named `NAME::test`, so `cargo test --test it NAME::`
//! runs one file); `common`, `support`, `tmux` and `tui_fixture` are the shared helpers.
//! Snapshots live in `tests/it/snapshots/`, named `it__MODULE__NAME.snap` by insta.

// A test stops where it fails: unwrap, expect and panic are how it says so (the library
// denies them, Cargo.toml [lints]). Pedantic style lints stay on here too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// Shared helpers.
mod common;
mod support;
mod tmux;
mod tui_fixture;

// One module per former test file.
mod cli_admin;
mod cli_bad_input;
mod cli_casefile;
mod cli_concurrency;
mod cli_i18n;
mod cli_no_english;
mod cli_recompute;
mod cli_reports;
mod cli_requests;
mod cli_trust;
mod crash_and_concurrency;
mod deadline_law;
mod e2e_tmux;
mod e2e_tmux_casefile;
mod e2e_tmux_editing;
mod e2e_tmux_i18n;
mod encryption;
mod encryption_off;
mod fuzz_inputs;
mod glossary;
mod install;
mod install_e2e;
mod letters_cli;
mod letters_cli_complete;
mod letters_complete;
mod letters_pdf;
mod letters_templates;
#[cfg(feature = "postgres")]
mod postgres_cli;
#[cfg(feature = "postgres")]
mod postgres_tls;
mod trust_disclosure;
mod trust_files;
mod trust_keys;
mod trust_records;
mod trust_terminal;
mod tui_async;
mod tui_casefile;
mod tui_catalog;
mod tui_editing;
mod tui_offices;
mod tui_present;
mod tui_reading;
mod tui_roles;
mod tui_snapshots;
mod tui_snapshots_i18n;
mod tui_supervisor;
mod tui_update;
