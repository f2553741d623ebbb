//! A letter as it will be saved, in the chosen language, before it is saved as PDF or
//! text: scrolled with ↑/↓, space or the wheel; Ctrl-S or Enter saves it (after a question
//! when it lacks something, such as a delivery address); Esc goes back without saving.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::i18n::{t, tf};
use crate::letters::LetterSpec;
use crate::tui::action::Command;
use crate::tui::component::{Component, Context, Ctx, Env};
use crate::tui::effect::{Effect, Question, UseCase};

#[derive(Debug)]
pub struct PreviewState {
    pub reference: String,
    pub spec: LetterSpec,
    /// The letter's text, line by line (as the text format saves it).
    pub lines: Vec<String>,
    /// What the letter lacks, asked about before saving.
    pub warnings: Vec<String>,
    pub scroll: usize,
    /// Rows of text shown at the last draw (for paging).
    page: std::cell::Cell<usize>,
}

impl PreviewState {
    pub fn new(reference: String, spec: LetterSpec, text: &str, warnings: Vec<String>) -> PreviewState {
        let lines = text.lines().map(crate::domain::safe_text::clean).collect();
        PreviewState { reference, spec, lines, warnings, scroll: 0, page: std::cell::Cell::new(10) }
    }

    fn scroll_by(&mut self, delta: i64) {
        let max = self.lines.len().saturating_sub(1) as i64;
        self.scroll = (self.scroll as i64 + delta).clamp(0, max) as usize;
    }

    fn save(&self) -> Effect {
        let op = UseCase::SaveLetter { reference: self.reference.clone(), spec: self.spec };
        if self.warnings.is_empty() {
            Effect::Run(Box::new(op))
        } else {
            Effect::Confirm(Box::new(Question {
                question: t("letter_warning.confirm").to_string(),
                details: self.warnings.clone(),
                op,
                yes_focused: false,
                on_no: None,
            }))
        }
    }
}

impl Component for PreviewState {
    fn context(&self) -> Context {
        Context::Form
    }

    fn handle(&mut self, cmd: Command, _ctx: &Ctx<'_>) -> Option<Effect> {
        let page = self.page.get().max(1) as i64;
        match cmd {
            Command::NextField => self.scroll_by(1),
            Command::PrevField => self.scroll_by(-1),
            Command::ToggleOption | Command::NextOption => self.scroll_by(page),
            Command::PrevOption => self.scroll_by(-page),
            Command::Save | Command::Submit => return Some(self.save()),
            Command::Cancel => return Some(Effect::Close),
            _ => return None,
        }
        Some(Effect::None)
    }

    fn scroll(&mut self, delta: i32, _ctx: &Ctx<'_>) -> Effect {
        self.scroll_by(i64::from(delta));
        Effect::None
    }

    fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
        vec![Command::NextField, Command::ToggleOption, Command::Save, Command::Cancel]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
        let th = env.theme;
        let [title_area, body_area] =
            area.layout(&Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]));
        let format = match self.spec.format {
            crate::letters::LetterFormat::Pdf => "PDF",
            crate::letters::LetterFormat::Txt => t("letter_format.txt"),
        };
        let title = tf("preview.title", &[("reference", &self.reference), ("format", &format)]);
        Line::styled(title, th.title).render(title_area, buf);
        let block = Block::new().borders(Borders::TOP).border_style(th.border);
        let inner = block.inner(body_area);
        block.render(body_area, buf);
        let mut lines: Vec<Line> = Vec::new();
        for w in &self.warnings {
            lines.push(Line::from(Span::styled(format!("! {w}"), th.warning)));
        }
        let text_rows = usize::from(inner.height).saturating_sub(lines.len());
        self.page.set(text_rows.saturating_sub(1).max(1));
        lines.extend(self.lines.iter().skip(self.scroll).take(text_rows).map(|l| Line::raw(l.clone())));
        Paragraph::new(lines).render(inner, buf);
    }
}
