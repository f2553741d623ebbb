//! A letter as plain text, wrapped to 76 columns, for e-mail or a quick look.

use unicode_width::UnicodeWidthStr;

use super::{Block, Letter};

const WIDTH: usize = 76;

/// Wraps `text` into lines at most `width` wide, where `char_width` measures one character
/// (terminal columns for text letters, font units for PDF). Words longer than a line are cut.
pub(crate) fn wrap_by(text: &str, width: f32, char_width: impl Fn(char) -> f32) -> Vec<String> {
    let measure = |s: &str| s.chars().map(&char_width).sum::<f32>();
    let space = char_width(' ');
    let mut lines = Vec::new();
    let (mut line, mut line_w) = (String::new(), 0.0_f32);
    for word in text.split_ascii_whitespace() {
        let word_w = measure(word);
        if !line.is_empty() && line_w + space + word_w <= width {
            line.push(' ');
            line.push_str(word);
            line_w += space + word_w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // An address (e-mail, web) is never cut: it stands whole, even on a line of its own
        // that is wider than the others.
        if word_w <= width || is_address(word) {
            line = word.to_string();
            line_w = word_w;
            continue;
        }
        // A word longer than a line: cut it, measuring each character once.
        let (mut head, mut head_w) = (String::new(), 0.0_f32);
        for c in word.chars() {
            let w = char_width(c);
            if !head.is_empty() && head_w + w > width {
                lines.push(std::mem::take(&mut head));
                head_w = 0.0;
            }
            head.push(c);
            head_w += w;
        }
        line = head;
        line_w = head_w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A word that must never be cut across lines: an e-mail or web address.
pub(crate) fn is_address(word: &str) -> bool {
    word.contains('@') || word.contains("://") || word.starts_with("www.")
}

/// Where the addressee block starts, `0.0` being the left margin: in the right half of
/// `total`, as on a printed letter, but further left when the widest line (after a label
/// `label_w` wide) would not fit there, so that an address is never broken across lines.
pub(crate) fn addressee_indent(widest: f32, label_w: f32, total: f32) -> f32 {
    (total / 2.0).min(total - label_w - widest).max(0.0)
}

/// Wraps by display width in terminal columns (Kyrgyz and Russian letters are one column).
pub(crate) fn wrap_columns(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    wrap_by(text, width as f32, |c| c.width().unwrap_or(0) as f32)
}

fn right(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}

fn centre(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width()) / 2))
}

/// The letter as text: letterhead, reference and date, addressee, title, body, signature.
pub fn render_text(letter: &Letter) -> String {
    let mut out: Vec<String> = Vec::new();
    out.extend(wrap_columns(&letter.service_name, WIDTH));
    out.extend(wrap_columns(&letter.service_address, WIDTH));
    out.push("─".repeat(WIDTH));
    let reference = format!("{} {}", letter.reference_label, letter.reference);
    let gap = WIDTH.saturating_sub(reference.width() + letter.date.width()).max(1);
    out.push(format!("{reference}{}{}", " ".repeat(gap), letter.date));
    out.push(String::new());
    // The addressee block sits in the right half, or further left for a long address.
    let label = format!("{} ", letter.to_label);
    let widest = letter.addressee.iter().map(|l| l.width()).max().unwrap_or(0);
    let indent = addressee_indent(widest as f32, label.width() as f32, WIDTH as f32) as usize;
    for (i, line) in letter.addressee.iter().enumerate() {
        for (j, l) in
            wrap_columns(line, WIDTH.saturating_sub(indent + label.width()).max(12)).iter().enumerate()
        {
            let lead = if i == 0 && j == 0 { label.clone() } else { " ".repeat(label.width()) };
            out.push(format!("{}{lead}{l}", " ".repeat(indent)));
        }
    }
    out.push(String::new());
    for l in wrap_columns(&letter.title, WIDTH - 8) {
        out.push(centre(&l, WIDTH));
    }
    out.push(String::new());
    out.extend(wrap_columns(&letter.greeting, WIDTH));
    out.push(String::new());
    let mut previous_item = false;
    for b in &letter.body {
        match b {
            Block::Paragraph(p) => {
                if previous_item {
                    out.push(String::new());
                }
                out.extend(wrap_columns(p, WIDTH));
                out.push(String::new());
                previous_item = false;
            }
            Block::Item(it) => {
                // Items follow their heading paragraph without a blank line between them.
                if !previous_item && out.last().is_some_and(String::is_empty) {
                    out.pop();
                }
                for (j, l) in wrap_columns(it, WIDTH - 4).iter().enumerate() {
                    out.push(format!("{}{l}", if j == 0 { "  – " } else { "    " }));
                }
                previous_item = true;
            }
        }
    }
    if previous_item {
        out.push(String::new());
    }
    out.push(letter.closing.clone());
    out.push(String::new());
    let position = wrap_columns(&letter.signer_position, WIDTH / 2 + 4);
    let sign = if letter.signer_name.is_empty() {
        "____________".to_string()
    } else {
        format!("____________ {}", letter.signer_name)
    };
    for (i, l) in position.iter().enumerate() {
        if i + 1 == position.len() {
            let gap = WIDTH.saturating_sub(l.width() + sign.width()).max(2);
            out.push(format!("{l}{}{sign}", " ".repeat(gap)));
        } else {
            out.push(l.clone());
        }
    }
    if position.is_empty() {
        out.push(right(&sign, WIDTH));
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_display_width() {
        let w = wrap_columns("Жеке маалыматтарыңыз такталды жана бөгөт коюлду", 20);
        assert!(w.iter().all(|l| l.width() <= 20), "{w:?}");
        assert_eq!(w.join(" "), "Жеке маалыматтарыңыз такталды жана бөгөт коюлду");
        let w = wrap_columns(&"ө".repeat(45), 20);
        assert_eq!(w.len(), 3);
        assert!(wrap_columns("", 10).is_empty());
    }

    #[test]
    // Exact: sums and halves of small whole numbers.
    #[allow(clippy::float_cmp)]
    fn addresses_are_never_cut() {
        let w = wrap_columns("write to a.very.long.mailbox.name@example-office.org today", 20);
        assert!(w.contains(&"a.very.long.mailbox.name@example-office.org".to_string()), "{w:?}");
        assert_eq!(addressee_indent(10.0, 6.0, 76.0), 38.0);
        assert_eq!(addressee_indent(50.0, 6.0, 76.0), 20.0);
        assert_eq!(addressee_indent(90.0, 6.0, 76.0), 0.0);
    }
}
