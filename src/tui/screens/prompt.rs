//! The one-line prompts of the status line: search (applied as typed), jump to a
//! reference, and the audit log's filter.

use crate::i18n::localize::Localize;
use chrono::Datelike;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use crate::i18n::t;
use crate::tui::action::Command;
use crate::tui::component::{Component, Context, Ctx, Env};
use crate::tui::effect::Effect;
use crate::tui::widgets::line_edit::{EditOp, LineEdit};

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

impl Prompt {
    pub fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt { kind, edit: LineEdit::new(text), previous: text.to_string() }
    }

    /// Draws the prompt in the status line.
    pub fn render_line(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
        let th = env.theme;
        let label = match self.kind {
            PromptKind::Search => t("prompt.search"),
            PromptKind::Jump => t("prompt.jump"),
            PromptKind::AuditFilter => t("prompt.audit_filter"),
        };
        let lw = (label.width() as u16 + 1).min(area.width);
        Span::styled(label, th.focus).render(Rect { width: lw, ..area }, buf);
        let field = Rect { x: area.x + lw, width: area.width.saturating_sub(lw), ..area };
        self.edit.render(field, buf, th.base, th.selected, true);
    }
}

impl Component for Prompt {
    fn context(&self) -> Context {
        Context::Form
    }

    fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect> {
        let text = self.edit.text().trim().to_string();
        Some(match (cmd, self.kind) {
            (Command::Submit | Command::Save, PromptKind::AuditFilter) => {
                Effect::Batch(vec![Effect::Close, Effect::Answer(text)])
            }
            (Command::Submit | Command::Save, PromptKind::Jump) if !text.is_empty() => {
                // A bare number is a reference of this year: "123" → ARZ-2026-000123, as the
                // command line reads it.
                match crate::domain::parse::reference(&text, ctx.today.year()) {
                    Ok(r) => Effect::Batch(vec![Effect::Close, Effect::OpenRequest(r)]),
                    Err(e) => Effect::Batch(vec![Effect::Close, Effect::Message(e.localized(), true)]),
                }
            }
            (Command::Submit | Command::Save, _) => Effect::Close,
            (Command::Cancel, PromptKind::Search) => {
                Effect::Batch(vec![Effect::Close, Effect::Answer(self.previous.clone())])
            }
            (Command::Cancel, _) => Effect::Close,
            _ => return None,
        })
    }

    /// A search applies as it is typed.
    fn edit(&mut self, op: &EditOp, _ctx: &Ctx<'_>) -> Effect {
        if self.edit.apply(op) && self.kind == PromptKind::Search {
            Effect::Answer(self.edit.text().to_string())
        } else {
            Effect::None
        }
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
        vec![Command::Submit, Command::Cancel]
    }

    /// Drawn in the status line ([`Prompt::render_line`]), not over the body.
    fn render(&self, _area: Rect, _buf: &mut Buffer, _env: &Env<'_>) {}
}
