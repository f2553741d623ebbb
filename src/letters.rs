//! Letters to the subject, in the language of the appeal (Kyrgyz, Russian or English):
//! the acknowledgement of receipt, the reply for each kind and outcome, and the extension
//! notice. Templates and the privacy policy's data are files in `assets/` that an office may
//! override from its configuration directory; a letter is composed into a [`Letter`] and
//! rendered as plain text or as an A4 PDF with an embedded font.

pub mod canned;
mod compose;
mod pdf;
mod template;
mod text;

pub use compose::{
    ExtensionInfo, LetterInput, Sample, blocks, compose, compose_sample, reply_key, sample_details,
    sample_request, samples, warnings,
};
pub use pdf::{PdfError, render_pdf};
pub use template::{Kit, LangKit, Policy, TemplateError, fill};
pub use text::render_text;

use crate::code_enum;
use crate::domain::kind::Language;

code_enum!(
    /// What a letter is.
    LetterType, "type" {
        Acknowledgement => "acknowledgement",
        Reply => "reply",
        Extension => "extension",
    }
);

code_enum!(
    /// How a letter is written out.
    LetterFormat, "format" {
        Txt => "txt",
        Pdf => "pdf",
    }
);

impl LetterFormat {
    /// The format a file name asks for by its extension (`.txt`, `.pdf`), if any.
    pub fn from_path(path: &std::path::Path) -> Option<LetterFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "txt" => Some(LetterFormat::Txt),
            "pdf" => Some(LetterFormat::Pdf),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        self.code()
    }
}

/// What letter to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LetterSpec {
    pub letter_type: LetterType,
    /// The language; default the language of the appeal.
    pub lang: Option<Language>,
    pub format: LetterFormat,
}

/// The office's letterhead in one language, as configured (empty fields keep the
/// template's default in that language).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LetterheadConfig {
    pub service_name: String,
    pub address: String,
    pub signer_position: String,
    pub signer_name: String,
}

/// One part of a letter's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    /// A list item (printed with a dash and a hanging indent).
    Item(String),
}

/// A composed letter, ready to be rendered as text or PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub lang: Language,
    pub letter_type: LetterType,
    pub service_name: String,
    pub service_address: String,
    pub reference_label: String,
    pub reference: String,
    /// The letter's date, `DD.MM.YYYY`.
    pub date: String,
    pub to_label: String,
    /// The subject's name, then the address and e-mail when known.
    pub addressee: Vec<String>,
    pub title: String,
    pub greeting: String,
    pub body: Vec<Block>,
    pub closing: String,
    pub signer_position: String,
    pub signer_name: String,
    /// The page footer, with `{page}` and `{pages}`.
    pub page_label: String,
    /// What the clerk is told before the letter is saved (not part of the letter).
    pub warnings: Vec<LetterWarning>,
}

/// Something a letter lacks or may get wrong, told to the clerk before it is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterWarning {
    /// Neither a postal nor an e-mail address: the letter cannot be delivered as it is.
    NoDeliveryAddress,
    /// The response text looks written in another language than the letter's.
    TextLanguage { text: Language, letter: Language },
    /// A referral that names no known receiving body.
    NoReferralBody,
}

impl LetterWarning {
    /// The warning in the interface language.
    pub fn message(&self) -> String {
        use crate::i18n::{label, t, tf};
        match self {
            LetterWarning::NoDeliveryAddress => t("letter_warning.no_address").to_string(),
            LetterWarning::TextLanguage { text, letter } => tf(
                "letter_warning.text_language",
                &[("text", &label("lang", text.code())), ("letter", &label("lang", letter.code()))],
            ),
            LetterWarning::NoReferralBody => t("letter_warning.no_body").to_string(),
        }
    }
}

impl Letter {
    /// The footer of page `page` of `pages`.
    pub fn page_footer(&self, page: usize, pages: usize) -> String {
        let vars =
            std::collections::BTreeMap::from([("page", page.to_string()), ("pages", pages.to_string())]);
        let label = fill(&self.page_label, &vars).unwrap_or_else(|_| format!("{page}/{pages}"));
        format!("{} · {label}", self.reference)
    }

    /// A file name for this letter: `ARZ-2026-000123-reply-ru.pdf`.
    pub fn file_name(&self, format: LetterFormat) -> String {
        format!("{}-{}-{}.{}", self.reference, self.letter_type, self.lang, format.extension())
    }
}

impl Kit {
    /// The templates for an office: shipped, merged with the overrides of `templates_dir`
    /// (relative to the config directory; default `templates/` there, used when it exists).
    /// A configured directory that does not exist is an error naming it.
    pub fn for_config(
        config: &crate::config::Config,
        config_dir: &std::path::Path,
    ) -> Result<Kit, TemplateError> {
        let dir = match &config.templates_dir {
            Some(p) => {
                let p = if p.is_absolute() { p.clone() } else { config_dir.join(p) };
                if !p.is_dir() {
                    return Err(TemplateError::File {
                        file: p.display().to_string(),
                        message: crate::msg!("message.template.no_dir", setting = "templates_dir"),
                    });
                }
                Some(p)
            }
            None => Some(config_dir.join("templates")).filter(|p| p.is_dir()),
        };
        Kit::load(dir.as_deref())
    }
}

/// The bytes of a letter in a format.
pub fn render(letter: &Letter, format: LetterFormat) -> Result<Vec<u8>, pdf::PdfError> {
    match format {
        LetterFormat::Txt => Ok(render_text(letter).into_bytes()),
        LetterFormat::Pdf => render_pdf(letter),
    }
}

/// Where letters are saved when no file is named: `letters_dir` of the config, else
/// `letters/` in the data directory.
pub fn letters_dir(config: &crate::config::Config) -> std::path::PathBuf {
    config.letters_dir.clone().unwrap_or_else(|| crate::paths::data_dir().join("letters"))
}

/// Saves `bytes` as a new file `dir/name` (or `stem-2.ext`, `-3`… when that name is
/// taken): written to a temporary file first and linked into place only when complete, so
/// nothing half-written and no earlier letter is ever overwritten. Owner-only permissions.
pub fn save_new_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    // Unnamed until complete: a killed process leaves no readable letter behind.
    crate::files::create_private_dir(dir)?;
    let mut file = crate::files::NewFile::create_in(dir)?;
    file.file().write_all(bytes)?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    for i in 1..10_000 {
        let path = if i == 1 { dir.join(name) } else { dir.join(format!("{stem}-{i}.{ext}")) };
        // Linking fails when the name is taken, so two clerks saving at once never
        // overwrite each other's letter.
        match file.link(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free file name"))
}

/// Removes control characters and bidirectional overrides (a stored text could hold any),
/// keeping newlines.
pub(crate) fn clean(s: &str) -> String {
    crate::domain::safe_text::multiline(s).into_owned()
}
