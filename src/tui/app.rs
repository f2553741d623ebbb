//! The app: the queue, the screens above it and the overlays above them, and the one
//! `update` step — an [`Action`] in, state changed out. Nothing here draws or touches the
//! terminal, so tests drive it directly.
//!
//! `App` only routes and applies. A key is resolved through the keymap to a [`Command`]
//! for the current [`Context`] and given to the component on top (see
//! [`component`](super::component)), which returns an [`Effect`]; `App::apply` carries it
//! out (running a use case is in [`run`]). Commands no component takes are the global
//! ones (quit, help, jump, the calendar, the supervisors' screens).

mod link;
mod run;

use crate::i18n::localize::Localize;
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::action::{Action, Command, Scope};
use super::component::{Component, Ctx};
use super::effect::Effect;
use super::keep;
use super::keymap::{KeyCodeKey, KeyCombo, KeyMap};
use super::screens::detail::DetailState;
use super::screens::help::{HelpState, scopes};
use super::screens::queue::{QueueState, Section};
use super::theme::Theme;
use super::widgets::line_edit::EditOp;
use crate::domain::kind::Role;
use crate::i18n::{t, tf};
use crate::model::{AssigneeFilter, Counts};
use crate::service::Session;

pub use super::component::Context;
pub use super::effect::Question as Confirm;
pub use super::effect::UseCase as PendingOp;
pub use super::screens::prompt::{Prompt, PromptKind};
pub use super::screens::{Overlay, Screen};
pub use link::Link;

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
    /// The standard response texts, loaded when first asked for.
    pub canned: Option<crate::letters::canned::CannedTexts>,
    /// Loads [`App::canned`] from the config (`responses_dir`); without it, the shipped texts.
    pub load_canned: Option<
        Box<dyn FnOnce() -> Result<crate::letters::canned::CannedTexts, crate::i18n::localize::Message>>,
    >,
    /// Where unsaved forms are kept; `None` keeps none (tests that do not test drafts).
    pub drafts: Option<super::drafts::Drafts>,
    /// The header counts are read (false only between the first frame and the second).
    pub counts_known: bool,
    /// [`App::finish_start`] is still to run (after the first frame).
    pub start_pending: bool,
    /// The reader off the screen thread and the connection's state (see `app/link.rs`).
    pub link: Link,
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
        let mut app = App::new_empty(session, keymap, &theme);
        let today = app.today;
        app.queue.reload(&app.session, today)?;
        app.counts = app.session.counts(today, &app.counts_scope())?;
        Ok(app)
    }

    fn new_empty(session: Session, keymap: KeyMap, theme: &Theme) -> App {
        let today = session.today();
        let section = if session.role() == Role::Clerk { Section::Mine } else { Section::AllOpen };
        App {
            session,
            keymap,
            theme: *theme,
            today,
            counts: Counts::default(),
            queue: QueueState::new(section),
            screens: Vec::new(),
            overlays: Vec::new(),
            message: None,
            quit: false,
            letters: None,
            load_letters: None,
            drafts: None,
            canned: None,
            load_canned: None,
            counts_known: true,
            start_pending: false,
            link: Link::default(),
        }
    }

    /// The app with what its first frame shows: the first rows of the queue. The header
    /// counts and the section's total are read by [`App::finish_start`], right after that
    /// frame is on screen (they were a third of the time to the first screen).
    pub fn first_screen(session: Session, keymap: KeyMap, theme: Theme) -> Outcome<App> {
        let mut app = App::new_empty(session, keymap, &theme);
        app.counts_known = false;
        app.start_pending = true;
        app.queue.reload_rows(&app.session, app.today)?;
        crate::startup_trace::mark("first page of the queue read");
        Ok(app)
    }

    /// Reads what [`App::first_screen`] left out; an error shows in the status line (and
    /// the counts stay unshown until the next refresh reads them).
    pub fn finish_start(&mut self) {
        if !self.queue.counted {
            let r = self.queue.count_total(&self.session, self.today);
            self.ok(r);
        }
        self.start_pending = false;
        let counts = self.session.counts(self.today, &self.counts_scope());
        if let Some(c) = self.ok(counts) {
            self.counts = c;
            self.counts_known = true;
        }
    }

    /// Whether [`App::idle`] has something to do.
    pub fn has_idle_work(&self) -> bool {
        self.start_pending
            || self.queue.groups_pending()
            || (self.queue.last_move != 0 && self.screens.is_empty() && self.overlays.is_empty())
    }

    /// Work done while no key waits, after a frame is on screen: the header counts the first
    /// frame left out, the clerks' groups below the screen, then the queue's reading ahead.
    pub fn idle(&mut self) {
        if self.start_pending {
            self.finish_start();
            crate::startup_trace::mark("header counts and total read");
        } else if self.queue.groups_pending() {
            // A screenful of clerks at a time, so that a key pressed meanwhile waits for one
            // such read at most (about 2 ms on a million requests), not for all of them.
            let more = self.queue.rows.len() + self.queue.groups.len() + self.queue.screenful();
            let r = self.queue.load_more_groups(&self.session, self.today, Some(more));
            if self.ok(r).is_none() {
                // Not read again at each idle moment: the next refresh reads the section anew.
                self.queue.pending_groups.clear();
            }
        } else if self.screens.is_empty() && self.overlays.is_empty() && !self.prefetch_off_thread() {
            let r = self.queue.prefetch(&self.session, self.today);
            self.ok(r);
        }
    }

    /// Header counts: a clerk's own queue, or everyone's for supervisors.
    pub fn counts_scope(&self) -> AssigneeFilter {
        if self.session.role() == Role::Clerk {
            AssigneeFilter::Is(self.session.operator.login.clone())
        } else {
            AssigneeFilter::Any
        }
    }

    /// The component on top: the top overlay, else the top screen, else the queue.
    pub fn top(&self) -> &dyn Component {
        match (self.overlays.last(), self.screens.last()) {
            (Some(o), _) => o.component(),
            (None, Some(s)) => s.component(),
            (None, None) => &self.queue,
        }
    }

    /// The component on top, with what it may read.
    fn top_mut(&mut self) -> (&mut dyn Component, Ctx<'_>) {
        let ctx = Ctx { session: &self.session, today: self.today, keymap: &self.keymap };
        let top: &mut dyn Component = match (self.overlays.last_mut(), self.screens.last_mut()) {
            (Some(o), _) => o.component_mut(),
            (None, Some(s)) => s.component_mut(),
            (None, None) => &mut self.queue,
        };
        (top, ctx)
    }

    pub fn context(&self) -> Context {
        self.top().context()
    }

    fn info(&mut self, text: String) {
        self.message = Some(Message { text, is_error: false });
    }

    // Owned: the message is the caller's to give away (it becomes a key with issue 13's
    // errors as keys).
    #[allow(clippy::needless_pass_by_value)]
    fn error(&mut self, text: String) {
        self.message = Some(Message { text, is_error: true });
    }

    /// Keeps the value, or shows the error in the status line.
    fn ok<T>(&mut self, r: Outcome<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(e.localized());
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
        // In a path, Tab completes the file name (Down and Enter go to the next field).
        if context == Context::Form
            && (combo.code, combo.ctrl, combo.alt) == (KeyCodeKey::Tab, false, false)
            && self.top().completes()
        {
            return Some(Action::Edit(EditOp::Complete));
        }
        // In a text of several lines, Enter, Up and Down edit (Tab leaves it, Ctrl-S saves).
        if context == Context::Form && self.top().multiline_focused() {
            let edit = match (combo.code, combo.ctrl, combo.alt) {
                (KeyCodeKey::Enter, false, false) => Some(EditOp::Newline),
                (KeyCodeKey::Up, false, false) => Some(EditOp::Up),
                (KeyCodeKey::Down, false, false) => Some(EditOp::Down),
                _ => None,
            };
            if let Some(op) = edit {
                return Some(Action::Edit(op));
            }
        }
        if context == Context::Form && self.top().text_focused() {
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
        // A letter typed on a choice or a checkbox is not dropped silently: the operator is
        // told where the typing went (see `update`).
        if context == Context::Form
            && let Some(c) = combo.typed_char()
        {
            return Some(Action::Edit(EditOp::Insert(c)));
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

    // ---- update -----------------------------------------------------------------------

    /// The one step: gives `action` to the component on top and applies its effect. A
    /// connection found broken on the way is then mended (see `app/link.rs`).
    pub fn update(&mut self, action: Action) {
        self.step(action);
        self.connection_broke();
    }

    fn step(&mut self, action: Action) {
        if action != Action::Tick {
            // A message stays until the operator does something else.
            self.message = None;
        }
        if action == Action::Tick {
            return self.tick();
        }
        // Esc while a screen is read off this thread: that screen is not opened (and the
        // queue's own Esc, clearing its filters, waits for the next one).
        if action == Action::Do(Command::Back)
            && self.overlays.is_empty()
            && self.link.opening.take().is_some()
        {
            return;
        }
        // The mouse reaches no screen under an overlay.
        let under_overlay = !self.overlays.is_empty();
        let (top, ctx) = self.top_mut();
        let effect = match action {
            Action::Tick => Effect::None,
            Action::Do(cmd) => match top.handle(cmd, &ctx) {
                Some(effect) => effect,
                None => return self.global(cmd),
            },
            Action::Edit(_) if !top.text_focused() => {
                return self.error(t("editing.not_a_text_field").to_string());
            }
            Action::Edit(op) => top.edit(&op, &ctx),
            _ if under_overlay => Effect::None,
            Action::ScrollUp => top.scroll(-3, &ctx),
            Action::ScrollDown => top.scroll(3, &ctx),
            Action::Click { column, row } => top.click(column, row, &ctx),
        };
        self.apply(effect);
    }

    /// Commands that no component took: the same on every screen.
    fn global(&mut self, cmd: Command) {
        if self.open_off_thread(cmd) {
            return;
        }
        let (session, today) = (&self.session, self.today);
        let screen = match cmd {
            Command::Quit => return self.ask_to_quit(),
            Command::Refresh => return self.apply(Effect::Refresh),
            Command::ShowHelp => Screen::Help(HelpState { context: self.context(), scroll: 0 }),
            Command::Back => return drop(self.screens.pop()),
            Command::JumpToReference => return self.apply(Effect::Prompt(Prompt::new(PromptKind::Jump, ""))),
            _ => match Screen::opened_by(cmd, session, today) {
                Some(Ok(screen)) => screen,
                Some(Err(e)) => return self.error(e.localized()),
                None => return,
            },
        };
        self.open_screen(screen);
    }

    /// Applies what a component asked for.
    pub fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::None => {}
            Effect::Quit => self.quit = true,
            Effect::Run(op) => self.execute_watched(*op),
            Effect::Confirm(q) => self.overlays.push(Overlay::Confirm(q)),
            Effect::Dialog(d) => {
                self.overlays.push(Overlay::Dialog(*d));
                self.offer_draft();
            }
            Effect::Prompt(p) => self.overlays.push(Overlay::Prompt(p)),
            Effect::Close => {
                if self.overlays.pop().is_none() {
                    self.screens.pop();
                }
            }
            Effect::Cancel => self.apply(keep::cancel(self.top())),
            Effect::Back => drop(self.screens.pop()),
            Effect::Open(screen) => self.open_screen(*screen),
            Effect::OpenRequest(reference) => self.open(&reference),
            Effect::Answer(text) => {
                // For the screen the prompt belongs to, whether or not it is still open.
                let ctx = Ctx { session: &self.session, today: self.today, keymap: &self.keymap };
                let screen: &mut dyn Component = match self.screens.last_mut() {
                    Some(s) => s.component_mut(),
                    None => &mut self.queue,
                };
                let effect = screen.answer(text, &ctx);
                self.apply(effect);
            }
            Effect::Filter(filters) => {
                self.overlays.pop();
                self.queue.filters = filters;
                self.reload_queue();
            }
            Effect::ShowQueue { filters, section } => {
                self.screens.clear();
                self.queue.filters = filters;
                self.queue.search.clear();
                self.queue.set_section(section);
                self.reload_queue();
            }
            Effect::Refresh => {
                self.refresh();
                if self.message.is_none() {
                    self.info(t("msg.refreshed").to_string());
                }
            }
            Effect::Canned { kind, outcome, lang } => self.offer_canned(kind, outcome, lang),
            Effect::Message(text, true) => self.error(text),
            Effect::Message(text, false) => self.info(text),
            Effect::Batch(effects) => effects.into_iter().for_each(|e| self.apply(e)),
        }
    }

    /// Puts `screen` on top, in place of the top one when it replaces it.
    fn open_screen(&mut self, screen: Screen) {
        // A refresh asked before read its screens before this one was read.
        self.link.generation += 1;
        // A screen still being read off this thread is not opened over this one.
        self.link.opening = None;
        if self.screens.last().is_some_and(|top| screen.component().replaces(top.component().context())) {
            self.screens.pop();
        }
        self.screens.push(screen);
        self.offer_draft();
    }

    /// Opens a request's detail (an audited view of its personal data).
    pub fn open(&mut self, reference: &str) {
        let r = self.session.show(reference);
        if let Some(d) = self.ok(r) {
            self.open_screen(Screen::Detail(Box::new(DetailState::new(d))));
        }
    }

    fn reload_queue(&mut self) {
        let r = self.queue.reload(&self.session, self.today);
        self.ok(r);
    }

    /// The queue's sections for this operator's role.
    pub fn sections(&self) -> &'static [Section] {
        Section::for_role(self.session.role())
    }

    /// Re-reads what other processes may have changed, keeping every form's input.
    pub fn refresh(&mut self) {
        self.new_generation();
        let r = self.session.refresh();
        if self.ok(r).is_none() {
            return;
        }
        self.today = self.session.today();
        let (today, scope) = (self.today, self.counts_scope());
        if let Some(c) = self.ok(self.session.counts(today, &scope)) {
            self.counts = c;
            self.counts_known = true;
        }
        let ctx = Ctx { session: &self.session, today, keymap: &self.keymap };
        let queue = Component::refresh(&mut self.queue, &ctx);
        let mut problem = None;
        for s in &mut self.screens {
            if let Err(e) = s.component_mut().refresh(&ctx) {
                problem = Some(e.localized());
            }
        }
        self.ok(queue);
        if let Some(p) = problem {
            self.error(p);
        }
    }

    // ---- typed input is never lost (the policy is in `keep`) ----------------------------

    /// The open forms holding typed changes: their draft names and values.
    pub fn unsaved(&self) -> std::collections::BTreeMap<String, super::widgets::form::Values> {
        let screens = self.screens.iter().map(Screen::component);
        keep::unsaved(screens.chain(self.overlays.iter().map(Overlay::component)))
    }

    /// Keeps what the open forms hold as drafts (after each batch of keys).
    pub fn sync_drafts(&mut self) {
        let current = self.unsaved();
        if let Some(e) = keep::sync(self.drafts.as_mut(), current) {
            self.error(e);
        }
    }

    /// Quit (also Ctrl-C): asks first when open forms hold typed changes.
    fn ask_to_quit(&mut self) {
        let asking = matches!(self.overlays.last(),
            Some(Overlay::Confirm(q)) if matches!(q.op, PendingOp::QuitDiscarding));
        self.apply(keep::quit(self.unsaved().len(), asking));
    }

    /// When the form just opened has a kept draft, asks whether to put it back.
    fn offer_draft(&mut self) {
        if let Some(question) = keep::offer(self.top(), self.drafts.as_ref()) {
            self.apply(question);
        }
    }

    /// The kept-draft use cases a question ran: lose a form, quit losing them all, put one
    /// back or delete it.
    pub(super) fn draft_case(&mut self, op: PendingOp) {
        let effect = match op {
            PendingOp::Discard => keep::discard(self.top().draft().map(|(key, _)| key), self.drafts.as_mut()),
            PendingOp::QuitDiscarding => {
                keep::quit_discarding(self.unsaved().into_keys(), self.drafts.as_mut())
            }
            PendingOp::DropDraft { key } => keep::drop(&key, self.drafts.as_mut()),
            PendingOp::RestoreDraft { key, values } => {
                let (top, ctx) = self.top_mut();
                if !keep::restore(top, &ctx, &key, &values) {
                    return;
                }
                if let Some(d) = self.drafts.as_mut() {
                    d.adopt(&key, values);
                }
                Effect::Message(t("draft.restored").to_string(), false)
            }
            _ => Effect::None,
        };
        self.apply(effect);
    }

    /// The standard texts for a response: a dialog to choose one, or why there is none.
    fn offer_canned(
        &mut self,
        kind: crate::domain::kind::RequestKind,
        outcome: crate::domain::outcome::Outcome,
        lang: crate::domain::kind::Language,
    ) {
        if self.canned.is_none() {
            let loaded = match self.load_canned.take() {
                Some(load) => load(),
                None => Ok(crate::letters::canned::CannedTexts::shipped()),
            };
            match loaded {
                Ok(c) => self.canned = Some(c),
                Err(e) => return self.error(tf("canned.unavailable", &[("error", &e.text())])),
            }
        }
        let Some(canned) = &self.canned else { return };
        let texts = canned.matching(kind, outcome, lang);
        if texts.is_empty() {
            return self.info(t("canned.none").to_string());
        }
        let dialog = super::screens::dialog::DialogState::canned(&texts);
        self.overlays.push(Overlay::Dialog(dialog));
    }

    /// Where the body of the screen is drawn, for tests of the mouse.
    pub fn queue_body(&self) -> Rect {
        self.queue.body_area.get()
    }
}
