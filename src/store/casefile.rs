//! The case file (issue 15): attached files (content-addressed blobs), representatives,
//! duplicate links, e-mail imports, and the requests a new one may duplicate.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::row::code;
use super::{Result, SqliteReader, SqliteTx, StoreError};
use crate::domain::attachment::{Attachment, NewAttachment, sha256_hex};
use crate::domain::kind::RequestKind;
use crate::domain::request::{Representative, RequestId};
use crate::model::Similar;

const ATTACHMENT: &str = "n, kind, file_name, sha256, size, added_by, added_at";

fn attachment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        n: r.get(0)?,
        kind: code(r, 1)?,
        file_name: r.get(2)?,
        sha256: r.get(3)?,
        size: r.get::<_, i64>(4)?.max(0) as u64,
        added_by: r.get(5)?,
        added_at: r.get(6)?,
    })
}

impl SqliteReader<'_> {
    /// The files of a request, in the order they were added.
    pub fn attachments(&self, id: RequestId) -> Result<Vec<Attachment>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ATTACHMENT} FROM attachments WHERE request_id = ?1 ORDER BY n"
        ))?;
        let rows = st.query_map([id.0], attachment_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// File `n` of a request with its content, checked against its SHA-256.
    pub fn attachment_content(&self, id: RequestId, n: i64) -> Result<Option<(Attachment, Vec<u8>)>> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT a.n, a.kind, a.file_name, a.sha256, a.size, a.added_by, a.added_at, b.data
                 FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
                 WHERE a.request_id = ?1 AND a.n = ?2",
            )?
            .query_row(params![id.0, n], |r| Ok((attachment_from_row(r)?, r.get::<_, Vec<u8>>(7)?)))
            .optional()?;
        if let Some((a, data)) = &found
            && sha256_hex(data) != a.sha256
        {
            return Err(StoreError::Corrupt(format!(
                "the content of file {} ({}) differs from its SHA-256",
                a.n, a.file_name
            )));
        }
        Ok(found)
    }

    /// Stored contents that differ from the SHA-256 (or size) they are filed under.
    pub fn blob_problems(&self) -> Result<Vec<String>> {
        let mut st = self.conn.prepare("SELECT sha256, size, data FROM blobs ORDER BY id")?;
        let mut rows = st.query([])?;
        let mut problems = Vec::new();
        while let Some(r) = rows.next()? {
            let sha: String = r.get(0)?;
            let size: i64 = r.get(1)?;
            let data = r.get_ref(2)?.as_blob().map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if sha256_hex(data) != sha || data.len() as i64 != size {
                problems.push(format!("attached file {sha}: its content differs from its SHA-256"));
            }
        }
        Ok(problems)
    }

    pub fn representative(&self, id: RequestId) -> Result<Option<Representative>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT name, document, address, email, phone FROM representatives WHERE request_id = ?1",
            )?
            .query_row([id.0], |r| {
                Ok(Representative {
                    name: r.get(0)?,
                    document: r.get(1)?,
                    address: r.get(2)?,
                    email: r.get(3)?,
                    phone: r.get(4)?,
                })
            })
            .optional()?)
    }

    /// The reference of the request `id` was closed as a duplicate of, if any.
    pub fn duplicate_target(&self, id: RequestId) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT r.ref FROM request_links l JOIN requests r ON r.id = l.duplicate_of WHERE l.request_id = ?1",
            )?
            .query_row([id.0], |r| r.get(0))
            .optional()?)
    }

    /// References of the requests closed as duplicates of `id`.
    pub fn duplicates_of(&self, id: RequestId) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT r.ref FROM request_links l JOIN requests r ON r.id = l.request_id
             WHERE l.duplicate_of = ?1 ORDER BY r.id",
        )?;
        let rows = st.query_map([id.0], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The request a message was registered as, by its Message-ID.
    pub fn mail_imported(&self, message_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT r.ref FROM mail_imports m JOIN requests r ON r.id = m.request_id WHERE m.message_id = ?1",
            )?
            .query_row([message_id], |r| r.get(0))
            .optional()?)
    }

    /// Requests a new one of `pin` and `kind` may duplicate: the open ones of that kind, and
    /// any of that PIN received on or after `since`. Oldest first.
    pub fn similar_requests(&self, pin: &str, kind: RequestKind, since: NaiveDate) -> Result<Vec<Similar>> {
        let mut st = self.conn.prepare_cached(
            "SELECT ref, kind, status, received_on FROM requests
             WHERE subject_pin = ?1 AND ((is_open = 1 AND kind = ?2) OR received_on >= ?3)
             ORDER BY received_on, id LIMIT 50",
        )?;
        let rows = st
            .query_map(params![pin, kind.code(), since], |r| {
                Ok(Similar {
                    reference: r.get(0)?,
                    kind: code(r, 1)?,
                    status: code(r, 2)?,
                    received_on: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl SqliteTx<'_> {
    /// Attaches a file as number (last + 1) of the request; the content is stored once
    /// whatever the number of requests it is attached to.
    pub fn insert_attachment(
        &self,
        id: RequestId,
        a: &NewAttachment,
        by: &str,
        now: &str,
    ) -> Result<Attachment> {
        let sha = a.sha256();
        self.tx
            .prepare_cached(
                "INSERT INTO blobs (sha256, size, data) VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING",
            )?
            .execute(params![sha, a.data.len() as i64, a.data])?;
        let n: i64 = self.tx.query_row(
            "SELECT coalesce(max(n), 0) + 1 FROM attachments WHERE request_id = ?1",
            [id.0],
            |r| r.get(0),
        )?;
        self.tx
            .prepare_cached(
                "INSERT INTO attachments (request_id, n, kind, file_name, sha256, size, added_by, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![id.0, n, a.kind.code(), a.file_name, sha, a.data.len() as i64, by, now])?;
        Ok(Attachment {
            n,
            kind: a.kind,
            file_name: a.file_name.clone(),
            sha256: sha,
            size: a.data.len() as u64,
            added_by: by.to_string(),
            added_at: now.to_string(),
        })
    }

    /// Erases the files of a request (retention) and the contents no request uses any more.
    /// Returns how many files were erased.
    pub fn erase_attachments(&self, id: RequestId) -> Result<usize> {
        let n = self.tx.prepare_cached("DELETE FROM attachments WHERE request_id = ?1")?.execute([id.0])?;
        if n > 0 {
            self.tx.execute_batch(
                "DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = blobs.sha256)",
            )?;
        }
        Ok(n)
    }

    pub fn put_representative(&self, id: RequestId, rep: &Representative) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO representatives (request_id, name, document, address, email, phone)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![id.0, rep.name, rep.document, rep.address, rep.email, rep.phone])?;
        Ok(())
    }

    /// Erases a representative's personal fields (retention), keeping that there was one.
    pub fn erase_representative(&self, id: RequestId) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE representatives SET name = '', document = '', address = '', email = '', phone = ''
                 WHERE request_id = ?1",
            )?
            .execute([id.0])?;
        Ok(())
    }

    pub fn link_duplicate(&self, id: RequestId, of: RequestId) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO request_links (request_id, duplicate_of) VALUES (?1, ?2)")?
            .execute(params![id.0, of.0])?;
        Ok(())
    }

    pub fn record_mail_import(&self, message_id: &str, id: RequestId, now: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO mail_imports (message_id, request_id, imported_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![message_id, id.0, now])?;
        Ok(())
    }
}
