//! Where aryz keeps its files: the database in the user data directory, `config.toml` in
//! the config directory; `ARYZ_DATA_DIR` / `ARYZ_CONFIG_DIR` override the directories.

use std::path::PathBuf;

pub const DB_FILE: &str = "aryz.sqlite3";
pub const CONFIG_FILE: &str = "config.toml";
pub const LOG_FILE: &str = "aryz.log";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("kg", "salyk", "aryz")
}

fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from)
}

pub fn data_dir() -> PathBuf {
    env_dir("ARYZ_DATA_DIR")
        .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("."))
}

pub fn config_dir() -> PathBuf {
    env_dir("ARYZ_CONFIG_DIR")
        .or_else(|| project_dirs().map(|d| d.config_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("."))
}

pub fn default_db() -> PathBuf {
    data_dir().join(DB_FILE)
}

pub fn config_file() -> PathBuf {
    config_dir().join(CONFIG_FILE)
}

pub fn log_file() -> PathBuf {
    data_dir().join(LOG_FILE)
}
