//! Operators: OS logins mapped to roles.

use rusqlite::{OptionalExtension, params};

use super::row::code;
use super::{Result, SqliteReader, SqliteTx};
use crate::model::Operator;

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Operator> {
    Ok(Operator { login: r.get(0)?, name: r.get(1)?, role: code(r, 2)?, active: r.get(3)? })
}

impl SqliteReader<'_> {
    pub fn operator(&self, login: &str) -> Result<Option<Operator>> {
        Ok(self
            .conn
            .prepare_cached("SELECT login, name, role, active FROM operators WHERE login = ?1")?
            .query_row([login], from_row)
            .optional()?)
    }

    pub fn operators(&self) -> Result<Vec<Operator>> {
        let mut st =
            self.conn.prepare_cached("SELECT login, name, role, active FROM operators ORDER BY login")?;
        let rows = st.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }
}

impl SqliteTx<'_> {
    pub fn insert_operator(&self, op: &Operator, now: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO operators (login, name, role, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![op.login, op.name, op.role.code(), op.active, now],
        )?;
        Ok(())
    }

    pub fn update_operator(&self, op: &Operator) -> Result<()> {
        self.tx.execute(
            "UPDATE operators SET name = ?2, role = ?3, active = ?4 WHERE login = ?1",
            params![op.login, op.name, op.role.code(), op.active],
        )?;
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        // Cached: the audit head is set once per audited change, thousands of times in an import.
        self.tx
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, value])?;
        Ok(())
    }
}
