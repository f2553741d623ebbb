//! Operators: OS logins mapped to roles.

use serde::Serialize;

use crate::domain::kind::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}
