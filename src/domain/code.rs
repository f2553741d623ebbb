//! A small macro for the closed vocabularies of the domain (kinds, statuses, channels…).
//!
//! Each vocabulary is stored and exchanged as a stable snake_case code; scripts outside the
//! project depend on those codes, so they are written out literally rather than derived.

/// Error for a code that is not in its vocabulary; names the field and the allowed codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::localize::Localize::message(self))]
pub struct UnknownCode {
    pub field: &'static str,
    pub value: String,
    pub allowed: String,
}

impl UnknownCode {
    /// The rule broken: not one of the allowed codes.
    pub fn rule(&self) -> crate::i18n::localize::Message {
        crate::msg!("message.unknown_value", value = &self.value, allowed = &self.allowed)
    }
}

impl crate::i18n::localize::Localize for UnknownCode {
    fn message(&self) -> crate::i18n::localize::Message {
        crate::msg!(
            "message.field",
            field = crate::domain::validation::field_name(self.field),
            rule = self.rule()
        )
    }
}

#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Name of the field, used in error messages.
            pub const FIELD: &'static str = $field;

            /// The stable code stored in the database and shown to scripts.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::code::UnknownCode;
            fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
                let wanted = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == wanted)
                    .ok_or_else(|| $crate::domain::code::UnknownCode {
                        field: $field,
                        value: s.to_string(),
                        allowed: $name::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
