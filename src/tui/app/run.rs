//! Running the use cases that components ask for ([`Effect::Run`](super::super::effect::Effect)),
//! and what follows: on success the form or dialog closes and everything is re-read; on
//! failure it stays with its input and the error (under the field when the service names
//! one).

use super::{App, Message, Overlay, PendingOp, Screen};
use crate::domain::format::date_dmy;
use crate::domain::request::SubjectRequest;
use crate::i18n::localize::Localize;
use crate::i18n::tf;
use crate::service::Error;
use crate::tui::screens::dialog::fields::SaveFileField;
use crate::tui::screens::preview::PreviewState;
use crate::tui::widgets::field_id::Named;

type Outcome<T> = crate::service::Result<T>;

impl App {
    /// A dialog's letter: what it lacks is asked about before it is saved.
    fn letter(&mut self, reference: String, spec: crate::letters::LetterSpec) {
        if self.letters.is_none()
            && let Some(load) = self.load_letters.take()
        {
            self.letters = load();
        }
        let preview = match &self.letters {
            Some(l) => self.session.preview_letter(&reference, spec, &l.kit, &l.letterhead),
            None => Err(crate::service::Error::Config(crate::msg!("error.letters_unavailable"))),
        };
        match preview {
            // The letter as it will be saved, to read before saving it.
            Ok(letter) => {
                if matches!(self.overlays.last(), Some(Overlay::Dialog(_))) {
                    self.overlays.pop();
                }
                let text = crate::letters::render_text(&letter);
                let warnings = letter.warnings.iter().map(crate::letters::LetterWarning::message).collect();
                let screen = PreviewState::new(reference, spec, &text, warnings);
                self.screens.push(Screen::Preview(Box::new(screen)));
            }
            Err(e) => {
                let text = e.to_string();
                if let Some(Overlay::Dialog(d)) = self.overlays.last_mut() {
                    d.problem = Some(text.clone());
                }
                self.error(text);
            }
        }
    }

    /// Assigns the marked requests; on success the marks go.
    fn assign_marked(&mut self, references: &[String], login: &str) {
        match self.session.assign_many(references, login, None) {
            Ok(done) => {
                self.overlays.pop();
                self.queue.marked.clear();
                self.refresh();
                self.info(crate::i18n::tn("msg.assigned_many", done.len() as u64, &[("login", &login)]));
            }
            Err(e) => {
                let text = e.localized();
                if let Some(Overlay::Dialog(d)) = self.overlays.last_mut() {
                    d.problem = Some(text.clone());
                }
                self.error(text);
            }
        }
    }

    /// Closes the dialog on success; on failure keeps it, its input and the error.
    /// After a conflict (another clerk saved the request first) the detail shows the request
    /// as it is now and the open form or dialog takes its current version, keeping what was
    /// typed: the operator reads the change and saves again if still right.
    fn adopt_current_version(&mut self, e: &Error) {
        let Some(reference) = e.conflict() else { return };
        let Ok(current) = self.session.peek(reference) else { return };
        let version = current.request.version;
        if let Some(Overlay::Dialog(d)) = self.overlays.last_mut()
            && d.reference == *reference
        {
            d.version = version;
        }
        for screen in &mut self.screens {
            match screen {
                Screen::Response(r) if r.reference == *reference => r.version = version,
                Screen::Detail(d) if d.request().reference == *reference => d.detail = current.clone(),
                _ => {}
            }
        }
    }

    fn finish_dialog(&mut self, result: Outcome<SubjectRequest>) {
        match result {
            Ok(r) => {
                self.overlays.pop();
                self.after_change(Ok(r), "msg.saved");
            }
            Err(e) => self.dialog_failed(&e),
        }
    }

    /// A dialog's use case failed: the dialog stays with its input, the error under the
    /// field the service names and in the status line.
    fn dialog_failed(&mut self, e: &Error) {
        self.adopt_current_version(e);
        let text = e.localized();
        if let Some(Overlay::Dialog(d)) = self.overlays.last_mut() {
            if let Error::Invalid(fe) = e {
                if let Some(f) = d.form.field_mut(Named(&fe.field)) {
                    f.touched = true;
                }
                d.form.set_error(Named(&fe.field), fe.rule.text());
            }
            d.problem = Some(text.clone());
        }
        self.error(text);
    }

    /// A dialog's use case succeeded: it closes, everything is re-read, and `done` is said.
    fn dialog_done(&mut self, done: String) {
        if matches!(self.overlays.last(), Some(Overlay::Dialog(_))) {
            self.overlays.pop();
        }
        self.refresh();
        self.info(done);
    }

    /// Attaches a file from the attach dialog; on failure (too big, not a file, unreadable)
    /// nothing changes and the dialog shows why under the path.
    fn attach(
        &mut self,
        reference: &str,
        path: &std::path::Path,
        kind: crate::domain::attachment::AttachmentKind,
    ) {
        match self.session.attach_file(reference, path, kind) {
            Ok(a) => self.dialog_done(tf(
                "msg.attached",
                &[
                    ("reference", &reference),
                    ("n", &a.n),
                    ("name", &crate::domain::safe_text::clean(&a.file_name)),
                    ("size", &crate::tui::screens::detail::size_text(a.size)),
                ],
            )),
            Err(e) => self.dialog_failed(&e),
        }
    }

    /// Writes a file out from the save dialog (audited by the service as a disclosure).
    fn save_attachment(&mut self, reference: &str, n: i64, path: &std::path::Path) {
        match self.session.save_attachment(reference, n, path) {
            Ok(a) => self.dialog_done(tf(
                "msg.file_saved",
                &[
                    ("reference", &reference),
                    ("n", &a.n),
                    ("path", &path.display()),
                    ("size", &crate::tui::screens::detail::size_text(a.size)),
                ],
            )),
            Err(e) => {
                self.dialog_failed(&e);
                // The file could not be written there (it exists, no such folder): under the path.
                if let (Error::Config(m), Some(Overlay::Dialog(d))) = (&e, self.overlays.last_mut()) {
                    if let Some(f) = d.form.field_mut(SaveFileField::Output) {
                        f.touched = true;
                    }
                    d.form.set_error(SaveFileField::Output, m.text());
                    d.problem = None;
                }
            }
        }
    }

    /// Closes a request as a duplicate (after the question); on failure the dialog stays.
    fn close_duplicate(&mut self, reference: &str, original: &str, version: i64) {
        match self.session.close_as_duplicate(reference, original, Some(version)) {
            Ok(r) => {
                self.dialog_done(tf("msg.linked", &[("reference", &r.reference), ("original", &original)]));
            }
            Err(e) => self.dialog_failed(&e),
        }
    }

    /// Saves the letter of the dialog on top and says where (and what it lacks); on failure
    /// the dialog stays with the error.
    fn save_letter(&mut self, reference: &str, spec: crate::letters::LetterSpec) {
        let saved = match &self.letters {
            Some(l) => self.session.save_letter(reference, spec, &l.kit, &l.letterhead, &l.dir),
            None => Err(crate::service::Error::Config(crate::msg!("error.letters_unavailable"))),
        };
        match saved {
            Ok((letter, path)) => {
                if matches!(self.overlays.last(), Some(Overlay::Dialog(_))) {
                    self.overlays.pop();
                }
                if matches!(self.screens.last(), Some(Screen::Preview(_))) {
                    self.screens.pop();
                }
                let shown = path.display().to_string();
                self.refresh();
                // What the letter lacks comes first, so the clerk reads it.
                let mut text: Vec<String> =
                    letter.warnings.iter().map(crate::letters::LetterWarning::message).collect();
                text.push(tf("msg.letter_saved", &[("path", &shown)]));
                self.message = Some(Message { text: text.join(" "), is_error: !letter.warnings.is_empty() });
            }
            Err(e) => {
                let text = e.localized();
                if let Some(Overlay::Dialog(d)) = self.overlays.last_mut() {
                    d.problem = Some(text.clone());
                }
                self.error(text);
            }
        }
    }

    /// Runs a confirmed operation. On success the form or dialog behind it closes; on
    /// failure it stays with its input and shows the error.
    pub(super) fn execute(&mut self, op: PendingOp) {
        match op {
            PendingOp::Register { new, assignee } => {
                let r = self.session.register(&new, assignee.as_deref());
                match r {
                    Ok(reg) => {
                        if matches!(self.screens.last(), Some(Screen::Intake(_))) {
                            self.screens.pop();
                        }
                        self.refresh();
                        self.select_in_queue(&reg.request.reference);
                        self.info(tf(
                            "msg.registered",
                            &[("reference", &reg.request.reference), ("due", &date_dmy(reg.request.due_on))],
                        ));
                    }
                    Err(e) => {
                        if let (Error::Invalid(fe), Some(Screen::Intake(s))) = (&e, self.screens.last_mut()) {
                            s.form.set_error(Named(&fe.field), fe.rule.text());
                        } else if let Some(Screen::Intake(s)) = self.screens.last_mut() {
                            s.problem = Some(e.localized());
                        }
                        self.error(e.localized());
                    }
                }
            }
            PendingOp::Respond { reference, response, version } => {
                let r = self.session.respond(&reference, &response, Some(version));
                if let Err(e) = &r {
                    self.adopt_current_version(e);
                }
                if r.is_ok() && matches!(self.screens.last(), Some(Screen::Response(_))) {
                    self.screens.pop();
                }
                match (&r, self.screens.last_mut()) {
                    (Err(Error::Invalid(fe)), Some(Screen::Response(s))) => {
                        s.form.set_error(Named(&fe.field), fe.rule.text());
                    }
                    // Refused as a disclosure to an unverified subject: the way out, under
                    // the field that gives it.
                    (Err(Error::IdentityNotVerified { .. }), Some(Screen::Response(s))) => {
                        s.identity_needed();
                    }
                    _ => {}
                }
                self.after_change(r, "msg.answered");
            }
            PendingOp::Withdraw { reference, reason, version } => {
                let r = self.session.withdraw(&reference, &reason, Some(version));
                self.finish_dialog(r);
            }
            PendingOp::MoveOffice { reference, to, reason } => {
                let r = self.session.move_request(&reference, &to, &reason);
                self.finish_dialog(r);
            }
            PendingOp::Reopen { reference, reason, version } => {
                let r = self.session.reopen(&reference, &reason, Some(version));
                self.finish_dialog(r);
            }
            PendingOp::Extend { reference, days, reason, version } => {
                let r = self.session.extend(&reference, days, &reason, Some(version));
                self.finish_dialog(r);
            }
            PendingOp::Take { reference, version } => {
                let login = self.session.operator.login.clone();
                let r = self.session.assign(&reference, &login, Some(version));
                self.after_change(r, "msg.assigned");
            }
            PendingOp::Resume { reference } => {
                let r = self.session.resume(&reference);
                self.after_change(r, "msg.saved");
            }
            PendingOp::SaveLetter { reference, spec } => self.save_letter(&reference, spec),
            PendingOp::Letter { reference, spec } => self.letter(reference, spec),
            PendingOp::AssignMarked { references, login } => self.assign_marked(&references, &login),
            PendingOp::Assign { reference, login, version } => {
                let r = self.session.assign(&reference, &login, Some(version));
                self.finish_dialog(r);
            }
            PendingOp::Note { reference, text, to_subject } => {
                let r = self.session.note(&reference, &text, to_subject);
                self.finish_dialog(r);
            }
            PendingOp::SetStatus { reference, target, reason, version } => {
                let r = self.session.set_status(&reference, target, &reason, Some(version));
                self.finish_dialog(r);
            }
            PendingOp::Attach { reference, path, kind } => self.attach(&reference, &path, kind),
            PendingOp::SaveAttachment { reference, n, path } => self.save_attachment(&reference, n, &path),
            PendingOp::CloseDuplicate { reference, original, version } => {
                self.close_duplicate(&reference, &original, version);
            }
            op @ (PendingOp::Discard
            | PendingOp::QuitDiscarding
            | PendingOp::RestoreDraft { .. }
            | PendingOp::DropDraft { .. }) => self.draft_case(op),
            PendingOp::Pause { reference, category, reason } => {
                let r = self.session.pause(&reference, &category, &reason);
                self.finish_dialog(r);
            }
        }
    }

    /// Selects a request in the loaded window, if it is there.
    fn select_in_queue(&mut self, reference: &str) {
        if let Some(i) = self.queue.rows.iter().position(|r| r.reference == reference) {
            self.queue.selected = i;
        }
    }

    /// After a successful change: re-read the detail, the queue and the counts.
    fn after_change(&mut self, result: Outcome<SubjectRequest>, done_key: &'static str) -> bool {
        match result {
            Ok(r) => {
                self.refresh();
                self.info(tf(done_key, &[("reference", &r.reference)]));
                true
            }
            Err(e) => {
                self.error(e.localized());
                false
            }
        }
    }
}
