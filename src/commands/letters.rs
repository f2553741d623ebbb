//! `aryz letter` and `aryz subject-export`.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::report::{check_new_file, write_file_atomically};
use super::{Env, Result, output};
use crate::cli::{Format, LetterArgs};
use crate::domain::identity::mask_pin;
use crate::domain::kind::Language;
use crate::domain::validation::field_error;
use crate::letters::{Kit, LetterFormat, LetterSpec, letters_dir, render};
use crate::service;

/// A file error inside a use case's transaction (the transaction then rolls back).
fn to_service(e: super::CliError) -> service::Error {
    match e {
        super::CliError::Service(e) => e,
        other => service::Error::Config(crate::i18n::localize::Localize::message(&other)),
    }
}

/// The templates of this installation (see [`Kit::for_config`]).
pub(super) fn load_kit(env: &Env) -> Result<Kit> {
    Kit::for_config(&env.config, &env.config_dir)
        .map_err(|e| service::Error::Config(crate::i18n::localize::Localize::message(&e)).into())
}

fn letter_format(a: &LetterArgs) -> Result<LetterFormat> {
    if let Some(f) = a.format {
        return Ok(f);
    }
    match &a.output {
        Some(p) if p.as_os_str() == "-" => Ok(LetterFormat::Txt),
        Some(p) => LetterFormat::from_path(p).ok_or_else(|| {
            field_error("format", crate::msg!("message.letter_format_unknown", path = p)).into()
        }),
        None => Ok(LetterFormat::Pdf),
    }
}

pub(super) fn letter(env: &Env, a: &LetterArgs, out: &mut impl Write) -> Result<()> {
    if a.all_samples {
        return all_samples(env, a, out);
    }
    let (Some(letter_type), Some(reference)) = (a.letter_type, &a.reference) else {
        return Err(field_error("type", crate::msg!("message.letter_needs_ref")).into());
    };
    let lang = a.lang;
    let format = letter_format(a)?;
    let to_stdout = a.output.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if to_stdout && format == LetterFormat::Pdf {
        return Err(field_error("output", crate::msg!("message.pdf_to_terminal")).into());
    }
    if let Some(target) = a.output.as_ref().filter(|_| !to_stdout) {
        check_new_file(target)?;
    }
    let kit = load_kit(env)?;
    let mut s = env.session()?;
    let reference = &s.reference(reference);
    let spec = LetterSpec { letter_type, lang, format };
    let (letter, path) = match &a.output {
        None => s.save_letter(reference, spec, &kit, &env.config.letterhead, &letters_dir(&env.config))?,
        Some(target) => {
            let (letter, ()) = s.write_letter(reference, spec, &kit, &env.config.letterhead, |letter| {
                let bytes = render(letter, format)
                    .map_err(|e| service::Error::Config(crate::i18n::localize::Localize::message(&e)))?;
                if to_stdout {
                    // Written and flushed inside the disclosure: a closed pipe marks it
                    // interrupted and fails the command.
                    return out.write_all(&bytes).and_then(|()| out.flush()).map_err(|e| {
                        service::Error::Config(crate::msg!("message.writing_letter", error = e))
                    });
                }
                write_file_atomically(target, |w| Ok(w.write_all(&bytes)?)).map_err(to_service)
            })?;
            if to_stdout {
                warn(&letter);
                return Ok(());
            }
            (letter, target.clone())
        }
    };
    warn(&letter);
    match env.format {
        Format::Json => output::json(
            out,
            &json!({
                "ref": letter.reference, "type": letter.letter_type, "lang": letter.lang,
                "format": format, "path": path,
            }),
        )?,
        _ => writeln!(
            out,
            "{}",
            crate::i18n::tf(
                "cli.letter_written",
                &[
                    ("reference", &letter.reference),
                    ("type", &letter.letter_type),
                    ("lang", &letter.lang),
                    ("format", &format),
                    ("path", &path.display()),
                ]
            )
        )?,
    }
    Ok(())
}

/// `aryz letter --all-samples [--lang L] [--output FILE]`: one letter of every type × kind ×
/// outcome, composed from the installation's templates (overrides included) on synthetic
/// data, as text with a heading per letter: what a native reader reviews in one sitting.
fn all_samples(env: &Env, a: &LetterArgs, out: &mut impl Write) -> Result<()> {
    if a.format.is_some_and(|f| f != LetterFormat::Txt)
        || a.output.as_ref().is_some_and(|p| LetterFormat::from_path(p) == Some(LetterFormat::Pdf))
    {
        return Err(field_error("format", crate::msg!("message.samples_txt")).into());
    }
    let langs: Vec<Language> = match a.lang {
        Some(l) => vec![l],
        None => Language::ALL.to_vec(),
    };
    let kit = load_kit(env)?;
    let mut text = String::new();
    let mut n = 0;
    for lang in langs {
        for sample in crate::letters::samples() {
            let mut letter = crate::letters::compose_sample(&kit, lang, &sample)
                .map_err(|e| service::Error::Config(crate::i18n::localize::Localize::message(&e)))?;
            if let Some(head) = env.config.letterhead.get(lang.code()) {
                for (field, value) in [
                    (&mut letter.service_name, &head.service_name),
                    (&mut letter.service_address, &head.address),
                    (&mut letter.signer_position, &head.signer_position),
                    (&mut letter.signer_name, &head.signer_name),
                ] {
                    if !value.trim().is_empty() {
                        *field = value.trim().to_string();
                    }
                }
            }
            n += 1;
            let outcome = sample.outcome.map_or("-", |o| o.code());
            text.push_str(&format!(
                "════ {n}. {} · {} · {outcome} · {lang} ════\n",
                sample.letter_type, sample.kind
            ));
            text.push_str(&crate::letters::render_text(&letter));
            text.push('\n');
        }
    }
    match &a.output {
        Some(p) if p.as_os_str() != "-" => {
            write_file_atomically(p, |w| Ok(w.write_all(text.as_bytes())?))?;
            writeln!(
                out,
                "{}",
                crate::i18n::tf("letter_samples.written", &[("n", &n), ("path", &p.display())])
            )?;
        }
        _ => out.write_all(text.as_bytes())?,
    }
    Ok(())
}

/// Tells the clerk on stderr what the letter lacks (once it is written: a failed command
/// keeps its one line of error), so that it is put right before the letter is sent.
fn warn(letter: &crate::letters::Letter) {
    for w in &letter.warnings {
        eprintln!("{}: {}", crate::i18n::t("letter_warning.prefix"), w.message());
    }
}

pub(super) fn subject_export(env: &Env, pin: &str, path: &Path, out: &mut impl Write) -> Result<()> {
    service::letters::subject_pin(pin)?;
    check_new_file(path)?;
    let mut s = env.session()?;
    let (n, ()) = s.subject_export(pin, |package| {
        write_file_atomically(path, |w| {
            crate::domain::safe_text::json_pretty(&mut *w, package).map_err(std::io::Error::from)?;
            w.write_all(b"\n")?;
            Ok(())
        })
        .map_err(to_service)
    })?;
    match env.format {
        Format::Json => {
            output::json(out, &json!({"pin": mask_pin(pin.trim()), "requests": n, "path": path}))?;
        }
        _ => writeln!(
            out,
            "{}",
            crate::i18n::tn(
                "cli.subject_exported",
                n as u64,
                &[("pin", &mask_pin(pin.trim())), ("path", &path.display())]
            )
        )?,
    }
    Ok(())
}
