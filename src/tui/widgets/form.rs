//! A form: labelled fields (text, one-of choice, several-of choice, yes/no) with one in
//! focus, and an error or warning under any field. The intake form, the response form and
//! every dialog are forms, so they behave alike.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

pub use super::field_id::FieldId;
use super::line_edit::{EditOp, LineEdit};
use super::text_box::TextBox;
use crate::tui::theme::Theme;

/// One option of a choice: its stable code and what the operator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub code: String,
    pub label: String,
}

impl Opt {
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Opt {
        Opt { code: code.into(), label: label.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(LineEdit),
    /// Several lines: notes, descriptions, response texts.
    Area(TextBox),
    Choice {
        options: Vec<Opt>,
        selected: usize,
    },
    Multi {
        options: Vec<Opt>,
        checked: Vec<bool>,
        cursor: usize,
    },
    Toggle(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The domain's name of the field, as in its errors (`pin`, `received`, `ground`).
    pub id: String,
    pub label: String,
    pub input: Input,
    pub error: Option<String>,
    pub warning: Option<String>,
    /// Explanation shown under the field (e.g. the citation of a refusal ground).
    pub hint: Option<String>,
    /// Errors show once a field was edited or a save was tried, not on an empty new form.
    pub touched: bool,
}

impl Field {
    pub fn text(id: impl FieldId, label: &str, value: &str) -> Field {
        Field::new(id, label, Input::Text(LineEdit::new(value)))
    }

    /// A multi-line text (Enter makes a new line).
    pub fn area(id: impl FieldId, label: &str, value: &str) -> Field {
        Field::new(id, label, Input::Area(TextBox::new(value)))
    }

    /// A multi-line text of `rows` rows on screen.
    pub fn area_of(id: impl FieldId, label: &str, value: &str, rows: u16) -> Field {
        let mut b = TextBox::new(value);
        b.rows = rows.max(1);
        Field::new(id, label, Input::Area(b))
    }

    pub fn choice(id: impl FieldId, label: &str, options: Vec<Opt>, selected_code: &str) -> Field {
        let selected = options.iter().position(|o| o.code == selected_code).unwrap_or(0);
        Field::new(id, label, Input::Choice { options, selected })
    }

    pub fn multi(id: impl FieldId, label: &str, options: Vec<Opt>) -> Field {
        let checked = vec![false; options.len()];
        Field::new(id, label, Input::Multi { options, checked, cursor: 0 })
    }

    pub fn toggle(id: impl FieldId, label: &str, on: bool) -> Field {
        Field::new(id, label, Input::Toggle(on))
    }

    fn new(id: impl FieldId, label: &str, input: Input) -> Field {
        Field {
            id: id.id().into_owned(),
            label: label.to_string(),
            input,
            error: None,
            warning: None,
            hint: None,
            touched: false,
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self.input, Input::Text(_) | Input::Area(_))
    }

    pub fn is_area(&self) -> bool {
        matches!(self.input, Input::Area(_))
    }

    /// The value as a draft keeps it: the text, the chosen code, the ticked codes joined
    /// by commas, or `true`/`false`.
    pub fn value(&self) -> String {
        match &self.input {
            Input::Text(e) => e.text().to_string(),
            Input::Area(b) => b.text().to_string(),
            Input::Choice { options, selected } => {
                options.get(*selected).map_or_else(String::new, |o| o.code.clone())
            }
            Input::Multi { options, checked, .. } => options
                .iter()
                .zip(checked)
                .filter(|(_, c)| **c)
                .map(|(o, _)| o.code.as_str())
                .collect::<Vec<_>>()
                .join(","),
            Input::Toggle(on) => on.to_string(),
        }
    }

    /// Sets the value from [`Field::value`]'s form; a code that is no longer an option is
    /// left as it is.
    pub fn set_value(&mut self, value: &str) {
        match &mut self.input {
            Input::Text(e) => e.set(value),
            Input::Area(b) => b.set(value),
            Input::Choice { options, selected } => {
                if let Some(i) = options.iter().position(|o| o.code == value) {
                    *selected = i;
                }
            }
            Input::Multi { options, checked, .. } => {
                let on: Vec<&str> = value.split(',').collect();
                for (o, c) in options.iter().zip(checked.iter_mut()) {
                    *c = on.contains(&o.code.as_str());
                }
            }
            Input::Toggle(on) => *on = value == "true",
        }
        self.touched = true;
    }

    /// Rows the input takes at `width` columns.
    fn input_rows(&self, width: u16) -> u16 {
        match &self.input {
            Input::Multi { options, .. } => {
                multi_lines(options, &vec![false; options.len()], width).len() as u16
            }
            Input::Area(b) => b.rows,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Set by a save attempt: every error shows, touched or not.
    pub show_all_errors: bool,
    /// The values it opened with: a form whose values differ has changes to lose.
    pristine: Values,
}

/// A form's values by field id, as a draft keeps them.
pub type Values = std::collections::BTreeMap<String, String>;

impl Form {
    pub fn new(fields: Vec<Field>) -> Form {
        let mut f = Form { fields, focus: 0, show_all_errors: false, pristine: Values::new() };
        f.mark_pristine();
        f
    }

    /// The values now count as unchanged (after the form is set up).
    pub fn mark_pristine(&mut self) {
        self.pristine = self.values();
    }

    pub fn values(&self) -> Values {
        self.fields.iter().map(|f| (f.id.clone(), f.value())).collect()
    }

    /// Whether anything differs from what the form opened with.
    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(|f| self.pristine.get(&f.id).is_none_or(|v| *v != f.value()))
    }

    /// Puts a draft's values back (fields it does not name keep theirs).
    pub fn restore(&mut self, values: &Values) {
        for f in &mut self.fields {
            if let Some(v) = values.get(&f.id) {
                f.set_value(v);
            }
        }
    }

    pub fn focused_is_area(&self) -> bool {
        self.focused().is_some_and(Field::is_area)
    }

    /// The rows the form needs at `width` columns (for dialogs sized to their form).
    pub fn height(&self, width: u16) -> u16 {
        let label_w = label_width(self, width);
        field_rows(self, width.saturating_sub(label_w)).1
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn focused_is_text(&self) -> bool {
        self.focused().is_some_and(Field::is_text)
    }

    pub fn index(&self, id: impl FieldId) -> Option<usize> {
        let id = id.id();
        self.fields.iter().position(|f| f.id == id)
    }

    pub fn field(&self, id: impl FieldId) -> Option<&Field> {
        let id = id.id();
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn field_mut(&mut self, id: impl FieldId) -> Option<&mut Field> {
        let id = id.id();
        self.fields.iter_mut().find(|f| f.id == id)
    }

    pub fn next_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    pub fn is_last(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    /// Edits the focused text field; returns whether the value changed.
    pub fn edit(&mut self, op: &EditOp) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        let changed = match &mut f.input {
            Input::Text(e) => e.apply(op),
            Input::Area(b) => b.apply(op),
            _ => false,
        };
        f.touched |= changed;
        changed
    }

    /// Moves the focused choice by `delta`, or the cursor of a several-of field.
    pub fn shift_option(&mut self, delta: isize) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        let changed = match &mut f.input {
            Input::Choice { options, selected } if !options.is_empty() => {
                *selected = (*selected as isize + delta).rem_euclid(options.len() as isize) as usize;
                true
            }
            Input::Multi { options, cursor, .. } if !options.is_empty() => {
                *cursor = (*cursor as isize + delta).rem_euclid(options.len() as isize) as usize;
                false
            }
            Input::Toggle(on) => {
                *on = !*on;
                true
            }
            _ => false,
        };
        f.touched |= changed;
        changed
    }

    /// Space: ticks the option under the cursor, flips a toggle, or steps a choice.
    pub fn toggle(&mut self) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        match &mut f.input {
            Input::Multi { checked, cursor, .. } => {
                if let Some(c) = checked.get_mut(*cursor) {
                    *c = !*c;
                    f.touched = true;
                    return true;
                }
                false
            }
            Input::Choice { .. } | Input::Toggle(_) => self.shift_option(1),
            Input::Text(_) | Input::Area(_) => false,
        }
    }

    pub fn text(&self, id: impl FieldId) -> &str {
        match self.field(id).map(|f| &f.input) {
            Some(Input::Text(e)) => e.text(),
            Some(Input::Area(b)) => b.text(),
            _ => "",
        }
    }

    pub fn set_text(&mut self, id: impl FieldId, value: &str) {
        match self.field_mut(id).map(|f| &mut f.input) {
            Some(Input::Text(e)) => e.set(value),
            Some(Input::Area(b)) => b.set(value),
            _ => {}
        }
    }

    /// Inserts `text` at the cursor of the focused multi-line field; whether it did.
    pub fn insert_in_focused(&mut self, text: &str) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else { return false };
        let done = match &mut f.input {
            Input::Area(b) => b.insert(text),
            _ => false,
        };
        f.touched |= done;
        done
    }

    /// The code of the selected option of a choice field.
    pub fn choice(&self, id: impl FieldId) -> &str {
        match self.field(id).map(|f| &f.input) {
            Some(Input::Choice { options, selected }) => {
                options.get(*selected).map_or("", |o| o.code.as_str())
            }
            _ => "",
        }
    }

    pub fn select(&mut self, id: impl FieldId, code: &str) {
        if let Some(Field { input: Input::Choice { options, selected }, .. }) = self.field_mut(id)
            && let Some(i) = options.iter().position(|o| o.code == code)
        {
            *selected = i;
        }
    }

    pub fn checked(&self, id: impl FieldId) -> Vec<&str> {
        match self.field(id).map(|f| &f.input) {
            Some(Input::Multi { options, checked, .. }) => {
                options.iter().zip(checked).filter(|(_, c)| **c).map(|(o, _)| o.code.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }

    pub fn set_checked(&mut self, id: impl FieldId, code: &str, on: bool) {
        if let Some(Field { input: Input::Multi { options, checked, .. }, .. }) = self.field_mut(id)
            && let Some(i) = options.iter().position(|o| o.code == code)
        {
            checked[i] = on;
        }
    }

    pub fn is_on(&self, id: impl FieldId) -> bool {
        matches!(self.field(id).map(|f| &f.input), Some(Input::Toggle(true)))
    }

    pub fn clear_messages(&mut self) {
        for f in &mut self.fields {
            f.error = None;
            f.warning = None;
        }
    }

    /// Puts an error on the field `id`, or on the focused field when no field has it.
    // Owned: the message is the caller's to give away (it becomes a key with issue 13's
    // errors as keys).
    #[allow(clippy::needless_pass_by_value)]
    pub fn set_error(&mut self, id: impl FieldId, message: String) {
        let i = self.index(id).unwrap_or(self.focus);
        if let Some(f) = self.fields.get_mut(i) {
            f.error = Some(message);
        }
    }

    // Owned: the message is the caller's to give away (it becomes a key with issue 13's
    // errors as keys).
    #[allow(clippy::needless_pass_by_value)]
    pub fn set_warning(&mut self, id: impl FieldId, message: String) {
        let i = self.index(id).unwrap_or(self.focus);
        if let Some(f) = self.fields.get_mut(i) {
            // Several warnings on one field are joined, none is lost.
            f.warning = Some(match f.warning.take() {
                Some(w) => format!("{w}; {message}"),
                None => message,
            });
        }
    }

    /// The first error that blocks saving, if any (visible or not).
    pub fn first_error(&self) -> Option<(usize, &str)> {
        self.fields.iter().enumerate().find_map(|(i, f)| f.error.as_deref().map(|e| (i, e)))
    }

    pub fn warnings(&self) -> Vec<String> {
        self.fields.iter().filter_map(|f| f.warning.as_ref().map(|w| format!("{}: {w}", f.label))).collect()
    }
}

/// Draws a form; the view scrolls so the focused field stays in sight.
pub struct FormView<'a> {
    pub form: &'a Form,
    pub theme: &'a Theme,
    pub focused: bool,
}

/// The row at which each field starts, relative to the form's top, and the total height.
fn field_rows(form: &Form, value_width: u16) -> (Vec<(u16, u16)>, u16) {
    let mut y = 0u16;
    let mut out = Vec::new();
    for f in &form.fields {
        let mut h = f.input_rows(value_width);
        if let Some((_, m)) = visible_message(form, f) {
            h += message_lines(m, value_width).len() as u16;
        }
        if let Some(hint) = &f.hint {
            h += super::wrap::wrap(hint, usize::from(value_width)).len() as u16;
        }
        out.push((y, h));
        y += h;
    }
    (out, y)
}

fn visible_message<'f>(form: &Form, f: &'f Field) -> Option<(bool, &'f str)> {
    match (&f.error, &f.warning) {
        (Some(e), _) if f.touched || form.show_all_errors => Some((true, e)),
        (_, Some(w)) => Some((false, w)),
        _ => None,
    }
}

/// Wraps "[x] label" items into lines of at most `width` columns.
fn multi_lines(options: &[Opt], checked: &[bool], width: u16) -> Vec<Vec<(usize, String)>> {
    let mut lines: Vec<Vec<(usize, String)>> = vec![Vec::new()];
    let mut used = 0usize;
    for (i, o) in options.iter().enumerate() {
        let item =
            format!("[{}] {}", if checked.get(i).copied().unwrap_or(false) { 'x' } else { ' ' }, o.label);
        let w = item.width() + 2;
        if used > 0 && used + w > usize::from(width) {
            lines.push(Vec::new());
            used = 0;
        }
        used += w;
        if let Some(l) = lines.last_mut() {
            l.push((i, item));
        }
    }
    lines
}

/// An error or warning under a field, wrapped after its sign.
fn message_lines(message: &str, width: u16) -> Vec<String> {
    super::wrap::wrap(message, usize::from(width.saturating_sub(2)).max(1))
}

fn label_width(form: &Form, width: u16) -> u16 {
    let label_w = form.fields.iter().map(|f| f.label.width()).max().unwrap_or(0).min(24) as u16 + 3;
    label_w.min(width / 3)
}

impl Widget for FormView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let form = self.form;
        let label_w = label_width(form, area.width);
        let value_w = area.width.saturating_sub(label_w);
        let (rows, _total) = field_rows(form, value_w);
        // Scroll so the focused field's whole block is visible.
        let mut top = 0u16;
        if let Some((y, h)) = rows.get(form.focus) {
            if y + h > area.height {
                top = (y + h).saturating_sub(area.height);
            }
            top = top.min(*y);
        }
        for (i, f) in form.fields.iter().enumerate() {
            let (y, h) = rows[i];
            if y < top || y - top >= area.height {
                continue;
            }
            let row = area.y + (y - top);
            let has_focus = self.focused && i == form.focus;
            let label_style = if has_focus { th.focus } else { th.label };
            let marker = if has_focus { "› " } else { "  " };
            Line::from(vec![Span::styled(marker, th.focus), Span::styled(f.label.clone(), label_style)])
                .render(Rect::new(area.x, row, label_w.saturating_sub(1), 1), buf);
            let value_area = Rect::new(area.x + label_w, row, value_w, 1);
            let mut used = 1u16;
            match &f.input {
                Input::Text(e) => e.render(value_area, buf, th.base, th.selected, has_focus),
                Input::Area(b) => {
                    used = f.input_rows(value_w);
                    let bottom = area.y + area.height;
                    let h = used.min(bottom.saturating_sub(row));
                    let bar = if has_focus { th.focus } else { th.border };
                    b.render(
                        Rect::new(area.x + label_w, row, value_w, h),
                        buf,
                        th.base,
                        th.selected,
                        bar,
                        has_focus,
                    );
                }
                Input::Choice { options, selected } => {
                    let label = options.get(*selected).map_or("", |o| o.label.as_str());
                    let style = if has_focus { th.focus } else { th.base };
                    // A long option ends in an ellipsis, so the closing mark stays in sight.
                    let label = super::wrap::ellipsis(label, usize::from(value_w.saturating_sub(4)));
                    Line::from(vec![
                        Span::styled("‹ ", th.muted),
                        Span::styled(label, style),
                        Span::styled(" ›", th.muted),
                    ])
                    .render(value_area, buf);
                }
                Input::Toggle(on) => {
                    let style = if has_focus { th.focus } else { th.base };
                    Span::styled(if *on { "[x]" } else { "[ ]" }, style).render(value_area, buf);
                }
                Input::Multi { options, checked, cursor } => {
                    let lines = multi_lines(options, checked, value_w);
                    used = lines.len() as u16;
                    for (li, items) in lines.iter().enumerate() {
                        let r = row + li as u16;
                        if r >= area.y + area.height {
                            break;
                        }
                        let mut spans = Vec::new();
                        for (idx, text) in items {
                            let st = if has_focus && idx == cursor {
                                th.selected
                            } else if checked[*idx] {
                                th.focus
                            } else {
                                th.base
                            };
                            spans.push(Span::styled(text.clone(), st));
                            spans.push(Span::raw("  "));
                        }
                        Line::from(spans).render(Rect::new(area.x + label_w, r, value_w, 1), buf);
                    }
                }
            }
            let mut r = row + used;
            let bottom = area.y + area.height;
            if let Some((is_error, msg)) = visible_message(form, f) {
                let (style, sign) = if is_error { (th.error, "✗ ") } else { (th.warning, "! ") };
                for (n, line) in message_lines(msg, value_w).into_iter().enumerate() {
                    if r >= bottom {
                        break;
                    }
                    let sign = if n == 0 { sign } else { "  " };
                    Line::from(vec![Span::styled(sign, style), Span::styled(line, style)])
                        .render(Rect::new(area.x + label_w, r, value_w, 1), buf);
                    r += 1;
                }
            }
            if let Some(hint) = &f.hint {
                for line in super::wrap::wrap(hint, usize::from(value_w)) {
                    if r >= bottom {
                        break;
                    }
                    Span::styled(line, th.muted).render(Rect::new(area.x + label_w, r, value_w, 1), buf);
                    r += 1;
                }
            }
            let _ = h;
        }
    }
}

/// What a form key did, for the form's owner to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// The focus moved, or nothing changed.
    Moved,
    /// A choice or toggle changed (the owner re-validates).
    Changed,
    /// Save the form (Save, or Submit on the last field).
    Save,
    Cancel,
    /// Not a form key.
    Other,
}

impl Form {
    /// Applies a form key: moving between fields and changing options; saving and
    /// cancelling are left to the owner.
    pub fn command(&mut self, cmd: crate::tui::action::Command) -> FormKey {
        use crate::tui::action::Command;
        let changed = |c: bool| if c { FormKey::Changed } else { FormKey::Moved };
        match cmd {
            Command::NextField => {
                self.next_field();
                FormKey::Moved
            }
            Command::PrevField => {
                self.prev_field();
                FormKey::Moved
            }
            Command::NextOption => changed(self.shift_option(1)),
            Command::PrevOption => changed(self.shift_option(-1)),
            Command::ToggleOption => changed(self.toggle()),
            Command::Submit if !self.is_last() => {
                self.next_field();
                FormKey::Moved
            }
            Command::Submit | Command::Save => FormKey::Save,
            Command::Cancel => FormKey::Cancel,
            _ => FormKey::Other,
        }
    }
}

impl Form {
    /// After a save with errors: focuses the first field in error and says what to fix.
    pub fn fix_first_error(&mut self) -> Option<String> {
        let (i, e) = self.first_error().map(|(i, e)| (i, e.to_string()))?;
        self.focus = i;
        let field = self.fields[i].label.clone();
        Some(crate::i18n::tf("msg.fix_fields", &[("field", &field), ("error", &e)]))
    }
}
