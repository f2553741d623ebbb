//! The private PostgreSQL cluster of this test process (started on first use in a temporary
//! directory, on a Unix socket only, stopped and removed when the process ends: see
//! `aryz::store::postgres::cluster`), with tool.rs's policy: under `CI` a missing
//! PostgreSQL fails the test; elsewhere the test says loudly that it skipped.

use aryz::store::postgres::cluster::Cluster;

pub fn cluster() -> Option<&'static Cluster> {
    match Cluster::shared() {
        Ok(c) => Some(c),
        Err(e) => {
            let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
            assert!(!ci, "PostgreSQL is required under CI but could not be started: {e}");
            eprintln!(
                "\n!!! SKIPPED: PostgreSQL could not be started ({e}); this test did not run (it fails under CI) !!!\n"
            );
            None
        }
    }
}

/// A fresh, empty database on the cluster: its URL.
pub fn fresh_database(c: &Cluster) -> String {
    c.fresh_database().expect("create a test database")
}
