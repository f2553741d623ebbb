//! Permissions of the files aryz creates (database, backups, exports, letters, the log):
//! readable and writable by their owner only, or also by their group when the office runs
//! aryz for several clerks on one server (`group_access = true` in the config).

use std::sync::atomic::{AtomicBool, Ordering};

static GROUP_ACCESS: AtomicBool = AtomicBool::new(false);

/// Set once at start from the configuration.
pub fn set_group_access(on: bool) {
    GROUP_ACCESS.store(on, Ordering::Relaxed);
}

/// The Unix mode for new files: 0600, or 0660 with group access.
pub fn private_mode() -> u32 {
    if GROUP_ACCESS.load(Ordering::Relaxed) { 0o660 } else { 0o600 }
}
