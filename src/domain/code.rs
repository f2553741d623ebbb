//! A small macro for the closed vocabularies of the domain (kinds, statuses, channels…).
//!
//! Each vocabulary is stored and exchanged as a stable `snake_case` code; scripts outside the
//! project depend on those codes, so they are written out literally rather than derived.

/// Error for a code that is not in its vocabulary; names the field and the allowed codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::localize::Localize::message(self))]
pub struct UnknownCode {
    pub field: &'static str,
    pub value: String,
    pub allowed: String,
}

/// A closed vocabulary the command line takes: its codes, in order.
pub trait Vocabulary: std::str::FromStr + Clone + Send + Sync + 'static {
    fn codes() -> Vec<&'static str>;
}

/// The command line's parser of a vocabulary (clap's [`ValueParserFactory`] of every
/// [`code_enum!`] type): `--help` and the shell completions list the codes, and a bad value
/// is refused with the type's own error ([`UnknownCode`]), naming the field and the allowed
/// codes, as everywhere else; `cli` reports it as a field error (exit code 1).
///
/// This is deliberately not clap's `ValueEnum`: `value_parser!` prefers a `ValueEnum`'s
/// `EnumValueParser` to a factory, and that parser refuses a bad value as a usage error
/// (exit code 2, clap's English text) that does not name the field as the rest of aryz does.
///
/// [`ValueParserFactory`]: clap::builder::ValueParserFactory
#[derive(Debug)]
pub struct CodeParser<T>(std::marker::PhantomData<T>);

impl<T> Default for CodeParser<T> {
    fn default() -> Self {
        CodeParser(std::marker::PhantomData)
    }
}

impl<T> Clone for CodeParser<T> {
    fn clone(&self) -> Self {
        CodeParser::default()
    }
}

impl<T> clap::builder::TypedValueParser for CodeParser<T>
where
    T: Vocabulary,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        clap::builder::TypedValueParser::parse_ref(&|s: &str| s.parse::<T>(), cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(T::codes().into_iter().map(clap::builder::PossibleValue::new)))
    }
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

        impl $crate::domain::code::Vocabulary for $name {
            fn codes() -> Vec<&'static str> {
                $name::ALL.iter().map(|v| v.code()).collect()
            }
        }

        impl clap::builder::ValueParserFactory for $name {
            type Parser = $crate::domain::code::CodeParser<$name>;

            fn value_parser() -> Self::Parser {
                $crate::domain::code::CodeParser::default()
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
