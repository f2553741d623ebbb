//! A form that fills the screen — the intake form and the response form. The keys every such
//! form shares (moving between fields, changing choices, typing, saving, cancelling, its
//! draft) are here once, around what each form does on its own ([`FormLogic`]): how it
//! checks its fields, what saving runs, and how it is drawn.

use std::ops::{Deref, DerefMut};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::action::Command;
use crate::tui::component::{Component, Context, Ctx, Env};
use crate::tui::effect::Effect;
use crate::tui::widgets::form::{Form, FormKey, Values};
use crate::tui::widgets::line_edit::EditOp;

/// What one full-screen form does beyond the keys all of them share.
pub trait FormLogic {
    fn form(&self) -> &Form;
    fn form_mut(&mut self) -> &mut Form;
    /// Re-checks the form after a change: errors and warnings go under their fields.
    fn check(&mut self, ctx: &Ctx<'_>);
    /// Ctrl-S, or Enter on the last field: the use case to run (perhaps after a question),
    /// or what to fix.
    fn save(&mut self, ctx: &Ctx<'_>) -> Effect;
    /// The name its draft is kept under (`intake`, `response-ARZ-2026-000001`).
    fn draft_name(&self) -> String;
    /// A command beyond the shared ones (the response form's standard texts).
    fn command(&mut self, _cmd: Command, _ctx: &Ctx<'_>) -> Option<Effect> {
        None
    }
    /// What a dialog it opened answered (a standard text chosen).
    fn answer(&mut self, _text: String, _ctx: &Ctx<'_>) -> Effect {
        Effect::None
    }
    /// The commands its help bar offers.
    fn bar(&self) -> Vec<Command>;
    fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>);
}

/// A full-screen form: its own logic inside, the shared keys around it.
#[derive(Debug)]
pub struct FormScreen<L>(pub L);

impl<L> Deref for FormScreen<L> {
    type Target = L;
    fn deref(&self) -> &L {
        &self.0
    }
}

impl<L> DerefMut for FormScreen<L> {
    fn deref_mut(&mut self) -> &mut L {
        &mut self.0
    }
}

impl<L: FormLogic> Component for FormScreen<L> {
    fn context(&self) -> Context {
        Context::Form
    }

    fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect> {
        Some(match self.0.form_mut().command(cmd) {
            FormKey::Moved => Effect::None,
            FormKey::Changed => {
                self.0.check(ctx);
                Effect::None
            }
            FormKey::Save => self.0.save(ctx),
            FormKey::Cancel => Effect::Cancel,
            FormKey::Other => return self.0.command(cmd, ctx),
        })
    }

    /// Typing into the focused field; the form is re-checked when it changed.
    fn edit(&mut self, op: &EditOp, ctx: &Ctx<'_>) -> Effect {
        if self.0.form_mut().edit(op) {
            self.0.check(ctx);
        }
        Effect::None
    }

    fn text_focused(&self) -> bool {
        self.0.form().focused_is_text()
    }

    fn multiline_focused(&self) -> bool {
        self.0.form().focused_is_area()
    }

    fn draft(&self) -> Option<(String, &Form)> {
        Some((self.0.draft_name(), self.0.form()))
    }

    fn restore(&mut self, values: &Values, ctx: &Ctx<'_>) {
        self.0.form_mut().restore(values);
        self.0.check(ctx);
    }

    fn answer(&mut self, text: String, ctx: &Ctx<'_>) -> Effect {
        self.0.answer(text, ctx)
    }

    fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
        self.0.bar()
    }

    fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
        self.0.render(area, buf, env);
    }
}
