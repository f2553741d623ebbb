//! The yes/no question before a final or destructive use case.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use crate::i18n::t;
use crate::tui::action::Command;
use crate::tui::component::{Component, Context, Ctx, Env};
use crate::tui::effect::{Effect, Question, UseCase};
use crate::tui::screens::dialog::ConfirmView;

impl Component for Question {
    fn context(&self) -> Context {
        Context::Confirm
    }

    fn handle(&mut self, cmd: Command, _ctx: &Ctx<'_>) -> Option<Effect> {
        Some(match cmd {
            Command::NextOption
            | Command::PrevOption
            | Command::NextField
            | Command::PrevField
            | Command::ToggleOption => {
                self.yes_focused = !self.yes_focused;
                Effect::None
            }
            Command::Submit if !self.yes_focused => match &self.on_no {
                Some(op) => Effect::Batch(vec![Effect::Close, Effect::Run(op.clone())]),
                None => Effect::Close,
            },
            Command::Submit | Command::Save => {
                Effect::Batch(vec![Effect::Close, Effect::Run(Box::new(self.op.clone()))])
            }
            Command::Cancel => Effect::Close,
            _ => return None,
        })
    }

    fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
        vec![Command::NextOption, Command::Submit, Command::Cancel]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
        // The buttons say what they do: losing typed text is never "Yes, save".
        let (yes, no) = match self.op {
            UseCase::Discard | UseCase::QuitDiscarding => (t("draft.yes_discard"), t("confirm.no")),
            UseCase::RestoreDraft { .. } => (t("draft.yes_restore"), t("draft.no_restore")),
            _ => (t("confirm.yes"), t("confirm.no")),
        };
        ConfirmView {
            yes,
            no,
            question: &self.question,
            details: &self.details,
            yes_focused: self.yes_focused,
            theme: env.theme,
        }
        .render(area, buf);
    }
}
