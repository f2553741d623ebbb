//! What the case file's events say, in the interface language. Their stored text is English,
//! for the record (`attached …`, `duplicate of ARZ-…`); the terminal UI's timeline and
//! `aryz show` both say them from here: a file by its number, kind, name and size, a
//! duplicate link by the other request. The texts are not cleaned: each caller makes them
//! inert for its own output.

use crate::domain::attachment::Attachment;
use crate::model::{Event, EventKind};

use super::{label_owned, t, tf};

/// A file's size as a clerk reads it: bytes, KB or MB.
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    if bytes < KB {
        tf("size.bytes", &[("n", &bytes)])
    } else if bytes < KB * KB {
        tf("size.kb", &[("n", &format!("{:.1}", bytes as f64 / KB as f64))])
    } else {
        tf("size.mb", &[("n", &format!("{:.1}", bytes as f64 / (KB * KB) as f64))])
    }
}

/// Whether the event's old and new values are for people: a file's SHA-256 is for
/// `audit verify`, a link's reference is said by [`said`], and so is a withdrawal as a
/// duplicate.
pub fn shows_change(e: &Event) -> bool {
    let file_or_link = matches!(e.kind, EventKind::Attached | EventKind::Linked) && e.new.is_some();
    let as_duplicate =
        e.kind == EventKind::Withdrawn && e.old.is_none() && e.new.as_deref() == Some("duplicate");
    !(file_or_link || as_duplicate)
}

/// What the event says in place of its stored English text, when it is one of the case
/// file's: `1. scan f.pdf (3 KB)`, `duplicate of ARZ-2026-000005`. `None` for the other
/// events, whose stored text is what a person wrote.
pub fn said(e: &Event, files: &[Attachment]) -> Option<String> {
    let file =
        files.iter().find(|a| e.kind == EventKind::Attached && e.new.as_deref() == Some(a.sha256.as_str()));
    let linked = e.new.as_deref().filter(|_| e.kind == EventKind::Linked);
    match (file, linked) {
        (Some(a), _) => Some(format!(
            "{}. {} {} ({})",
            a.n,
            label_owned("attachment_kind", a.kind.code()),
            a.file_name,
            size_text(a.size)
        )),
        (_, Some(other)) if e.text.starts_with("duplicate of") => {
            Some(tf("event.duplicate_of", &[("reference", &other)]))
        }
        (_, Some(other)) => Some(tf("event.has_duplicate", &[("reference", &other)])),
        _ if e.kind == EventKind::Withdrawn && e.new.as_deref() == Some("duplicate") => {
            Some(t("event.closed_as_duplicate").to_string())
        }
        _ => None,
    }
}
