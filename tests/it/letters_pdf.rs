//! The PDF letter: its text is extracted (by a small reader here, and by poppler's
//! `pdftotext` when installed) and holds the reference, the subject's name and the Kyrgyz
//! letters ң ө ү; long letters break across pages; pages render with `pdftoppm`.

use std::collections::BTreeMap;
use std::process::Command;

use aryz::domain::kind::{Language, RequestKind};
use aryz::domain::outcome::{Outcome, default_grounds};
use aryz::letters::{Kit, Letter, LetterInput, LetterType, compose, render_pdf, sample_request};

fn letter(lang: Language, ty: LetterType, kind: RequestKind, outcome: Option<Outcome>, long: bool) -> Letter {
    let kit = Kit::shipped().expect("templates");
    let mut r = sample_request(kind, outcome);
    r.reference = "ARZ-2026-000777".into();
    r.subject.name = "Testova Aigul Testovna".into();
    if long {
        r.response_text =
            "Бул сыноо тексти, ал узун катты бир нече бетке бөлүү үчүн колдонулат. ".repeat(120);
    }
    let grounds = default_grounds();
    compose(
        &kit,
        &LetterInput {
            request: &r,
            letter_type: ty,
            lang,
            today: chrono::NaiveDate::from_ymd_opt(2026, 3, 20).expect("date"),
            letterhead: None,
            extension: None,
            grounds: &grounds,
            details: aryz::domain::referral::ResponseDetails::default(),
            bodies: &[],
            limit: None,
            representative: None,
        },
    )
    .expect("composes")
}

/// The streams of a PDF, inflated when they are compressed.
fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut from = 0;
    // pdf-writer ends every stream dictionary with ">>" and a newline before "stream".
    while let Some(i) = find(&pdf[from..], b">>\nstream\n") {
        let start = from + i + b">>\nstream\n".len();
        let Some(len) = find(&pdf[start..], b"\nendstream") else { break };
        let raw = &pdf[start..start + len];
        let data = miniz_oxide::inflate::decompress_to_vec_zlib(raw).unwrap_or_else(|_| raw.to_vec());
        out.push(data);
        from = start + len;
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// glyph id → text, from a `ToUnicode` `CMap`'s `bfchar` entries.
fn cmap(data: &[u8]) -> BTreeMap<u16, String> {
    let text = String::from_utf8_lossy(data);
    let mut map = BTreeMap::new();
    let mut inside = false;
    for line in text.lines() {
        if line.ends_with("beginbfchar") {
            inside = true;
        } else if line == "endbfchar" {
            inside = false;
        } else if inside {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() == 2 {
                let gid = u16::from_str_radix(parts[0].trim_matches(['<', '>']), 16).expect("gid");
                let hex = parts[1].trim_matches(['<', '>']);
                let units: Vec<u16> = (0..hex.len() / 4)
                    .map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).expect("utf-16"))
                    .collect();
                map.insert(gid, String::from_utf16_lossy(&units));
            }
        }
    }
    map
}

/// The bytes of a PDF string starting at `s[0]` (`(…)` literal or `<…>` hex), and its end.
fn pdf_string(s: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    if s[0] == b'<' {
        let end = s.iter().position(|b| *b == b'>').expect("hex end");
        let hex = std::str::from_utf8(&s[1..end]).expect("ascii");
        for i in (0..hex.len()).step_by(2) {
            out.push(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"));
        }
        return (out, end + 1);
    }
    let mut i = 1;
    let mut depth = 1;
    while i < s.len() {
        match s[i] {
            b'\\' => {
                i += 1;
                match s[i] {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v = 0u32;
                        let mut k = 0;
                        while k < 3 && i < s.len() && (b'0'..=b'7').contains(&s[i]) {
                            v = v * 8 + u32::from(s[i] - b'0');
                            i += 1;
                            k += 1;
                        }
                        out.push(v as u8);
                        continue;
                    }
                    c => out.push(c),
                }
            }
            b'(' => {
                depth += 1;
                out.push(b'(');
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (out, i + 1);
                }
                out.push(b')');
            }
            c => out.push(c),
        }
        i += 1;
    }
    (out, i)
}

/// The text of a PDF written by aryz: each `Tj` string decoded through the `ToUnicode` map
/// of the font selected with `Tf` (F1 regular, F2 bold, in that order in the file).
fn extract_text(pdf: &[u8]) -> String {
    let all = streams(pdf);
    let maps: Vec<BTreeMap<u16, String>> =
        all.iter().filter(|s| find(s, b"beginbfchar").is_some()).map(|s| cmap(s)).collect();
    assert_eq!(maps.len(), 2, "one ToUnicode map per font");
    let mut text = String::new();
    for s in all.iter().filter(|s| find(s, b" Tj").is_some()) {
        let mut font = 0;
        let mut i = 0;
        while i < s.len() {
            if s[i..].starts_with(b"/F1 ") {
                font = 0;
            } else if s[i..].starts_with(b"/F2 ") {
                font = 1;
            }
            if s[i] == b'(' || (s[i] == b'<' && s.get(i + 1) != Some(&b'<')) {
                let (bytes, len) = pdf_string(&s[i..]);
                for pair in bytes.chunks(2) {
                    let gid = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
                    text.push_str(maps[font].get(&gid).map_or("\u{fffd}", String::as_str));
                }
                text.push('\n');
                i += len;
                continue;
            }
            i += 1;
        }
    }
    text
}

#[test]
fn pdf_is_a4_embeds_a_subset_font_and_its_text_can_be_read_back() {
    let l = letter(Language::Ky, LetterType::Reply, RequestKind::Access, Some(Outcome::Refused), false);
    let pdf = render_pdf(&l).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/MediaBox [0 0 595.28 841.89]"), "A4");
    assert!(raw.contains("/Identity-H") && raw.contains("/ToUnicode") && raw.contains("/FontFile2"));
    assert!(raw.contains("+DejaVuSans"), "subset font name");
    assert!(pdf.len() < 120_000, "a one-page letter stays small: {} bytes", pdf.len());
    let text = extract_text(&pdf);
    for needle in ["ARZ-2026-000777", "Testova Aigul Testovna", "ң", "ө", "ү", "20.03.2026", "15-беренеси"]
    {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    assert!(!text.contains('\u{fffd}'), "every glyph maps back to text:\n{text}");
}

#[test]
fn a_long_letter_breaks_across_pages_with_a_footer_on_each() {
    let l = letter(Language::Ky, LetterType::Reply, RequestKind::Information, Some(Outcome::Fulfilled), true);
    let pdf = render_pdf(&l).expect("pdf");
    let text = extract_text(&pdf);
    let pages = (2..10).find(|n| text.contains(&format!("{n} барактын 1-барагы"))).expect("several pages");
    for p in 1..=pages {
        assert!(
            text.contains(&format!("ARZ-2026-000777 · {pages} барактын {p}-барагы")),
            "footer of page {p}"
        );
    }
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains(&format!("/Count {pages}")), "the page tree has {pages} pages");
}

use crate::support::tool as support_tool;

/// Whether a poppler tool is installed; under `CI` a missing one fails the test instead.
fn tool(name: &str) -> bool {
    support_tool::require_tool(name, "-v")
}

#[test]
fn pdftotext_reads_the_reference_the_name_and_the_kyrgyz_letters() {
    if !tool("pdftotext") {
        eprintln!("note: pdftotext (poppler-utils) is not installed; skipping the external extraction check");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (lang, needles) in [
        (Language::Ky, vec!["ARZ-2026-000777", "Testova Aigul Testovna", "ң", "ө", "ү", "Кимге:"]),
        (Language::Ru, vec!["ARZ-2026-000777", "Testova Aigul Testovna", "Государственная налоговая служба"]),
        (Language::En, vec!["ARZ-2026-000777", "Testova Aigul Testovna", "State Tax Service"]),
    ] {
        for (ty, outcome) in
            [(LetterType::Acknowledgement, None), (LetterType::Reply, Some(Outcome::Refused))]
        {
            let l = letter(lang, ty, RequestKind::Access, outcome, false);
            let path = dir.path().join(format!("{lang}-{ty}.pdf"));
            std::fs::write(&path, render_pdf(&l).expect("pdf")).expect("write");
            let out = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert!(out.stderr.is_empty(), "poppler complains: {}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8_lossy(&out.stdout);
            for n in &needles {
                assert!(text.contains(n), "{lang} {ty}: {n} not in\n{text}");
            }
        }
    }
    // The long letter: several pages, each with its footer.
    let l = letter(Language::Ru, LetterType::Reply, RequestKind::Information, Some(Outcome::Fulfilled), true);
    let path = dir.path().join("long.pdf");
    std::fs::write(&path, render_pdf(&l).expect("pdf")).expect("write");
    let out = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 2, "{pages} pages");
    for p in 1..=pages {
        assert!(text.contains(&format!("Страница {p} из {pages}")), "footer of page {p}");
    }
}

#[test]
fn pdftoppm_renders_every_page() {
    if !tool("pdftoppm") {
        eprintln!("note: pdftoppm (poppler-utils) is not installed; skipping the rendering check");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let l = letter(
        Language::Ky,
        LetterType::Reply,
        RequestKind::Correction,
        Some(Outcome::PartiallyFulfilled),
        true,
    );
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, render_pdf(&l).expect("pdf")).expect("write");
    let out = Command::new("pdftoppm")
        .args(["-r", "40", "-png"])
        .arg(&path)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm runs");
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let pngs = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png")))
        .count();
    assert!(pngs >= 2, "{pngs} pages rendered");
}

#[test]
fn odd_text_never_panics() {
    let kit = Kit::shipped().expect("templates");
    let grounds = default_grounds();
    let odd = [
        String::new(),
        "\u{0}\u{7}\t\r\n\u{1b}[31m".to_string(),
        "ш".repeat(5000),
        "漢字 😀 \u{202e}reversed \u{fffd} \u{10ffff}".to_string(),
        "{ref} {{ }} }{".to_string(),
        "- item\n\n- item\n".repeat(50),
    ];
    for text in &odd {
        let mut r = sample_request(RequestKind::Correction, Some(Outcome::Refused));
        r.subject.name = if text.is_empty() { "X".into() } else { text.clone() };
        r.subject.address = text.clone();
        r.response_text = text.clone();
        for lang in Language::ALL {
            let l = compose(
                &kit,
                &LetterInput {
                    request: &r,
                    letter_type: LetterType::Reply,
                    lang: *lang,
                    today: r.received_on,
                    letterhead: None,
                    extension: None,
                    grounds: &grounds,
                    details: aryz::domain::referral::ResponseDetails::default(),
                    bodies: &[],
                    limit: None,
                    representative: None,
                },
            )
            .expect("composes");
            let t = aryz::letters::render_text(&l);
            assert!(!t.contains('\u{1b}') && !t.contains('\u{0}'), "control characters are removed");
            assert!(!t.contains('\u{202e}'), "bidirectional overrides are removed");
            let pdf = render_pdf(&l).expect("pdf");
            assert!(pdf.starts_with(b"%PDF-"));
        }
    }
}

#[test]
fn addresses_are_never_broken_across_lines_in_the_pdf() {
    let mut l = letter(Language::Ru, LetterType::Acknowledgement, RequestKind::Access, None, false);
    let email = "testova.aigul.testovna.synthetic@very-long-office-domain.example.org";
    let postal = "720000, г. Бишкек, ул. Тестовая, д. 1, кв. 2";
    l.addressee = vec!["Testova Aigul Testovna".into(), postal.into(), email.into()];
    let text = extract_text(&render_pdf(&l).expect("pdf"));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&email), "the e-mail address is one line:\n{text}");
    assert!(lines.contains(&postal), "the postal address is one line:\n{text}");
}
