//! Small forms over a screen: assign, note, status change, withdraw, reopen, extend, pause,
//! and the queue's filters. Final or destructive ones pass through a confirmation.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::domain::attachment::{Attachment, AttachmentKind};
use crate::domain::format::date_dmy;
use crate::domain::kind::{Channel, RequestKind};
use crate::domain::request::SubjectRequest;
use crate::domain::safe_text::clean;
use crate::domain::status::{Status, Transition};
use crate::i18n::{label, label_owned, t, tf};
use crate::service::Session;
use crate::tui::action::Command;
use crate::tui::component::{Component, Context, Ctx, Env};
use crate::tui::effect::Effect;
use crate::tui::screens::intake::options;
use crate::tui::screens::queue::{AssigneeChoice, Filters};
use crate::tui::theme::Theme;
use crate::tui::widgets::field_id::Named;
use crate::tui::widgets::form::{Field, Form, FormKey, FormView, Opt};
use crate::tui::widgets::line_edit::EditOp;
use crate::tui::widgets::path;
use crate::tui::widgets::wrap::ellipsis;

/// A stored file's name as a path to save to: its last component, never a folder above.
fn safe_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned = clean(last);
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." { "attachment".to_string() } else { cleaned }
}

pub mod fields;

use fields::{
    AttachField, CannedField, DuplicateField, ExtendField, FilterField, LetterField, MoveField, NoteField,
    OperatorField, PauseField, ReasonField, SaveFileField, StatusField,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    Assign,
    /// Assigning the requests marked in the queue, in one transaction.
    AssignMarked,
    Note,
    Status,
    Withdraw,
    Reopen,
    Extend,
    Pause,
    Filter,
    Letter,
    /// Choosing a standard response text to insert.
    Canned,
    /// Attaching a file: its path (Tab completes) and its kind.
    Attach,
    /// Saving one of the request's files out to a new file.
    SaveFile,
    /// Closing the request as a duplicate of another (supervisors).
    Duplicate,
    /// Moving the request to another office (head-office supervisors, administrators).
    MoveOffice,
}

#[derive(Debug)]
pub struct DialogState {
    pub kind: DialogKind,
    pub reference: String,
    pub version: i64,
    /// The marked requests of a bulk assignment.
    pub references: Vec<String>,
    pub form: Form,
    /// A failed save's message, shown in the dialog (which stays open with its input).
    pub problem: Option<String>,
    /// The files of a save dialog: number and the name offered as the path.
    pub files: Vec<(i64, String)>,
    /// The size limit of an attach dialog, in MB.
    pub limit_mb: u64,
    /// The year a bare request number is read in (this year).
    pub year: i32,
}

impl DialogState {
    fn new(kind: DialogKind, r: Option<&SubjectRequest>, fields: Vec<Field>) -> DialogState {
        DialogState {
            kind,
            reference: r.map(|r| r.reference.clone()).unwrap_or_default(),
            version: r.map_or(0, |r| r.version),
            references: Vec::new(),
            form: Form::new(fields),
            problem: None,
            files: Vec::new(),
            limit_mb: 0,
            year: 0,
        }
    }

    pub fn title(&self) -> String {
        let key = match self.kind {
            DialogKind::Assign => "dialog.assign",
            DialogKind::AssignMarked => "dialog.assign_marked",
            DialogKind::Note => "dialog.note",
            DialogKind::Status => "dialog.status",
            DialogKind::Withdraw => "dialog.withdraw",
            DialogKind::Reopen => "dialog.reopen",
            DialogKind::Extend => "dialog.extend",
            DialogKind::Pause => "dialog.pause",
            DialogKind::Filter => "dialog.filter",
            DialogKind::Letter => "dialog.letter",
            DialogKind::Canned => "dialog.canned",
            DialogKind::Attach => "dialog.attach",
            DialogKind::SaveFile => "dialog.save_file",
            DialogKind::Duplicate => "dialog.duplicate",
            DialogKind::MoveOffice => "dialog.move_office",
        };
        if self.kind == DialogKind::AssignMarked {
            tf(key, &[("n", &self.references.len())])
        } else if self.reference.is_empty() {
            t(key).to_string()
        } else {
            format!("{} — {}", t(key), self.reference)
        }
    }

    /// Assigning the marked requests: the operator to give them to.
    pub fn assign_marked(session: &Session, references: Vec<String>) -> DialogState {
        let current = session.operator.login.clone();
        let mut d = DialogState::new(
            DialogKind::AssignMarked,
            None,
            vec![Field::choice(
                OperatorField::Login,
                t("field.operator"),
                operator_options(session),
                &current,
            )],
        );
        if let Some(f) = d.form.field_mut(OperatorField::Login) {
            f.hint = Some(crate::domain::safe_text::clean(&references.join(", ")));
        }
        d.references = references;
        d
    }

    pub fn assign(session: &Session, r: &SubjectRequest) -> DialogState {
        let ops = operator_options(session);
        let current = r.assignee.clone().unwrap_or_else(|| session.operator.login.clone());
        DialogState::new(
            DialogKind::Assign,
            Some(r),
            vec![Field::choice(OperatorField::Login, t("field.operator"), ops, &current)],
        )
    }
}

/// The active operators who handle requests, most available first, as choices
/// "login (role) · open N · soon N · overdue N".
fn operator_options(session: &Session) -> Vec<Opt> {
    session
        .assignable(session.today())
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            // The login and role, without the name: the caseload needs the room.
            let o = c.operator;
            let who = format!("{} ({})", o.login, label("role", o.role.code()));
            let load = crate::i18n::tf(
                "supervision.caseload",
                &[("open", &c.open), ("soon", &c.due_soon), ("overdue", &c.overdue)],
            );
            // Clerks see no one's caseload.
            let text = if session.role() >= crate::domain::kind::Role::Supervisor {
                format!("{who} · {load}")
            } else {
                who
            };
            Opt::new(o.login, crate::domain::safe_text::clean(&text))
        })
        .collect()
}

impl DialogState {
    pub fn note(r: &SubjectRequest) -> DialogState {
        DialogState::new(
            DialogKind::Note,
            Some(r),
            vec![
                Field::area(NoteField::Text, t("field.note"), ""),
                Field::toggle(NoteField::ToSubject, t("field.to_subject"), false),
            ],
        )
    }

    pub fn status(r: &SubjectRequest) -> DialogState {
        let mut opts = Vec::new();
        if r.status.apply(Transition::StartWork).is_some() {
            opts.push(Opt::new("in_progress", label("status", Status::InProgress.code())));
        }
        if r.status.apply(Transition::AwaitSubject).is_some() {
            opts.push(Opt::new("awaiting_subject", label("status", Status::AwaitingSubject.code())));
        }
        DialogState::new(
            DialogKind::Status,
            Some(r),
            vec![
                Field::choice(StatusField::Status, t("field.new_status"), opts, ""),
                Field::text(StatusField::Reason, t("field.reason_optional"), ""),
            ],
        )
    }

    /// Which letter to write: an acknowledgement always, a reply once answered, an extension
    /// notice once extended; in the language of the appeal unless changed; PDF or text.
    pub fn letter(r: &SubjectRequest) -> DialogState {
        let mut types = vec![Opt::new("acknowledgement", t("letter_type.acknowledgement"))];
        if r.status == Status::Answered {
            types.push(Opt::new("reply", t("letter_type.reply")));
        }
        if r.extensions > 0 {
            types.push(Opt::new("extension", t("letter_type.extension")));
        }
        let first = if r.status == Status::Answered { "reply" } else { "acknowledgement" };
        let langs = crate::domain::kind::Language::ALL
            .iter()
            .map(|l| Opt::new(l.code(), label("lang", l.code())))
            .collect();
        let formats = vec![Opt::new("pdf", "PDF"), Opt::new("txt", t("letter_format.txt"))];
        DialogState::new(
            DialogKind::Letter,
            Some(r),
            vec![
                Field::choice(LetterField::Type, t("field.letter_type"), types, first),
                Field::choice(LetterField::Lang, t("field.letter_lang"), langs, r.lang.code()),
                Field::choice(LetterField::Format, t("field.letter_format"), formats, "pdf"),
            ],
        )
    }

    /// The standard texts to choose from (name shown; the text is inserted).
    pub fn canned(texts: &[&crate::letters::canned::Canned]) -> DialogState {
        let opts = texts
            .iter()
            .map(|c| Opt::new(c.text.clone(), crate::domain::safe_text::clean(&c.name)))
            .collect();
        let mut d = DialogState::new(
            DialogKind::Canned,
            None,
            vec![Field::choice(CannedField::Text, t("canned.field"), opts, "")],
        );
        d.update_canned_hint();
        d
    }

    /// Under the choice, the start of the chosen text.
    pub fn update_canned_hint(&mut self) {
        if self.kind != DialogKind::Canned {
            return;
        }
        let text = self.form.choice(CannedField::Text).to_string();
        if let Some(f) = self.form.field_mut(CannedField::Text) {
            let shown = text.split_whitespace().collect::<Vec<_>>().join(" ");
            f.hint = Some(crate::domain::safe_text::clean(&crate::tui::widgets::wrap::ellipsis(&shown, 200)));
        }
    }

    /// Attaching a file: the path, with the size limit under it, and the kind (chosen, no
    /// default).
    pub fn attach(session: &Session, r: &SubjectRequest) -> DialogState {
        let mut kinds = vec![Opt::new("", t("editing.choose"))];
        kinds.extend(options(AttachmentKind::ALL, "attachment_kind", AttachmentKind::code));
        let mut d = DialogState::new(
            DialogKind::Attach,
            Some(r),
            vec![
                Field::text(AttachField::File, t("field.file"), ""),
                Field::choice(AttachField::Kind, t("field.attachment_kind"), kinds, ""),
            ],
        );
        d.limit_mb = session.attachment_limit() / (1024 * 1024);
        d.set_path_hint(None);
        d
    }

    /// Saving a file out: which one (the newest first chosen) and where, by default its own
    /// name in the folder aryz was started in.
    pub fn save_file(r: &SubjectRequest, files: &[Attachment]) -> DialogState {
        let opts = files
            .iter()
            .map(|a| {
                let kind = label("attachment_kind", a.kind.code());
                let size = crate::tui::screens::detail::size_text(a.size);
                Opt::new(a.n.to_string(), clean(&format!("{}. {} · {kind} · {size}", a.n, a.file_name)))
            })
            .collect();
        let last = files.last();
        let mut d = DialogState::new(
            DialogKind::SaveFile,
            Some(r),
            vec![
                Field::choice(
                    SaveFileField::N,
                    t("field.attachment"),
                    opts,
                    &last.map(|a| a.n.to_string()).unwrap_or_default(),
                ),
                Field::text(
                    SaveFileField::Output,
                    t("field.output"),
                    &last.map(|a| safe_name(&a.file_name)).unwrap_or_default(),
                ),
            ],
        );
        d.files = files.iter().map(|a| (a.n, safe_name(&a.file_name))).collect();
        d.set_path_hint(None);
        d
    }

    /// When another file is chosen, the path follows it unless the clerk typed their own.
    fn follow_chosen_file(&mut self) {
        let chosen = self.form.choice(SaveFileField::N).to_string();
        let typed = self.form.text(SaveFileField::Output).to_string();
        let own = !typed.is_empty() && !self.files.iter().any(|(_, name)| *name == typed);
        if let (false, Some((_, name))) = (own, self.files.iter().find(|(n, _)| n.to_string() == chosen)) {
            let name = name.clone();
            self.form.set_text(SaveFileField::Output, &name);
        }
    }

    /// Closing as a duplicate: the reference of the request it repeats.
    pub fn duplicate(r: &SubjectRequest, today: chrono::NaiveDate) -> DialogState {
        let mut d = DialogState::new(
            DialogKind::Duplicate,
            Some(r),
            vec![Field::text(DuplicateField::Original, t("field.duplicate_of"), "")],
        );
        d.year = chrono::Datelike::year(&today);
        if let Some(f) = d.form.field_mut(DuplicateField::Original) {
            f.hint = Some(t("dialog.duplicate_hint").to_string());
        }
        d
    }

    /// The field that holds a path, where Tab completes.
    fn path_field(&self) -> Option<Named<'static>> {
        match self.kind {
            DialogKind::Attach => Some(Named(AttachField::File.name())),
            DialogKind::SaveFile => Some(Named(SaveFileField::Output.name())),
            _ => None,
        }
    }

    /// Under the path: what Tab found (several names, or none), else what the path is for.
    fn set_path_hint(&mut self, found: Option<String>) {
        let Some(id) = self.path_field() else { return };
        let hint = found.unwrap_or_else(|| match self.kind {
            DialogKind::Attach => tf("dialog.attach_hint", &[("mb", &self.limit_mb)]),
            _ => t("dialog.save_hint").to_string(),
        });
        if let Some(f) = self.form.field_mut(id) {
            f.hint = Some(hint);
        }
    }

    /// Tab in the path: completes the name typed so far, as a shell does.
    fn complete_path(&mut self) {
        let Some(id) = self.path_field() else { return };
        let typed = self.form.text(id).to_string();
        let cwd = std::env::current_dir().unwrap_or_default();
        let done = path::complete(&typed, &cwd, path::home().as_deref());
        if done.text != typed {
            self.form.set_text(id, &done.text);
            if let Some(f) = self.form.field_mut(id) {
                f.touched = true;
                f.error = None;
            }
        }
        let found = if !done.candidates.is_empty() {
            let names = ellipsis(&clean(&done.candidates.join("  ")), 300);
            Some(tf("dialog.matches", &[("n", &done.candidates.len()), ("names", &names)]))
        } else if done.text == typed {
            Some(t("dialog.no_match").to_string())
        } else {
            None
        };
        self.set_path_hint(found);
    }

    /// Moving `r` to another office: the active offices it is not in, and why.
    pub fn move_office(session: &Session, r: &SubjectRequest) -> DialogState {
        let offices: Vec<Opt> = session
            .offices()
            .unwrap_or_default()
            .into_iter()
            .filter(|o| o.active && o.id != r.office)
            .map(|o| {
                let name = o.name(crate::i18n::current().code());
                let label = if name == o.code { o.code.clone() } else { format!("{} — {name}", o.code) };
                Opt::new(o.code.clone(), label)
            })
            .collect();
        let first = offices.first().map(|o| o.code.clone()).unwrap_or_default();
        DialogState::new(
            DialogKind::MoveOffice,
            Some(r),
            vec![
                Field::choice(MoveField::Office, t("field.office"), offices, &first),
                Field::text(MoveField::Reason, t("field.reason"), ""),
            ],
        )
    }

    pub fn reason(kind: DialogKind, r: &SubjectRequest) -> DialogState {
        DialogState::new(kind, Some(r), vec![Field::text(ReasonField::Reason, t("field.reason"), "")])
    }

    pub fn extend(session: &Session, r: &SubjectRequest) -> DialogState {
        let max = session.rules.extension.max_days;
        let mut d = DialogState::new(
            DialogKind::Extend,
            Some(r),
            vec![
                Field::text(ExtendField::Days, &tf("field.days", &[("max", &max)]), &max.to_string()),
                Field::text(ExtendField::Reason, t("field.reason"), ""),
            ],
        );
        if let Some(f) = d.form.field_mut(ExtendField::Days) {
            f.hint = Some(tf("dialog.extend_hint", &[("due", &date_dmy(r.due_on))]));
        }
        d
    }

    pub fn pause(session: &Session, r: &SubjectRequest) -> DialogState {
        let cats: Vec<Opt> = session
            .rules
            .pause
            .categories
            .iter()
            .map(|c| Opt::new(c.clone(), label_owned("pause", c)))
            .collect();
        DialogState::new(
            DialogKind::Pause,
            Some(r),
            vec![
                Field::choice(PauseField::Category, t("field.pause_category"), cats, ""),
                Field::text(PauseField::Reason, t("field.reason"), ""),
            ],
        )
    }

    pub fn filter(session: &Session, current: &Filters) -> DialogState {
        let any = || Opt::new("", t("filter.any"));
        let mut kinds = vec![any()];
        kinds.extend(options(RequestKind::ALL, "kind", RequestKind::code));
        let mut statuses = vec![any()];
        statuses.extend(options(Status::ALL, "status", Status::code));
        let mut channels = vec![any()];
        channels.extend(options(Channel::ALL, "channel", Channel::code));
        let mut assignees = vec![any(), Opt::new("-", t("filter.unassigned"))];
        assignees.extend(
            session.operators().unwrap_or_default().into_iter().map(|o| Opt::new(o.login.clone(), o.login)),
        );
        let assignee = match &current.assignee {
            None => String::new(),
            Some(AssigneeChoice::Unassigned) => "-".into(),
            Some(AssigneeChoice::Login(l)) => l.clone(),
        };
        // The offices this operator sees (`Operator::scope`); no choice when that is one.
        let scope = session.scope();
        let offices: Vec<Opt> = session
            .offices()
            .unwrap_or_default()
            .into_iter()
            .filter(|o| scope.covers(o.id))
            .map(|o| Opt::new(o.id.to_string(), o.code))
            .collect();
        let office = (offices.len() > 1).then(|| {
            let mut opts = vec![any()];
            opts.extend(offices);
            Field::choice(
                FilterField::Office,
                t("field.office"),
                opts,
                &current.office.map(|o| o.to_string()).unwrap_or_default(),
            )
        });
        let mut fields = vec![
            Field::choice(FilterField::Kind, t("field.kind"), kinds, current.kind.map_or("", |k| k.code())),
            Field::choice(
                FilterField::Status,
                t("field.status"),
                statuses,
                current.status.map_or("", |s| s.code()),
            ),
            Field::choice(FilterField::Assignee, t("field.assignee"), assignees, &assignee),
            Field::choice(
                FilterField::Channel,
                t("field.channel"),
                channels,
                current.channel.map_or("", |c| c.code()),
            ),
            Field::text(
                FilterField::ReceivedFrom,
                t("field.received_from"),
                &current.received_from.map(date_dmy).unwrap_or_default(),
            ),
            Field::text(
                FilterField::ReceivedTo,
                t("field.received_to"),
                &current.received_to.map(date_dmy).unwrap_or_default(),
            ),
        ];
        fields.extend(office);
        DialogState::new(DialogKind::Filter, None, fields)
    }
}

impl Component for DialogState {
    fn context(&self) -> Context {
        Context::Form
    }

    fn handle(&mut self, cmd: Command, _ctx: &Ctx<'_>) -> Option<Effect> {
        match self.form.command(cmd) {
            FormKey::Moved => Some(Effect::None),
            FormKey::Changed => {
                self.update_canned_hint();
                if self.kind == DialogKind::SaveFile {
                    self.follow_chosen_file();
                }
                Some(Effect::None)
            }
            FormKey::Save => Some(self.submit()),
            FormKey::Cancel => Some(Effect::Cancel),
            FormKey::Other => None,
        }
    }

    fn multiline_focused(&self) -> bool {
        self.form.focused_is_area()
    }

    /// Dialogs where something is typed keep it; choices alone (assign, filter, letter) not.
    fn draft(&self) -> Option<(String, &Form)> {
        let name = match self.kind {
            DialogKind::Note => "note",
            DialogKind::Status => "status",
            DialogKind::Withdraw => "withdraw",
            DialogKind::Reopen => "reopen",
            DialogKind::Extend => "extend",
            DialogKind::Pause => "pause",
            DialogKind::MoveOffice => "move",
            DialogKind::Assign
            | DialogKind::AssignMarked
            | DialogKind::Filter
            | DialogKind::Letter
            | DialogKind::Canned
            | DialogKind::Attach
            | DialogKind::SaveFile
            | DialogKind::Duplicate => {
                return None;
            }
        };
        Some((format!("{name}-{}", self.reference), &self.form))
    }

    fn restore(&mut self, values: &crate::tui::widgets::form::Values, _ctx: &Ctx<'_>) {
        self.form.restore(values);
    }

    fn edit(&mut self, op: &EditOp, _ctx: &Ctx<'_>) -> Effect {
        if *op == EditOp::Complete {
            self.complete_path();
        } else if self.form.edit(op) && self.path_field().is_some() {
            self.set_path_hint(None);
        }
        Effect::None
    }

    fn text_focused(&self) -> bool {
        self.form.focused_is_text()
    }

    fn completes(&self) -> bool {
        self.path_field().is_some_and(|id| self.form.focused().is_some_and(|f| f.id == id.0))
    }

    fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
        use Command::{Cancel, NextField, NextOption, Save, ShowHelp, ToggleOption};
        vec![NextField, NextOption, ToggleOption, Save, Cancel, ShowHelp]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
        DialogView { state: self, theme: env.theme }.render(area, buf);
    }
}

/// A dialog drawn centred over the screen.
pub(crate) struct DialogView<'a> {
    pub state: &'a DialogState,
    pub theme: &'a Theme,
}

impl Widget for DialogView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        // The form's rows (a text box takes several), a spare row, and one for an error.
        let w = area.width.saturating_sub(4).min(72);
        let form_h = self.state.form.height(w.saturating_sub(2)) + 1;
        let h = (form_h + 2 + u16::from(self.state.problem.is_some())).min(area.height);
        let popup = area.centered(Constraint::Length(w), Constraint::Length(h));
        Clear.render(popup, buf);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(th.focus)
            .title(Span::styled(format!(" {} ", self.state.title()), th.title));
        let inner = block.inner(popup);
        block.render(popup, buf);
        let mut form_area = inner;
        if let Some(p) = &self.state.problem {
            let last = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner };
            Paragraph::new(Line::styled(p.clone(), th.error)).wrap(Wrap { trim: true }).render(last, buf);
            form_area.height = form_area.height.saturating_sub(1);
        }
        FormView { form: &self.state.form, theme: th, focused: true }.render(form_area, buf);
    }
}

/// A yes/no question guarding a final or destructive action.
pub(crate) struct ConfirmView<'a> {
    pub question: &'a str,
    pub details: &'a [String],
    pub yes_focused: bool,
    pub theme: &'a Theme,
    /// What "yes" does, as its button says ("Yes, save", "Yes, discard").
    pub yes: &'a str,
    pub no: &'a str,
}

impl Widget for ConfirmView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let w = area.width.saturating_sub(4).min(70);
        let inner_w = usize::from(w.saturating_sub(4).max(1));
        let mut lines = vec![Line::styled(self.question.to_string(), th.title)];
        for d in self.details {
            lines.push(Line::styled(format!("! {d}"), th.warning));
        }
        lines.push(Line::raw(""));
        let (yes, no) = if self.yes_focused { (th.selected, th.base) } else { (th.base, th.selected) };
        lines.push(
            Line::from(vec![
                Span::styled(format!(" {} ", self.no), no),
                Span::raw("   "),
                Span::styled(format!(" {} ", self.yes), yes),
            ])
            .centered(),
        );
        let text_h: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner_w)).sum();
        let h = (text_h as u16 + 2).min(area.height);
        let popup = area.centered(Constraint::Length(w), Constraint::Length(h));
        Clear.render(popup, buf);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(th.warning)
            .padding(ratatui::widgets::Padding::horizontal(1))
            .title(Span::styled(format!(" {} ", t("confirm.title")), th.title));
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block).render(popup, buf);
    }
}
