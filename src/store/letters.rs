//! Reads for letters and the subject data package.

use super::{Reader, Result};

impl Reader<'_> {
    /// References of every request of one PIN (open and closed), oldest first.
    pub fn references_of_pin(&self, pin: &str) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT ref FROM requests WHERE subject_pin = ?1 ORDER BY received_on, id")?;
        let rows = st.query_map([pin], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }
}
