//! Drafts: what was typed in a form that is not saved yet, kept in `drafts/<form>.toml` in
//! the data directory (0600, written whole by a rename), so that a crash or a closed
//! terminal (SIGHUP) loses nothing. The app writes the drafts of its open forms after every
//! batch of keys, deletes one when its form is saved, discarded or emptied, and offers one
//! back when its form opens again.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::widgets::form::Values;

/// One kept draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The form's name (`intake`, `note-ARZ-2026-000001`).
    pub form: String,
    /// Whose typing it is: another operator's draft is never offered.
    pub operator: String,
    /// When it was last written, local time (`2026-12-01 10:04`).
    pub saved: String,
    pub values: Values,
}

/// The drafts of one operator, and what this process last wrote.
#[derive(Debug)]
pub struct Drafts {
    dir: PathBuf,
    operator: String,
    written: BTreeMap<String, Values>,
}

/// A form's name as a file name: letters, digits, `-` and `_` only.
fn file_name(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    format!("{safe}.toml")
}

impl Drafts {
    /// Drafts kept in `dir` (created 0700 when the first one is written).
    pub fn new(dir: PathBuf, operator: &str) -> Drafts {
        Drafts { dir, operator: operator.to_string(), written: BTreeMap::new() }
    }

    /// Takes a draft put back into its form as this process's own: saving or discarding
    /// the form deletes it.
    pub fn adopt(&mut self, key: &str, values: Values) {
        self.written.insert(key.to_string(), values);
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(file_name(key))
    }

    /// The kept draft of form `key`, if this operator left one (and it can be read).
    pub fn load(&self, key: &str) -> Option<Draft> {
        let text = std::fs::read_to_string(self.path(key)).ok()?;
        let d: Draft = toml::from_str(&text).ok()?;
        (d.form == key && d.operator == self.operator).then_some(d)
    }

    /// Writes the drafts of the forms open now (`current`: name and values of each form
    /// with changes) that differ from what was last written, and deletes those written
    /// before whose form is no longer open with changes (saved, discarded or emptied).
    pub fn sync(&mut self, current: BTreeMap<String, Values>) -> std::io::Result<()> {
        let gone: Vec<String> = self.written.keys().filter(|k| !current.contains_key(*k)).cloned().collect();
        for key in gone {
            self.delete(&key)?;
        }
        for (key, values) in current {
            if self.written.get(&key) != Some(&values) {
                self.write(&key, &values)?;
                self.written.insert(key, values);
            }
        }
        Ok(())
    }

    fn write(&self, key: &str, values: &Values) -> std::io::Result<()> {
        crate::files::create_private_dir(&self.dir)?;
        let draft = Draft {
            form: key.to_string(),
            operator: self.operator.clone(),
            saved: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            values: values.clone(),
        };
        let text = toml::to_string(&draft).map_err(std::io::Error::other)?;
        let mut f = crate::files::NewFile::create_in(&self.dir)?;
        f.file().write_all(text.as_bytes())?;
        f.replace(&self.path(key))
    }

    /// Deletes the draft of form `key` (none is fine).
    pub fn delete(&mut self, key: &str) -> std::io::Result<()> {
        self.written.remove(key);
        match std::fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn drafts_are_written_private_kept_whole_and_deleted_when_their_form_goes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut d = Drafts::new(dir.path().join("drafts"), "clerk");
        let text = values(&[("name", "Асанова Айгүл"), ("description", "line one\n\nline \"two\"")]);
        d.sync(BTreeMap::from([("intake".to_string(), text.clone())])).unwrap();
        let path = dir.path().join("drafts/intake.toml");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let back = d.load("intake").unwrap();
        assert_eq!(back.values, text);
        // Another operator's draft is not offered.
        assert_eq!(Drafts::new(dir.path().join("drafts"), "other").load("intake"), None);
        // The form closed (saved or discarded): the draft goes.
        d.sync(BTreeMap::new()).unwrap();
        assert!(!path.exists());
        assert_eq!(d.load("intake"), None);
    }

    #[test]
    fn a_form_name_cannot_leave_the_drafts_folder() {
        assert_eq!(file_name("../../etc/passwd"), "______etc_passwd.toml");
        assert_eq!(file_name("note-ARZ-2026-000001"), "note-ARZ-2026-000001.toml");
    }
}
