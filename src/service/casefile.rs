//! The case file (issue 15): files kept with a request, requests closed as duplicates, and
//! the requests a new one may duplicate. Every change is one transaction with its event and
//! its audit entry; reading a file's content out is a disclosure, on record before it leaves.

use std::path::Path;

use chrono::NaiveDate;

use crate::domain::attachment::{Attachment, AttachmentKind, NewAttachment, max_bytes};
use crate::domain::kind::RequestKind;
use crate::domain::request::{Representative, RequestId, SubjectRequest, parse_reference};
use crate::domain::status::Transition;
use crate::domain::validation::{FieldWarning, field_error, warning};
use crate::i18n::localize::{Arg, Message};
use crate::model::{Event, EventKind, Similar};
use crate::msg;
use crate::store::Tx;

use super::permissions::{RequestAction, enforce};
use super::workflow::save;
use super::{Ctx, Error, Result, Session};

/// A new request is compared with the PIN's requests received within this many days.
pub const DUPLICATE_WINDOW_DAYS: u64 = 30;

impl Session {
    /// The largest file that may be attached, in bytes (`attachment_max_mb`).
    pub fn attachment_limit(&self) -> u64 {
        max_bytes(self.settings.attachment_max_mb)
    }

    /// The files of a request, in the order they were added. Anyone who may read it.
    pub fn attachments(&self, reference: &str) -> Result<Vec<Attachment>> {
        let reference = parse_reference(reference)?;
        let read = self.store.read();
        let r = self.visible(&read, &reference)?;
        Ok(read.attachments(r.id)?)
    }

    /// Attaches the file at `path` to a request. The file is read whole (after its size is
    /// checked against the limit) and stored in the database.
    pub fn attach_file(&mut self, reference: &str, path: &Path, kind: AttachmentKind) -> Result<Attachment> {
        let limit = self.attachment_limit();
        let io = |e: std::io::Error| {
            Error::Invalid(field_error("file", msg!("message.path_error", path = path, error = e)))
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(Error::Invalid(field_error("file", msg!("message.not_a_file", path = path))));
        }
        if meta.len() > limit {
            // Refused before reading: a huge file is never loaded into memory.
            return Err(over_limit(meta.len(), limit));
        }
        let data = std::fs::read(path).map_err(io)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let new = NewAttachment::new(kind, &name, data, limit)?;
        self.attach(reference, &new)
    }

    /// Attaches a file already in memory (an e-mail's attachment, a letter as sent).
    pub fn attach(&mut self, reference: &str, new: &NewAttachment) -> Result<Attachment> {
        let limit = self.attachment_limit();
        if new.data.len() as u64 > limit {
            return Err(over_limit(new.data.len() as u64, limit));
        }
        let me = self.operator.clone();
        self.write(|tx, ctx| {
            let r = Session::load(tx, &me, reference)?;
            enforce(&me, &r, ctx.rules, ctx.today, RequestAction::Note)?;
            attach_in(tx, ctx, r.id, &r.reference, new)
        })
    }

    /// Writes file `n` of a request to `dest` (a new file; never overwrites), byte for byte.
    /// A disclosure: on record before the first byte is written, completed or interrupted
    /// after. Returns what was written.
    pub fn save_attachment(&mut self, reference: &str, n: i64, dest: &Path) -> Result<Attachment> {
        let reference = parse_reference(reference)?;
        let (a, data) = {
            let read = self.store.read();
            let r = self.visible(&read, &reference)?;
            read.attachment_content(r.id, n)?.ok_or_else(|| {
                Error::Invalid(field_error("n", msg!("message.no_attachment", reference = &reference, n = n)))
            })?
        };
        let detail = format!("file {n} {} sha256={} size={}", a.kind, a.sha256, a.size);
        let started = self.begin_disclosure("attachment_view", &reference, &detail)?;
        let written = write_new_file(dest, &data);
        let outcome = match &written {
            Ok(()) => Ok(format!("{detail} to {}", dest.display())),
            Err(e) => Err(e.to_string()),
        };
        self.end_disclosure(started, "attachment_view", &reference, outcome)?;
        written.map_err(|e| Error::Config(msg!("message.path_error", path = dest, error = e)))?;
        Ok(a)
    }

    /// The representative who made a request, if any.
    pub fn representative(&self, reference: &str) -> Result<Option<Representative>> {
        let reference = parse_reference(reference)?;
        let read = self.store.read();
        let r = self.visible(&read, &reference)?;
        Ok(read.representative(r.id)?)
    }

    /// The requests a new one of `pin` and `kind` may duplicate: the PIN's open requests of
    /// that kind and any of its requests received in the last 30 days (as of today).
    pub fn similar_requests(&self, pin: &str, kind: RequestKind) -> Result<Vec<Similar>> {
        let since =
            self.today().checked_sub_days(chrono::Days::new(DUPLICATE_WINDOW_DAYS)).unwrap_or(NaiveDate::MIN);
        Ok(self.store.read().similar_requests(pin.trim(), kind, since)?)
    }

    /// Links: the request `reference` was closed as a duplicate of, and those closed as
    /// duplicates of it.
    pub fn links(&self, reference: &str) -> Result<(Option<String>, Vec<String>)> {
        let reference = parse_reference(reference)?;
        let read = self.store.read();
        let r = self.visible(&read, &reference)?;
        Ok((read.duplicate_target(r.id)?, read.duplicates_of(r.id)?))
    }

    /// Closes `reference` as a duplicate of `original`: status withdrawn, closed as
    /// "duplicate" (outside "% in time", like a withdrawal), an event on both timelines and
    /// one audit entry. Whoever may withdraw it may do so: a supervisor (it takes the request
    /// out of "% in time", so a clerk cannot close their own late request this way).
    pub fn close_as_duplicate(
        &mut self,
        reference: &str,
        original: &str,
        expected_version: Option<i64>,
    ) -> Result<SubjectRequest> {
        let me = self.operator.clone();
        self.write(|tx, ctx| {
            let mut r = Session::load(tx, &me, reference)?;
            let o = Session::load(tx, &me, original)?;
            if r.id == o.id {
                return Err(Error::Invalid(field_error("duplicate-of", msg!("message.duplicate_self"))));
            }
            if tx.read().duplicate_target(o.id)?.is_some() {
                return Err(Error::Invalid(field_error(
                    "duplicate-of",
                    msg!("message.duplicate_chain", reference = &o.reference),
                )));
            }
            enforce(&me, &r, ctx.rules, ctx.today, RequestAction::Withdraw)?;
            let new = r.status.apply(Transition::Withdraw).ok_or(Error::Transition {
                reference: r.reference.clone(),
                action: "close as a duplicate",
                status: r.status,
            })?;
            let events = [
                Event::new(EventKind::Withdrawn, ctx.login, &ctx.now)
                    .change(None::<String>, Some("duplicate"))
                    .text(format!("duplicate of {}", o.reference)),
                Event::new(EventKind::StatusChanged, ctx.login, &ctx.now)
                    .change(Some(r.status.code()), Some(new.code())),
                Event::new(EventKind::Linked, ctx.login, &ctx.now)
                    .change(None::<String>, Some(o.reference.clone()))
                    .text(format!("duplicate of {}", o.reference)),
            ];
            tx.link_duplicate(r.id, o.id)?;
            tx.insert_event(
                o.id,
                &Event::new(EventKind::Linked, ctx.login, &ctx.now)
                    .change(None::<String>, Some(r.reference.clone()))
                    .text(format!("{} closed as a duplicate of this request", r.reference)),
            )?;
            r.status = new;
            r.closed_on = Some(ctx.today);
            r.pause = None;
            save(
                tx,
                ctx,
                &r,
                expected_version,
                &events,
                "close_duplicate",
                &format!("duplicate of {}", o.reference),
            )
        })
    }
}

/// Attaches `new` to `r` inside a use case's transaction: the file, an event and an audit
/// entry binding its SHA-256.
pub(crate) fn attach_in(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    id: RequestId,
    reference: &str,
    new: &NewAttachment,
) -> Result<Attachment> {
    let a = tx.insert_attachment(id, new, ctx.login, &ctx.now)?;
    tx.insert_event(
        id,
        &Event::new(EventKind::Attached, ctx.login, &ctx.now)
            .change(None::<String>, Some(a.sha256.clone()))
            .text(format!("{} {} {} ({} bytes)", a.n, a.kind, a.file_name, a.size)),
    )?;
    tx.audit(
        &ctx.now,
        ctx.login,
        "attach",
        reference,
        &format!("file {} {} sha256={} size={}", a.n, a.kind, a.sha256, a.size),
    )?;
    Ok(a)
}

/// Stores a representative with a request being registered.
pub(crate) fn put_representative(tx: &Tx<'_>, id: RequestId, rep: Option<&Representative>) -> Result<()> {
    if let Some(rep) = rep {
        tx.put_representative(id, rep)?;
    }
    Ok(())
}

/// The warnings that name the requests a new one may duplicate.
pub fn duplicate_warnings(similar: &[Similar], kind: RequestKind) -> Vec<FieldWarning> {
    similar
        .iter()
        .map(|s| {
            let received = s.received_on.format("%d.%m.%Y").to_string();
            let message = if s.status.is_open() && s.kind == kind {
                msg!(
                    "message.duplicate_open",
                    reference = &s.reference,
                    kind = Arg::code("kind", s.kind.code()),
                    date = received
                )
            } else {
                msg!(
                    "message.duplicate_recent",
                    reference = &s.reference,
                    kind = Arg::code("kind", s.kind.code()),
                    status = Arg::code("status", s.status.code()),
                    date = received,
                    days = DUPLICATE_WINDOW_DAYS
                )
            };
            warning("duplicate", message)
        })
        .collect()
}

fn over_limit(size: u64, limit: u64) -> Error {
    Error::Invalid(field_error("file", crate::domain::attachment::over_limit(size, limit)))
}

/// Writes `data` to a new file at `path` (refusing an existing one), owner-readable only.
fn write_new_file(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(crate::files::private_mode());
    }
    let mut f = opts.open(path)?;
    let result = f.write_all(data).and_then(|()| f.sync_all());
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

/// What became of one e-mail message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// Registered as a new request, with its files (the original message first).
    Registered { reference: String, files: usize, warnings: Vec<FieldWarning> },
    /// Registered before (by its Message-ID), as this request.
    Skipped { reference: String, message_id: String },
}

impl Session {
    /// Registers one e-mail message as a request of `kind`: channel e-mail, the sender as
    /// the subject's name and contact, the text as description, identity not verified, the
    /// original message and its files attached. All in one transaction: a message is
    /// registered whole or not at all. A message already registered (same Message-ID) is
    /// skipped; one that cannot be registered is refused with the reason (field `message`).
    pub fn import_mail(&mut self, raw: &[u8], kind: RequestKind) -> Result<MailOutcome> {
        self.require(crate::domain::kind::Role::Clerk, "register_requests")?;
        let today = self.today();
        let refuse = |why: Message| Error::Invalid(field_error("message", why));
        let m =
            crate::mail::parse_message(raw, self.clock.offset(), self.attachment_limit()).map_err(refuse)?;
        if let Some(reference) = self.store.read().mail_imported(&m.message_id)? {
            return Ok(MailOutcome::Skipped { reference, message_id: m.message_id });
        }
        let pin =
            m.pin.clone().ok_or_else(|| refuse(msg!("message.mail_no_pin", email = &m.sender_email)))?;
        let received_on = m.sent_on.filter(|d| *d <= today).unwrap_or(today);
        let new = crate::domain::request::NewRequest {
            kind,
            channel: crate::domain::kind::Channel::Email,
            lang: m.lang,
            received_on,
            identity: crate::domain::kind::IdentityMethod::NotVerified,
            categories: Vec::new(),
            description: m.description.clone(),
            subject: crate::domain::request::Subject {
                name: m.sender_name.clone(),
                pin,
                email: m.sender_email.clone(),
                ..Default::default()
            },
            representative: None,
            office: Some(self.operator.office),
        };
        let (warnings, deadlines) = self.check_new_request(&new).map_err(|e| match e {
            Error::Invalid(f) => refuse(crate::i18n::localize::Localize::message(&f)),
            other => other,
        })?;
        let files = m.files.len();
        let reference = self.write(|tx, ctx| {
            // Another process may have taken it in since the check above.
            if let Some(reference) = tx.read().mail_imported(&m.message_id)? {
                return Ok(Err(reference));
            }
            let (id, reference) = super::intake::insert_registered(tx, ctx, &new, &deadlines, None)?;
            for f in &m.files {
                attach_in(tx, ctx, id, &reference, f)?;
            }
            tx.record_mail_import(&m.message_id, id, &ctx.now)?;
            Ok(Ok(reference))
        })?;
        Ok(match reference {
            Ok(reference) => MailOutcome::Registered { reference, files, warnings },
            Err(reference) => MailOutcome::Skipped { reference, message_id: m.message_id },
        })
    }
}
