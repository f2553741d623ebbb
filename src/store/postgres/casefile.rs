//! The case file on PostgreSQL (migration 0004, SQLite's 0012): attached files (contents by
//! SHA-256 in `blobs`, as bytea), representatives, duplicate links, e-mail imports, and the
//! requests a new one may duplicate. The server checks each content against its SHA-256 and
//! size, numbers a file added by an operator's own login role itself, and files it under
//! that login (see the migration).

use chrono::NaiveDate;
use postgres::Row;

use super::{PgReader, PgTx, borrow, code, date, ds, get};
use crate::domain::attachment::{Attachment, NewAttachment, sha256_hex};
use crate::domain::kind::RequestKind;
use crate::domain::request::{Representative, RequestId};
use crate::model::Similar;
use crate::store::{Result, StoreError};

const ATTACHMENT: &str = "n, kind, file_name, sha256, size, added_by, added_at";

fn attachment_from(r: &Row) -> Result<Attachment> {
    Ok(Attachment {
        n: get(r, 0)?,
        kind: code(r, 1)?,
        file_name: get(r, 2)?,
        sha256: get(r, 3)?,
        size: u64::try_from(get::<i64>(r, 4)?).unwrap_or(0),
        added_by: get(r, 5)?,
        added_at: get(r, 6)?,
    })
}

impl PgReader<'_> {
    pub fn attachments(&self, id: RequestId) -> Result<Vec<Attachment>> {
        let rows = borrow(self.conn)?.query(
            &format!("SELECT {ATTACHMENT} FROM attachments WHERE request_id = $1 ORDER BY n"),
            &[&id.0],
        )?;
        rows.iter().map(attachment_from).collect()
    }

    pub fn attachment_content(&self, id: RequestId, n: i64) -> Result<Option<(Attachment, Vec<u8>)>> {
        let row = borrow(self.conn)?.query_opt(
            "SELECT a.n, a.kind, a.file_name, a.sha256, a.size, a.added_by, a.added_at, b.data
             FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
             WHERE a.request_id = $1 AND a.n = $2",
            &[&id.0, &n],
        )?;
        let Some(row) = row else { return Ok(None) };
        let a = attachment_from(&row)?;
        let data: Vec<u8> = get(&row, 7)?;
        if sha256_hex(&data) != a.sha256 {
            return Err(StoreError::Corrupt(format!(
                "the content of file {} ({}) differs from its SHA-256",
                a.n, a.file_name
            )));
        }
        Ok(Some((a, data)))
    }

    /// Stored contents that differ from the SHA-256 (or size) they are filed under: the
    /// server's own check, run again over every content (a constraint dropped, a page
    /// damaged on disk).
    pub fn blob_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        self.snapshot(|| {
            super::records::stream(self.conn, "SELECT sha256, size, data FROM blobs ORDER BY id", |r| {
                let sha: String = get(r, 0)?;
                let size: i64 = get(r, 1)?;
                let data: &[u8] = get(r, 2)?;
                if sha256_hex(data) != sha || i64::try_from(data.len()).ok() != Some(size) {
                    problems.push(format!("attached file {sha}: its content differs from its SHA-256"));
                }
                Ok(())
            })
        })?;
        Ok(problems)
    }

    pub fn representative(&self, id: RequestId) -> Result<Option<Representative>> {
        borrow(self.conn)?
            .query_opt(
                "SELECT name, document, address, email, phone FROM representatives WHERE request_id = $1",
                &[&id.0],
            )?
            .map(|r| {
                Ok(Representative {
                    name: get(&r, 0)?,
                    document: get(&r, 1)?,
                    address: get(&r, 2)?,
                    email: get(&r, 3)?,
                    phone: get(&r, 4)?,
                })
            })
            .transpose()
    }

    pub fn duplicate_target(&self, id: RequestId) -> Result<Option<String>> {
        borrow(self.conn)?
            .query_opt(
                "SELECT r.ref FROM request_links l JOIN requests r ON r.id = l.duplicate_of WHERE l.request_id = $1",
                &[&id.0],
            )?
            .map(|r| get(&r, 0))
            .transpose()
    }

    pub fn duplicates_of(&self, id: RequestId) -> Result<Vec<String>> {
        borrow(self.conn)?
            .query(
                "SELECT r.ref FROM request_links l JOIN requests r ON r.id = l.request_id
                 WHERE l.duplicate_of = $1 ORDER BY r.id",
                &[&id.0],
            )?
            .iter()
            .map(|r| get(r, 0))
            .collect()
    }

    pub fn mail_imported(&self, message_id: &str) -> Result<Option<String>> {
        borrow(self.conn)?
            .query_opt(
                "SELECT r.ref FROM mail_imports m JOIN requests r ON r.id = m.request_id WHERE m.message_id = $1",
                &[&message_id],
            )?
            .map(|r| get(&r, 0))
            .transpose()
    }

    pub fn similar_requests(&self, pin: &str, kind: RequestKind, since: NaiveDate) -> Result<Vec<Similar>> {
        borrow(self.conn)?
            .query(
                "SELECT ref, kind, status, received_on FROM requests
                 WHERE subject_pin = $1 AND ((is_open AND kind = $2) OR received_on >= $3)
                 ORDER BY received_on, id LIMIT 50",
                &[&pin, &kind.code(), &ds(since)],
            )?
            .iter()
            .map(|r| {
                Ok(Similar {
                    reference: get(r, 0)?,
                    kind: code(r, 1)?,
                    status: code(r, 2)?,
                    received_on: date(r, 3)?,
                })
            })
            .collect()
    }
}

impl PgTx<'_> {
    /// Attaches a file as the request's next number; the content is stored once whatever
    /// the number of requests it is attached to. The number and the login it is filed
    /// under are what the server recorded.
    pub fn insert_attachment(
        &self,
        id: RequestId,
        a: &NewAttachment,
        by: &str,
        now: &str,
    ) -> Result<Attachment> {
        let sha = a.sha256();
        let size = i64::try_from(a.data.len())
            .map_err(|_| StoreError::Corrupt(format!("file {} is too large", a.file_name)))?;
        let mut c = borrow(self.conn)?;
        c.execute(
            "INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
            &[&sha, &size, &a.data],
        )?;
        let row = c.query_one(
            "INSERT INTO attachments (request_id, n, kind, file_name, sha256, size, added_by, added_at)
             VALUES ($1, (SELECT coalesce(max(n), 0) + 1 FROM attachments WHERE request_id = $1), $2, $3, $4, $5, $6, $7)
             RETURNING n, added_by",
            &[&id.0, &a.kind.code(), &a.file_name, &sha, &size, &by, &now],
        )?;
        let (n, added_by): (i64, String) = (get(&row, 0)?, get(&row, 1)?);
        drop(c);
        self.touch_request(id);
        Ok(Attachment {
            n,
            kind: a.kind,
            file_name: a.file_name.clone(),
            sha256: sha,
            size: a.data.len() as u64,
            added_by,
            added_at: now.to_string(),
        })
    }

    /// Erases the files of a request (retention) and the contents no request uses any more.
    pub fn erase_attachments(&self, id: RequestId) -> Result<usize> {
        let mut c = borrow(self.conn)?;
        let rows = c.query("DELETE FROM attachments WHERE request_id = $1 RETURNING sha256", &[&id.0])?;
        if !rows.is_empty() {
            let shas: Vec<String> = rows.iter().map(|r| get(r, 0)).collect::<Result<_>>()?;
            c.execute(
                "DELETE FROM blobs b WHERE b.sha256 = ANY ($1)
                 AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)",
                &[&shas],
            )?;
            drop(c);
            self.touch_request(id);
        }
        Ok(rows.len())
    }

    /// Stores the representative of a request. A request being registered has none yet, so
    /// an operator needs no right to change one (only retention does).
    pub fn put_representative(&self, id: RequestId, rep: &Representative) -> Result<()> {
        let mut c = borrow(self.conn)?;
        let exists = c.query_opt("SELECT 1 FROM representatives WHERE request_id = $1", &[&id.0])?.is_some();
        let sql = if exists {
            "UPDATE representatives SET name = $2, document = $3, address = $4, email = $5, phone = $6
             WHERE request_id = $1"
        } else {
            "INSERT INTO representatives (request_id, name, document, address, email, phone)
             VALUES ($1, $2, $3, $4, $5, $6)"
        };
        c.execute(sql, &[&id.0, &rep.name, &rep.document, &rep.address, &rep.email, &rep.phone])?;
        drop(c);
        self.touch_request(id);
        Ok(())
    }

    /// Erases a representative's personal fields (retention), keeping that there was one.
    pub fn erase_representative(&self, id: RequestId) -> Result<()> {
        let n = borrow(self.conn)?.execute(
            "UPDATE representatives SET name = '', document = '', address = '', email = '', phone = ''
             WHERE request_id = $1",
            &[&id.0],
        )?;
        if n > 0 {
            self.touch_request(id);
        }
        Ok(())
    }

    pub fn link_duplicate(&self, id: RequestId, of: RequestId) -> Result<()> {
        borrow(self.conn)?.execute(
            "INSERT INTO request_links (request_id, duplicate_of) VALUES ($1, $2)",
            &[&id.0, &of.0],
        )?;
        self.touch_request(id);
        Ok(())
    }

    pub fn record_mail_import(&self, message_id: &str, id: RequestId, now: &str) -> Result<()> {
        borrow(self.conn)?.execute(
            "INSERT INTO mail_imports (message_id, request_id, imported_at) VALUES ($1, $2, $3)",
            &[&message_id, &id.0, &now],
        )?;
        Ok(())
    }
}
