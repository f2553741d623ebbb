//! A table of figures, as the dashboard and the monthly report draw them: a name column
//! that takes the room left, number columns at least as wide as their headers (translations
//! differ in length), a header, an optional total kept right under the rows, and every cell
//! that does not fit cut with an ellipsis — never mid-word with nothing to say so.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, StatefulWidget, Table, TableState, Widget};
use unicode_width::UnicodeWidthStr;

use super::wrap::ellipsis;

/// One column: its header, how wide it may be, and whether its cells are right-aligned.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub width: Constraint,
    pub right: bool,
}

impl Column {
    /// The name column: the room the others leave, at least `min` columns.
    pub fn name(header: &str, min: u16) -> Column {
        Column { header: header.to_string(), width: Constraint::Min(min), right: false }
    }

    /// A number column: as wide as its header, at least `min`.
    pub fn number(header: &str, min: u16) -> Column {
        let w = u16::try_from(header.width()).unwrap_or(u16::MAX).max(min);
        Column { header: header.to_string(), width: Constraint::Length(w), right: true }
    }
}

/// One row: a cell per column (its text and style), and the row's own style.
#[derive(Debug, Clone, Default)]
pub struct FigureRow {
    pub cells: Vec<Span<'static>>,
    pub style: Style,
}

impl FigureRow {
    pub fn new(cells: Vec<Span<'static>>) -> FigureRow {
        FigureRow { cells, style: Style::default() }
    }

    #[must_use]
    pub fn style(mut self, style: Style) -> FigureRow {
        self.style = style;
        self
    }
}

/// The table; [`FigureTable::render`] draws it (with a selection, when given a state).
#[derive(Debug, Clone)]
pub struct FigureTable {
    pub columns: Vec<Column>,
    pub rows: Vec<FigureRow>,
    /// Drawn right under the last row, and kept in view.
    pub total: Option<FigureRow>,
    pub header_style: Style,
    pub highlight: Style,
}

/// Space between columns.
const SPACING: u16 = 1;

impl FigureTable {
    pub fn new(columns: Vec<Column>, rows: Vec<FigureRow>) -> FigureTable {
        FigureTable {
            columns,
            rows,
            total: None,
            header_style: Style::default(),
            highlight: Style::default(),
        }
    }

    /// The width of each column in `width` cells.
    pub fn widths(&self, width: u16) -> Vec<u16> {
        let constraints: Vec<Constraint> = self.columns.iter().map(|c| c.width).collect();
        let area = Rect::new(0, 0, width, 1);
        Layout::horizontal(constraints).spacing(SPACING).split(area).iter().map(|r| r.width).collect()
    }

    /// The rows it needs: header, rows and total.
    pub fn height(&self) -> u16 {
        u16::try_from(self.rows.len() + 1 + usize::from(self.total.is_some())).unwrap_or(u16::MAX)
    }

    fn cells(&self, row: &FigureRow, widths: &[u16]) -> Row<'static> {
        let cells = row.cells.iter().zip(&self.columns).zip(widths).map(|((span, col), w)| {
            let text = ellipsis(&span.content, usize::from(*w));
            let line = Line::from(Span::styled(text, span.style));
            Cell::from(if col.right { line.right_aligned() } else { line })
        });
        Row::new(cells.collect::<Vec<_>>()).style(row.style)
    }

    /// Draws it in `area`; with `state`, the selected row is highlighted and kept in view.
    pub fn render(&self, area: Rect, buf: &mut Buffer, state: Option<&mut TableState>) {
        let widths = self.widths(area.width);
        let header = FigureRow::new(self.columns.iter().map(|c| Span::raw(c.header.clone())).collect())
            .style(self.header_style);
        let rows: Vec<Row> = self.rows.iter().map(|r| self.cells(r, &widths)).collect();
        let lengths: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
        let mut table = Table::new(rows, lengths)
            .header(self.cells(&header, &widths))
            .column_spacing(SPACING)
            .row_highlight_style(self.highlight);
        // The total right under the rows: the table is only as tall as it needs.
        if let Some(total) = &self.total {
            table = table.footer(self.cells(total, &widths));
        }
        let area = Rect { height: area.height.min(self.height()), ..area };
        match state {
            Some(state) => StatefulWidget::render(table, area, buf, state),
            None => Widget::render(table, area, buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(t: &FigureTable, width: u16) -> Vec<String> {
        let area = Rect::new(0, 0, width, t.height());
        let mut buf = Buffer::empty(area);
        t.render(area, &mut buf, None);
        (0..area.height)
            .map(|y| {
                (0..width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn cut_cells_end_in_an_ellipsis_and_numbers_keep_their_headers_width() {
        let t = FigureTable::new(
            vec![Column::name("Вид", 6), Column::number("Поступило", 5), Column::number("%", 7)],
            vec![
                FigureRow::new(vec![Span::raw("запрос органа"), Span::raw("12"), Span::raw("93.4 %")]),
                FigureRow::new(vec![Span::raw("доступ"), Span::raw("7"), Span::raw("—")]),
            ],
        );
        let lines = draw(&t, 26);
        assert_eq!(lines[0], "Вид      Поступило       %");
        assert_eq!(lines[1], "запрос …        12  93.4 %");
        assert_eq!(lines[2], "доступ           7       —");
        assert!(lines.iter().all(|l| l.width() <= 26));
    }

    #[test]
    fn the_total_stays_right_under_the_rows() {
        let mut t = FigureTable::new(
            vec![Column::name("Kind", 6), Column::number("N", 3)],
            vec![FigureRow::new(vec![Span::raw("access"), Span::raw("3")])],
        );
        t.total = Some(FigureRow::new(vec![Span::raw("Total"), Span::raw("3")]));
        let area = Rect::new(0, 0, 12, 10);
        let mut buf = Buffer::empty(area);
        t.render(area, &mut buf, None);
        let row = |y: u16| (0..12).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>();
        assert_eq!(row(2).trim_end(), "Total      3");
        assert_eq!(row(3).trim_end(), "");
    }
}
