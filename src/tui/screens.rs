//! The screens and overlays, each a [`Component`] in its own file. Registering a screen
//! is one line in [`screens!`] below (with the global command that opens it, if one does,
//! and the function in its file that makes it); everything else about it lives in its file.
//! See `docs/tui.md`.

pub(crate) mod audit;
pub(crate) mod calendar;
pub(crate) mod confirm;
pub mod dashboard;
pub(crate) mod detail;
pub mod dialog;
pub(crate) mod form_screen;
pub(crate) mod help;
pub mod intake;
pub mod preview;
pub(crate) mod prompt;
pub mod queue;
pub(crate) mod report;
pub mod response;

use chrono::NaiveDate;

use super::action::Command;
use super::component::Component;
use super::effect::Question;
use crate::service::{Result, Session};

macro_rules! screens {
    ($($(#[$doc:meta])* $variant:ident($ty:ty) $([$cmd:ident => $open:path])?),+ $(,)?) => {
        /// The screens above the queue.
        pub enum Screen { $($(#[$doc])* $variant($ty)),+ }

        impl Screen {
            pub fn component(&self) -> &dyn Component {
                match self { $(Screen::$variant(s) => s),+ }
            }

            pub fn component_mut(&mut self) -> &mut dyn Component {
                match self { $(Screen::$variant(s) => s),+ }
            }

            /// The screen a global command opens, made by the function its registration
            /// names (in the screen's own file); `None` when the command opens no screen.
            pub fn opened_by(cmd: Command, session: &Session, today: NaiveDate) -> Option<Result<Screen>> {
                match cmd {
                    $($(Command::$cmd => Some($open(session, today).map(|s| Screen::$variant(s.into()))),)?)+
                    _ => None,
                }
            }
        }
    };
}

screens! {
    Detail(Box<detail::DetailState>),
    Intake(form_screen::FormScreen<intake::IntakeState>) [RegisterRequest => intake::open],
    Response(form_screen::FormScreen<response::ResponseState>),
    Calendar(calendar::CalendarState) [ShowCalendar => calendar::CalendarState::new],
    Help(help::HelpState),
    Dashboard(Box<dashboard::DashboardState>) [ShowDashboard => dashboard::DashboardState::new],
    Report(Box<report::ReportState>) [ShowReport => report::ReportState::new],
    Audit(Box<audit::AuditState>) [ShowAudit => audit::open],
    Preview(Box<preview::PreviewState>),
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Screen::{:?}", self.component().context())
    }
}

/// Prompts, dialogs and confirmations, above the screens.
#[derive(Debug)]
pub enum Overlay {
    Prompt(prompt::Prompt),
    Dialog(dialog::DialogState),
    Confirm(Box<Question>),
}

impl Overlay {
    pub fn component(&self) -> &dyn Component {
        match self {
            Overlay::Prompt(p) => p,
            Overlay::Dialog(d) => d,
            Overlay::Confirm(c) => c,
        }
    }

    pub fn component_mut(&mut self) -> &mut dyn Component {
        match self {
            Overlay::Prompt(p) => p,
            Overlay::Dialog(d) => d,
            Overlay::Confirm(c) => c,
        }
    }
}
