//! What `aryz doctor` and the shell completions read about a database: its engine and
//! schema version, and references by prefix.

use super::{Result, SqliteReader};

impl SqliteReader<'_> {
    /// The schema version recorded in the file (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The `SQLite` library's version, e.g. "3.50.2".
    pub fn engine_version(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT sqlite_version()", [], |r| r.get(0))?)
    }

    /// Up to `limit` references starting with `prefix` (any case), newest first. References
    /// are not personal data, so completing them needs no audit entry.
    pub fn references_starting_with(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        // A range over the unique index on `ref` rather than LIKE, which would scan.
        let low = prefix.to_ascii_uppercase();
        let mut high = low.clone();
        high.push(char::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT ref FROM requests WHERE ref >= ?1 AND ref < ?2 ORDER BY ref DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(rusqlite::params![low, high, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[test]
    fn schema_and_engine_versions() {
        let s = Store::in_memory().unwrap();
        assert_eq!(s.read().schema_version().unwrap(), crate::store::SCHEMA_VERSION);
        assert!(s.read().engine_version().unwrap().starts_with("3."));
        assert!(s.read().references_starting_with("ARZ-", 10).unwrap().is_empty());
    }
}
