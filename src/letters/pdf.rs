//! A letter as an A4 PDF. `DejaVu` Sans (full Cyrillic, including the Kyrgyz ң ө ү) is
//! embedded as a subset, as a CID font with Identity-H encoding and a `ToUnicode` map, so the
//! text can be searched and copied. Layout is simple and deliberate: letterhead, reference
//! and date, addressee, title, wrapped paragraphs and lists, signature, and a footer with
//! the reference and page number on every page.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use ttf_parser::Face;

use super::{Block, Letter};

const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

// A4 in points, margins of 25 mm left, 20 mm right and top, 25 mm bottom.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 70.87;
const RIGHT: f32 = 56.69;
const TOP: f32 = 56.69;
const BOTTOM: f32 = 70.87;
const TEXT_W: f32 = PAGE_W - LEFT - RIGHT;
const BODY: f32 = 11.0;
const LEADING: f32 = 15.0;
const FOOTER_Y: f32 = 36.0;

/// A PDF could not be made (only a broken font could cause it): which step failed, and
/// the font library's own words.
#[derive(Debug, thiserror::Error)]
#[error("{}", crate::i18n::localize::Localize::message(self))]
pub enum PdfError {
    /// The font could not be read.
    Font(String),
    /// The font could not be cut down to the letter's glyphs.
    Subset(String),
}

impl crate::i18n::localize::Localize for PdfError {
    fn message(&self) -> crate::i18n::localize::Message {
        match self {
            PdfError::Font(detail) => crate::msg!("message.pdf.font", detail = detail),
            PdfError::Subset(detail) => crate::msg!("message.pdf.subset", detail = detail),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Style {
    Regular,
    Bold,
}

struct Font<'a> {
    face: Face<'a>,
    data: &'static [u8],
    upem: f32,
}

impl Font<'_> {
    fn gid(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    fn advance(&self, gid: u16) -> f32 {
        f32::from(self.face.glyph_hor_advance(ttf_parser::GlyphId(gid)).unwrap_or(0)) * 1000.0 / self.upem
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(self.gid(c))).sum::<f32>() * size / 1000.0
    }
}

/// One line of text placed on a page.
struct Run {
    style: Style,
    size: f32,
    x: f32,
    y: f32,
    text: String,
}

#[derive(Default)]
struct Page {
    runs: Vec<Run>,
    rules: Vec<(f32, f32, f32, f32)>,
}

struct Layout<'a> {
    fonts: [Font<'a>; 2],
    pages: Vec<Page>,
    y: f32,
}

impl<'a> Layout<'a> {
    fn font(&self, s: Style) -> &Font<'a> {
        match s {
            Style::Regular => &self.fonts[0],
            Style::Bold => &self.fonts[1],
        }
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = PAGE_H - TOP;
    }

    /// Starts a new page unless `height` fits above the bottom margin.
    fn need(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    fn put(&mut self, style: Style, size: f32, x: f32, text: &str) {
        let y = self.y;
        self.page().runs.push(Run { style, size, x, y, text: text.to_string() });
    }

    /// Greedy word wrap to `width` points; a word longer than a line is cut. Only ASCII
    /// white space breaks a line (a no-break space keeps "№ ARZ-…" together).
    fn wrap(&self, text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
        let f = self.font(style);
        super::text::wrap_by(text, width, |c| f.advance(f.gid(c)) * size / 1000.0)
    }

    /// A wrapped paragraph starting at `x`, `width` wide, each line on the baseline grid.
    fn paragraph(&mut self, text: &str, style: Style, size: f32, x: f32, width: f32, leading: f32) {
        for l in self.wrap(text, style, size, width) {
            self.need(leading);
            self.y -= leading;
            self.put(style, size, x, &l);
        }
    }

    fn centred(&mut self, text: &str, style: Style, size: f32, leading: f32) {
        for l in self.wrap(text, style, size, TEXT_W) {
            self.need(leading);
            self.y -= leading;
            let w = self.font(style).width(&l, size);
            self.put(style, size, LEFT + (TEXT_W - w) / 2.0, &l);
        }
    }
}

fn load_font(data: &'static [u8]) -> Result<Font<'static>, PdfError> {
    let face = Face::parse(data, 0).map_err(|e| PdfError::Font(e.to_string()))?;
    let upem = f32::from(face.units_per_em());
    Ok(Font { face, data, upem })
}

fn layout(letter: &Letter) -> Result<Layout<'static>, PdfError> {
    let fonts = [load_font(FONT_REGULAR)?, load_font(FONT_BOLD)?];
    let mut l = Layout { fonts, pages: vec![Page::default()], y: PAGE_H - TOP };
    // Letterhead.
    l.centred(&letter.service_name, Style::Bold, 12.5, 16.0);
    l.centred(&letter.service_address, Style::Regular, 9.5, 13.0);
    l.y -= 8.0;
    let y = l.y;
    l.page().rules.push((LEFT, y, PAGE_W - RIGHT, y));
    l.y -= 6.0;
    // Reference and date.
    l.y -= LEADING;
    let reference = format!("{} {}", letter.reference_label, letter.reference);
    l.put(Style::Bold, 10.5, LEFT, &reference);
    let w = l.font(Style::Regular).width(&letter.date, 10.5);
    l.put(Style::Regular, 10.5, PAGE_W - RIGHT - w, &letter.date);
    l.y -= 14.0;
    // Addressee, in the right half.
    let label_w = l.font(Style::Regular).width(&letter.to_label, BODY) + 5.0;
    // Further left than the right half when a line would not fit there: an address is
    // never broken across lines (a longer one wraps only at its spaces).
    let widest = letter
        .addressee
        .iter()
        .enumerate()
        .map(|(i, a)| l.font(if i == 0 { Style::Bold } else { Style::Regular }).width(a, BODY))
        .fold(0.0_f32, f32::max);
    let indent = super::text::addressee_indent(widest, label_w, TEXT_W);
    let col = LEFT + indent;
    let mut first = true;
    for line in &letter.addressee {
        let style = if first { Style::Bold } else { Style::Regular };
        for text in l.wrap(line, style, BODY, (TEXT_W - indent - label_w).max(60.0)) {
            l.y -= LEADING;
            if first {
                let label = letter.to_label.clone();
                l.put(Style::Regular, BODY, col, &label);
            }
            l.put(style, BODY, col + label_w, &text);
            first = false;
        }
    }
    l.y -= 22.0;
    // Title and greeting.
    l.centred(&letter.title, Style::Bold, 12.0, 16.0);
    l.y -= 12.0;
    l.paragraph(&letter.greeting, Style::Regular, BODY, LEFT, TEXT_W, LEADING);
    l.y -= 7.0;
    // Body.
    let mut previous_item = false;
    for (i, b) in letter.body.iter().enumerate() {
        match b {
            Block::Paragraph(p) => {
                if previous_item {
                    l.y -= 7.0;
                }
                // Keep a heading with the first item of its list.
                if matches!(letter.body.get(i + 1), Some(Block::Item(_))) {
                    let lines = l.wrap(p, Style::Regular, BODY, TEXT_W).len() as f32;
                    l.need(LEADING * (lines + 1.0));
                }
                l.paragraph(p, Style::Regular, BODY, LEFT, TEXT_W, LEADING);
                l.y -= 7.0;
                previous_item = false;
            }
            Block::Item(it) => {
                if !previous_item {
                    l.y += 4.0;
                }
                let lines = l.wrap(it, Style::Regular, BODY, TEXT_W - 22.0);
                for (j, text) in lines.iter().enumerate() {
                    l.need(LEADING);
                    l.y -= LEADING - 1.0;
                    if j == 0 {
                        l.put(Style::Regular, BODY, LEFT + 8.0, "–");
                    }
                    l.put(Style::Regular, BODY, LEFT + 22.0, text);
                }
                previous_item = true;
            }
        }
    }
    if previous_item {
        l.y -= 7.0;
    }
    // Closing and signature, kept together.
    let position = l.wrap(&letter.signer_position, Style::Regular, BODY, TEXT_W * 0.55);
    l.need(LEADING * (position.len() as f32 + 3.0));
    l.y -= 8.0;
    l.paragraph(&letter.closing, Style::Regular, BODY, LEFT, TEXT_W, LEADING);
    l.y -= 10.0;
    for text in &position {
        l.y -= LEADING;
        l.put(Style::Regular, BODY, LEFT, text);
    }
    let sign_x = LEFT + TEXT_W * 0.62;
    let line_y = l.y - 2.0;
    l.page().rules.push((sign_x, line_y, sign_x + 80.0, line_y));
    if !letter.signer_name.is_empty() {
        let name = letter.signer_name.clone();
        l.put(Style::Regular, BODY, sign_x + 88.0, &name);
    }
    // Footers, now that the number of pages is known.
    let n = l.pages.len();
    for i in 0..n {
        let footer = letter.page_footer(i + 1, n);
        let w = l.font(Style::Regular).width(&footer, 8.0);
        l.pages[i].runs.push(Run {
            style: Style::Regular,
            size: 8.0,
            x: LEFT + (TEXT_W - w) / 2.0,
            y: FOOTER_Y,
            text: footer,
        });
    }
    Ok(l)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// A six-letter subset tag derived from the glyphs used, as PDF asks for subset fonts.
fn subset_tag(gids: &[u16], style: Style) -> String {
    let mut h: u32 = if style == Style::Bold { 0x9e37_79b9 } else { 0x85eb_ca6b };
    for g in gids {
        h = h.rotate_left(5) ^ u32::from(*g);
        h = h.wrapping_mul(0x0100_0193);
    }
    (0..6).map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8)).collect()
}

/// Renders a letter as a PDF document.
pub fn render_pdf(letter: &Letter) -> Result<Vec<u8>, PdfError> {
    let l = layout(letter)?;
    // The glyphs used per font, and the character each stands for (for ToUnicode).
    let mut used: [BTreeMap<u16, char>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for page in &l.pages {
        for run in &page.runs {
            let i = run.style as usize;
            for c in run.text.chars() {
                used[i].entry(l.fonts[i].gid(c)).or_insert(c);
            }
        }
    }
    let mut remappers = [subsetter::GlyphRemapper::new(), subsetter::GlyphRemapper::new()];
    for (i, r) in remappers.iter_mut().enumerate() {
        r.remap(0);
        for g in used[i].keys() {
            r.remap(*g);
        }
    }

    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog_id = alloc();
    let tree_id = alloc();
    let info_id = alloc();
    let font_ids: Vec<[Ref; 5]> = (0..2).map(|_| [alloc(), alloc(), alloc(), alloc(), alloc()]).collect();
    let page_ids: Vec<(Ref, Ref)> = l.pages.iter().map(|_| (alloc(), alloc())).collect();

    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(tree_id);
    catalog.lang(TextStr(letter.lang.code()));
    catalog.finish();
    pdf.pages(tree_id).kids(page_ids.iter().map(|(p, _)| *p)).count(page_ids.len() as i32);
    pdf.document_info(info_id)
        .title(TextStr(&letter.title))
        .creator(TextStr("aryz"))
        .producer(TextStr("aryz"));

    let names = [Name(b"F1"), Name(b"F2")];
    let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    for (i, style) in [Style::Regular, Style::Bold].into_iter().enumerate() {
        let [type0_id, cid_id, descriptor_id, file_id, cmap_id] = font_ids[i];
        let font = &l.fonts[i];
        let remapper = &remappers[i];
        let gids: Vec<u16> = used[i].keys().copied().collect();
        let base = format!(
            "{}+{}",
            subset_tag(&gids, style),
            if style == Style::Bold { "DejaVuSans-Bold" } else { "DejaVuSans" }
        );
        let base_name = Name(base.as_bytes());
        pdf.type0_font(type0_id)
            .base_font(base_name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(base_name)
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .default_width(font.advance(0));
        cid.cid_to_gid_map_predefined(Name(b"Identity"));
        {
            let mut widths = cid.widths();
            for old in remapper.remapped_gids() {
                if let Some(new) = remapper.get(old) {
                    widths.consecutive(new, [font.advance(old)]);
                }
            }
        }
        cid.finish();
        let bbox = font.face.global_bounding_box();
        let scale = |v: i16| f32::from(v) * 1000.0 / font.upem;
        pdf.font_descriptor(descriptor_id)
            .name(base_name)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(scale(bbox.x_min), scale(bbox.y_min), scale(bbox.x_max), scale(bbox.y_max)))
            .italic_angle(0.0)
            .ascent(scale(font.face.ascender()))
            .descent(scale(font.face.descender()))
            .cap_height(scale(font.face.capital_height().unwrap_or(font.face.ascender())))
            .stem_v(if style == Style::Bold { 120.0 } else { 80.0 })
            .font_file2(file_id);
        let subset =
            subsetter::subset(font.data, 0, remapper).map_err(|e| PdfError::Subset(format!("{e:?}")))?;
        let packed = deflate(&subset);
        pdf.stream(file_id, &packed).filter(Filter::FlateDecode).pair(Name(b"Length1"), subset.len() as i32);
        let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
        for (old, c) in &used[i] {
            if let Some(new) = remapper.get(*old) {
                cmap.pair(new, *c);
            }
        }
        let cmap = cmap.finish();
        pdf.cmap(cmap_id, &cmap);
    }

    for (page, (page_id, content_id)) in l.pages.iter().zip(&page_ids) {
        let mut p = pdf.page(*page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(tree_id);
        p.contents(*content_id);
        {
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            fonts.pair(names[0], font_ids[0][0]);
            fonts.pair(names[1], font_ids[1][0]);
        }
        p.finish();
        let mut c = Content::new();
        c.set_fill_gray(0.0);
        for run in &page.runs {
            let i = run.style as usize;
            let mut bytes = Vec::with_capacity(run.text.len() * 2);
            for ch in run.text.chars() {
                let new = remappers[i].get(l.fonts[i].gid(ch)).unwrap_or(0);
                bytes.extend_from_slice(&new.to_be_bytes());
            }
            c.begin_text();
            c.set_font(names[i], run.size);
            c.next_line(run.x, run.y);
            c.show(Str(&bytes));
            c.end_text();
        }
        if !page.rules.is_empty() {
            c.set_line_width(0.6);
            for (x1, y1, x2, y2) in &page.rules {
                c.move_to(*x1, *y1);
                c.line_to(*x2, *y2);
            }
            c.stroke();
        }
        let data = deflate(c.finish().as_slice());
        pdf.stream(*content_id, &data).filter(Filter::FlateDecode);
    }
    Ok(pdf.finish())
}
