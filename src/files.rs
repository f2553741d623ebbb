//! Permissions of the files aryz creates (database, backups, exports, letters, the log):
//! readable and writable by their owner only, or also by their group when the office runs
//! aryz for several clerks on one server (`group_access = true` in the config).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

static GROUP_ACCESS: AtomicBool = AtomicBool::new(false);

/// Set once at start from the configuration.
pub(crate) fn set_group_access(on: bool) {
    GROUP_ACCESS.store(on, Ordering::Relaxed);
}

/// The Unix mode for new files: 0600, or 0660 with group access.
pub(crate) fn private_mode() -> u32 {
    if GROUP_ACCESS.load(Ordering::Relaxed) { 0o660 } else { 0o600 }
}

/// The Unix mode for directories aryz creates: 0700, or 0750 with group access.
pub(crate) fn private_dir_mode() -> u32 {
    if GROUP_ACCESS.load(Ordering::Relaxed) { 0o750 } else { 0o700 }
}

/// Creates `dir` and any missing parents with [`private_dir_mode`] (whatever the umask);
/// directories that already exist are left as they are.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        if dir.is_dir() {
            return Ok(());
        }
        let mut missing = Vec::new();
        let mut p = Some(dir);
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            missing.push(d.to_path_buf());
            p = d.parent();
        }
        for d in missing.iter().rev() {
            match std::fs::DirBuilder::new().mode(private_dir_mode()).create(d) {
                Ok(()) => {
                    use std::os::unix::fs::PermissionsExt;
                    // The umask may have taken bits away; set exactly this mode.
                    std::fs::set_permissions(d, std::fs::Permissions::from_mode(private_dir_mode()))?;
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// A new file written without a name, then linked into place whole: a process killed while
/// writing (even by SIGKILL, which runs no clean-up) leaves nothing anyone can open. Uses
/// Linux's `O_TMPFILE`; where the filesystem lacks it, a 0600 `.NAME.PID.partial` file that
/// every error path removes.
pub(crate) struct NewFile {
    file: File,
    /// The named stand-in when `O_TMPFILE` is not available.
    partial: Option<PathBuf>,
}

impl NewFile {
    /// An unnamed file in the existing directory `dir`, readable by its owner only (and
    /// group under group access).
    pub(crate) fn create_in(dir: &Path) -> io::Result<NewFile> {
        NewFile::create(dir, true)
    }

    /// A file with a hidden 0600 name (`.aryz.PID.N.partial`) until linked, for writers
    /// that open files by name (`SQLite` resolves `/proc/self/fd/N` to a new, named file).
    /// Removed on every error path; only a SIGKILL can leave it, readable by its owner only.
    pub(crate) fn create_named_in(dir: &Path) -> io::Result<NewFile> {
        NewFile::create(dir, false)
    }

    fn create(dir: &Path, unnamed: bool) -> io::Result<NewFile> {
        #[cfg(target_os = "linux")]
        if unnamed {
            use rustix::fs::{Mode, OFlags};
            use rustix::io::Errno;
            let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
            match rustix::fs::open(dir, flags, Mode::from_bits_truncate(private_mode())) {
                Ok(fd) => return Ok(NewFile { file: exact_mode(File::from(fd))?, partial: None }),
                // Filesystems without O_TMPFILE answer EOPNOTSUPP (or EISDIR on old kernels).
                Err(Errno::OPNOTSUPP | Errno::ISDIR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let partial = dir.join(format!(".aryz.{}.{}.partial", std::process::id(), unique()));
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(private_mode());
        }
        let file = o.open(&partial)?;
        let file = NewFile { file, partial: Some(partial) };
        exact_mode(file.file.try_clone()?)?;
        Ok(file)
    }

    pub(crate) fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// The hidden name of a [`NewFile::create_named_in`] file.
    pub(crate) fn partial_path(&self) -> Option<&Path> {
        self.partial.as_deref()
    }

    /// Makes the content durable and gives the file the name `path`; fails with
    /// `AlreadyExists` if that name is taken (nothing is ever overwritten).
    pub(crate) fn link(&self, path: &Path) -> io::Result<()> {
        self.file.sync_all()?;
        match &self.partial {
            Some(p) => std::fs::hard_link(p, path),
            None => link_unnamed(&self.file, path),
        }
    }
}

impl NewFile {
    /// Makes the content durable and puts it in place of `path` in one step (a rename):
    /// a reader sees the old file or the new one, never a half-written one. For files that
    /// are rewritten (a form's draft), not for outputs, which [`NewFile::link`] never
    /// overwrites.
    pub fn replace(&self, path: &Path) -> io::Result<()> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.{}.new", std::process::id(), unique()));
        self.link(&tmp)?;
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

impl Drop for NewFile {
    fn drop(&mut self) {
        if let Some(p) = &self.partial {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Sets the file's mode to [`private_mode`] exactly: the umask may have taken group bits.
fn exact_mode(file: File) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(private_mode()))?;
    }
    Ok(file)
}

fn unique() -> u64 {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[cfg(target_os = "linux")]
fn link_unnamed(file: &File, path: &Path) -> io::Result<()> {
    use rustix::fs::{AtFlags, CWD, linkat};
    use std::os::unix::io::AsRawFd;
    let src = format!("/proc/self/fd/{}", file.as_raw_fd());
    Ok(linkat(CWD, src.as_str(), CWD, path, AtFlags::SYMLINK_FOLLOW)?)
}

#[cfg(not(target_os = "linux"))]
fn link_unnamed(_file: &File, _path: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "unnamed files need Linux"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_new_file_has_no_name_until_linked_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = NewFile::create_in(dir.path()).unwrap();
        f.file().write_all(b"data").unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing visible while writing");
        let path = dir.path().join("out.csv");
        f.link(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"data");
        let g = NewFile::create_in(dir.path()).unwrap();
        assert_eq!(g.link(&path).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        drop(g);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn replace_puts_the_new_content_in_place_whole() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.toml");
        for text in [&b"first"[..], b"second, longer"] {
            let mut f = NewFile::create_in(dir.path()).unwrap();
            f.file().write_all(text).unwrap();
            f.replace(&path).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), text);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary name is left");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn private_dirs_ignore_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("a/b");
        create_private_dir(&d).unwrap();
        for p in [dir.path().join("a"), d] {
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }
}
