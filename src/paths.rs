//! Where aryz keeps its files: the database in the user data directory, `config.toml` in
//! the config directory; `ARYZ_DATA_DIR` / `ARYZ_CONFIG_DIR` override the directories.

use std::path::PathBuf;

pub(crate) const DB_FILE: &str = "aryz.sqlite3";
pub(crate) const CONFIG_FILE: &str = "config.toml";
pub(crate) const LOG_FILE: &str = "aryz.log";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("kg", "salyk", "aryz")
}

fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from)
}

pub(crate) fn data_dir() -> PathBuf {
    env_dir("ARYZ_DATA_DIR")
        .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("."))
}

pub(crate) fn config_dir() -> PathBuf {
    env_dir("ARYZ_CONFIG_DIR")
        .or_else(|| project_dirs().map(|d| d.config_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("."))
}

pub(crate) fn default_db() -> PathBuf {
    data_dir().join(DB_FILE)
}

pub(crate) fn log_file() -> PathBuf {
    data_dir().join(LOG_FILE)
}
