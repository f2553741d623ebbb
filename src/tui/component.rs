//! The shape every screen, dialog and prompt has: it owns its state, handles the keys of
//! its context, and draws itself.
//!
//! A newcomer's map: the keymap turns a key into a [`Command`]; [`App`](super::app::App)
//! gives it to the component on top (an overlay, else the top screen, else the queue),
//! whose [`Component::handle`] changes its own state and returns an [`Effect`] — run a use
//! case, ask first, open a screen or a request, close, show a message — which the app
//! applies. A component never calls a use case that writes, and never reaches into another
//! component. To add a screen: write its state with `impl Component` in a new file under
//! `screens/`, and register it with one line in [`screens!`](super::screens).

use crate::i18n::localize::Localize;
use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::action::Command;
use super::effect::Effect;
use super::keymap::KeyMap;
use super::theme::Theme;
use super::widgets::form::{Form, Values};
use super::widgets::line_edit::EditOp;
use crate::service::Session;

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

/// What a component may read while handling a key.
pub struct Ctx<'a> {
    pub session: &'a Session,
    pub today: NaiveDate,
    pub keymap: &'a KeyMap,
}

/// What a component may read while drawing.
pub struct Env<'a> {
    pub session: &'a Session,
    pub today: NaiveDate,
    pub theme: &'a Theme,
    pub keymap: &'a KeyMap,
    /// No overlay is above it (a form shows its cursor).
    pub focused: bool,
}

pub trait Component {
    /// Which keys apply while it is on top.
    fn context(&self) -> Context;

    /// A bound command: what it asks for; `None` leaves it to the global commands.
    fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect>;

    /// Typing into its focused text field.
    fn edit(&mut self, _op: &EditOp, _ctx: &Ctx<'_>) -> Effect {
        Effect::None
    }

    /// The mouse wheel, by `delta` lines.
    fn scroll(&mut self, _delta: i32, _ctx: &Ctx<'_>) -> Effect {
        Effect::None
    }

    /// A click on a cell of the screen.
    fn click(&mut self, _column: u16, _row: u16, _ctx: &Ctx<'_>) -> Effect {
        Effect::None
    }

    /// Whether keys are typed into a text field (rather than bound to commands).
    fn text_focused(&self) -> bool {
        false
    }

    /// Whether the focused field takes several lines (Enter, Up and Down edit it).
    fn multiline_focused(&self) -> bool {
        false
    }

    /// Whether the focused field is a path, where Tab completes a file name.
    fn completes(&self) -> bool {
        false
    }

    /// The form whose typed input is kept as a draft until it is saved or discarded, and
    /// the draft's name (`intake`, `note-ARZ-2026-000001`); `None` for screens, prompts and
    /// forms of choices only (filters, assignment, letters).
    fn draft(&self) -> Option<(String, &Form)> {
        None
    }

    /// Puts a draft's values back into the form, re-checking it.
    fn restore(&mut self, _values: &Values, _ctx: &Ctx<'_>) {}

    /// Re-reads what other processes may have changed, keeping any input.
    fn refresh(&mut self, _ctx: &Ctx<'_>) -> crate::service::Result<()> {
        Ok(())
    }

    /// The text a prompt it opened was answered with (a search, a filter).
    fn answer(&mut self, _text: String, _ctx: &Ctx<'_>) -> Effect {
        Effect::None
    }

    /// Whether it replaces a screen of `top`'s context instead of going above it (a
    /// request opened from a request; one supervisors' screen from another).
    fn replaces(&self, _top: Context) -> bool {
        false
    }

    /// The commands the help bar offers now.
    fn bar(&self, env: &Env<'_>) -> Vec<Command>;

    fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>);
}

impl<T: Component + ?Sized> Component for Box<T> {
    fn context(&self) -> Context {
        (**self).context()
    }
    fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect> {
        (**self).handle(cmd, ctx)
    }
    fn edit(&mut self, op: &EditOp, ctx: &Ctx<'_>) -> Effect {
        (**self).edit(op, ctx)
    }
    fn scroll(&mut self, delta: i32, ctx: &Ctx<'_>) -> Effect {
        (**self).scroll(delta, ctx)
    }
    fn click(&mut self, column: u16, row: u16, ctx: &Ctx<'_>) -> Effect {
        (**self).click(column, row, ctx)
    }
    fn text_focused(&self) -> bool {
        (**self).text_focused()
    }
    fn multiline_focused(&self) -> bool {
        (**self).multiline_focused()
    }
    fn completes(&self) -> bool {
        (**self).completes()
    }
    fn draft(&self) -> Option<(String, &Form)> {
        (**self).draft()
    }
    fn restore(&mut self, values: &Values, ctx: &Ctx<'_>) {
        (**self).restore(values, ctx);
    }
    fn refresh(&mut self, ctx: &Ctx<'_>) -> crate::service::Result<()> {
        (**self).refresh(ctx)
    }
    fn answer(&mut self, text: String, ctx: &Ctx<'_>) -> Effect {
        (**self).answer(text, ctx)
    }
    fn replaces(&self, top: Context) -> bool {
        (**self).replaces(top)
    }
    fn bar(&self, env: &Env<'_>) -> Vec<Command> {
        (**self).bar(env)
    }
    fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
        (**self).render(area, buf, env);
    }
}

/// A read's failure as the status line's error; success asks for nothing more.
pub(crate) fn shown<T>(r: crate::service::Result<T>) -> Effect {
    match r {
        Ok(_) => Effect::None,
        Err(e) => Effect::Message(e.localized(), true),
    }
}

#[cfg(test)]
mod tests;
