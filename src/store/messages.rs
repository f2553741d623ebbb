//! The store's errors as catalog keys ([`Localize`]): busy, conflict, missing database…
//! Their `Display` (thiserror's English) and the English catalog say the same; a test
//! checks.

use crate::i18n::localize::{Localize, Message};
use crate::msg;

use super::{StoreError, busy_timeout};

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
            StoreError::Sqlite(e) => msg!("message.engine", detail = e.to_string()),
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
        ] {
            assert_eq!(e.message().to_string(), e.to_string());
            for lang in crate::i18n::Lang::ALL {
                let text = e.message().render(lang);
                assert!(!text.contains('{'), "{lang:?}: {text}");
            }
        }
    }
}
