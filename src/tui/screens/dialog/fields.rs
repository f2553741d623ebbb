//! Each dialog names its fields by an enum, and builds its typed request from them. A
//! value that is missing or not one of the field's choices is an error naming the field —
//! never a silent default.

use crate::domain::attachment::AttachmentKind;
use crate::domain::kind::{Channel, Language, RequestKind};
use crate::domain::status::Status;
use crate::i18n::localize::Localize;
use crate::i18n::t;
use crate::letters::{LetterFormat, LetterSpec, LetterType};
use crate::service::StatusTarget;
use crate::tui::effect::{Effect, Question, UseCase};
use crate::tui::screens::queue::{AssigneeChoice, Filters};
use crate::tui::widgets::field_id::{Invalid, Named, Read, field_ids};

use super::{DialogKind, DialogState};

field_ids! {
    /// Assign and assign-marked.
    OperatorField { Login => "login" }
    NoteField { Text => "text", ToSubject => "to_subject" }
    StatusField { Status => "status", Reason => "reason" }
    /// Withdraw and reopen.
    ReasonField { Reason => "reason" }
    ExtendField { Days => "days", Reason => "reason" }
    PauseField { Category => "category", Reason => "reason" }
    LetterField { Type => "type", Lang => "lang", Format => "format" }
    /// The standard response text chosen (its code is the text).
    CannedField { Text => "text" }
    /// The path (named as the service's errors name it) and the kind of a file to attach.
    AttachField { File => "file", Kind => "kind" }
    /// Which file to save out, and where.
    SaveFileField { N => "n", Output => "output" }
    /// The office a request moves to, and why.
    MoveField { Office => "office", Reason => "reason" }
    /// The request a duplicate repeats.
    DuplicateField { Original => "duplicate-of" }
    FilterField {
        Kind => "kind",
        Status => "status",
        Assignee => "assignee",
        Channel => "channel",
        ReceivedFrom => "received_from",
        ReceivedTo => "received_to",
        Office => "office",
    }
}

/// A typed path: `~/` is the home folder, a relative one is under the folder aryz runs in.
fn typed_path(typed: &str) -> std::path::PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    crate::tui::widgets::path::expand(typed, &cwd, crate::tui::widgets::path::home().as_deref())
}

impl DialogState {
    /// The dialog's typed request, or the first field that is missing or invalid.
    pub fn request(&self) -> Result<Effect, Invalid> {
        let f = Read(&self.form);
        let (reference, version) = (self.reference.clone(), self.version);
        let run = |op| Ok(Effect::Run(Box::new(op)));
        match self.kind {
            DialogKind::Filter => {
                let date = |x: FilterField| {
                    crate::tui::input::parse_optional_date(&f.text(x)?).map_err(|e| Invalid::new(x, e))
                };
                Ok(Effect::Filter(Filters {
                    kind: f.optional::<RequestKind>(FilterField::Kind)?,
                    status: f.optional::<Status>(FilterField::Status)?,
                    assignee: match f.choice(FilterField::Assignee)?.as_str() {
                        "" => None,
                        "-" => Some(AssigneeChoice::Unassigned),
                        l => Some(AssigneeChoice::Login(l.to_string())),
                    },
                    channel: f.optional::<Channel>(FilterField::Channel)?,
                    received_from: date(FilterField::ReceivedFrom)?,
                    received_to: date(FilterField::ReceivedTo)?,
                    // Offered only to an operator who sees several offices.
                    office: match self.form.field(FilterField::Office) {
                        None => None,
                        Some(_) => match f.choice(FilterField::Office)?.as_str() {
                            "" => None,
                            id => Some(
                                id.parse()
                                    .map_err(|_| Invalid::new(FilterField::Office, t("error.required")))?,
                            ),
                        },
                    },
                }))
            }
            DialogKind::Withdraw | DialogKind::Reopen => {
                let reason = f.required(ReasonField::Reason)?;
                let (op, key) = if self.kind == DialogKind::Withdraw {
                    (UseCase::Withdraw { reference: reference.clone(), reason, version }, "confirm.withdraw")
                } else {
                    (UseCase::Reopen { reference: reference.clone(), reason, version }, "confirm.reopen")
                };
                let question = crate::i18n::tf(key, &[("reference", &reference)]);
                Ok(Effect::Confirm(Box::new(Question {
                    question,
                    details: Vec::new(),
                    op,
                    yes_focused: false,
                    on_no: None,
                })))
            }
            DialogKind::Extend => {
                let days = f
                    .text(ExtendField::Days)?
                    .parse::<u32>()
                    .map_err(|_| Invalid::new(ExtendField::Days, t("error.number")))?;
                let reason = f.text(ExtendField::Reason)?;
                let question = crate::i18n::tn(
                    "confirm.extend",
                    u64::from(days),
                    &[("reference", &reference), ("days", &days)],
                );
                let op = UseCase::Extend { reference, days, reason, version };
                Ok(Effect::Confirm(Box::new(Question {
                    question,
                    details: Vec::new(),
                    op,
                    yes_focused: true,
                    on_no: None,
                })))
            }
            DialogKind::MoveOffice => run(UseCase::MoveOffice {
                reference,
                to: f.choice(MoveField::Office)?,
                reason: f.required(MoveField::Reason)?,
            }),
            DialogKind::Assign => {
                run(UseCase::Assign { reference, login: f.choice(OperatorField::Login)?, version })
            }
            DialogKind::AssignMarked => run(UseCase::AssignMarked {
                references: self.references.clone(),
                login: f.choice(OperatorField::Login)?,
            }),
            DialogKind::Note => {
                let text = f.required(NoteField::Text)?;
                let to_subject = f.toggle(NoteField::ToSubject)?;
                let op = UseCase::Note { reference, text, to_subject };
                if !to_subject {
                    return run(op);
                }
                // A note to the subject leaves the office: asked, never by a stray space.
                Ok(Effect::Confirm(Box::new(Question {
                    question: t("draft.to_subject").to_string(),
                    details: Vec::new(),
                    op,
                    yes_focused: false,
                    on_no: None,
                })))
            }
            DialogKind::Status => run(UseCase::SetStatus {
                reference,
                target: f
                    .choice(StatusField::Status)?
                    .parse::<StatusTarget>()
                    .map_err(|e| Invalid::new(StatusField::Status, e.localized()))?,
                reason: f.text(StatusField::Reason)?,
                version,
            }),
            DialogKind::Pause => run(UseCase::Pause {
                reference,
                category: f.choice(PauseField::Category)?,
                reason: f.text(PauseField::Reason)?,
            }),
            DialogKind::Canned => {
                let text = f.choice(CannedField::Text)?;
                Ok(Effect::Batch(vec![Effect::Close, Effect::Answer(text)]))
            }
            DialogKind::Attach => {
                let typed = f.required(AttachField::File)?;
                let kind = f.parsed::<AttachmentKind>(AttachField::Kind)?;
                run(UseCase::Attach { reference, path: typed_path(&typed), kind })
            }
            DialogKind::SaveFile => {
                let n = f
                    .choice(SaveFileField::N)?
                    .parse::<i64>()
                    .map_err(|_| Invalid::new(SaveFileField::N, t("error.required")))?;
                let typed = f.required(SaveFileField::Output)?;
                run(UseCase::SaveAttachment { reference, n, path: typed_path(&typed) })
            }
            DialogKind::Duplicate => {
                let typed = f.required(DuplicateField::Original)?;
                // The one parser of references as people type them (`123` is this year's).
                let original = crate::domain::parse::reference(&typed, self.year)
                    .map_err(|e| Invalid::new(DuplicateField::Original, e.rule.localized()))?;
                if original == reference {
                    return Err(Invalid::new(
                        DuplicateField::Original,
                        crate::msg!("message.duplicate_self").localized(),
                    ));
                }
                let question = crate::i18n::tf(
                    "confirm.duplicate",
                    &[("reference", &reference), ("original", &original)],
                );
                Ok(Effect::Confirm(Box::new(Question {
                    question,
                    details: Vec::new(),
                    op: UseCase::CloseDuplicate { reference, original, version },
                    yes_focused: false,
                    on_no: None,
                })))
            }
            DialogKind::Letter => run(UseCase::Letter {
                reference,
                spec: LetterSpec {
                    letter_type: f.parsed::<LetterType>(LetterField::Type)?,
                    lang: Some(f.parsed::<Language>(LetterField::Lang)?),
                    format: f.parsed::<LetterFormat>(LetterField::Format)?,
                },
            }),
        }
    }

    /// Submits the dialog: its request as an effect, or the invalid field marked and focused.
    pub fn submit(&mut self) -> Effect {
        match self.request() {
            Ok(effect) => effect,
            Err(invalid) => {
                if let Some(i) = self.form.index(Named(&invalid.field)) {
                    self.form.fields[i].touched = true;
                    self.form.focus = i;
                }
                self.form.set_error(Named(&invalid.field), invalid.error);
                Effect::None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::form::{Field, Opt};

    fn dialog(kind: DialogKind, fields: Vec<Field>) -> DialogState {
        let mut d = DialogState::new(kind, None, fields);
        d.reference = "ARZ-2026-000001".into();
        d.version = 3;
        d
    }

    /// The status dialog once read `_ => InProgress`: a choice that is not a settable status
    /// is now an error under the field, and nothing runs.
    #[test]
    fn a_status_that_is_not_one_is_an_error_not_in_progress() {
        for opts in [vec![], vec![Opt::new("answered", "answered")]] {
            let mut d = dialog(
                DialogKind::Status,
                vec![
                    Field::choice(StatusField::Status, "Status", opts, ""),
                    Field::text(StatusField::Reason, "Reason", ""),
                ],
            );
            assert!(matches!(d.request(), Err(Invalid { ref field, .. }) if field == "status"));
            assert!(matches!(d.submit(), Effect::None));
            assert!(d.form.fields[0].error.is_some(), "the error is shown under the field");
        }
        let d = dialog(
            DialogKind::Status,
            vec![
                Field::choice(StatusField::Status, "Status", vec![Opt::new("awaiting_subject", "a")], ""),
                Field::text(StatusField::Reason, "Reason", " waiting "),
            ],
        );
        match d.request() {
            Ok(Effect::Run(op)) => {
                let UseCase::SetStatus { target, reason, version, .. } = *op else { panic!("{op:?}") };
                assert_eq!((target, reason.as_str(), version), (StatusTarget::AwaitingSubject, "waiting", 3));
            }
            other => panic!("{other:?}"),
        }
    }

    /// The letter dialog once fell back to an acknowledgement in PDF: a missing type or
    /// format is an error naming it.
    #[test]
    fn a_letter_without_a_type_or_format_is_refused_by_field() {
        let fields = |types: Vec<Opt>, formats: Vec<Opt>| {
            vec![
                Field::choice(LetterField::Type, "Type", types, ""),
                Field::choice(LetterField::Lang, "Language", vec![Opt::new("ky", "ky")], "ky"),
                Field::choice(LetterField::Format, "Format", formats, ""),
            ]
        };
        let txt = || vec![Opt::new("txt", "text")];
        let d = dialog(DialogKind::Letter, fields(vec![], txt()));
        assert!(matches!(d.request(), Err(Invalid { ref field, .. }) if field == "type"));
        let d = dialog(
            DialogKind::Letter,
            fields(vec![Opt::new("reply", "reply")], vec![Opt::new("doc", "doc")]),
        );
        assert!(matches!(d.request(), Err(Invalid { ref field, .. }) if field == "format"));
        let d = dialog(DialogKind::Letter, fields(vec![Opt::new("reply", "reply")], txt()));
        match d.request() {
            Ok(Effect::Run(op)) => {
                let UseCase::Letter { spec, .. } = *op else { panic!("{op:?}") };
                assert_eq!(spec.letter_type, LetterType::Reply);
                assert_eq!(spec.format, LetterFormat::Txt);
                assert_eq!(spec.lang, Some(Language::Ky));
            }
            other => panic!("{other:?}"),
        }
    }

    /// A missing field (a typo in an id once read as "") is an error, and so is an empty
    /// reason; a filled one asks before it runs.
    #[test]
    fn withdraw_needs_its_reason_and_asks_first() {
        let d = dialog(DialogKind::Withdraw, vec![Field::text(Named("reasn"), "Reason", "typo'd id")]);
        assert!(matches!(d.request(), Err(Invalid { ref field, .. }) if field == "reason"));
        let mut d = dialog(DialogKind::Withdraw, vec![Field::text(ReasonField::Reason, "Reason", "  ")]);
        assert!(matches!(d.submit(), Effect::None));
        assert!(d.form.fields[0].touched && d.form.fields[0].error.is_some());
        let d = dialog(DialogKind::Withdraw, vec![Field::text(ReasonField::Reason, "Reason", "by letter")]);
        match d.request() {
            Ok(Effect::Confirm(q)) => {
                assert!(!q.yes_focused, "a destructive question starts on no");
                assert!(
                    matches!(q.op, UseCase::Withdraw { ref reason, version: 3, .. } if reason == "by letter")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// Filters: "any" is no filter, a bad date is an error under its field.
    #[test]
    fn filters_parse_or_name_the_field() {
        let fields = |from: &str| {
            let any = || vec![Opt::new("", "any")];
            vec![
                Field::choice(FilterField::Kind, "Kind", vec![Opt::new("access", "access")], "access"),
                Field::choice(FilterField::Status, "Status", any(), ""),
                Field::choice(FilterField::Assignee, "Assignee", vec![Opt::new("-", "none")], "-"),
                Field::choice(FilterField::Channel, "Channel", any(), ""),
                Field::text(FilterField::ReceivedFrom, "From", from),
                Field::text(FilterField::ReceivedTo, "To", ""),
            ]
        };
        let d = dialog(DialogKind::Filter, fields("31.02.2026"));
        assert!(matches!(d.request(), Err(Invalid { ref field, .. }) if field == "received_from"));
        match dialog(DialogKind::Filter, fields("01.02.2026")).request() {
            Ok(Effect::Filter(f)) => {
                assert_eq!(f.kind, Some(RequestKind::Access));
                assert_eq!((f.status, f.channel), (None, None));
                assert_eq!(f.assignee, Some(AssigneeChoice::Unassigned));
                assert_eq!(f.received_from, Some(chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()));
            }
            other => panic!("{other:?}"),
        }
    }
}
