//! The case file on the command line (issue 15): attach, attachments, attachment, link.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::{Env, Result, output};
use crate::cli::Format;
use crate::domain::attachment::AttachmentKind;
use crate::domain::kind::RequestKind;
use crate::domain::parse::RefInput;
use crate::i18n::tf;

pub(super) fn attach(
    env: &Env,
    reference: &RefInput,
    file: &Path,
    kind: AttachmentKind,
    out: &mut impl Write,
) -> Result<()> {
    let mut s = env.session()?;
    let reference = s.reference(reference);
    let a = s.attach_file(&reference, file, kind)?;
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
                    ("kind", &crate::i18n::shown("attachment_kind", a.kind.code())),
                    ("name", &a.file_name),
                    ("size", &a.size),
                    ("sha256", &a.sha256)
                ]
            ))
        )?,
    }
    Ok(())
}

pub(super) fn attachments(env: &Env, reference: &RefInput, out: &mut impl Write) -> Result<()> {
    let s = env.session()?;
    let reference = s.reference(reference);
    let list = s.attachments(&reference)?;
    match env.format {
        Format::Json => output::json(out, &serde_json::to_value(&list).unwrap_or_default())?,
        f => {
            let header = ["N", "KIND", "FILE", "SIZE", "SHA256", "ADDED_BY", "ADDED_AT"];
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.n.to_string(),
                        if f == Format::Csv {
                            a.kind.to_string()
                        } else {
                            crate::i18n::shown("attachment_kind", a.kind.code())
                        },
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
                writeln!(out, "{}", tf("casefile.no_files", &[("reference", &reference)]))?;
            } else {
                output::table(out, &header, &rows)?;
            }
        }
    }
    Ok(())
}

pub(super) fn attachment(
    env: &Env,
    reference: &RefInput,
    n: i64,
    dest: &Path,
    out: &mut impl Write,
) -> Result<()> {
    let mut s = env.session()?;
    let reference = s.reference(reference);
    let a = s.save_attachment(&reference, n, dest)?;
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

pub(super) fn link(env: &Env, reference: &RefInput, original: &RefInput, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let (reference, original) = (s.reference(reference), s.reference(original));
    let r = s.close_as_duplicate(&reference, &original, None)?;
    match env.format {
        Format::Json => {
            let mut v = crate::service::RequestView::new(&s, &r, s.today()).json(true);
            v["duplicate_of"] = json!(original);
            output::json(out, &v)?;
        }
        _ => writeln!(
            out,
            "{}",
            tf("casefile.linked", &[("reference", &r.reference), ("original", &original)])
        )?,
    }
    Ok(())
}

/// The messages of `path`: the file itself, or the files of a Maildir's `new/` (else of
/// the folder), in name order.
fn messages(path: &Path) -> Result<Vec<std::path::PathBuf>> {
    let io = |e: std::io::Error| {
        crate::service::Error::Invalid(crate::domain::validation::field_error(
            "path",
            crate::msg!("message.path_error", path = path, error = e),
        ))
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let new = path.join("new");
    let dir = if new.is_dir() { new } else { path.to_path_buf() };
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    Ok(files)
}

pub(super) fn import_mail(env: &Env, path: &Path, kind: RequestKind, out: &mut impl Write) -> Result<()> {
    use crate::service::casefile::MailOutcome;
    let files = messages(path)?;
    let mut s = env.session()?;
    let (mut registered, mut skipped, mut rejected) = (0usize, 0usize, 0usize);
    let mut rows = Vec::new();
    for f in &files {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let result = std::fs::read(f)
            .map_err(|e| {
                crate::service::Error::Invalid(crate::domain::validation::field_error(
                    "message",
                    crate::msg!("message.path_error", path = f, error = e),
                ))
            })
            .and_then(|raw| s.import_mail(&raw, kind));
        let row = match result {
            Ok(MailOutcome::Registered { reference, files, warnings }) => {
                registered += 1;
                for w in &warnings {
                    eprintln!("warning: {name}: {}", output::neutralise(&w.to_string()));
                }
                json!({"file": name, "result": "registered", "ref": reference, "files": files})
            }
            Ok(MailOutcome::Skipped { reference, message_id }) => {
                skipped += 1;
                json!({"file": name, "result": "skipped", "ref": reference, "message_id": message_id})
            }
            Err(
                e @ (crate::service::Error::Invalid(_)
                | crate::service::Error::Store(crate::store::StoreError::Conflict(_))),
            ) => {
                rejected += 1;
                json!({"file": name, "result": "rejected", "reason": e.to_string()})
            }
            // The database, the operator's rights: nothing more can be imported.
            Err(e) => return Err(e.into()),
        };
        rows.push(row);
    }
    if env.format == Format::Json {
        output::json(out, &json!({"messages": rows}))?;
    } else {
        for r in &rows {
            let line = match r["result"].as_str() {
                Some("registered") => tf(
                    "casefile.mail_registered",
                    &[
                        ("file", &r["file"].as_str().unwrap_or_default()),
                        ("reference", &r["ref"].as_str().unwrap_or_default()),
                        ("n", &r["files"]),
                    ],
                ),
                Some("skipped") => tf(
                    "casefile.mail_skipped",
                    &[
                        ("file", &r["file"].as_str().unwrap_or_default()),
                        ("reference", &r["ref"].as_str().unwrap_or_default()),
                    ],
                ),
                _ => tf(
                    "casefile.mail_rejected",
                    &[
                        ("file", &r["file"].as_str().unwrap_or_default()),
                        ("reason", &r["reason"].as_str().unwrap_or_default()),
                    ],
                ),
            };
            writeln!(out, "{}", output::neutralise(&line))?;
        }
        writeln!(
            out,
            "{}",
            tf(
                "casefile.mail_summary",
                &[
                    ("n", &files.len()),
                    ("registered", &registered),
                    ("skipped", &skipped),
                    ("rejected", &rejected)
                ]
            )
        )?;
    }
    if rejected > 0 {
        return Err(crate::service::Error::Invalid(crate::domain::validation::field_error(
            "message",
            crate::msg!("message.mail_rejected_count", n = rejected, total = files.len()),
        ))
        .into());
    }
    Ok(())
}
