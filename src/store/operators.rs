//! Operators: OS logins mapped to roles.

use rusqlite::{OptionalExtension, params};

use super::row::code;
use super::{Result, SqliteReader, SqliteTx};
use crate::model::{Office, Operator};

/// The columns [`from_row`] reads, the operator with their office's head flag.
const OPERATOR_SELECT: &str = "SELECT o.login, o.name, o.role, o.active, o.office, coalesce(f.head, 0)
    FROM operators o LEFT JOIN offices f ON f.id = o.office";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Operator> {
    Ok(Operator {
        login: r.get(0)?,
        name: r.get(1)?,
        role: code(r, 2)?,
        active: r.get(3)?,
        office: r.get(4)?,
        office_head: r.get(5)?,
    })
}

fn office_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Office> {
    Ok(Office {
        id: r.get(0)?,
        code: r.get(1)?,
        name_en: r.get(2)?,
        name_ky: r.get(3)?,
        name_ru: r.get(4)?,
        head: r.get(5)?,
        active: r.get(6)?,
    })
}

impl SqliteReader<'_> {
    pub fn operator(&self, login: &str) -> Result<Option<Operator>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{OPERATOR_SELECT} WHERE o.login = ?1"))?
            .query_row([login], from_row)
            .optional()?)
    }

    pub fn operators(&self) -> Result<Vec<Operator>> {
        let mut st = self.conn.prepare_cached(&format!("{OPERATOR_SELECT} ORDER BY o.login"))?;
        let rows = st.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every office, by id (the default office first).
    pub fn offices(&self) -> Result<Vec<Office>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, code, name_en, name_ky, name_ru, head, active FROM offices ORDER BY id",
        )?;
        let rows = st.query_map([], office_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
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
            "INSERT INTO operators (login, name, role, active, created_at, office) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![op.login, op.name, op.role.code(), op.active, now, op.office],
        )?;
        Ok(())
    }

    pub fn update_operator(&self, op: &Operator) -> Result<()> {
        self.tx.execute(
            "UPDATE operators SET name = ?2, role = ?3, active = ?4, office = ?5 WHERE login = ?1",
            params![op.login, op.name, op.role.code(), op.active, op.office],
        )?;
        Ok(())
    }

    /// Adds an office (its id is given by the database) and returns its id.
    pub fn insert_office(&self, o: &Office, by: &str, now: &str) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO offices (code, name_en, name_ky, name_ru, head, active, created_by, created_at, updated_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
            params![o.code, o.name_en, o.name_ky, o.name_ru, o.head, o.active, by, now],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Writes every field of office `o.id` but its id.
    pub fn update_office(&self, o: &Office, by: &str, now: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE offices SET code = ?2, name_en = ?3, name_ky = ?4, name_ru = ?5, head = ?6, active = ?7,
                updated_by = ?8, updated_at = ?9 WHERE id = ?1",
            params![o.id, o.code, o.name_en, o.name_ky, o.name_ru, o.head, o.active, by, now],
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
