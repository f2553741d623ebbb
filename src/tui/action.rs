//! What the operator asks for, in domain terms. Keys and mouse events are resolved to an
//! [`Action`] first (through the keymap); `update` then applies it.

use super::widgets::line_edit::EditOp;

/// Where an action is bound: the same key may mean different things on different screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Queue, detail, calendar and help (never forms, where letters are typed).
    Global,
    /// Moving through lists and scrolling.
    Navigation,
    Queue,
    Detail,
    /// The supervisors' dashboard, monthly report and audit log.
    Reports,
    /// Forms, dialogs and prompts.
    Form,
}

macro_rules! actions {
    ($($variant:ident => $name:literal, $scope:ident;)+) => {
        /// Actions that keys can be bound to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command { $($variant),+ }

        impl Command {
            pub const ALL: &'static [Command] = &[$(Command::$variant),+];

            /// The name used in `config.toml` `[keys]` and in the catalog (`action.NAME`).
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name),+ }
            }

            pub fn scope(self) -> Scope {
                match self { $(Command::$variant => Scope::$scope),+ }
            }

            pub fn from_name(name: &str) -> Option<Command> {
                Command::ALL.iter().copied().find(|c| c.name() == name)
            }
        }
    };
}

actions! {
    Quit => "quit", Global;
    ShowHelp => "show_help", Global;
    Back => "back", Global;
    JumpToReference => "jump_to_reference", Global;
    ShowCalendar => "show_calendar", Global;
    RegisterRequest => "register_request", Global;
    Refresh => "refresh", Global;
    ShowDashboard => "show_dashboard", Global;
    ShowReport => "show_report", Global;
    ShowAudit => "show_audit", Global;
    MoveUp => "move_up", Navigation;
    MoveDown => "move_down", Navigation;
    PageUp => "page_up", Navigation;
    PageDown => "page_down", Navigation;
    MoveFirst => "move_first", Navigation;
    MoveLast => "move_last", Navigation;
    NextSection => "next_section", Navigation;
    PrevSection => "prev_section", Navigation;
    Open => "open", Navigation;
    Search => "search", Queue;
    Filter => "filter", Queue;
    CycleSort => "cycle_sort", Queue;
    ClearFilters => "clear_filters", Queue;
    ToggleMark => "toggle_mark", Queue;
    MarkAll => "mark_all", Queue;
    AssignMarked => "assign_marked", Queue;
    ToggleGrouping => "toggle_grouping", Reports;
    FilterLog => "filter_log", Reports;
    ClearLogFilter => "clear_log_filter", Reports;
    AssignTo => "assign_to", Detail;
    TakeRequest => "take_request", Detail;
    AddNote => "add_note", Detail;
    ChangeStatus => "change_status", Detail;
    RecordResponse => "record_response", Detail;
    Withdraw => "withdraw", Detail;
    Reopen => "reopen", Detail;
    Extend => "extend_deadline", Detail;
    Pause => "pause_clock", Detail;
    Resume => "resume_clock", Detail;
    WriteLetter => "write_letter", Detail;
    AttachFile => "attach_file", Detail;
    SaveFile => "save_file", Detail;
    CloseAsDuplicate => "close_as_duplicate", Detail;
    MoveToOffice => "move_to_office", Detail;
    NextField => "next_field", Form;
    PrevField => "prev_field", Form;
    NextOption => "next_option", Form;
    PrevOption => "prev_option", Form;
    ToggleOption => "toggle_option", Form;
    Submit => "submit", Form;
    Save => "save", Form;
    Cancel => "cancel", Form;
    InsertText => "insert_text", Form;
}

/// One step of input to the app: a bound command, typing into a field, or the mouse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Do(Command),
    /// Editing the focused text field.
    Edit(EditOp),
    /// A click on a cell of the screen.
    Click {
        column: u16,
        row: u16,
    },
    ScrollUp,
    ScrollDown,
    /// The periodic re-read of what other processes may have changed.
    Tick,
}

impl From<Command> for Action {
    fn from(c: Command) -> Action {
        Action::Do(c)
    }
}
