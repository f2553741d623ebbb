//! A small append-only log file (`aryz.log` in the data directory). It never receives
//! personal data: callers log command names, logins, counts and error kinds, never names,
//! PINs, addresses or free text. Nothing is ever printed to the terminal from here, so the
//! terminal UI's screen is never disturbed.

use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

static LOG: OnceLock<Mutex<std::fs::File>> = OnceLock::new();

/// Opens (creating, owner-only or group-shared as configured) the log file. Failing to log never stops aryz.
pub(crate) fn init(path: &Path) {
    if let Some(dir) = path.parent() {
        let _ = crate::files::create_private_dir(dir);
    }
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(crate::files::private_mode());
    }
    if let Ok(f) = o.open(path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Exactly this mode whatever the umask, and also for a log made before group
            // access was turned on (only its owner may change it; others leave it).
            let _ = f.set_permissions(std::fs::Permissions::from_mode(crate::files::private_mode()));
        }
        let _ = LOG.set(Mutex::new(f));
    }
}

/// Appends one line with a UTC timestamp and the process id.
pub(crate) fn log(level: &str, message: &str) {
    if let Some(m) = LOG.get()
        && let Ok(mut f) = m.lock()
    {
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
        let clean = crate::domain::safe_text::line(message);
        let _ = writeln!(f, "{now} [{}] {level} {clean}", std::process::id());
    }
}

pub(crate) fn info(message: &str) {
    log("INFO", message);
}

pub(crate) fn error(message: &str) {
    log("ERROR", message);
}
