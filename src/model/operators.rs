//! Operators: OS logins mapped to roles, each working in one office.

use serde::Serialize;

use crate::domain::kind::Role;

/// The office made with every database (and by migration for every existing one): the
/// head office, which every request and operator belonged to before offices existed.
pub const DEFAULT_OFFICE: i64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// The office the operator works in (an [`Office`] id).
    #[serde(skip)]
    pub office: i64,
    /// Whether that office is the head office (read with the operator; not stored on it).
    #[serde(skip)]
    pub office_head: bool,
}

impl Operator {
    /// A new, active operator of the default office.
    pub fn new(login: &str, name: &str, role: Role) -> Operator {
        Operator {
            login: login.to_string(),
            name: name.to_string(),
            role,
            active: true,
            office: DEFAULT_OFFICE,
            office_head: true,
        }
    }

    /// Which offices' requests the operator sees and acts on: the one rule, used by every
    /// use case and by the server's row-level security on `PostgreSQL`.
    ///
    /// * An administrator sees every office (they keep the whole database: check, backup,
    ///   retention, export, moving requests between offices).
    /// * A supervisor of the head office sees every office; any other supervisor sees
    ///   their own office.
    /// * A clerk sees their own office, the head office's clerks included.
    pub fn scope(&self) -> OfficeScope {
        match self.role {
            Role::Admin => OfficeScope::All,
            Role::Supervisor if self.office_head => OfficeScope::All,
            _ => OfficeScope::Only(self.office),
        }
    }
}

/// The offices an operator sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeScope {
    All,
    Only(i64),
}

impl OfficeScope {
    pub fn covers(self, office: i64) -> bool {
        match self {
            OfficeScope::All => true,
            OfficeScope::Only(o) => o == office,
        }
    }
}

/// An office: a code people type (`BISH`), its name in each interface language, whether it
/// is the head office, and whether requests may still be registered in or moved to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    pub id: i64,
    pub code: String,
    pub name_en: String,
    pub name_ky: String,
    pub name_ru: String,
    pub head: bool,
    pub active: bool,
}

impl Office {
    /// The name in `lang` (`en`, `ky`, `ru`), else the first one given, else the code.
    pub fn name(&self, lang: &str) -> &str {
        let own = match lang {
            "ky" => &self.name_ky,
            "ru" => &self.name_ru,
            _ => &self.name_en,
        };
        [own, &self.name_en, &self.name_ru, &self.name_ky]
            .into_iter()
            .find(|n| !n.is_empty())
            .map_or(self.code.as_str(), String::as_str)
    }
}
