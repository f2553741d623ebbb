//! The app's state and its one `update` step: an [`Action`] in, state changed (and the
//! services called) out. Nothing here draws or touches the terminal, so tests drive it
//! directly.
//!
//! For a newcomer: a key is resolved through the keymap to a [`Command`] for the current
//! [`Context`]; the top dialog or screen handles it. Dialogs return an
//! [`Effect`](super::effect::Effect) (run a use case, ask first, close, filter, message) that
//! [`App::apply`] carries out, so a dialog never calls a service itself; whether a request
//! action is offered or refused is the service's answer (`service::permissions`), never
//! decided here.

use chrono::{Datelike, NaiveDate};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use super::action::{Action, Command, Scope};
use super::effect::Effect;
use super::keymap::{KeyCodeKey, KeyCombo, KeyMap};
use super::screens::audit::AuditState;
use super::screens::calendar::CalendarState;
use super::screens::dashboard::DashboardState;
use super::screens::detail::{DetailState, refusal};
use super::screens::dialog::{DialogKind, DialogState};
use super::screens::help::{HelpState, scopes};
use super::screens::intake::IntakeState;
use super::screens::queue::{AssigneeChoice, Filters, QueueState, Section};
use super::screens::report::ReportState;
use super::screens::response::ResponseState;
use super::theme::Theme;
use super::widgets::line_edit::{EditOp, LineEdit};
use crate::domain::format::date_dmy;
use crate::domain::kind::Role;
use crate::domain::request::{SubjectRequest, format_reference, parse_reference};
use crate::i18n::{label, t, tf};
use crate::service::{Error, Session};
use crate::store::{AssigneeFilter, Counts};

/// Which keys apply: decided by the top overlay, else the top screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Queue,
    Detail,
    Calendar,
    Help,
    Dashboard,
    Report,
    Audit,
    /// Intake, response, dialogs and prompts: letters are typed, not commands.
    Form,
    Confirm,
}

pub enum Screen {
    Detail(Box<DetailState>),
    Intake(IntakeState),
    Response(ResponseState),
    Calendar(CalendarState),
    Help(HelpState),
    Dashboard(Box<DashboardState>),
    Report(Box<ReportState>),
    Audit(Box<AuditState>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Jump,
    /// The audit screen's filter: a reference or an operator.
    AuditFilter,
}

#[derive(Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub edit: LineEdit,
    /// The search before the prompt opened, restored on cancel.
    pub previous: String,
}

pub use super::effect::Question as Confirm;
pub use super::effect::UseCase as PendingOp;

pub enum Overlay {
    Prompt(Prompt),
    Dialog(DialogState),
    Confirm(Box<Confirm>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

pub struct App {
    pub session: Session,
    pub keymap: KeyMap,
    pub theme: Theme,
    pub today: NaiveDate,
    pub counts: Counts,
    pub queue: QueueState,
    /// Screens above the queue, the last on top.
    pub screens: Vec<Screen>,
    /// Prompts, dialogs and confirmations, the last on top.
    pub overlays: Vec<Overlay>,
    pub message: Option<Message>,
    pub quit: bool,
    /// Templates, letterhead and folder for letters written from the detail screen; `None`
    /// when the templates could not be loaded (the error is shown when a letter is asked).
    pub letters: Option<LetterSetup>,
    /// Loads [`App::letters`] when the first letter is asked for. Templates and fonts took
    /// 7–8 ms, half of the first screen's time, for a screen most sessions never open.
    pub load_letters: Option<Box<dyn FnOnce() -> Option<LetterSetup>>>,
}

/// What writing a letter from the terminal UI needs from the configuration.
pub struct LetterSetup {
    pub kit: crate::letters::Kit,
    pub letterhead: std::collections::BTreeMap<String, crate::letters::LetterheadConfig>,
    pub dir: std::path::PathBuf,
}

type Outcome<T> = crate::service::Result<T>;

impl App {
    pub fn new(session: Session, keymap: KeyMap, theme: Theme) -> Outcome<App> {
        let today = session.today();
        let section = if session.role() == Role::Clerk { Section::Mine } else { Section::AllOpen };
        let mut app = App {
            session,
            keymap,
            theme,
            today,
            counts: Counts::default(),
            queue: QueueState::new(section),
            screens: Vec::new(),
            overlays: Vec::new(),
            message: None,
            quit: false,
            letters: None,
            load_letters: None,
        };
        app.queue.reload(&app.session, today)?;
        crate::startup_trace::mark("first page of the queue read");
        app.counts = app.session.counts(today, &app.counts_scope())?;
        crate::startup_trace::mark("header counts read");
        Ok(app)
    }

    /// Header counts: a clerk's own queue, or everyone's for supervisors.
    pub fn counts_scope(&self) -> AssigneeFilter {
        if self.session.role() == Role::Clerk {
            AssigneeFilter::Is(self.session.operator.login.clone())
        } else {
            AssigneeFilter::Any
        }
    }

    pub fn context(&self) -> Context {
        match self.overlays.last() {
            Some(Overlay::Confirm(_)) => return Context::Confirm,
            Some(_) => return Context::Form,
            None => {}
        }
        match self.screens.last() {
            None => Context::Queue,
            Some(Screen::Detail(_)) => Context::Detail,
            Some(Screen::Calendar(_)) => Context::Calendar,
            Some(Screen::Help(_)) => Context::Help,
            Some(Screen::Dashboard(_)) => Context::Dashboard,
            Some(Screen::Report(_)) => Context::Report,
            Some(Screen::Audit(_)) => Context::Audit,
            Some(Screen::Intake(_) | Screen::Response(_)) => Context::Form,
        }
    }

    fn info(&mut self, text: String) {
        self.message = Some(Message { text, is_error: false });
    }

    fn error(&mut self, text: String) {
        let text = crate::i18n::messages::translate(&text);
        self.message = Some(Message { text, is_error: true });
    }

    /// Keeps the value, or shows the error in the status line.
    fn ok<T>(&mut self, r: Outcome<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(e.to_string());
                None
            }
        }
    }

    // ---- input ------------------------------------------------------------------------

    /// Resolves a key to an action: typing into a focused text field first, then the
    /// keymap of the current context.
    pub fn resolve_key(&self, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let combo = KeyCombo::from_event(key)?;
        // Ctrl-C quits from every screen, form and dialog, whatever the keymap says.
        if combo == crate::tui::keymap::ctrl_c() {
            return Some(Action::Do(Command::Quit));
        }
        let context = self.context();
        if context == Context::Form && self.text_focused() {
            let edit = match (combo.code, combo.ctrl, combo.alt) {
                (KeyCodeKey::Char(c), false, false) => Some(EditOp::Insert(c)),
                (KeyCodeKey::Backspace, _, _) => Some(EditOp::Backspace),
                (KeyCodeKey::Delete, _, _) => Some(EditOp::Delete),
                (KeyCodeKey::Left, false, _) => Some(EditOp::Left),
                (KeyCodeKey::Right, false, _) => Some(EditOp::Right),
                (KeyCodeKey::Home, _, _) => Some(EditOp::Home),
                (KeyCodeKey::End, _, _) => Some(EditOp::End),
                (KeyCodeKey::Char('u'), true, false) => Some(EditOp::ClearToStart),
                (KeyCodeKey::Char('w'), true, false) => Some(EditOp::DeleteWord),
                _ => None,
            };
            if let Some(op) = edit {
                return Some(Action::Edit(op));
            }
        }
        if let Some(cmd) = self.keymap.command(scopes(context), &combo) {
            return Some(Action::Do(cmd));
        }
        // In forms only keys that cannot be typed reach the global commands.
        if matches!(context, Context::Form | Context::Confirm) && combo.typed_char().is_none() {
            let cmd = self.keymap.command(&[Scope::Global], &combo)?;
            let allowed = [Command::Quit, Command::Refresh];
            let help_ok = self.overlays.is_empty() && cmd == Command::ShowHelp;
            return (allowed.contains(&cmd) || help_ok).then_some(Action::Do(cmd));
        }
        None
    }

    pub fn handle_key(&mut self, key: &KeyEvent) {
        if let Some(action) = self.resolve_key(key) {
            self.update(action);
        }
    }

    pub fn handle_mouse(&mut self, m: &MouseEvent) {
        let action = match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Action::Click { column: m.column, row: m.row },
            MouseEventKind::ScrollUp => Action::ScrollUp,
            MouseEventKind::ScrollDown => Action::ScrollDown,
            _ => return,
        };
        self.update(action);
    }

    fn text_focused(&self) -> bool {
        match self.overlays.last() {
            Some(Overlay::Prompt(_)) => true,
            Some(Overlay::Dialog(d)) => d.form.focused_is_text(),
            Some(Overlay::Confirm(_)) => false,
            None => match self.screens.last() {
                Some(Screen::Intake(s)) => s.form.focused_is_text(),
                Some(Screen::Response(s)) => s.form.focused_is_text(),
                _ => false,
            },
        }
    }

    // ---- update -----------------------------------------------------------------------

    /// The one step: applies `action` to the state.
    pub fn update(&mut self, action: Action) {
        if action != Action::Tick {
            // A message stays until the operator does something else.
            self.message = None;
        }
        match action {
            Action::Tick => self.refresh(),
            Action::Do(cmd) => self.command(cmd),
            Action::Edit(op) => self.edit(&op),
            Action::ScrollUp => self.scroll(-3),
            Action::ScrollDown => self.scroll(3),
            Action::Click { column, row } => self.click(column, row),
        }
    }

    fn scroll(&mut self, delta: i32) {
        match self.context() {
            Context::Queue => self.queue_move(delta as isize),
            Context::Detail | Context::Help => self.scroll_screen(delta),
            Context::Calendar => self.calendar_days(if delta < 0 { -7 } else { 7 }),
            Context::Dashboard | Context::Report | Context::Audit => self.reports_move(delta as isize),
            Context::Form | Context::Confirm => {}
        }
    }

    fn click(&mut self, column: u16, row: u16) {
        if self.context() != Context::Queue {
            return;
        }
        let tabs = self.queue.tabs_area.get();
        if tabs.contains((column, row).into()) {
            // Tabs draw as " title │ title ": one space each side and a divider between.
            let mut x = tabs.x;
            for &s in self.sections().iter().skip(self.queue.tabs_first.get()) {
                let w = s.title().width() as u16 + 2;
                if column >= x && column < x + w {
                    self.set_section(s);
                    return;
                }
                x += w + 1;
            }
            return;
        }
        let body = self.queue.body_area.get();
        if body.contains((column, row).into()) {
            let line = self.queue.offset.get() + usize::from(row - body.y);
            if let Some(index) = self.queue.row_at_line(line) {
                if index == self.queue.selected {
                    self.open_selected();
                } else {
                    self.queue.selected = index;
                }
            }
        }
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Quit => self.quit = true,
            Command::Refresh => {
                if let Some(Screen::Audit(a)) = self.screens.last_mut() {
                    let r = a.verify(&self.session);
                    self.ok(r);
                }
                self.refresh();
                if self.message.is_none() {
                    self.info(t("msg.refreshed").to_string());
                }
            }
            Command::ShowHelp => {
                let context = self.context();
                self.screens.push(Screen::Help(HelpState { context, scroll: 0 }));
            }
            _ => match self.context() {
                Context::Queue => self.queue_command(cmd),
                Context::Detail => self.detail_command(cmd),
                Context::Calendar => self.calendar_command(cmd),
                Context::Help => self.help_command(cmd),
                Context::Dashboard | Context::Report | Context::Audit => self.reports_command(cmd),
                Context::Form => self.form_command(cmd),
                Context::Confirm => self.confirm_command(cmd),
            },
        }
    }

    /// Commands that work on every screen that is not a form.
    fn global_command(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::JumpToReference => {
                self.overlays.push(Overlay::Prompt(Prompt {
                    kind: PromptKind::Jump,
                    edit: LineEdit::new(""),
                    previous: String::new(),
                }));
            }
            Command::ShowCalendar => {
                if let Some(c) = self.ok(CalendarState::new(&self.session, self.today)) {
                    self.screens.push(Screen::Calendar(c));
                }
            }
            Command::RegisterRequest => {
                let s = IntakeState::new(&self.session, self.today);
                self.screens.push(Screen::Intake(s));
            }
            Command::Back => {
                self.screens.pop();
            }
            Command::ShowDashboard => {
                if let Some(d) = self.ok(DashboardState::new(&self.session, self.today)) {
                    self.push_report_screen(Screen::Dashboard(Box::new(d)));
                }
            }
            Command::ShowReport => {
                if let Some(r) = self.ok(ReportState::new(&self.session, self.today)) {
                    self.push_report_screen(Screen::Report(Box::new(r)));
                }
            }
            Command::ShowAudit => {
                if let Some(a) = self.ok(AuditState::new(&self.session)) {
                    self.push_report_screen(Screen::Audit(Box::new(a)));
                }
            }
            _ => return false,
        }
        true
    }

    // ---- queue ------------------------------------------------------------------------

    fn page_rows(&self) -> isize {
        (self.queue.body_area.get().height.max(2) as isize - 1).max(1)
    }

    fn queue_move(&mut self, delta: isize) {
        let r = self.queue.move_by(&self.session, self.today, delta);
        self.ok(r);
    }

    fn reload_queue(&mut self) {
        let r = self.queue.reload(&self.session, self.today);
        self.ok(r);
    }

    fn set_section(&mut self, s: Section) {
        self.queue.set_section(s);
        self.reload_queue();
    }

    /// The queue's sections for this operator's role.
    pub fn sections(&self) -> &'static [Section] {
        Section::for_role(self.session.role())
    }

    fn queue_command(&mut self, cmd: Command) {
        let sections = self.sections();
        let n = sections.len();
        let i = self.queue.section().index_for(self.session.role());
        match cmd {
            Command::MoveUp => self.queue_move(-1),
            Command::MoveDown => self.queue_move(1),
            Command::PageUp => self.queue_move(-self.page_rows()),
            Command::PageDown => self.queue_move(self.page_rows()),
            Command::MoveFirst => self.reload_queue(),
            Command::MoveLast => {
                let r = self.queue.move_last(&self.session, self.today);
                self.ok(r);
            }
            Command::NextSection => self.set_section(sections[(i + 1) % n]),
            Command::PrevSection => self.set_section(sections[(i + n - 1) % n]),
            Command::ToggleMark => {
                self.queue.toggle_mark();
                self.queue_move(1);
            }
            Command::MarkAll => self.queue.mark_all(),
            Command::AssignMarked => {
                if self.queue.marked.is_empty() {
                    let key = self.keymap.first_key(Command::ToggleMark);
                    self.error(tf("msg.nothing_marked", &[("key", &key)]));
                } else {
                    let refs: Vec<String> = self.queue.marked.iter().cloned().collect();
                    let d = DialogState::assign_marked(&self.session, refs);
                    self.overlays.push(Overlay::Dialog(d));
                }
            }
            Command::Open => self.open_selected(),
            Command::Search => {
                let previous = self.queue.search.clone();
                self.overlays.push(Overlay::Prompt(Prompt {
                    kind: PromptKind::Search,
                    edit: LineEdit::new(&previous),
                    previous,
                }));
            }
            Command::Filter => {
                let d = DialogState::filter(&self.session, &self.queue.filters);
                self.overlays.push(Overlay::Dialog(d));
            }
            Command::CycleSort => {
                self.queue.cycle_sort();
                self.reload_queue();
            }
            Command::ClearFilters | Command::Back => {
                if !self.queue.search.is_empty() || !self.queue.filters.is_empty() {
                    self.queue.search.clear();
                    self.queue.filters = Filters::default();
                    self.reload_queue();
                }
            }
            other => {
                self.global_command(other);
            }
        }
    }

    fn open_selected(&mut self) {
        if let Some(r) = self.queue.selected_row() {
            let reference = r.reference.clone();
            self.open(&reference);
        }
    }

    /// Opens a request's detail (an audited view of its personal data).
    pub fn open(&mut self, reference: &str) {
        let r = self.session.show(reference);
        if let Some(d) = self.ok(r) {
            // Opening from a detail replaces it, so Esc leads back to where one started.
            if matches!(self.screens.last(), Some(Screen::Detail(_))) {
                self.screens.pop();
            }
            self.screens.push(Screen::Detail(Box::new(DetailState::new(d))));
        }
    }

    // ---- detail -----------------------------------------------------------------------

    fn detail(&self) -> Option<&DetailState> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::Detail(d) => Some(d.as_ref()),
            _ => None,
        })
    }

    fn scroll_screen(&mut self, delta: i32) {
        match self.screens.last_mut() {
            Some(Screen::Detail(d)) => d.scroll_by(delta),
            Some(Screen::Help(h)) => h.scroll = (i32::from(h.scroll) + delta).clamp(0, 500) as u16,
            _ => {}
        }
    }

    fn detail_command(&mut self, cmd: Command) {
        let Some(r) = self.detail().map(|d| d.request().clone()) else { return };
        match cmd {
            Command::MoveUp => return self.scroll_screen(-1),
            Command::MoveDown => return self.scroll_screen(1),
            Command::PageUp => return self.scroll_screen(-10),
            Command::PageDown => return self.scroll_screen(10),
            Command::MoveFirst => return self.scroll_screen(-10_000),
            Command::MoveLast => return self.scroll_screen(10_000),
            Command::NextSection | Command::PrevSection | Command::Open => return,
            _ => {}
        }
        // The service says whether the action is allowed, and if not, why.
        if let Some(why) = refusal(&self.session, &r, cmd) {
            self.error(why);
            return;
        }
        match cmd {
            Command::AssignTo => self.overlays.push(Overlay::Dialog(DialogState::assign(&self.session, &r))),
            Command::TakeRequest => {
                let login = self.session.operator.login.clone();
                let res = self.session.assign(&r.reference, &login, Some(r.version));
                self.after_change(res, "msg.assigned");
            }
            Command::AddNote => self.overlays.push(Overlay::Dialog(DialogState::note(&r))),
            Command::ChangeStatus => self.overlays.push(Overlay::Dialog(DialogState::status(&r))),
            Command::RecordResponse => {
                let s = ResponseState::new(&self.session, &r, self.today);
                self.screens.push(Screen::Response(s));
            }
            Command::Withdraw => {
                self.overlays.push(Overlay::Dialog(DialogState::reason(DialogKind::Withdraw, &r)))
            }
            Command::Reopen => {
                self.overlays.push(Overlay::Dialog(DialogState::reason(DialogKind::Reopen, &r)))
            }
            Command::Extend => self.overlays.push(Overlay::Dialog(DialogState::extend(&self.session, &r))),
            Command::WriteLetter => self.overlays.push(Overlay::Dialog(DialogState::letter(&r))),
            Command::Pause => self.overlays.push(Overlay::Dialog(DialogState::pause(&self.session, &r))),
            Command::Resume => self.overlays.push(Overlay::Confirm(Box::new(Confirm {
                question: tf("confirm.resume", &[("reference", &r.reference)]),
                details: Vec::new(),
                op: PendingOp::Resume { reference: r.reference.clone() },
                yes_focused: true,
            }))),
            other => {
                self.global_command(other);
            }
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
                self.error(e.to_string());
                false
            }
        }
    }

    // ---- calendar and help ------------------------------------------------------------

    fn calendar_days(&mut self, days: i64) {
        if let Some(Screen::Calendar(c)) = self.screens.last_mut() {
            let r = c.move_days(&self.session, days);
            self.ok(r);
        }
    }

    fn calendar_command(&mut self, cmd: Command) {
        let months = match cmd {
            Command::MoveUp => return self.calendar_days(-7),
            Command::MoveDown => return self.calendar_days(7),
            Command::PrevSection => return self.calendar_days(-1),
            Command::NextSection => return self.calendar_days(1),
            Command::PageUp => -1,
            Command::PageDown => 1,
            Command::MoveFirst => {
                let today = self.today;
                if let Some(Screen::Calendar(c)) = self.screens.last_mut() {
                    c.selected = today;
                    let r = c.load(&self.session);
                    self.ok(r);
                }
                return;
            }
            Command::Open => {
                if let Some(Screen::Calendar(c)) = self.screens.last()
                    && let Some(r) = c.due_on_selected.first()
                {
                    let reference = r.reference.clone();
                    self.open(&reference);
                }
                return;
            }
            other => {
                self.global_command(other);
                return;
            }
        };
        if let Some(Screen::Calendar(c)) = self.screens.last_mut() {
            let r = c.move_months(&self.session, months);
            self.ok(r);
        }
    }

    fn help_command(&mut self, cmd: Command) {
        match cmd {
            Command::MoveUp => self.scroll_screen(-1),
            Command::MoveDown => self.scroll_screen(1),
            Command::PageUp => self.scroll_screen(-10),
            Command::PageDown => self.scroll_screen(10),
            Command::MoveFirst => self.scroll_screen(-10_000),
            Command::Open => {
                self.screens.pop();
            }
            other => {
                self.global_command(other);
            }
        }
    }

    // ---- dashboard, report and audit ---------------------------------------------------

    /// Opens one of the supervisors' screens, in place of another one on top.
    fn push_report_screen(&mut self, screen: Screen) {
        if matches!(self.screens.last(), Some(Screen::Dashboard(_) | Screen::Report(_) | Screen::Audit(_))) {
            self.screens.pop();
        }
        self.screens.push(screen);
    }

    fn reports_move(&mut self, delta: isize) {
        match self.screens.last_mut() {
            Some(Screen::Dashboard(d)) => d.move_by(delta),
            Some(Screen::Audit(a)) => a.move_by(delta),
            Some(Screen::Report(r)) => r.scroll_by(delta),
            _ => {}
        }
    }

    fn reports_command(&mut self, cmd: Command) {
        let (today, page) = (self.today, 10);
        match cmd {
            Command::MoveUp => return self.reports_move(-1),
            Command::MoveDown => return self.reports_move(1),
            Command::PageUp => return self.reports_move(-page),
            Command::PageDown => return self.reports_move(page),
            Command::MoveFirst => return self.reports_move(-1_000_000),
            Command::MoveLast => return self.reports_move(1_000_000),
            _ => {}
        }
        let r = match (cmd, self.screens.last_mut()) {
            (Command::PrevSection, Some(Screen::Report(r))) => r.move_months(&self.session, today, -1),
            (Command::NextSection, Some(Screen::Report(r))) => r.move_months(&self.session, today, 1),
            (Command::ToggleGrouping, Some(Screen::Report(r))) => r.toggle_grouping(&self.session, today),
            (Command::FilterLog, Some(Screen::Audit(a))) => {
                let previous = a.filter.clone();
                self.overlays.push(Overlay::Prompt(Prompt {
                    kind: PromptKind::AuditFilter,
                    edit: LineEdit::new(&previous),
                    previous,
                }));
                Ok(())
            }
            (Command::ClearLogFilter, Some(Screen::Audit(a))) => {
                a.filter.clear();
                a.load(&self.session)
            }
            (Command::Open, Some(Screen::Audit(a))) => {
                // Opens the request an entry is about.
                match a.entries.get(a.selected).map(|e| e.target.clone()) {
                    Some(target) if parse_reference(&target).is_ok() => {
                        self.open(&target);
                        return;
                    }
                    _ => Ok(()),
                }
            }
            (Command::Open, Some(Screen::Dashboard(d))) => {
                // Opens the queue of the selected clerk: All open, filtered to them.
                if let Some(c) = d.data.clerks.get(d.selected) {
                    let choice = match &c.login {
                        Some(l) => AssigneeChoice::Login(l.clone()),
                        None => AssigneeChoice::Unassigned,
                    };
                    self.screens.clear();
                    self.queue.filters = Filters { assignee: Some(choice), ..Filters::default() };
                    self.queue.search.clear();
                    self.set_section(Section::AllOpen);
                }
                return;
            }
            (other, _) => {
                self.global_command(other);
                return;
            }
        };
        self.ok(r);
    }

    // ---- forms ------------------------------------------------------------------------

    fn edit(&mut self, op: &EditOp) {
        let today = self.today;
        match self.overlays.last_mut() {
            Some(Overlay::Prompt(p)) => {
                if p.edit.apply(op) && p.kind == PromptKind::Search {
                    self.queue.search = p.edit.text().to_string();
                    self.reload_queue();
                }
            }
            Some(Overlay::Dialog(d)) => {
                d.form.edit(op);
            }
            Some(Overlay::Confirm(_)) => {}
            None => match self.screens.last_mut() {
                Some(Screen::Intake(s)) => s.edit(&self.session, today, op),
                Some(Screen::Response(s)) => s.edit(&self.session, today, op),
                _ => {}
            },
        }
    }

    fn form_command(&mut self, cmd: Command) {
        let today = self.today;
        if let Some(Overlay::Prompt(_)) = self.overlays.last() {
            return self.prompt_command(cmd);
        }
        let form = match self.overlays.last_mut() {
            Some(Overlay::Dialog(d)) => &mut d.form,
            _ => match self.screens.last_mut() {
                Some(Screen::Intake(s)) => &mut s.form,
                Some(Screen::Response(s)) => &mut s.form,
                _ => return,
            },
        };
        let changed = match cmd {
            Command::NextField => {
                form.next_field();
                false
            }
            Command::PrevField => {
                form.prev_field();
                false
            }
            Command::NextOption => form.shift_option(1),
            Command::PrevOption => form.shift_option(-1),
            Command::ToggleOption => form.toggle(),
            Command::Submit if !form.is_last() => {
                form.next_field();
                false
            }
            Command::Submit | Command::Save => return self.save_form(),
            Command::Cancel => {
                if self.overlays.pop().is_none() {
                    self.screens.pop();
                }
                return;
            }
            _ => false,
        };
        if changed && self.overlays.is_empty() {
            match self.screens.last_mut() {
                Some(Screen::Intake(s)) => {
                    s.validate(&self.session, today);
                }
                Some(Screen::Response(s)) => {
                    s.validate(&self.session, today);
                }
                _ => {}
            }
        }
    }

    fn prompt_command(&mut self, cmd: Command) {
        let Some(Overlay::Prompt(p)) = self.overlays.last() else { return };
        let (kind, text, previous) = (p.kind, p.edit.text().trim().to_string(), p.previous.clone());
        match cmd {
            Command::Submit | Command::Save => {
                self.overlays.pop();
                if kind == PromptKind::AuditFilter {
                    if let Some(Screen::Audit(a)) = self.screens.last_mut() {
                        a.filter = text;
                        let r = a.load(&self.session);
                        self.ok(r);
                    }
                    return;
                }
                if kind == PromptKind::Jump && !text.is_empty() {
                    // A bare number is a reference of this year: "123" → ARZ-2026-000123.
                    let reference = match text.parse::<i64>() {
                        Ok(n) if n > 0 => format_reference(self.today.year(), n),
                        _ => text,
                    };
                    match parse_reference(&reference) {
                        Ok(r) => self.open(&r),
                        Err(e) => self.error(e.to_string()),
                    }
                }
            }
            Command::Cancel => {
                self.overlays.pop();
                if kind == PromptKind::AuditFilter {
                    return;
                }
                if kind == PromptKind::Search && self.queue.search != previous {
                    self.queue.search = previous;
                    self.reload_queue();
                }
            }
            _ => {}
        }
    }

    fn save_form(&mut self) {
        let today = self.today;
        if let Some(Overlay::Dialog(_)) = self.overlays.last() {
            return self.save_dialog();
        }
        match self.screens.last_mut() {
            Some(Screen::Intake(s)) => {
                s.form.show_all_errors = true;
                let Some(new) = s.validate(&self.session, today) else {
                    if let Some((i, e)) = s.form.first_error().map(|(i, e)| (i, e.to_string())) {
                        s.form.focus = i;
                        let field = s.form.fields[i].label.clone();
                        self.error(tf("msg.fix_fields", &[("field", &field), ("error", &e)]));
                    } else if let Some(p) = s.problem.clone() {
                        self.error(p);
                    }
                    return;
                };
                let assignee = s.assignee(&self.session).map(str::to_string);
                let warnings = s.form.warnings();
                let op = PendingOp::Register { new, assignee };
                if warnings.is_empty() {
                    self.execute(op);
                } else {
                    self.overlays.push(Overlay::Confirm(Box::new(Confirm {
                        question: t("confirm.register_with_warnings").to_string(),
                        details: warnings,
                        op,
                        yes_focused: true,
                    })));
                }
            }
            Some(Screen::Response(s)) => {
                s.form.show_all_errors = true;
                let Some(response) = s.validate(&self.session, today) else {
                    if let Some((i, e)) = s.form.first_error().map(|(i, e)| (i, e.to_string())) {
                        s.form.focus = i;
                        let field = s.form.fields[i].label.clone();
                        self.error(tf("msg.fix_fields", &[("field", &field), ("error", &e)]));
                    }
                    return;
                };
                let question = tf(
                    "confirm.respond",
                    &[
                        ("reference", &s.reference),
                        ("outcome", &label("outcome", response.outcome.code())),
                        ("date", &date_dmy(response.responded_on)),
                    ],
                );
                let op = PendingOp::Respond { reference: s.reference.clone(), response, version: s.version };
                self.overlays.push(Overlay::Confirm(Box::new(Confirm {
                    question,
                    details: Vec::new(),
                    op,
                    yes_focused: true,
                })));
            }
            _ => {}
        }
    }

    /// The dialog builds its typed request (or marks the field that is wrong).
    fn save_dialog(&mut self) {
        let Some(Overlay::Dialog(d)) = self.overlays.last_mut() else { return };
        let effect = d.submit();
        self.apply(effect);
    }

    /// Applies what a component asked for.
    pub fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::None => {}
            Effect::Quit => self.quit = true,
            Effect::Run(op) => self.execute(*op),
            Effect::Confirm(q) => self.overlays.push(Overlay::Confirm(q)),
            Effect::Close => {
                if self.overlays.pop().is_none() {
                    self.screens.pop();
                }
            }
            Effect::Filter(filters) => {
                self.overlays.pop();
                self.queue.filters = filters;
                self.reload_queue();
            }
            Effect::Message(text, true) => self.error(text),
            Effect::Message(text, false) => self.info(text),
        }
    }

    /// A dialog's letter: what it lacks is asked about before it is saved.
    fn letter(&mut self, reference: String, spec: crate::letters::LetterSpec) {
        if self.letters.is_none()
            && let Some(load) = self.load_letters.take()
        {
            self.letters = load();
        }
        let preview = match &self.letters {
            Some(l) => self.session.preview_letter(&reference, spec, &l.kit, &l.letterhead),
            None => Err(crate::service::Error::Config(t("error.letters_unavailable").to_string())),
        };
        match preview {
            Ok(letter) if !letter.warnings.is_empty() => {
                self.overlays.push(Overlay::Confirm(Box::new(Confirm {
                    question: t("letter_warning.confirm").to_string(),
                    details: letter.warnings.iter().map(|w| w.message()).collect(),
                    op: PendingOp::SaveLetter { reference, spec },
                    yes_focused: false,
                })));
            }
            _ => self.save_letter(&reference, spec),
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
                let text = e.to_string();
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
        let Error::Store(crate::store::StoreError::Conflict(reference)) = e else { return };
        let Ok(current) = self.session.peek(reference) else { return };
        let version = current.request.version;
        if let Some(Overlay::Dialog(d)) = self.overlays.last_mut()
            && d.reference == *reference
        {
            d.version = version;
        }
        for screen in self.screens.iter_mut() {
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
            Err(e) => {
                self.adopt_current_version(&e);
                let text = e.to_string();
                if let Some(Overlay::Dialog(d)) = self.overlays.last_mut() {
                    if let Error::Invalid(fe) = &e {
                        if let Some(f) = d.form.field_mut(&fe.field) {
                            f.touched = true;
                        }
                        d.form.set_error(&fe.field, fe.rule.clone());
                    }
                    d.problem = Some(text.clone());
                }
                self.error(text);
            }
        }
    }

    fn confirm_command(&mut self, cmd: Command) {
        let Some(Overlay::Confirm(c)) = self.overlays.last_mut() else { return };
        match cmd {
            Command::NextOption
            | Command::PrevOption
            | Command::NextField
            | Command::PrevField
            | Command::ToggleOption => {
                c.yes_focused = !c.yes_focused;
            }
            Command::Submit if !c.yes_focused => {
                self.overlays.pop();
            }
            Command::Submit | Command::Save => {
                let op = c.op.clone();
                self.overlays.pop();
                self.execute(op);
            }
            Command::Cancel => {
                self.overlays.pop();
            }
            _ => {}
        }
    }

    /// Saves the letter of the dialog on top and says where (and what it lacks); on failure
    /// the dialog stays with the error.
    fn save_letter(&mut self, reference: &str, spec: crate::letters::LetterSpec) {
        let saved = match &self.letters {
            Some(l) => self.session.save_letter(reference, spec, &l.kit, &l.letterhead, &l.dir),
            None => Err(crate::service::Error::Config(t("error.letters_unavailable").to_string())),
        };
        match saved {
            Ok((letter, path)) => {
                self.overlays.pop();
                let shown = path.display().to_string();
                self.refresh();
                // What the letter lacks comes first, so the clerk reads it.
                let mut text: Vec<String> = letter.warnings.iter().map(|w| w.message()).collect();
                text.push(tf("msg.letter_saved", &[("path", &shown)]));
                self.message = Some(Message { text: text.join(" "), is_error: !letter.warnings.is_empty() });
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

    /// Runs a confirmed operation. On success the form or dialog behind it closes; on
    /// failure it stays with its input and shows the error.
    fn execute(&mut self, op: PendingOp) {
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
                            s.form.set_error(&fe.field, fe.rule.clone());
                        } else if let Some(Screen::Intake(s)) = self.screens.last_mut() {
                            s.problem = Some(e.to_string());
                        }
                        self.error(e.to_string());
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
                if let (Err(Error::Invalid(fe)), Some(Screen::Response(s))) = (&r, self.screens.last_mut()) {
                    s.form.set_error(&fe.field, fe.rule.clone());
                }
                self.after_change(r, "msg.answered");
            }
            PendingOp::Withdraw { reference, reason, version } => {
                let r = self.session.withdraw(&reference, &reason, Some(version));
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

    // ---- refresh ----------------------------------------------------------------------

    /// Re-reads what other processes may have changed, keeping every form's input.
    pub fn refresh(&mut self) {
        let r = self.session.refresh();
        if self.ok(r).is_none() {
            return;
        }
        self.today = self.session.today();
        let (today, scope) = (self.today, self.counts_scope());
        if let Some(c) = self.ok(self.session.counts(today, &scope)) {
            self.counts = c;
        }
        let r = self.queue.refresh(&self.session, today);
        self.ok(r);
        let mut problem = None;
        for s in self.screens.iter_mut() {
            match s {
                Screen::Detail(d) => match self.session.peek(&d.detail.request.reference) {
                    Ok(fresh) => d.detail = fresh,
                    Err(e) => problem = Some(e.to_string()),
                },
                Screen::Calendar(c) => {
                    if let Err(e) = c.load(&self.session) {
                        problem = Some(e.to_string());
                    }
                }
                Screen::Dashboard(d) => {
                    if let Err(e) = d.reload(&self.session, today) {
                        problem = Some(e.to_string());
                    }
                }
                Screen::Report(r) => {
                    if let Err(e) = r.reload(&self.session, today) {
                        problem = Some(e.to_string());
                    }
                }
                Screen::Audit(a) => {
                    if let Err(e) = a.load(&self.session) {
                        problem = Some(e.to_string());
                    }
                }
                _ => {}
            }
        }
        if let Some(p) = problem {
            self.error(p);
        }
    }

    /// Where the body of the screen is drawn, for tests of the mouse.
    pub fn queue_body(&self) -> Rect {
        self.queue.body_area.get()
    }
}
