//! The store's errors as catalog keys ([`Localize`]): busy, conflict, missing database…
//! Their `Display` (thiserror's English) and the English catalog say the same; a test
//! checks.

use crate::i18n::localize::{Localize, Message};
use crate::msg;

use super::{BackendError, EngineKind, StoreError, busy_timeout};

/// The catalog key of an engine error of `kind`.
fn engine_key(kind: EngineKind) -> &'static str {
    match kind {
        EngineKind::DiskFull => "message.engine_disk_full",
        EngineKind::ReadOnly => "message.engine_read_only",
        EngineKind::CannotOpen => "message.engine_cannot_open",
        EngineKind::Io => "message.engine_io",
        EngineKind::Permission => "message.engine_permission",
        EngineKind::Damaged => "message.engine_damaged",
        EngineKind::Constraint => "message.engine_constraint",
        EngineKind::Other => "message.engine",
    }
}

/// An engine error's message: its kind in words, then the engine's own.
fn engine_message(e: &BackendError) -> Message {
    Message::new(engine_key(e.kind())).with("detail", e.to_string())
}

/// The English text of an engine error (its `Display`): the English catalog's, so the two
/// cannot differ.
pub(super) fn engine_english(e: &BackendError) -> String {
    engine_message(e).render(crate::i18n::Lang::En)
}

impl Localize for StoreError {
    fn message(&self) -> Message {
        match self {
            StoreError::Missing(p) => msg!("message.no_database", path = p),
            StoreError::AlreadyExists(p) => msg!("message.database_exists", path = p),
            StoreError::NotAryz(p) => msg!("message.not_aryz", path = p),
            StoreError::WrongKey => msg!("message.wrong_key"),
            StoreError::EncryptionUnavailable => msg!("message.no_encryption"),
            StoreError::TooNew { found, known } => msg!("message.too_new", found = *found, known = *known),
            StoreError::Busy => msg!("message.locked", seconds = busy_timeout().as_secs_f64().to_string()),
            StoreError::Conflict(what) => msg!("message.changed", what = what),
            // What is wrong with stored data, or the engine's own words: as they are.
            StoreError::Corrupt(why) => msg!("message.corrupt", detail = why),
            StoreError::Sqlite(e) => engine_message(e),
            StoreError::Io { path, source } => msg!("message.path_error", path = path, error = source),
            StoreError::Location(m) => m.clone(),
            StoreError::Lost(why) => msg!("message.connection_lost", detail = why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn english_messages_equal_the_errors_texts() {
        let p = PathBuf::from("/tmp/x.sqlite3");
        for e in [
            StoreError::Missing(p.clone()),
            StoreError::AlreadyExists(p.clone()),
            StoreError::NotAryz(p.clone()),
            StoreError::WrongKey,
            StoreError::EncryptionUnavailable,
            StoreError::TooNew { found: 9, known: 7 },
            StoreError::Busy,
            StoreError::Conflict("ARZ-2026-000001".into()),
            StoreError::Lost("terminating connection due to administrator command".into()),
            StoreError::Corrupt("no binding deadline".into()),
            StoreError::Io { path: p.clone(), source: std::io::Error::other("disk on fire") },
            StoreError::Sqlite(BackendError::new(EngineKind::DiskFull, "database or disk is full")),
        ] {
            assert_eq!(e.message().to_string(), e.to_string());
            for lang in crate::i18n::Lang::ALL {
                let text = e.message().render(lang);
                assert!(!text.contains('{'), "{lang:?}: {text}");
            }
        }
    }

    /// Each kind of engine error has its own sentence in every language, with the engine's
    /// words after it.
    #[test]
    fn engine_errors_say_their_kind_in_every_language() {
        let kinds = [
            EngineKind::DiskFull,
            EngineKind::ReadOnly,
            EngineKind::CannotOpen,
            EngineKind::Io,
            EngineKind::Permission,
            EngineKind::Damaged,
            EngineKind::Constraint,
            EngineKind::Other,
        ];
        let mut seen = std::collections::BTreeSet::new();
        for kind in kinds {
            let e = StoreError::Sqlite(BackendError::new(kind, "engine words"));
            assert!(e.to_string().contains("engine words"), "{e}");
            for lang in crate::i18n::Lang::ALL {
                let text = e.message().render(lang);
                assert!(!text.contains('{') && text.contains("engine words"), "{lang:?}: {text}");
                assert!(seen.insert((format!("{lang:?}"), text.clone())), "two kinds read the same: {text}");
            }
        }
    }

    /// SQLite's result codes are read into the kinds: a full disk is not "database error".
    #[test]
    fn sqlite_result_codes_become_kinds() {
        use rusqlite::ErrorCode as C;
        for (code, kind) in [
            (C::DiskFull, EngineKind::DiskFull),
            (C::ReadOnly, EngineKind::ReadOnly),
            (C::CannotOpen, EngineKind::CannotOpen),
            (C::SystemIoFailure, EngineKind::Io),
            (C::DatabaseCorrupt, EngineKind::Damaged),
            (C::ConstraintViolation, EngineKind::Constraint),
            (C::InternalMalfunction, EngineKind::Other),
        ] {
            assert_eq!(super::super::sqlite_kind(Some(code)), kind, "{code:?}");
        }
        // A real one: a unique key broken.
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1);").unwrap();
        let e = StoreError::from(conn.execute("INSERT INTO t VALUES (1)", []).unwrap_err());
        assert!(matches!(&e, StoreError::Sqlite(b) if b.kind() == EngineKind::Constraint), "{e:?}");
        assert!(
            e.message().render(crate::i18n::Lang::Ru).contains("UNIQUE"),
            "{}",
            e.message().render(crate::i18n::Lang::Ru)
        );
    }
}
