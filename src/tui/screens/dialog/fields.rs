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
use crate::tui::widgets::form::{Form, Input};

use super::{DialogKind, DialogState};

/// A dialog's field: its id in the form (the domain's name, as in the services' errors).
pub(crate) trait FieldId: Copy {
    fn id(self) -> &'static str;
}

macro_rules! field_ids {
    ($($(#[$doc:meta])* $name:ident { $($variant:ident => $id:literal),+ $(,)? })+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum $name { $($variant),+ }
        impl FieldId for $name {
            fn id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }
        }
    )+};
}

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
    /// The request a duplicate repeats.
    DuplicateField { Original => "duplicate-of" }
    FilterField {
        Kind => "kind",
        Status => "status",
        Assignee => "assignee",
        Channel => "channel",
        ReceivedFrom => "received_from",
        ReceivedTo => "received_to",
    }
}

/// A field's value was missing or invalid: shown under the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub error: String,
}

impl Invalid {
    fn new(field: impl FieldId, error: impl Into<String>) -> Invalid {
        Invalid { field: field.id(), error: error.into() }
    }
}

/// Typed reads of a dialog's form.
struct Read<'a>(&'a Form);

impl Read<'_> {
    fn input(&self, f: impl FieldId) -> Result<&Input, Invalid> {
        self.0.field(f.id()).map(|x| &x.input).ok_or_else(|| Invalid::new(f, t("error.required")))
    }

    fn text(&self, f: impl FieldId) -> Result<String, Invalid> {
        match self.input(f)? {
            Input::Text(e) => Ok(e.text().trim().to_string()),
            Input::Area(b) => Ok(b.text().trim().to_string()),
            _ => Err(Invalid::new(f, t("error.required"))),
        }
    }

    /// A text that must not be empty.
    fn required(&self, f: impl FieldId) -> Result<String, Invalid> {
        let text = self.text(f)?;
        if text.is_empty() { Err(Invalid::new(f, t("error.required"))) } else { Ok(text) }
    }

    /// The chosen option's code; a choice with no options is missing.
    fn choice(&self, f: impl FieldId) -> Result<String, Invalid> {
        match self.input(f)? {
            Input::Choice { options, selected } => options
                .get(*selected)
                .map(|o| o.code.clone())
                .ok_or_else(|| Invalid::new(f, t("error.required"))),
            _ => Err(Invalid::new(f, t("error.required"))),
        }
    }

    /// A choice parsed into its type; "" (any) is `None`.
    fn optional<T: std::str::FromStr>(&self, f: impl FieldId) -> Result<Option<T>, Invalid>
    where
        T::Err: crate::i18n::localize::Localize,
    {
        let code = self.choice(f)?;
        if code.is_empty() {
            return Ok(None);
        }
        code.parse().map(Some).map_err(|e: T::Err| Invalid::new(f, e.localized()))
    }

    /// A choice that must be made and parse.
    fn parsed<T: std::str::FromStr>(&self, f: impl FieldId) -> Result<T, Invalid>
    where
        T::Err: crate::i18n::localize::Localize,
    {
        self.optional(f)?.ok_or_else(|| Invalid::new(f, t("error.required")))
    }

    fn toggle(&self, f: impl FieldId) -> Result<bool, Invalid> {
        match self.input(f)? {
            Input::Toggle(on) => Ok(*on),
            _ => Err(Invalid::new(f, t("error.required"))),
        }
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
                if let Some(i) = self.form.index(invalid.field) {
                    self.form.fields[i].touched = true;
                    self.form.focus = i;
                }
                self.form.set_error(invalid.field, invalid.error);
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
                    Field::choice(StatusField::Status.id(), "Status", opts, ""),
                    Field::text(StatusField::Reason.id(), "Reason", ""),
                ],
            );
            assert!(matches!(d.request(), Err(Invalid { field: "status", .. })));
            assert!(matches!(d.submit(), Effect::None));
            assert!(d.form.fields[0].error.is_some(), "the error is shown under the field");
        }
        let d = dialog(
            DialogKind::Status,
            vec![
                Field::choice(
                    StatusField::Status.id(),
                    "Status",
                    vec![Opt::new("awaiting_subject", "a")],
                    "",
                ),
                Field::text(StatusField::Reason.id(), "Reason", " waiting "),
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
                Field::choice(LetterField::Type.id(), "Type", types, ""),
                Field::choice(LetterField::Lang.id(), "Language", vec![Opt::new("ky", "ky")], "ky"),
                Field::choice(LetterField::Format.id(), "Format", formats, ""),
            ]
        };
        let txt = || vec![Opt::new("txt", "text")];
        let d = dialog(DialogKind::Letter, fields(vec![], txt()));
        assert!(matches!(d.request(), Err(Invalid { field: "type", .. })));
        let d = dialog(
            DialogKind::Letter,
            fields(vec![Opt::new("reply", "reply")], vec![Opt::new("doc", "doc")]),
        );
        assert!(matches!(d.request(), Err(Invalid { field: "format", .. })));
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
        let d = dialog(DialogKind::Withdraw, vec![Field::text("reasn", "Reason", "typo'd id")]);
        assert!(matches!(d.request(), Err(Invalid { field: "reason", .. })));
        let mut d = dialog(DialogKind::Withdraw, vec![Field::text(ReasonField::Reason.id(), "Reason", "  ")]);
        assert!(matches!(d.submit(), Effect::None));
        assert!(d.form.fields[0].touched && d.form.fields[0].error.is_some());
        let d =
            dialog(DialogKind::Withdraw, vec![Field::text(ReasonField::Reason.id(), "Reason", "by letter")]);
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
                Field::choice(FilterField::Kind.id(), "Kind", vec![Opt::new("access", "access")], "access"),
                Field::choice(FilterField::Status.id(), "Status", any(), ""),
                Field::choice(FilterField::Assignee.id(), "Assignee", vec![Opt::new("-", "none")], "-"),
                Field::choice(FilterField::Channel.id(), "Channel", any(), ""),
                Field::text(FilterField::ReceivedFrom.id(), "From", from),
                Field::text(FilterField::ReceivedTo.id(), "To", ""),
            ]
        };
        let d = dialog(DialogKind::Filter, fields("31.02.2026"));
        assert!(matches!(d.request(), Err(Invalid { field: "received_from", .. })));
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
