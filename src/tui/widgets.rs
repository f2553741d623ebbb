//! Widgets shared by the screens.

pub mod field_id;
pub mod form;
pub(crate) mod help_bar;
pub(crate) mod line_edit;
pub(crate) mod path;
pub(crate) mod table;
pub mod text_box;
pub mod wrap;
