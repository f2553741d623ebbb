//! Keys → commands. Defaults are embedded here; `config.toml` `[keys]` replaces the keys of
//! any command (`record_response = "R"` or a list). The help bar and help screen are made
//! from this map, so what they show is always what is bound.

use crate::i18n::localize::Message;
use crate::msg;
use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Command, Scope};
use crate::config::KeyBinding;

/// A key with its modifiers, normalised (shift is folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyCombo {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
}

/// The key codes a binding can name (a subset of crossterm's, orderable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Home,
    End,
    PageUp,
    PageDown,
    Up,
    Down,
    Left,
    Right,
}

const NAMED: &[(&str, KeyCodeKey)] = &[
    ("enter", KeyCodeKey::Enter),
    ("esc", KeyCodeKey::Esc),
    ("tab", KeyCodeKey::Tab),
    ("backtab", KeyCodeKey::BackTab),
    ("backspace", KeyCodeKey::Backspace),
    ("delete", KeyCodeKey::Delete),
    ("insert", KeyCodeKey::Insert),
    ("home", KeyCodeKey::Home),
    ("end", KeyCodeKey::End),
    ("pageup", KeyCodeKey::PageUp),
    ("pagedown", KeyCodeKey::PageDown),
    ("up", KeyCodeKey::Up),
    ("down", KeyCodeKey::Down),
    ("left", KeyCodeKey::Left),
    ("right", KeyCodeKey::Right),
    ("space", KeyCodeKey::Char(' ')),
];

const ALIASES: &[(&str, &str)] = &[
    ("return", "enter"),
    ("escape", "esc"),
    ("shift-tab", "backtab"),
    ("pgup", "pageup"),
    ("pgdn", "pagedown"),
    ("del", "delete"),
];

impl KeyCombo {
    pub fn from_event(e: &KeyEvent) -> Option<KeyCombo> {
        let code = match e.code {
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::Insert => KeyCodeKey::Insert,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            _ => return None,
        };
        Some(KeyCombo {
            code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// A key that types a character into a text field (no ctrl or alt).
    pub fn typed_char(&self) -> Option<char> {
        match self.code {
            KeyCodeKey::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }

    /// Parses `q`, `G`, `?`, `ctrl-s`, `alt-x`, `f1`, `enter`, `shift-tab`, `space`…
    pub fn parse(s: &str) -> Result<KeyCombo, Message> {
        let mut rest = s.trim();
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 2 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 2 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let code = if rest.chars().count() == 1 {
            let c = rest.chars().next().ok_or_else(|| msg!("message.keymap.not_a_key", key = s))?;
            // Control characters would be invisible in the help bar and never arrive as such.
            if c.is_control() {
                return Err(msg!("message.keymap.not_a_key", key = s));
            }
            // ctrl-S arrives as ctrl-s from most terminals.
            KeyCodeKey::Char(if ctrl { c.to_ascii_lowercase() } else { c })
        } else {
            let lower = rest.to_ascii_lowercase();
            let name = ALIASES.iter().find(|(a, _)| *a == lower).map_or(lower.as_str(), |(_, n)| n);
            if let Some((_, k)) = NAMED.iter().find(|(n, _)| *n == name) {
                *k
            } else if let Some(n) =
                name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()).filter(|n| (1..=12).contains(n))
            {
                KeyCodeKey::F(n)
            } else {
                return Err(msg!("message.keymap.not_a_key_examples", key = s));
            }
        };
        Ok(KeyCombo { code, ctrl, alt })
    }
}

impl fmt::Display for KeyCombo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeKey::Char(' ') => f.write_str("space"),
            KeyCodeKey::Char(c) => write!(f, "{c}"),
            KeyCodeKey::F(n) => write!(f, "F{n}"),
            KeyCodeKey::Up => f.write_str("↑"),
            KeyCodeKey::Down => f.write_str("↓"),
            KeyCodeKey::Left => f.write_str("←"),
            KeyCodeKey::Right => f.write_str("→"),
            KeyCodeKey::Enter => f.write_str("enter"),
            KeyCodeKey::Esc => f.write_str("esc"),
            KeyCodeKey::Tab => f.write_str("tab"),
            KeyCodeKey::BackTab => f.write_str("shift-tab"),
            KeyCodeKey::Backspace => f.write_str("backspace"),
            KeyCodeKey::Delete => f.write_str("delete"),
            KeyCodeKey::Insert => f.write_str("insert"),
            KeyCodeKey::Home => f.write_str("home"),
            KeyCodeKey::End => f.write_str("end"),
            KeyCodeKey::PageUp => f.write_str("pgup"),
            KeyCodeKey::PageDown => f.write_str("pgdn"),
        }
    }
}

/// The default keys of every command.
const DEFAULTS: &[(Command, &[&str])] = &[
    (Command::Quit, &["q", "ctrl-c"]),
    (Command::ShowHelp, &["?", "f1"]),
    (Command::Back, &["esc", "backspace"]),
    (Command::JumpToReference, &[":"]),
    (Command::ShowCalendar, &["c"]),
    (Command::RegisterRequest, &["n"]),
    (Command::Refresh, &["ctrl-r", "f5"]),
    (Command::ShowDashboard, &["D"]),
    (Command::ShowReport, &["M"]),
    (Command::ShowAudit, &["A"]),
    (Command::MoveUp, &["up", "k"]),
    (Command::MoveDown, &["down", "j"]),
    (Command::PageUp, &["pageup", "ctrl-b"]),
    (Command::PageDown, &["pagedown", "ctrl-f"]),
    (Command::MoveFirst, &["home", "g"]),
    (Command::MoveLast, &["end", "G"]),
    (Command::NextSection, &["tab", "right", "l"]),
    (Command::PrevSection, &["backtab", "left", "h"]),
    (Command::Open, &["enter"]),
    (Command::Search, &["/"]),
    (Command::Filter, &["f"]),
    (Command::CycleSort, &["s"]),
    (Command::ClearFilters, &["x"]),
    (Command::ToggleMark, &["v"]),
    (Command::MarkAll, &["V"]),
    (Command::AssignMarked, &["a"]),
    (Command::ToggleGrouping, &["b"]),
    (Command::FilterLog, &["/"]),
    (Command::ClearLogFilter, &["x"]),
    (Command::AssignTo, &["a"]),
    (Command::TakeRequest, &["t"]),
    (Command::AddNote, &["m"]),
    (Command::ChangeStatus, &["s"]),
    (Command::RecordResponse, &["r"]),
    (Command::Withdraw, &["w"]),
    (Command::Reopen, &["o"]),
    (Command::Extend, &["e"]),
    (Command::Pause, &["p"]),
    (Command::Resume, &["u"]),
    (Command::WriteLetter, &["L"]),
    (Command::AttachFile, &["f"]),
    (Command::SaveFile, &["F"]),
    (Command::CloseAsDuplicate, &["d"]),
    (Command::MoveToOffice, &["O"]),
    (Command::NextField, &["tab", "down"]),
    (Command::PrevField, &["backtab", "up"]),
    (Command::NextOption, &["right"]),
    (Command::PrevOption, &["left"]),
    (Command::ToggleOption, &["space"]),
    (Command::Submit, &["enter"]),
    (Command::Save, &["ctrl-s", "f2"]),
    (Command::Cancel, &["esc"]),
    (Command::InsertText, &["ctrl-t"]),
];

/// Scopes whose commands work together on one screen (see `help::scopes`, which looks keys
/// up in this order): a key may serve only one command within each group.
pub const ACTIVE_TOGETHER: &[&[Scope]] = &[
    &[Scope::Queue, Scope::Navigation, Scope::Global],
    &[Scope::Detail, Scope::Navigation, Scope::Global],
    &[Scope::Navigation, Scope::Global],
    &[Scope::Reports, Scope::Navigation, Scope::Global],
    &[Scope::Form],
];

/// Global commands that forms pass on, for keys that type nothing.
pub const FORM_GLOBALS: &[Command] = &[Command::Quit, Command::Refresh, Command::ShowHelp];

/// The key that always quits.
pub fn ctrl_c() -> KeyCombo {
    KeyCombo { code: KeyCodeKey::Char('c'), ctrl: true, alt: false }
}

/// The bindings in force: defaults with the configured overrides applied.
#[derive(Debug, Clone)]
pub struct KeyMap {
    keys: BTreeMap<Command, Vec<KeyCombo>>,
}

impl Default for KeyMap {
    fn default() -> Self {
        let mut keys = BTreeMap::new();
        for (cmd, ks) in DEFAULTS {
            // The defaults are tested to parse.
            keys.insert(*cmd, ks.iter().filter_map(|k| KeyCombo::parse(k).ok()).collect());
        }
        KeyMap { keys }
    }
}

impl KeyMap {
    /// The defaults with `overrides` (from `config.toml` `[keys]`). Errors name the entry.
    pub fn with_overrides(overrides: &BTreeMap<String, KeyBinding>) -> Result<KeyMap, Message> {
        let mut map = KeyMap::default();
        for (name, binding) in overrides {
            let Some(cmd) = Command::from_name(name) else {
                let known: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                return Err(msg!("message.keymap.unknown_action", name = name, known = known.join(", ")));
            };
            let mut combos = Vec::new();
            for k in binding.keys() {
                combos.push(
                    KeyCombo::parse(k).map_err(|e| msg!("message.keymap.entry", name = name, error = e))?,
                );
            }
            if combos.is_empty() {
                return Err(msg!("message.keymap.no_key", name = name));
            }
            if cmd != Command::Quit && combos.contains(&ctrl_c()) {
                return Err(msg!("message.keymap.ctrl_c", name = name));
            }
            map.keys.insert(cmd, combos);
        }
        // Ctrl-C quits from every screen whatever the keymap, and the help says so.
        if let Some(quit) = map.keys.get_mut(&Command::Quit)
            && !quit.contains(&ctrl_c())
        {
            quit.push(ctrl_c());
        }
        map.check_clashes()?;
        Ok(map)
    }

    /// One key bound to two commands that are active at once (in one scope, or in scopes
    /// that work together on a screen) would leave one of them unreachable: refused.
    fn check_clashes(&self) -> Result<(), Message> {
        for group in ACTIVE_TOGETHER {
            let mut seen: BTreeMap<KeyCombo, Command> = BTreeMap::new();
            for (cmd, combos) in &self.keys {
                let in_group = group.contains(&cmd.scope());
                // In forms only keys that type nothing reach these global commands.
                let reaches_forms = *group == [Scope::Form] && FORM_GLOBALS.contains(cmd);
                if !in_group && !reaches_forms {
                    continue;
                }
                for k in combos {
                    if reaches_forms && k.typed_char().is_some() {
                        continue;
                    }
                    if let Some(other) = seen.insert(*k, *cmd)
                        && other != *cmd
                    {
                        return Err(msg!(
                            "message.keymap.clash",
                            key = k.to_string(),
                            a = other.name(),
                            b = cmd.name()
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The command bound to `key` in the first of `scopes` that binds it.
    pub fn command(&self, scopes: &[Scope], key: &KeyCombo) -> Option<Command> {
        scopes.iter().find_map(|s| {
            self.keys.iter().find(|(c, ks)| c.scope() == *s && ks.contains(key)).map(|(c, _)| *c)
        })
    }

    pub fn keys_of(&self, cmd: Command) -> &[KeyCombo] {
        self.keys.get(&cmd).map_or(&[], Vec::as_slice)
    }

    /// The first key of `cmd`, as shown in the help bar ("" when unbound).
    pub fn first_key(&self, cmd: Command) -> String {
        self.keys_of(cmd).first().map(ToString::to_string).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_do_not_clash() {
        for (cmd, ks) in DEFAULTS {
            for k in *ks {
                KeyCombo::parse(k).unwrap_or_else(|e| panic!("{}: {e}", cmd.name()));
            }
        }
        let map = KeyMap::with_overrides(&BTreeMap::new()).unwrap();
        assert!(Command::ALL.iter().all(|c| !map.keys_of(*c).is_empty()), "every command has a default key");
    }

    #[test]
    fn every_screen_looks_keys_up_in_one_checked_group() {
        use crate::tui::app::Context;
        for c in [
            Context::Queue,
            Context::Detail,
            Context::Calendar,
            Context::Help,
            Context::Dashboard,
            Context::Report,
            Context::Audit,
            Context::Form,
            Context::Confirm,
        ] {
            let s = crate::tui::screens::help::scopes(c);
            assert!(ACTIVE_TOGETHER.contains(&s), "{c:?}: {s:?}");
        }
    }

    #[test]
    fn a_keymap_that_locks_out_quit_or_shadows_an_action_is_refused() {
        let one = |name: &str, key: &str| {
            let mut o = BTreeMap::new();
            o.insert(name.to_string(), KeyBinding::One(key.into()));
            KeyMap::with_overrides(&o)
        };
        // `quit = "j"`: j also moves down on the same screens.
        let e = one("quit", "j").unwrap_err().to_string();
        assert!(e.contains("'j'") && e.contains("quit") && e.contains("move_down"), "{e}");
        // A detail action on a navigation key.
        let e = one("add_note", "g").unwrap_err().to_string();
        assert!(e.contains("add_note") && e.contains("move_first"), "{e}");
        // A form command on a key that quits from forms.
        let e = one("save", "f5").unwrap_err().to_string();
        assert!(e.contains("save") && e.contains("refresh"), "{e}");
        // Ctrl-C belongs to quit.
        let e = one("search", "ctrl-c").unwrap_err().to_string();
        assert!(e.contains("search") && e.contains("ctrl-c always quits"), "{e}");
        // Quit rebound still has ctrl-c, and the help shows what is bound.
        let map = one("quit", "Q").unwrap();
        assert_eq!(map.keys_of(Command::Quit), &[KeyCombo::parse("Q").unwrap(), ctrl_c()]);
        // Keys of screens never shown together may repeat.
        assert!(one("clear_log_filter", "x").is_ok());
    }

    #[test]
    fn parses_keys() {
        let k = KeyCombo::parse("ctrl-s").unwrap();
        assert!(k.ctrl && k.code == KeyCodeKey::Char('s'));
        assert_eq!(KeyCombo::parse("G").unwrap().code, KeyCodeKey::Char('G'));
        assert_eq!(KeyCombo::parse("F2").unwrap().code, KeyCodeKey::F(2));
        assert_eq!(KeyCombo::parse("shift-tab").unwrap().code, KeyCodeKey::BackTab);
        assert_eq!(KeyCombo::parse("space").unwrap().to_string(), "space");
        assert!(KeyCombo::parse("ctrl-").is_err());
        assert!(KeyCombo::parse("hyper-x").is_err());
        assert!(KeyCombo::parse("f13").is_err());
        assert!(KeyCombo::parse("").is_err());
    }

    #[test]
    fn overrides_replace_and_errors_name_the_entry() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), KeyBinding::One("Q".into()));
        let map = KeyMap::with_overrides(&o).unwrap();
        let q = KeyCombo::parse("Q").unwrap();
        assert_eq!(map.command(&[Scope::Global], &q), Some(Command::Quit));
        assert_eq!(map.command(&[Scope::Global], &KeyCombo::parse("q").unwrap()), None);

        let mut o = BTreeMap::new();
        o.insert("record_response".to_string(), KeyBinding::Many(vec!["R".into(), "ctrl-x-y".into()]));
        let e = KeyMap::with_overrides(&o).unwrap_err().to_string();
        assert!(e.contains("record_response") && e.contains("ctrl-x-y"), "{e}");

        let mut o = BTreeMap::new();
        o.insert("launch_rockets".to_string(), KeyBinding::One("x".into()));
        assert!(KeyMap::with_overrides(&o).unwrap_err().to_string().contains("launch_rockets"));

        let mut o = BTreeMap::new();
        o.insert("search".to_string(), KeyBinding::One("f".into()));
        let e = KeyMap::with_overrides(&o).unwrap_err().to_string();
        assert!(e.contains("filter") && e.contains("search"), "{e}");
    }
}
