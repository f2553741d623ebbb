//! Where the first screen's time goes: with `ARYZ_STARTUP_TRACE=FILE`, each start-up phase
//! appends "phase<TAB>milliseconds since main" to FILE. The bench (`cargo bench --bench
//! budgets`) reads it to print the breakdown BENCHMARKS.md records. Without the variable
//! every call is one relaxed atomic load.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

struct Trace {
    start: Instant,
    file: std::sync::Mutex<std::fs::File>,
}

static TRACE: OnceLock<Option<Trace>> = OnceLock::new();

/// Called first thing in `main`: the clock of every later mark starts here.
pub fn start() {
    TRACE.get_or_init(|| {
        let path = std::env::var_os("ARYZ_STARTUP_TRACE")?;
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path).ok()?;
        Some(Trace { start: Instant::now(), file: std::sync::Mutex::new(file) })
    });
}

/// Records that `phase` has just ended.
pub fn mark(phase: &str) {
    if let Some(Some(t)) = TRACE.get() {
        let ms = t.start.elapsed().as_secs_f64() * 1000.0;
        if let Ok(mut f) = t.file.lock() {
            let _ = writeln!(f, "{phase}\t{ms:.3}");
        }
    }
}
