//! Pause points for the crash tests, in debug builds only: `ARYZ_TEST_PAUSE=assign:150`
//! stops a bulk assignment inside its transaction after its 150th request, says so on
//! stderr (`aryz: test pause assign:150`) and waits there to be killed, so a test kills it
//! at a known point mid-way instead of on a timer that a loaded machine makes miss
//! (`import:N`: an import with its N requests and audit entry written, before the commit). Release
//! builds have no pause points and never read the variable.

/// The variable naming the pause point: `NAME:N`.
#[cfg(debug_assertions)]
const VAR: &str = "ARYZ_TEST_PAUSE";

/// Marks the `n`th step of `name`; pauses for good when `ARYZ_TEST_PAUSE` names this step.
#[cfg(debug_assertions)]
pub(crate) fn reach(name: &str, n: usize) {
    use std::io::Write;
    static SPEC: std::sync::OnceLock<Option<(String, usize)>> = std::sync::OnceLock::new();
    let spec = SPEC.get_or_init(|| {
        let v = std::env::var(VAR).ok()?;
        let (name, n) = v.split_once(':')?;
        Some((name.to_string(), n.parse().ok()?))
    });
    if spec.as_ref().is_some_and(|(at, k)| at == name && *k == n) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "aryz: test pause {name}:{n}");
        let _ = err.flush();
        drop(err);
        // Held inside the transaction until the test kills the process.
        loop {
            std::thread::park();
        }
    }
}

/// Release builds: nothing.
#[cfg(not(debug_assertions))]
#[inline]
pub(crate) fn reach(_name: &str, _n: usize) {}
