//! The screens and overlays, each a [`Component`] in its own file. Registering a screen
//! is one line in [`screens!`] below; everything else about it lives in its file.

pub(crate) mod audit;
pub(crate) mod calendar;
pub(crate) mod confirm;
pub mod dashboard;
pub(crate) mod detail;
pub mod dialog;
pub(crate) mod form_screen;
pub(crate) mod help;
pub(crate) mod intake;
pub mod preview;
pub(crate) mod prompt;
pub mod queue;
pub(crate) mod report;
pub mod response;

use super::component::Component;
use super::effect::Question;

macro_rules! screens {
    ($($(#[$doc:meta])* $variant:ident($ty:ty)),+ $(,)?) => {
        /// The screens above the queue.
        pub enum Screen { $($(#[$doc])* $variant($ty)),+ }

        impl Screen {
            pub fn component(&self) -> &dyn Component {
                match self { $(Screen::$variant(s) => s),+ }
            }

            pub fn component_mut(&mut self) -> &mut dyn Component {
                match self { $(Screen::$variant(s) => s),+ }
            }
        }
    };
}

screens! {
    Detail(Box<detail::DetailState>),
    Intake(form_screen::FormScreen<intake::IntakeState>),
    Response(form_screen::FormScreen<response::ResponseState>),
    Calendar(calendar::CalendarState),
    Help(help::HelpState),
    Dashboard(Box<dashboard::DashboardState>),
    Report(Box<report::ReportState>),
    Audit(Box<audit::AuditState>),
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
