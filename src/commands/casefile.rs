//! The case file on the command line (issue 15): attach, attachments, attachment, link.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::{Env, Result, output};
use crate::cli::Format;
use crate::domain::attachment::AttachmentKind;
use crate::i18n::tf;

pub fn attach(env: &Env, reference: &str, file: &Path, kind: &str, out: &mut impl Write) -> Result<()> {
    let kind: AttachmentKind = kind.parse()?;
    let mut s = env.session()?;
    let a = s.attach_file(reference, file, kind)?;
    let reference = crate::domain::request::parse_reference(reference)?;
    match env.format {
        Format::Json => output::json(out, &json!({"ref": reference, "attachment": a}))?,
        _ => writeln!(
            out,
            "{}",
            output::neutralise(&tf(
                "casefile.attached",
                &[
                    ("reference", &reference),
                    ("n", &a.n),
                    ("kind", &a.kind),
                    ("name", &a.file_name),
                    ("size", &a.size),
                    ("sha256", &a.sha256)
                ]
            ))
        )?,
    }
    Ok(())
}

pub fn attachments(env: &Env, reference: &str, out: &mut impl Write) -> Result<()> {
    let s = env.session()?;
    let list = s.attachments(reference)?;
    match env.format {
        Format::Json => output::json(out, &serde_json::to_value(&list).unwrap_or_default())?,
        f => {
            let header = ["N", "KIND", "FILE", "SIZE", "SHA256", "ADDED_BY", "ADDED_AT"];
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.n.to_string(),
                        a.kind.to_string(),
                        a.file_name.clone(),
                        a.size.to_string(),
                        a.sha256.clone(),
                        a.added_by.clone(),
                        a.added_at.clone(),
                    ]
                })
                .collect();
            if f == Format::Csv {
                output::csv(out, &header, &rows)?;
            } else if rows.is_empty() {
                let reference = crate::domain::request::parse_reference(reference)?;
                writeln!(out, "{}", tf("casefile.no_files", &[("reference", &reference)]))?;
            } else {
                output::table(out, &header, &rows)?;
            }
        }
    }
    Ok(())
}

pub fn attachment(env: &Env, reference: &str, n: i64, dest: &Path, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let a = s.save_attachment(reference, n, dest)?;
    let reference = crate::domain::request::parse_reference(reference)?;
    match env.format {
        Format::Json => output::json(out, &json!({"ref": reference, "attachment": a, "path": dest}))?,
        _ => writeln!(
            out,
            "{}",
            output::neutralise(&tf(
                "casefile.saved",
                &[("reference", &reference), ("n", &a.n), ("path", &dest.display()), ("size", &a.size)]
            ))
        )?,
    }
    Ok(())
}

pub fn link(env: &Env, reference: &str, original: &str, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let r = s.close_as_duplicate(reference, original, None)?;
    let original = crate::domain::request::parse_reference(original)?;
    match env.format {
        Format::Json => {
            let mut v = crate::service::RequestView::new(&s, &r, s.today()).json(true);
            v["duplicate_of"] = json!(original);
            output::json(out, &v)?
        }
        _ => writeln!(
            out,
            "{}",
            tf("casefile.linked", &[("reference", &r.reference), ("original", &original)])
        )?,
    }
    Ok(())
}
