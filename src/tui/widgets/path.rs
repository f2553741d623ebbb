//! File paths typed in a dialog: Tab completes a file or folder name as a shell does, and
//! `~/` is the home folder. Relative paths are relative to the folder aryz was started in.

use std::path::{Path, PathBuf};

/// What Tab made of a typed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The path completed as far as it is unambiguous (a folder ends in `/`).
    pub text: String,
    /// The names that still match when there are several (folders end in `/`), sorted.
    pub candidates: Vec<String>,
}

/// The home folder, for `~/`.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// `typed` as a path: `~` and `~/…` in the home folder, a relative path under `cwd`.
pub fn expand(typed: &str, cwd: &Path, home: Option<&Path>) -> PathBuf {
    let path = match (typed.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h.to_path_buf(),
        (Some(rest), Some(h)) if rest.starts_with('/') => h.join(rest.trim_start_matches('/')),
        _ => PathBuf::from(typed),
    };
    if path.is_absolute() { path } else { cwd.join(path) }
}

/// Completes the last name of `typed` among the entries of its folder. Hidden entries are
/// offered only when the typed name starts with a dot. An unreadable folder or no match
/// leaves the text as it is, with no candidates.
pub fn complete(typed: &str, cwd: &Path, home: Option<&Path>) -> Completion {
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None if typed == "~" => ("~/", ""),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() { cwd.to_path_buf() } else { expand(dir_part, cwd, home) };
    let unchanged = Completion { text: typed.to_string(), candidates: Vec::new() };
    let Ok(entries) = std::fs::read_dir(&dir) else { return unchanged };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            // A link to a folder completes as the folder.
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some(if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    let common = match names.as_slice() {
        [] => return unchanged,
        [one] => one.clone(),
        [first, rest @ ..] => rest.iter().fold(first.clone(), |acc, n| common_prefix(&acc, n)),
    };
    let candidates = if names.len() > 1 { names } else { Vec::new() };
    Completion { text: format!("{dir_part}{common}"), candidates }
}

/// The longest common start of two names, in whole characters.
fn common_prefix(a: &str, b: &str) -> String {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).map(|(x, _)| x).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_completes_a_unique_name_a_folder_and_the_common_start_of_several() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("скан-заявления.pdf"), b"x").unwrap();
        std::fs::write(root.join("passport-1.jpg"), b"x").unwrap();
        std::fs::write(root.join("passport-2.jpg"), b"x").unwrap();
        std::fs::write(root.join(".hidden"), b"x").unwrap();
        std::fs::create_dir(root.join("letters")).unwrap();
        std::fs::write(root.join("letters").join("reply.txt"), b"x").unwrap();
        let at = |typed: &str| complete(typed, root, None);

        // Relative to the folder aryz runs in; Cyrillic names are whole characters.
        assert_eq!(at("ск"), Completion { text: "скан-заявления.pdf".into(), candidates: vec![] });
        let several = at("pa");
        assert_eq!(several.text, "passport-");
        assert_eq!(several.candidates, ["passport-1.jpg", "passport-2.jpg"]);
        // A folder ends in a slash, and completing goes on inside it.
        assert_eq!(at("let").text, "letters/");
        assert_eq!(at("letters/").text, "letters/reply.txt");
        // Hidden files only when asked for; no match changes nothing.
        assert!(!at("").candidates.contains(&".hidden".to_string()));
        assert_eq!(at(".h").text, ".hidden");
        assert_eq!(at("zzz"), Completion { text: "zzz".into(), candidates: vec![] });
        assert_eq!(at("nowhere/x").text, "nowhere/x");
        // An absolute path and the home folder.
        let abs = format!("{}/let", root.display());
        assert_eq!(complete(&abs, Path::new("/"), None).text, format!("{}/letters/", root.display()));
        assert_eq!(complete("~/let", Path::new("/"), Some(root)).text, "~/letters/");
    }

    #[test]
    fn paths_expand_the_home_folder_and_stay_under_the_working_folder() {
        let (cwd, home) = (Path::new("/work/here"), Path::new("/home/clerk"));
        assert_eq!(expand("scan.pdf", cwd, Some(home)), Path::new("/work/here/scan.pdf"));
        assert_eq!(expand("~/scan.pdf", cwd, Some(home)), Path::new("/home/clerk/scan.pdf"));
        assert_eq!(expand("~", cwd, Some(home)), Path::new("/home/clerk"));
        assert_eq!(expand("/tmp/a", cwd, Some(home)), Path::new("/tmp/a"));
        // Without a home folder, `~` is a name like any other.
        assert_eq!(expand("~/a", cwd, None), Path::new("/work/here/~/a"));
    }
}
