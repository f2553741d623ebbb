//! Widgets shared by the screens.

pub mod form;
pub mod help_bar;
pub mod line_edit;
pub mod path;
pub mod table;
pub mod text_box;
pub mod wrap;
