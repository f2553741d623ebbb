//! The bytes aryz writes to the terminal (`aryz::tui::present`), played into a small terminal
//! emulator: after every frame the emulated screen must equal the frame drawn whole, so
//! scrolling rows with the terminal's scroll region (issue 16) can never leave a screen that
//! differs from a full repaint.

use aryz::store::Store;
use aryz::tui::app::App;
use aryz::tui::keymap::KeyMap;
use aryz::tui::present::{Screen, apply_scroll, find_scroll};
use aryz::tui::theme::Theme;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthChar;

use crate::tui_fixture::{add_operators, key, session_on};

/// A colour as the terminal keeps it: `31` and `38;5;1` are the same red.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ink {
    Default,
    Index(u8),
    Rgb(u8, u8, u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Ink,
    bg: Ink,
    underline: Ink,
    /// SGR attribute numbers 1..=9 as bits.
    attrs: u16,
}

const PLAIN: Pen = Pen { fg: Ink::Default, bg: Ink::Default, underline: Ink::Default, attrs: 0 };

#[derive(Debug, Clone, PartialEq, Eq)]
struct VtCell {
    text: String,
    pen: Pen,
}

fn blank() -> VtCell {
    VtCell { text: " ".into(), pen: PLAIN }
}

/// The part of a VT100/xterm that aryz's output uses: cursor position (CUP), clear (ED 2),
/// SGR, scroll margins (DECSTBM), index and reverse index (IND, RI), private modes (ignored),
/// UTF-8 text with wide characters and the pending wrap at the last column.
struct Vt {
    w: usize,
    h: usize,
    cells: Vec<VtCell>,
    x: usize,
    y: usize,
    pen: Pen,
    top: usize,
    bottom: usize,
    wrap_pending: bool,
}

impl Vt {
    fn new(w: u16, h: u16) -> Vt {
        let (w, h) = (usize::from(w), usize::from(h));
        Vt {
            w,
            h,
            cells: vec![blank(); w * h],
            x: 0,
            y: 0,
            pen: PLAIN,
            top: 0,
            bottom: h - 1,
            wrap_pending: false,
        }
    }

    fn blank_row(&mut self, y: usize) {
        // Background colour erase: blank cells take the current background.
        let cell = VtCell { text: " ".into(), pen: Pen { bg: self.pen.bg, ..PLAIN } };
        self.cells[y * self.w..(y + 1) * self.w].fill(cell);
    }

    fn scroll_up(&mut self) {
        let (t, b, w) = (self.top, self.bottom, self.w);
        self.cells[t * w..(b + 1) * w].rotate_left(w);
        self.blank_row(b);
    }

    fn scroll_down(&mut self) {
        let (t, b, w) = (self.top, self.bottom, self.w);
        self.cells[t * w..(b + 1) * w].rotate_right(w);
        self.blank_row(t);
    }

    fn feed(&mut self, bytes: &[u8]) {
        let text = std::str::from_utf8(bytes).expect("aryz writes UTF-8");
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '\x1b' {
                assert!(!c.is_control(), "a control character {c:?} reached the terminal");
                self.print(c);
                continue;
            }
            match chars.next() {
                Some('D') => self.index(),
                Some('M') => self.reverse_index(),
                Some('[') => {
                    let mut params = String::new();
                    let fin = loop {
                        let c = chars.next().expect("an unfinished escape sequence");
                        if c.is_ascii_digit() || c == ';' || c == '?' {
                            params.push(c);
                        } else {
                            break c;
                        }
                    };
                    self.csi(&params, fin);
                }
                other => panic!("an escape this emulator does not know: ESC {other:?}"),
            }
        }
    }

    fn index(&mut self) {
        self.wrap_pending = false;
        if self.y == self.bottom {
            self.scroll_up();
        } else if self.y + 1 < self.h {
            self.y += 1;
        }
    }

    fn reverse_index(&mut self) {
        self.wrap_pending = false;
        if self.y == self.top {
            self.scroll_down();
        } else if self.y > 0 {
            self.y -= 1;
        }
    }

    fn csi(&mut self, params: &str, fin: char) {
        if params.starts_with('?') {
            assert!(fin == 'h' || fin == 'l', "private mode {params}{fin}");
            return;
        }
        let nums: Vec<usize> = params.split(';').map(|p| p.parse().unwrap_or(0)).collect();
        let n = |i: usize, default: usize| nums.get(i).copied().filter(|v| *v != 0).unwrap_or(default);
        match fin {
            'H' => {
                self.y = (n(0, 1) - 1).min(self.h - 1);
                self.x = (n(1, 1) - 1).min(self.w - 1);
                self.wrap_pending = false;
            }
            'J' => {
                assert_eq!(params, "2", "only ED 2 is used");
                for y in 0..self.h {
                    self.blank_row(y);
                }
            }
            'r' => {
                let (t, b) = if params.is_empty() { (1, self.h) } else { (n(0, 1), n(1, self.h)) };
                assert!(t < b && b <= self.h, "bad scroll region {params}");
                self.top = t - 1;
                self.bottom = b - 1;
                // DECSTBM homes the cursor.
                self.x = 0;
                self.y = 0;
                self.wrap_pending = false;
            }
            'm' => self.sgr(&nums),
            other => panic!("a CSI this emulator does not know: {params}{other}"),
        }
    }

    fn sgr(&mut self, nums: &[usize]) {
        let mut i = 0;
        let colour = |i: &mut usize| -> Ink {
            match nums.get(*i + 1) {
                Some(5) => {
                    *i += 2;
                    Ink::Index(u8::try_from(nums[*i]).unwrap())
                }
                Some(2) => {
                    *i += 4;
                    let c = |k: usize| u8::try_from(nums[*i - 3 + k]).unwrap();
                    Ink::Rgb(c(1), c(2), c(3))
                }
                other => panic!("bad extended colour {other:?}"),
            }
        };
        while i < nums.len() {
            let p = nums[i];
            let idx = |base: usize| Ink::Index(u8::try_from(p - base).unwrap());
            match p {
                0 => self.pen = PLAIN,
                1..=9 => self.pen.attrs |= 1 << p,
                22 => self.pen.attrs &= !((1 << 1) | (1 << 2)),
                23..=29 if p != 26 => self.pen.attrs &= !(1 << (p - 20)),
                30..=37 => self.pen.fg = idx(30),
                90..=97 => self.pen.fg = Ink::Index(u8::try_from(p - 90 + 8).unwrap()),
                40..=47 => self.pen.bg = idx(40),
                100..=107 => self.pen.bg = Ink::Index(u8::try_from(p - 100 + 8).unwrap()),
                38 => self.pen.fg = colour(&mut i),
                48 => self.pen.bg = colour(&mut i),
                58 => self.pen.underline = colour(&mut i),
                39 => self.pen.fg = Ink::Default,
                49 => self.pen.bg = Ink::Default,
                59 => self.pen.underline = Ink::Default,
                other => panic!("an SGR this emulator does not know: {other}"),
            }
            i += 1;
        }
    }

    fn print(&mut self, c: char) {
        let width = c.width().unwrap_or(0);
        if width == 0 {
            // A combining mark joins the cell before it.
            let at = self.y * self.w + self.x.saturating_sub(usize::from(!self.wrap_pending && self.x > 0));
            self.cells[at].text.push(c);
            return;
        }
        if self.wrap_pending {
            self.x = 0;
            self.index();
        }
        let at = self.y * self.w + self.x;
        // Writing over half of a wide character blanks its other half (as tmux does: a
        // plain space).
        if self.cells[at].text.is_empty() && self.x > 0 {
            self.cells[at - 1] = blank();
        }
        if self.x + 1 < self.w && self.cells[at + 1].text.is_empty() && width == 1 {
            self.cells[at + 1] = blank();
        }
        self.cells[at] = VtCell { text: c.to_string(), pen: self.pen };
        if width == 2 && self.x + 1 < self.w {
            self.cells[at + 1] = VtCell { text: String::new(), pen: self.pen };
        }
        if self.x + width >= self.w {
            self.x = self.w - 1;
            self.wrap_pending = true;
        } else {
            self.x += width;
        }
    }

    /// The screen as the terminal shows it, row by row.
    fn rows(&self) -> Vec<Vec<VtCell>> {
        self.cells.chunks(self.w).map(<[VtCell]>::to_vec).collect()
    }
}

fn ink(c: Color) -> Ink {
    match c {
        Color::Reset => Ink::Default,
        Color::Black => Ink::Index(0),
        Color::Red => Ink::Index(1),
        Color::Green => Ink::Index(2),
        Color::Yellow => Ink::Index(3),
        Color::Blue => Ink::Index(4),
        Color::Magenta => Ink::Index(5),
        Color::Cyan => Ink::Index(6),
        Color::Gray => Ink::Index(7),
        Color::DarkGray => Ink::Index(8),
        Color::LightRed => Ink::Index(9),
        Color::LightGreen => Ink::Index(10),
        Color::LightYellow => Ink::Index(11),
        Color::LightBlue => Ink::Index(12),
        Color::LightMagenta => Ink::Index(13),
        Color::LightCyan => Ink::Index(14),
        Color::White => Ink::Index(15),
        Color::Indexed(n) => Ink::Index(n),
        Color::Rgb(r, g, b) => Ink::Rgb(r, g, b),
    }
}

/// What a terminal shows for a frame drawn whole: its cells, wide characters followed by
/// the empty half the terminal keeps.
fn expected(buf: &Buffer) -> Vec<Vec<VtCell>> {
    const BITS: [(Modifier, u16); 9] = [
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
    let w = usize::from(buf.area.width);
    let mut rows = Vec::new();
    for r in buf.content.chunks(w) {
        let mut row: Vec<VtCell> = Vec::with_capacity(w);
        let mut x = 0;
        while x < w {
            let c = &r[x];
            let attrs = BITS.iter().filter(|(m, _)| c.modifier.contains(*m)).map(|(_, b)| 1u16 << b).sum();
            let pen = Pen { fg: ink(c.fg), bg: ink(c.bg), underline: ink(c.underline_color), attrs };
            row.push(VtCell { text: c.symbol().to_string(), pen });
            if unicode_width::UnicodeWidthStr::width(c.symbol()) == 2 && x + 1 < w {
                row.push(VtCell { text: String::new(), pen });
                x += 1;
            }
            x += 1;
        }
        rows.push(row);
    }
    rows
}

/// Draws `frame` as it is.
fn copy(frame: &Buffer) -> impl FnOnce(Rect, &mut Buffer) + '_ {
    move |_, buf| buf.content.clone_from_slice(&frame.content)
}

fn first_difference(got: &[Vec<VtCell>], want: &[Vec<VtCell>]) -> Option<String> {
    for (y, (g, w)) in got.iter().zip(want).enumerate() {
        for (x, (a, b)) in g.iter().zip(w).enumerate() {
            if a != b {
                return Some(format!("row {y} column {x}: the terminal shows {a:?}, the frame has {b:?}"));
            }
        }
    }
    None
}

/// Draws frames through a `Screen` into the emulator; after each, the emulated screen must be
/// the frame. Returns the bytes written per frame.
struct Harness {
    screen: Screen<Vec<u8>>,
    vt: Vt,
    scrolls: usize,
}

impl Harness {
    fn new(w: u16, h: u16, scroll_regions: bool) -> Harness {
        Harness { screen: Screen::new(Vec::new(), w, h, scroll_regions), vt: Vt::new(w, h), scrolls: 0 }
    }

    fn draw(&mut self, what: &str, render: impl FnOnce(Rect, &mut Buffer)) -> usize {
        let mut frame = None;
        self.screen
            .draw(|area, buf| {
                render(area, buf);
                frame = Some(buf.clone());
            })
            .unwrap();
        let frame = frame.unwrap();
        let bytes = std::mem::take(self.screen.writer_mut());
        if bytes.windows(2).any(|w| w == b"\x1bD" || w == b"\x1bM") {
            self.scrolls += 1;
        }
        self.vt.feed(&bytes);
        if let Some(d) = first_difference(&self.vt.rows(), &expected(&frame)) {
            panic!("after {what}: {d}");
        }
        assert_eq!(self.screen.shown(), &frame, "after {what}: the kept frame is not what was drawn");
        bytes.len()
    }
}

/// An app on a database of 400 synthetic requests, on the closed requests (most of them), so
/// that j, k and the pages scroll through more than one window of rows.
fn big_app() -> App {
    let mut store = Store::in_memory().unwrap();
    add_operators(&mut store);
    let mut session = session_on(store, "root");
    session.demo(400, 7).unwrap();
    let mut app = App::new(session, KeyMap::default(), Theme::colour()).unwrap();
    while app.queue.section() != aryz::tui::screens::queue::Section::Closed {
        app.handle_key(&key("tab"));
    }
    app
}

#[test]
fn scrolled_frames_leave_the_screen_a_full_repaint_would() {
    let mut app = big_app();
    // A short screen: 15 rows of table, so that few keys reach its edges and the window's.
    let (w, h) = (100, 20);
    let mut fast = Harness::new(w, h, true);
    let mut slow = Harness::new(w, h, false);
    let frame = |app: &App| {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        app.render(buf.area, &mut buf);
        buf
    };
    let first = frame(&app);
    fast.draw("the first frame", copy(&first));
    slow.draw("the first frame", copy(&first));
    // Down past the bottom edge row by row and back up past the top edge; pages down past
    // the 300-row window (rows dropped above), a few rows each way there, pages back up past
    // its start (rows fetched before it); the end, up from it, and the top again.
    let mut keys: Vec<&str> = Vec::new();
    keys.extend(std::iter::repeat_n("j", 20));
    keys.extend(std::iter::repeat_n("k", 20));
    keys.extend(std::iter::repeat_n("pagedown", 24));
    keys.extend(["j", "j", "j", "k", "k", "k"]);
    keys.extend(std::iter::repeat_n("pageup", 24));
    keys.extend(["end", "k", "k"]);
    keys.extend(std::iter::repeat_n("pageup", 8));
    keys.extend(["home", "j"]);
    let mut edge = None;
    for (i, k) in keys.iter().enumerate() {
        app.handle_key(&key(k));
        let what = format!("key {i} ({k})");
        let f = frame(&app);
        let fast_bytes = fast.draw(&what, copy(&f));
        let slow_bytes = slow.draw(&what, copy(&f));
        if i == 19 {
            edge = Some((fast_bytes, slow_bytes));
        }
        // Reading ahead while idle changes nothing on screen.
        app.idle();
        let again = frame(&app);
        assert_eq!(
            fast.draw(&format!("{what}, read ahead"), copy(&again)),
            0,
            "{what}: the read-ahead moved the screen"
        );
    }
    // The j and k at the table's edges scroll; moves within the screen and pages do not.
    assert!(fast.scrolls >= 10, "the one-row moves used scroll regions only {} times", fast.scrolls);
    assert_eq!(slow.scrolls, 0, "ARYZ_SCROLL_REGIONS=0 must not scroll");
    // The 20th j, at the bottom edge: the table moves up a row under the selection.
    let (fast_bytes, slow_bytes) = edge.unwrap();
    assert!(
        fast_bytes * 4 < slow_bytes,
        "j at the bottom edge wrote {fast_bytes} bytes scrolling, {slow_bytes} repainting"
    );
}

/// Random frames: bands of rows shifted by one to four rows up or down, under a moving
/// highlight, with wide characters and colours, some rows changed; the screen always ends
/// up equal to the frame.
#[test]
fn random_shifted_frames_end_on_screen_exactly() {
    let (w, h) = (30u16, 16u16);
    for scroll_regions in [true, false] {
        random_frames(w, h, scroll_regions);
    }
}

fn random_frames(w: u16, h: u16, scroll_regions: bool) {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let words = ["alpha", "Бишкек", "日本語", "—", "ok", "Ош", "x"];
    let colours = [
        Color::Reset,
        Color::Red,
        Color::LightCyan,
        Color::DarkGray,
        Color::Indexed(200),
        Color::Rgb(1, 2, 3),
    ];
    let mut lines: Vec<(String, Style)> = (0..200)
        .map(|i| {
            let text = format!("{i:03} {}", words[i % words.len()]);
            (text, Style::default().fg(colours[i % colours.len()]))
        })
        .collect();
    let mut h1 = Harness::new(w, h, scroll_regions);
    let mut offset = 50usize;
    let mut selected = 3u16;
    for step in 0..400 {
        match next(6) {
            0 => offset += 1,
            1 => offset = offset.saturating_sub(1),
            2 => offset = (offset + usize::try_from(next(9)).unwrap()).saturating_sub(4),
            3 => selected = u16::try_from(next(u64::from(h) - 3)).unwrap() + 1,
            4 => {
                let i = offset + usize::try_from(next(u64::from(h))).unwrap();
                lines[i].0.push_str(" edited");
                lines[i].1 = lines[i].1.add_modifier(Modifier::BOLD);
            }
            _ => {}
        }
        offset = offset.min(lines.len() - usize::from(h));
        let bold_header = step % 7 == 0;
        h1.draw(&format!("step {step}"), |area, buf| {
            let header =
                if bold_header { Style::default().add_modifier(Modifier::BOLD) } else { Style::default() };
            buf.set_string(0, 0, format!("header {step}"), header);
            for y in 1..area.height - 1 {
                let (text, style) = &lines[offset + usize::from(y)];
                let style = if y == selected { style.add_modifier(Modifier::REVERSED) } else { *style };
                buf.set_stringn(0, y, text, usize::from(area.width), style);
            }
            buf.set_string(0, area.height - 1, "status", Style::default().fg(Color::Green));
        });
    }
    if scroll_regions {
        assert!(h1.scrolls > 50, "scroll regions were used {} times", h1.scrolls);
    }
}

#[test]
fn a_scroll_is_found_for_a_list_moved_by_one_row() {
    let area = Rect::new(0, 0, 20, 10);
    let draw = |first: usize| {
        let mut b = Buffer::empty(area);
        b.set_string(0, 0, "title", Style::default());
        for y in 1..9u16 {
            b.set_string(0, y, format!("row {}", first + usize::from(y)), Style::default());
        }
        b
    };
    let (before, after) = (draw(0), draw(1));
    let s = find_scroll(&before, &after).expect("rows 1-8 moved up by one");
    assert_eq!((s.top, s.bottom, s.by), (1, 8, 1));
    let mut moved = before.clone();
    apply_scroll(&mut moved, s);
    // Every row but the one scrolled in equals the next frame.
    let same = (0..10u16).filter(|&y| (0..20u16).all(|x| moved[(x, y)] == after[(x, y)])).count();
    assert_eq!(same, 9);
    let s = find_scroll(&after, &before).expect("and back down");
    assert_eq!((s.top, s.bottom, s.by), (1, 8, -1));
    assert_eq!(find_scroll(&before, &before), None, "nothing moved");
    assert_eq!(Cell::EMPTY.symbol(), " ");
}

/// The first frame (`App::first_screen`) shows the queue's rows without the counts, which
/// come with the idle work right after it; then the screen is the one `App::new` draws.
#[test]
fn the_first_frame_shows_the_rows_and_the_counts_follow() {
    let store = crate::tui_fixture::fixture_store(true);
    let mut app = App::first_screen(session_on(store, "jyldyz"), KeyMap::default(), Theme::colour()).unwrap();
    let first = crate::tui_fixture::screen(&app, 120, 20);
    let header = first.lines().next().unwrap();
    assert!(first.contains("ARZ-"), "{first}");
    assert!(!header.contains("open"), "no counts before they are read: {header}");
    assert!(first.contains("… requests"), "{first}");
    assert!(app.has_idle_work());
    app.idle();
    assert!(!app.has_idle_work(), "the start's work is done once");
    let whole = crate::tui_fixture::screen(&crate::tui_fixture::app("jyldyz", true), 120, 20);
    assert_eq!(crate::tui_fixture::screen(&app, 120, 20), whole);
    assert!(whole.lines().next().unwrap().contains("5 open"), "{whole}");
}
