//! What `recompute` needs beyond the ordinary request operations.

use super::{Result, Tx};
use crate::domain::request::RequestId;

impl Tx<'_> {
    /// Drops a stored deadline whose rule is no longer in the rules in force.
    pub fn delete_deadline(&self, id: RequestId, rule: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM deadlines WHERE request_id = ?1 AND rule = ?2")?
            .execute(rusqlite::params![id.0, rule])?;
        Ok(())
    }
}
