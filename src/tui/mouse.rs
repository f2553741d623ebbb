//! Mouse reporting as the UI needs it: clicks, the wheel and drags, not every move.
//!
//! crossterm's `EnableMouseCapture` also turns on any-event tracking (`?1003h`), so the
//! terminal reports every move of the pointer over the window: a stream of events that each
//! wake the loop and that the UI ignores. [`ButtonCapture`] turns on press/release (`?1000h`)
//! and drag (`?1002h`) tracking with SGR coordinates (`?1006h`), which is all the UI acts on.
//! crossterm's `DisableMouseCapture` turns every mode off, this one's included.

use std::fmt;

use ratatui::crossterm::Command;

/// Enables button and drag mouse tracking (no bare motion), with SGR-encoded coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ButtonCapture;

impl Command for ButtonCapture {
    fn write_ansi(&self, f: &mut impl fmt::Write) -> fmt::Result {
        // Press and release; drags (motion with a button down); SGR extended coordinates.
        f.write_str("\x1b[?1000h\x1b[?1002h\x1b[?1006h")
    }

    #[cfg(windows)]
    fn execute_winapi(&self) -> std::io::Result<()> {
        ratatui::crossterm::event::EnableMouseCapture.execute_winapi()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ansi(c: impl Command) -> String {
        let mut s = String::new();
        c.write_ansi(&mut s).unwrap();
        s
    }

    /// Clicks, the wheel and drags are reported; bare motion (any-event tracking, 1003) is
    /// not, unlike crossterm's own capture, which turns it on.
    #[test]
    fn only_buttons_and_drags_are_tracked() {
        let on = ansi(ButtonCapture);
        assert_eq!(on, "\x1b[?1000h\x1b[?1002h\x1b[?1006h");
        assert!(!on.contains("?1003h"), "{on:?}");
        assert!(ansi(ratatui::crossterm::event::EnableMouseCapture).contains("?1003h"), "why this exists");
        // Turning capture off covers every mode this turned on.
        let off = ansi(ratatui::crossterm::event::DisableMouseCapture);
        for mode in ["?1000l", "?1002l", "?1006l"] {
            assert!(off.contains(mode), "{off:?} lacks {mode}");
        }
    }
}
