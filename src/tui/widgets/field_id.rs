//! Typed field ids: every form (the intake and response forms, every dialog) names its
//! fields by an enum, and [`Form`](super::form::Form) is read and written only through one.
//! A typo is a compile error, not a lookup that silently returns `""`; a value that is
//! missing or not one of a field's choices is an [`Invalid`] naming the field, never a
//! silent default.

use std::borrow::Cow;

use super::form::{Form, Input};
use crate::i18n::localize::Localize;
use crate::i18n::t;

/// A form's field: its id in the form, which is the domain's name for it (as the services'
/// errors name it, and as drafts keep it).
pub trait FieldId: Copy {
    fn id(&self) -> Cow<'_, str>;
}

/// Declares enums of field ids, each variant with its domain name.
macro_rules! field_ids {
    ($($(#[$doc:meta])* $name:ident { $($variant:ident => $id:literal),+ $(,)? })+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }
        impl $name {
            /// The field's name in the form.
            pub const fn name(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }
        }
        impl $crate::tui::widgets::field_id::FieldId for $name {
            fn id(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.name())
            }
        }
    )+};
}
pub(crate) use field_ids;

/// A field as a service's error (or a draft) names it: the one way from a name given at run
/// time to a field, at the edge where the name comes in.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a>(pub &'a str);

impl FieldId for Named<'_> {
    fn id(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.0)
    }
}

/// A field's value was missing or invalid: shown under the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub error: String,
}

impl Invalid {
    pub(crate) fn new(field: impl FieldId, error: impl Into<String>) -> Invalid {
        Invalid { field: field.id().into_owned(), error: error.into() }
    }
}

/// Typed reads of a form.
pub(crate) struct Read<'a>(pub &'a Form);

impl Read<'_> {
    fn input(&self, f: impl FieldId) -> Result<&Input, Invalid> {
        self.0.field(f).map(|x| &x.input).ok_or_else(|| Invalid::new(f, t("error.required")))
    }

    /// A text field's text, trimmed.
    pub(crate) fn text(&self, f: impl FieldId) -> Result<String, Invalid> {
        match self.input(f)? {
            Input::Text(e) => Ok(e.text().trim().to_string()),
            Input::Area(b) => Ok(b.text().trim().to_string()),
            _ => Err(Invalid::new(f, t("error.required"))),
        }
    }

    /// A text that must not be empty.
    pub(crate) fn required(&self, f: impl FieldId) -> Result<String, Invalid> {
        let text = self.text(f)?;
        if text.is_empty() { Err(Invalid::new(f, t("error.required"))) } else { Ok(text) }
    }

    /// The chosen option's code; a choice with no options is missing.
    pub(crate) fn choice(&self, f: impl FieldId) -> Result<String, Invalid> {
        match self.input(f)? {
            Input::Choice { options, selected } => options
                .get(*selected)
                .map(|o| o.code.clone())
                .ok_or_else(|| Invalid::new(f, t("error.required"))),
            _ => Err(Invalid::new(f, t("error.required"))),
        }
    }

    /// A choice parsed into its type; "" (any, none) is `None`.
    pub(crate) fn optional<T: std::str::FromStr>(&self, f: impl FieldId) -> Result<Option<T>, Invalid>
    where
        T::Err: Localize,
    {
        let code = self.choice(f)?;
        if code.is_empty() {
            return Ok(None);
        }
        code.parse().map(Some).map_err(|e: T::Err| Invalid::new(f, e.localized()))
    }

    /// A choice that must be made and parse.
    pub(crate) fn parsed<T: std::str::FromStr>(&self, f: impl FieldId) -> Result<T, Invalid>
    where
        T::Err: Localize,
    {
        self.optional(f)?.ok_or_else(|| Invalid::new(f, t("error.required")))
    }

    /// The ticked options of a several-of field, each parsed.
    pub(crate) fn several<T: std::str::FromStr>(&self, f: impl FieldId) -> Result<Vec<T>, Invalid>
    where
        T::Err: Localize,
    {
        match self.input(f)? {
            Input::Multi { options, checked, .. } => options
                .iter()
                .zip(checked)
                .filter(|(_, c)| **c)
                .map(|(o, _)| o.code.parse().map_err(|e: T::Err| Invalid::new(f, e.localized())))
                .collect(),
            _ => Err(Invalid::new(f, t("error.required"))),
        }
    }

    pub(crate) fn toggle(&self, f: impl FieldId) -> Result<bool, Invalid> {
        match self.input(f)? {
            Input::Toggle(on) => Ok(*on),
            _ => Err(Invalid::new(f, t("error.required"))),
        }
    }
}
