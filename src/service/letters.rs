//! Letters to the subject and the subject's data package. Writing a letter is an event of
//! kind `letter` on the request (its text: type, language and format, no personal data) and
//! an audit entry; the data package is audited. Both run in one transaction with the
//! writing of their file, so a file that could not be written leaves no event behind.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::domain::deadline::RuleSet;
use crate::domain::identity::mask_pin;
use crate::domain::kind::{Language, Role};
use crate::domain::request::SubjectRequest;
use crate::domain::status::Status;
use crate::domain::validation::field_error;
use crate::letters::{
    ExtensionInfo, Kit, Letter, LetterInput, LetterSpec, LetterType, LetterheadConfig, compose, render,
    save_new_file,
};
use crate::model::{Event, EventKind};

use super::permissions::{RequestAction, enforce};
use super::{Error, RequestView, Result, Session};

/// The deadline before the last extension and the reason given, from the timeline.
///
/// The basis is cited in the letter's language when the rule named in the event still
/// gives, in the rules in force, the (English) basis the event recorded; else as recorded.
fn extension_info(events: &[Event], rules: &RuleSet, lang: Language) -> Option<ExtensionInfo> {
    let e = events
        .iter()
        .rev()
        .find(|e| e.kind == EventKind::DeadlineChanged && e.text.starts_with("extension"))?;
    let old_due = e.old.as_deref()?.parse().ok()?;
    // The event text is "extension (REASON): due … + N days = …; RULE → DATE; basis: BASIS"
    // (see `Session::extend`; events before issue 10 have no basis).
    let reason = e
        .text
        .strip_prefix("extension (")
        .and_then(|rest| rest.rfind("): due ").map(|i| rest[..i].to_string()))
        .unwrap_or_default();
    let mut basis = e.text.rsplit_once("; basis: ").map(|(_, b)| b.trim().to_string()).unwrap_or_default();
    if let Some(rule) = rules.rule.iter().find(|r| e.text.contains(&format!("; {} → ", r.id)))
        && rule.extension_basis.trim() == basis
    {
        basis = rule.extension_basis_in(lang).to_string();
    }
    Some(ExtensionInfo { old_due, reason, basis })
}

/// Refuses a letter that does not fit the request's state.
fn check_letter(r: &SubjectRequest, spec: &LetterSpec) -> Result<()> {
    if r.subject.name.trim().is_empty() {
        return Err(Error::Invalid(field_error(
            "name",
            crate::msg!("message.letter_erased", reference = &r.reference),
        )));
    }
    match spec.letter_type {
        LetterType::Acknowledgement => Ok(()),
        LetterType::Reply if r.status == Status::Answered && r.outcome.is_some() => Ok(()),
        LetterType::Reply => Err(Error::Transition {
            reference: r.reference.clone(),
            action: "reply_letter",
            status: r.status,
        }),
        LetterType::Extension if r.extensions > 0 => Ok(()),
        LetterType::Extension => Err(Error::Invalid(field_error(
            "type",
            crate::msg!("message.letter_never_extended", reference = &r.reference),
        ))),
    }
}

/// The PIN of a subject export, checked: exactly 14 digits.
pub(crate) fn subject_pin(pin: &str) -> Result<&str> {
    let pin = pin.trim();
    if pin.chars().count() != 14 || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::Invalid(field_error("pin", crate::msg!("message.pin_digits"))));
    }
    Ok(pin)
}

impl Session {
    /// Composes a letter for a request, puts it on record (an audit entry committed before
    /// `sink` writes anything), hands it to `sink`, then records the `letter` event with
    /// `letter_completed` — or `letter_interrupted` if `sink` fails.
    pub fn write_letter<T>(
        &mut self,
        reference: &str,
        spec: LetterSpec,
        kit: &Kit,
        letterhead: &BTreeMap<String, LetterheadConfig>,
        sink: impl FnOnce(&Letter) -> Result<T>,
    ) -> Result<(Letter, T)> {
        let me = self.operator.clone();
        let grounds = self.grounds.clone();
        let bodies = self.bodies.clone();
        let (letter, id, reference, what, started) = self.write(|tx, ctx| {
            let r = Session::load(tx, &me, reference)?;
            enforce(&me, &r, ctx.rules, ctx.today, RequestAction::Letter)?;
            check_letter(&r, &spec)?;
            let events = tx.read().events(r.id)?;
            let details = tx.read().response_details(r.id)?;
            let lang = spec.lang.unwrap_or(r.lang);
            let input = LetterInput {
                request: &r,
                letter_type: spec.letter_type,
                lang,
                today: ctx.today,
                letterhead: letterhead.get(lang.code()),
                extension: extension_info(&events, ctx.rules, lang),
                grounds: &grounds,
                details,
                bodies: &bodies,
                limit: ctx.rules.limit(&r.deadlines).map(|d| d.due_on),
                representative: tx.read().representative(r.id)?,
            };
            let letter = compose(kit, &input)
                .map_err(|e| Error::Config(crate::i18n::localize::Localize::message(&e)))?;
            let what = format!("{} {} {}", spec.letter_type, lang, spec.format);
            tx.audit(&ctx.now, ctx.login, "letter", &r.reference, &what)?;
            let started = tx.read().audit_head()?.map_or(0, |h| h.id);
            Ok((letter, r.id, r.reference.clone(), what, started))
        })?;
        let out = match sink(&letter) {
            Ok(out) => out,
            Err(e) => {
                self.end_disclosure(started, "letter", &reference, Err(e.to_string()))?;
                return Err(e);
            }
        };
        // Every letter is kept in the case file as sent (issue 15). Composition is
        // deterministic, so rendering again gives the bytes the sink wrote.
        let sent = render(&letter, spec.format)
            .ok()
            .map(|bytes| {
                crate::domain::attachment::NewAttachment::new(
                    crate::domain::attachment::AttachmentKind::OutgoingLetter,
                    &letter.file_name(spec.format),
                    bytes,
                    self.attachment_limit(),
                )
            })
            .transpose()?;
        self.write(|tx, ctx| {
            tx.insert_event(id, &Event::new(EventKind::Letter, ctx.login, &ctx.now).text(what.clone()))?;
            if let Some(sent) = &sent {
                super::casefile::attach_in(tx, ctx, id, &reference, sent)?;
            }
            tx.audit(
                &ctx.now,
                ctx.login,
                "letter_completed",
                &reference,
                &format!("entry {started}: {what}"),
            )?;
            Ok(())
        })?;
        Ok((letter, out))
    }

    /// The letter as it would be written now, without recording anything: for warning the
    /// clerk before it is saved (no delivery address, text in another language…). The same
    /// checks and composition as [`Session::write_letter`].
    pub fn preview_letter(
        &self,
        reference: &str,
        spec: LetterSpec,
        kit: &Kit,
        letterhead: &BTreeMap<String, LetterheadConfig>,
    ) -> Result<Letter> {
        let reference = crate::domain::request::parse_reference(reference).map_err(Error::Invalid)?;
        let read = self.store.read();
        let r = self.visible(&read, &reference)?;
        enforce(&self.operator, &r, &self.rules, self.today(), RequestAction::Letter)?;
        check_letter(&r, &spec)?;
        let events = read.events(r.id)?;
        let lang = spec.lang.unwrap_or(r.lang);
        let input = LetterInput {
            request: &r,
            letter_type: spec.letter_type,
            lang,
            today: self.today(),
            letterhead: letterhead.get(lang.code()),
            extension: extension_info(&events, &self.rules, lang),
            grounds: &self.grounds,
            details: read.response_details(r.id)?,
            bodies: &self.bodies,
            limit: self.rules.limit(&r.deadlines).map(|d| d.due_on),
            representative: read.representative(r.id)?,
        };
        compose(kit, &input).map_err(|e| Error::Config(crate::i18n::localize::Localize::message(&e)))
    }

    /// Writes a letter as a new file in `dir` (named `REF-TYPE-LANG.EXT`, numbered when the
    /// name is taken) and records it: for the terminal UI and `aryz letter` without --output.
    pub fn save_letter(
        &mut self,
        reference: &str,
        spec: LetterSpec,
        kit: &Kit,
        letterhead: &BTreeMap<String, LetterheadConfig>,
        dir: &std::path::Path,
    ) -> Result<(Letter, std::path::PathBuf)> {
        self.write_letter(reference, spec, kit, letterhead, |letter| {
            let bytes = render(letter, spec.format)
                .map_err(|e| Error::Config(crate::i18n::localize::Localize::message(&e)))?;
            save_new_file(dir, &letter.file_name(spec.format), &bytes)
                .map_err(|e| Error::Config(crate::msg!("message.path_error", path = dir, error = e)))
        })
    }

    /// Everything aryz holds about one person, by PIN: their requests with every field, the
    /// events of those requests except internal notes, and the letters written. Supervisors
    /// and admins only. Put on record before `sink` writes anything; completed or
    /// interrupted after.
    pub fn subject_export<T>(
        &mut self,
        pin: &str,
        sink: impl FnOnce(&Value) -> Result<T>,
    ) -> Result<(usize, T)> {
        self.require(Role::Supervisor, "export_subject_data")?;
        let pin = subject_pin(pin)?;
        let soon = self.settings.due_soon_working_days;
        let scope = self.scope();
        let (package, n, detail, started) = self.write(|tx, ctx| {
            let read = tx.read();
            let mut requests = Vec::new();
            let mut refs = Vec::new();
            for reference in read.references_of_pin(pin)? {
                let Some(r) = read.request_by_ref(&reference)? else { continue };
                if !scope.covers(r.office) {
                    continue;
                }
                let events = read.events(r.id)?;
                let mut v = RequestView::with(ctx.calendar, soon, &r, ctx.today).json(false);
                let shown: Vec<&Event> = events.iter().filter(|e| e.kind != EventKind::Note).collect();
                let letters: Vec<Value> = events
                    .iter()
                    .filter(|e| e.kind == EventKind::Letter)
                    .map(|e| {
                        let mut parts = e.text.split_whitespace();
                        json!({
                            "at": e.at,
                            "by": e.actor,
                            "type": parts.next(),
                            "lang": parts.next(),
                            "format": parts.next(),
                        })
                    })
                    .collect();
                v["events"] = serde_json::to_value(&shown).unwrap_or_default();
                v["letters"] = Value::Array(letters);
                // The case file: every file with its content (base64), and the representative.
                let mut files = Vec::new();
                for a in read.attachments(r.id)? {
                    let content =
                        read.attachment_content(r.id, a.n)?.map(|(_, data)| data).unwrap_or_default();
                    let mut f = serde_json::to_value(&a).unwrap_or_default();
                    f["content_base64"] = json!(crate::domain::attachment::base64(&content));
                    files.push(f);
                }
                v["attachments"] = Value::Array(files);
                v["representative"] = serde_json::to_value(read.representative(r.id)?).unwrap_or_default();
                refs.push(r.reference.clone());
                requests.push(v);
            }
            let package = json!({
                "subject_export": {
                    "pin": pin,
                    "generated_at": ctx.now,
                    "generated_by": ctx.login,
                    "requests": requests.len(),
                },
                "requests": requests,
            });
            let detail = format!(
                "{} requests{}{}",
                refs.len(),
                if refs.is_empty() { "" } else { ": " },
                refs.join(", ")
            );
            tx.audit(&ctx.now, ctx.login, "subject_export", &mask_pin(pin), &detail)?;
            let started = tx.read().audit_head()?.map_or(0, |h| h.id);
            Ok((package, refs.len(), detail, started))
        })?;
        let result = sink(&package);
        let outcome = match &result {
            Ok(_) => Ok(detail),
            Err(e) => Err(e.to_string()),
        };
        self.end_disclosure(started, "subject_export", &mask_pin(pin), outcome)?;
        Ok((n, result?))
    }
}
