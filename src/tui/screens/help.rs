//! The help screen: the keys of the screen it was opened from, read from the keymap, and
//! only those of what the operator's role may do.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::domain::kind::Role;
use crate::i18n::{label, t};
use crate::service::permissions::{self, RequestAction};
use crate::tui::action::{Command, Scope};
use crate::tui::app::Context;
use crate::tui::keymap::KeyMap;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, Copy)]
pub struct HelpState {
    pub context: Context,
    pub scroll: u16,
}

/// The scopes whose keys work in `context`, in lookup order.
pub(crate) fn scopes(context: Context) -> &'static [Scope] {
    match context {
        Context::Queue => &[Scope::Queue, Scope::Navigation, Scope::Global],
        Context::Detail => &[Scope::Detail, Scope::Navigation, Scope::Global],
        Context::Calendar | Context::Help => &[Scope::Navigation, Scope::Global],
        Context::Dashboard | Context::Report | Context::Audit => {
            &[Scope::Reports, Scope::Navigation, Scope::Global]
        }
        Context::Form | Context::Confirm => &[Scope::Form],
    }
}

fn scope_title(s: Scope) -> &'static str {
    match s {
        Scope::Global => t("help.global"),
        Scope::Navigation => t("help.navigation"),
        Scope::Queue => t("help.queue"),
        Scope::Detail => t("help.detail"),
        Scope::Reports => t("help.reports"),
        Scope::Form => t("help.form"),
    }
}

/// The request action a detail command takes, as the service's permissions know it.
fn request_action(cmd: Command) -> Option<RequestAction> {
    crate::tui::screens::detail::action_of(cmd)
}

/// Whether an operator of `role` may use `cmd` at all under `rules`: request actions by
/// the service's permissions (role, and what the rules switch off), the supervisors'
/// screens and bulk assignment by the role the service requires for them.
pub fn allowed(cmd: Command, role: Role, rules: &crate::domain::deadline::RuleSet) -> bool {
    if let Some(action) = request_action(cmd) {
        return role >= action.min_role() && permissions::check_policy(rules, action).is_ok();
    }
    match cmd {
        Command::ShowDashboard
        | Command::ShowReport
        | Command::ShowAudit
        | Command::ToggleGrouping
        | Command::FilterLog
        | Command::ClearLogFilter
        | Command::ToggleMark
        | Command::MarkAll
        | Command::AssignMarked => role >= Role::Supervisor,
        // Depends on more than the role (the operator's offices): see `help_lines`.
        Command::MoveToOffice => false,
        _ => true,
    }
}

/// The keys of a screen, listing only what `role` may do (and moving requests between
/// offices only when `may_move`: the service lets this operator, and there is another office).
pub fn help_lines(
    keymap: &KeyMap,
    context: Context,
    theme: &Theme,
    role: Role,
    rules: &crate::domain::deadline::RuleSet,
    may_move: bool,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(t("help.title"), theme.title), Line::raw("")];
    let shown = |c: Command| if c == Command::MoveToOffice { may_move } else { allowed(c, role, rules) };
    for scope in scopes(context) {
        let cmds: Vec<&Command> = Command::ALL.iter().filter(|c| c.scope() == *scope && shown(**c)).collect();
        if cmds.is_empty() {
            continue;
        }
        lines.push(Line::styled(scope_title(*scope), theme.title));
        for cmd in cmds {
            let keys: Vec<String> = keymap.keys_of(*cmd).iter().map(ToString::to_string).collect();
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<22}", keys.join(", ")), theme.key),
                Span::raw(label("action", cmd.name())),
            ]));
        }
        lines.push(Line::raw(""));
    }
    if matches!(context, Context::Form) {
        lines.push(Line::styled(t("help.editing"), theme.muted));
    }
    lines.push(Line::styled(t("help.config"), theme.muted));
    lines
}

pub(crate) struct HelpView<'a> {
    pub state: &'a HelpState,
    pub keymap: &'a KeyMap,
    pub theme: &'a Theme,
    pub session: &'a crate::service::Session,
}

impl Widget for HelpView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = help_lines(
            self.keymap,
            self.state.context,
            self.theme,
            self.session.role(),
            &self.session.rules,
            self.session.several_offices() && self.session.require_move().is_ok(),
        );
        let max = (lines.len() as u16).saturating_sub(area.height);
        Paragraph::new(lines).scroll((self.state.scroll.min(max), 0)).render(area, buf);
    }
}

/// The help screen's keys and drawing.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    use super::{HelpState, HelpView};
    use crate::tui::action::Command;
    use crate::tui::component::{Component, Context, Ctx, Env};
    use crate::tui::effect::Effect;

    impl HelpState {
        fn scroll_by(&mut self, delta: i32) {
            self.scroll = (i32::from(self.scroll) + delta).clamp(0, 500) as u16;
        }
    }

    impl Component for HelpState {
        fn context(&self) -> Context {
            Context::Help
        }

        fn handle(&mut self, cmd: Command, _ctx: &Ctx<'_>) -> Option<Effect> {
            let delta = match cmd {
                Command::MoveUp => -1,
                Command::MoveDown => 1,
                Command::PageUp => -10,
                Command::PageDown => 10,
                Command::MoveFirst => -10_000,
                Command::Open => return Some(Effect::Back),
                _ => return None,
            };
            self.scroll_by(delta);
            Some(Effect::None)
        }

        fn scroll(&mut self, delta: i32, _ctx: &Ctx<'_>) -> Effect {
            self.scroll_by(delta);
            Effect::None
        }

        fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
            vec![Command::Back, Command::MoveDown]
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            HelpView { state: self, keymap: env.keymap, theme: env.theme, session: env.session }
                .render(area, buf);
        }
    }
}
