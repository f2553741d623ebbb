//! aryz: personal-data subject requests of the State Tax Service of the Kyrgyz Republic.
//!
//! Layers, each depending only on the ones below: `cli`/`tui` → `service` → `store` → `domain`;
//! `model` holds the values that cross the store's boundary, whatever the backend.

pub mod app;
pub mod cli;
pub mod cli_help;
pub mod commands;
pub mod config;
pub mod domain;
pub(crate) mod files;
pub mod i18n;
pub(crate) mod keys;
pub mod letters;
pub(crate) mod logging;
pub(crate) mod mail;
pub(crate) mod model;
pub(crate) mod paths;
pub mod service;
pub mod startup_trace;
pub mod store;
pub(crate) mod testpoint;
pub mod tui;
