//! Putting frames on the terminal with as few bytes as the change needs.
//!
//! ratatui's `Terminal` diffs each frame against the one before and writes the changed
//! cells. This does the same (with ratatui's own diff) and adds two things it does not do:
//! - **Scrolled rows are scrolled, not rewritten.** When a band of rows moved up or down by
//!   a row or a few (the queue scrolled under its selection), the terminal moves them itself:
//!   a scroll region (DECSTBM) around the band, then IND or RI, as `less` does. Only the rows
//!   that still differ are written after it. The buffer the next frame is diffed against is
//!   scrolled the same way, so it always equals what the terminal shows, and a wrong guess
//!   costs bytes, never a wrong screen.
//! - **Styles in one short sequence.** One SGR per change of style, carrying only what
//!   changed, with the 16 colours in their short form (`31`, not `38;5;1`); the frame
//!   leaves in one `write`.
//!
//! With `ARYZ_SCROLL_REGIONS=0` scroll regions are not used (a terminal that lacks them).

use std::io::{self, Write};

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// A scroll of rows `top..=bottom` (0-based) by `by` rows: up when positive (the rows move
/// towards the top, as when a list scrolls down under its selection), down when negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    pub top: u16,
    pub bottom: u16,
    pub by: i16,
}

/// Scrolls of more rows than this are not looked for (a page is all new rows anyway).
const MAX_SCROLL: u16 = 3;
/// A scroll is used only when it saves rewriting at least this many rows.
const MIN_GAIN: i32 = 3;

/// The terminal's screen: what it shows, and the frame being drawn.
pub struct Screen<W: Write> {
    out: W,
    /// What the terminal shows now.
    shown: Buffer,
    /// The frame being drawn.
    next: Buffer,
    /// Bytes of one frame, written at once.
    bytes: Vec<u8>,
    /// Bytes to send before the next frame, in the same write (the terminal's set-up).
    prefix: Vec<u8>,
    scroll_regions: bool,
    /// The terminal must be cleared before the next frame (first frame, after a resize).
    clear: bool,
}

impl<W: Write> Screen<W> {
    /// A screen of `width` × `height` cells writing to `out` (the terminal, in raw mode, on
    /// the alternate screen). The first frame clears the terminal.
    pub fn new(out: W, width: u16, height: u16, scroll_regions: bool) -> Screen<W> {
        let area = Rect::new(0, 0, width, height);
        Screen {
            out,
            shown: Buffer::empty(area),
            next: Buffer::empty(area),
            bytes: Vec::with_capacity(1 << 14),
            prefix: Vec::new(),
            scroll_regions,
            clear: true,
        }
    }

    /// Whether scroll regions are used: not when `ARYZ_SCROLL_REGIONS` is `0`.
    pub fn scroll_regions_from_env() -> bool {
        std::env::var_os("ARYZ_SCROLL_REGIONS").is_none_or(|v| v != "0")
    }

    pub fn area(&self) -> Rect {
        self.next.area
    }

    /// The terminal is now `width` × `height`: the next frame is drawn whole on a cleared
    /// screen (as ratatui does), since terminals keep or cut the old content differently.
    pub fn resize(&mut self, width: u16, height: u16) {
        let area = Rect::new(0, 0, width, height);
        if area != self.next.area {
            self.shown = Buffer::empty(area);
            self.next = Buffer::empty(area);
            self.clear = true;
        }
    }

    /// Sends `bytes` (escapes that set the terminal up) just before the next frame.
    pub fn prefix(&mut self, bytes: &[u8]) {
        self.prefix.extend_from_slice(bytes);
    }

    /// Draws a frame: `render` fills the buffer, and what changed goes to the terminal.
    pub fn draw(&mut self, render: impl FnOnce(Rect, &mut Buffer)) -> io::Result<()> {
        self.next.reset();
        render(self.next.area, &mut self.next);
        self.bytes.clear();
        self.bytes.append(&mut self.prefix);
        if self.clear {
            // Default colours first: the cleared cells take the current background.
            self.bytes.extend_from_slice(b"\x1b[0m\x1b[2J");
            self.shown.reset();
            self.clear = false;
        } else if self.scroll_regions
            && let Some(s) = find_scroll(&self.shown, &self.next)
        {
            write_scroll(&mut self.bytes, s);
            apply_scroll(&mut self.shown, s);
        }
        write_diff(&mut self.bytes, &self.shown, &self.next);
        std::mem::swap(&mut self.shown, &mut self.next);
        if self.bytes.is_empty() {
            return Ok(());
        }
        self.out.write_all(&self.bytes)?;
        self.out.flush()
    }

    /// What the terminal shows (after the last frame).
    pub fn shown(&self) -> &Buffer {
        &self.shown
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }
}

fn row(buf: &Buffer, y: u16) -> &[Cell] {
    let w = usize::from(buf.area.width);
    let start = usize::from(y) * w;
    &buf.content[start..start + w]
}

fn is_blank(cells: &[Cell]) -> bool {
    cells.iter().all(|c| *c == Cell::EMPTY)
}

/// The scroll that saves the most rows from being rewritten, if one saves enough.
///
/// For a scroll up by `k` over rows `a..=b+k`, screen row `y` in `a..=b` then holds what
/// row `y + k` held; without it, every row that changed is rewritten. A row gains when it
/// changed but equals the row `k` below it, and loses when it did not change but will no
/// longer match after the scroll. The best band is the run of rows with the greatest sum
/// (the rows scrolled in at its edge are blank, and count against it when they are not).
pub fn find_scroll(shown: &Buffer, next: &Buffer) -> Option<Scroll> {
    if shown.area != next.area || shown.area.x != 0 || shown.area.y != 0 {
        return None;
    }
    let h = next.area.height;
    let changed: Vec<bool> = (0..h).map(|y| row(shown, y) != row(next, y)).collect();
    if changed.iter().filter(|c| **c).count() < MIN_GAIN as usize {
        return None;
    }
    let mut best: Option<(i32, Scroll)> = None;
    for k in 1..=MAX_SCROLL.min(h.saturating_sub(1)) {
        let k_signed = i16::try_from(k).unwrap_or(i16::MAX);
        for up in [true, false] {
            // Rows of `next` that could come from `shown` moved by k: up: y in 0..h-k from
            // y+k; down: y in k..h from y-k.
            let ys: Vec<u16> = if up { (0..h - k).collect() } else { (k..h).collect() };
            let gain = |y: u16| -> i32 {
                let from = if up { y + k } else { y - k };
                let moved = row(shown, from) == row(next, y);
                i32::from(changed[usize::from(y)] && moved) - i32::from(!changed[usize::from(y)] && !moved)
            };
            // What the rows scrolled in blank at the band's edge gain or lose.
            let edge =
                |e: u16| -> i32 { i32::from(changed[usize::from(e)]) - i32::from(!is_blank(row(next, e))) };
            // Kadane over the rows: the best run a..=b of rows that come from the scroll.
            let (mut run_sum, mut run_start) = (0i32, 0u16);
            for &y in &ys {
                if run_sum <= 0 {
                    run_sum = 0;
                    run_start = y;
                }
                run_sum += gain(y);
                let (s, edges) = if up {
                    (Scroll { top: run_start, bottom: y + k, by: k_signed }, y + 1..=y + k)
                } else {
                    (Scroll { top: run_start - k, bottom: y, by: -k_signed }, run_start - k..=run_start - 1)
                };
                let total = run_sum + edges.map(edge).sum::<i32>();
                if total >= MIN_GAIN && best.is_none_or(|(g, _)| total > g) {
                    best = Some((total, s));
                }
            }
        }
    }
    best.map(|(_, s)| s)
}

/// Moves the rows of `buf` as the terminal moves them for `s`; rows scrolled in are blank.
pub fn apply_scroll(buf: &mut Buffer, s: Scroll) {
    let w = usize::from(buf.area.width);
    let (top, bottom) = (usize::from(s.top), usize::from(s.bottom));
    let k = usize::from(s.by.unsigned_abs());
    let band = &mut buf.content[top * w..(bottom + 1) * w];
    if s.by > 0 {
        band.rotate_left(k * w);
        let len = band.len();
        band[len - k * w..].fill(Cell::EMPTY);
    } else {
        band.rotate_right(k * w);
        band[..k * w].fill(Cell::EMPTY);
    }
}

/// The bytes that scroll rows `top..=bottom` on the terminal: a scroll region, IND at its
/// bottom (up) or RI at its top (down), and the region back to the whole screen. The
/// attributes are the defaults here (every frame ends with them), so the rows scrolled in
/// are blank in the default colours.
fn write_scroll(out: &mut Vec<u8>, s: Scroll) {
    let _ = write!(out, "\x1b[{};{}r", s.top + 1, s.bottom + 1);
    if s.by > 0 {
        let _ = write!(out, "\x1b[{};1H", s.bottom + 1);
        for _ in 0..s.by {
            out.extend_from_slice(b"\x1bD");
        }
    } else {
        let _ = write!(out, "\x1b[{};1H", s.top + 1);
        for _ in 0..s.by.unsigned_abs() {
            out.extend_from_slice(b"\x1bM");
        }
    }
    out.extend_from_slice(b"\x1b[r");
}

/// The style of a cell as the terminal holds it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

const DEFAULT_PEN: Pen =
    Pen { fg: Color::Reset, bg: Color::Reset, underline: Color::Reset, modifier: Modifier::empty() };

fn pen_of(cell: &Cell) -> Pen {
    Pen { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier }
}

/// The changed cells of `next` against `shown`: cursor moves only where the cells written are
/// not next to each other, one SGR per change of style, and the default style at the end.
fn write_diff(out: &mut Vec<u8>, shown: &Buffer, next: &Buffer) {
    let mut pen = DEFAULT_PEN;
    // Where the cursor is, when known: after a cell of width 1 it is the next column.
    let mut cursor: Option<(u16, u16)> = None;
    for (x, y, cell) in shown.diff_iter(next) {
        if cursor != Some((x, y)) {
            let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
        }
        let p = pen_of(cell);
        if p != pen {
            write_sgr(out, pen, p);
            pen = p;
        }
        let symbol = cell.symbol();
        out.extend_from_slice(symbol.as_bytes());
        // Only a cell of width one surely leaves the cursor on the next column (and never
        // at the last one, where the terminal keeps it until the next character).
        let narrow = symbol.len() == 1 || symbol.width() == 1;
        cursor = (narrow && x + 1 < next.area.width).then_some((x + 1, y));
    }
    if pen != DEFAULT_PEN {
        out.extend_from_slice(b"\x1b[0m");
    }
}

const MODIFIER_CODES: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// One SGR from `from` to `to`: when an attribute goes, everything is reset and `to` set whole
/// (`0;…`); otherwise only what is added or changed.
fn write_sgr(out: &mut Vec<u8>, from: Pen, to: Pen) {
    let mut from = from;
    out.extend_from_slice(b"\x1b[");
    let mut first = true;
    let mut param = |out: &mut Vec<u8>, s: &dyn Fn(&mut Vec<u8>)| {
        if !first {
            out.push(b';');
        }
        first = false;
        s(out);
    };
    if !(from.modifier - to.modifier).is_empty() {
        param(out, &|o| o.push(b'0'));
        from = DEFAULT_PEN;
    }
    for (m, code) in MODIFIER_CODES {
        if to.modifier.contains(m) && !from.modifier.contains(m) {
            param(out, &|o| {
                let _ = write!(o, "{code}");
            });
        }
    }
    if to.fg != from.fg {
        param(out, &|o| write_color(o, to.fg, Layer::Fg));
    }
    if to.bg != from.bg {
        param(out, &|o| write_color(o, to.bg, Layer::Bg));
    }
    if to.underline != from.underline {
        param(out, &|o| write_color(o, to.underline, Layer::Underline));
    }
    out.push(b'm');
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layer {
    Fg,
    Bg,
    Underline,
}

fn write_color(out: &mut Vec<u8>, c: Color, layer: Layer) {
    // The 16 colours as ratatui names them, in the terminal's order.
    let basic = match c {
        Color::Black => Some(0u8),
        Color::Red => Some(1),
        Color::Green => Some(2),
        Color::Yellow => Some(3),
        Color::Blue => Some(4),
        Color::Magenta => Some(5),
        Color::Cyan => Some(6),
        Color::Gray => Some(7),
        Color::DarkGray => Some(8),
        Color::LightRed => Some(9),
        Color::LightGreen => Some(10),
        Color::LightYellow => Some(11),
        Color::LightBlue => Some(12),
        Color::LightMagenta => Some(13),
        Color::LightCyan => Some(14),
        Color::White => Some(15),
        Color::Reset | Color::Rgb(..) | Color::Indexed(_) => None,
    };
    let (short, long) = match layer {
        Layer::Fg => (30u8, 38u8),
        Layer::Bg => (40, 48),
        Layer::Underline => (0, 58),
    };
    let _ = match (c, basic) {
        (Color::Reset, _) => write!(out, "{}", long + 1),
        (_, Some(n)) if layer != Layer::Underline && n < 8 => write!(out, "{}", short + n),
        (_, Some(n)) if layer != Layer::Underline => write!(out, "{}", short + 60 + n - 8),
        (_, Some(n)) => write!(out, "{long};5;{n}"),
        (Color::Indexed(n), _) => write!(out, "{long};5;{n}"),
        (Color::Rgb(r, g, b), _) => write!(out, "{long};2;{r};{g};{b}"),
        _ => Ok(()),
    };
}
