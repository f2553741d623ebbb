//! Reading requests that arrive by e-mail (issue 15): one message (RFC 5322, MIME) into what
//! registering it needs. Pure: bytes in, a [`MailRequest`] or the reason it is refused out.
//! MIME decoding (transfer encodings, charsets such as KOI8-R or windows-1251, encoded
//! headers) is `mailparse`'s.

use chrono::{DateTime, FixedOffset, NaiveDate};
use mailparse::{DispositionType, MailHeaderMap, ParsedMail};

use crate::domain::attachment::{AttachmentKind, NewAttachment};
use crate::domain::kind::Language;
use crate::domain::validation::MAX_TEXT;
use crate::i18n::localize::Message;
use crate::msg;

/// A message as a request: who sent it, when, what it says, and its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRequest {
    /// The Message-ID (without angle brackets); a message without one is known by the
    /// SHA-256 of its bytes (`sha256:…`).
    pub message_id: String,
    pub sender_name: String,
    pub sender_email: String,
    pub subject: String,
    /// The text: the subject line, then the plain-text body (or the HTML body as text).
    pub description: String,
    /// The PIN found in the subject or body (14 digits), if any.
    pub pin: Option<String>,
    /// The date the message was sent, in the office's time zone.
    pub sent_on: Option<NaiveDate>,
    pub lang: Language,
    /// The original message (kept as the request's scan) and its attached files.
    pub files: Vec<NewAttachment>,
}

/// Parses one message. Refused (with the reason) when it is not a readable message, has no
/// sender address, or a file is over `max_bytes`.
pub fn parse_message(raw: &[u8], offset: FixedOffset, max_bytes: u64) -> Result<MailRequest, Message> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(msg!("message.mail_empty"));
    }
    let mail =
        mailparse::parse_mail(raw).map_err(|e| msg!("message.mail_unreadable", error = e.to_string()))?;
    let headers = mail.get_headers();
    if headers.get_first_header("From").is_none() {
        return Err(msg!("message.mail_no_from"));
    }
    let from = headers.get_first_value("From").unwrap_or_default();
    let (sender_name, sender_email) =
        sender(&from).ok_or_else(|| msg!("message.mail_no_sender", from = one_line(&from)))?;
    let message_id = match headers.get_first_value("Message-ID") {
        Some(id) if !id.trim().trim_matches(['<', '>']).trim().is_empty() => {
            one_line(id.trim().trim_start_matches('<').trim_end_matches('>').trim())
        }
        _ => format!("sha256:{}", crate::domain::attachment::sha256_hex(raw)),
    };
    let subject = one_line(&headers.get_first_value("Subject").unwrap_or_default());
    let sent_on = headers
        .get_first_value("Date")
        .and_then(|d| mailparse::dateparse(&d).ok())
        .and_then(|ts| DateTime::from_timestamp(ts, 0))
        .map(|t| t.with_timezone(&offset).date_naive());
    let mut body = None;
    let mut html = None;
    let mut files = Vec::new();
    collect(&mail, &mut body, &mut html, &mut files, max_bytes)?;
    let text = body.or_else(|| html.map(|h| strip_html(&h))).unwrap_or_default();
    let text = clean_text(&text);
    let mut description = if subject.is_empty() { text.clone() } else { format!("{subject}\n\n{text}") };
    if description.chars().count() > MAX_TEXT {
        // The whole message stays attached; the description keeps its beginning.
        description = description.chars().take(MAX_TEXT - 40).collect::<String>();
        description.push('\n');
        description.push_str(&msg!("message.mail_cut").render(crate::i18n::Lang::En));
    }
    let pin = find_pin(&format!("{subject}\n{text}"));
    let lang = match crate::i18n::script::detect(&description) {
        Some(crate::i18n::Lang::Ky) => Language::Ky,
        Some(crate::i18n::Lang::En) => Language::En,
        _ => Language::Ru,
    };
    let original = NewAttachment::new(AttachmentKind::RequestScan, "message.eml", raw.to_vec(), max_bytes)
        .map_err(|e| msg!("message.mail_itself", rule = e.rule))?;
    files.insert(0, original);
    Ok(MailRequest {
        message_id,
        sender_name,
        sender_email,
        subject,
        description: description.trim().to_string(),
        pin,
        sent_on,
        lang,
        files,
    })
}

/// The sender's display name (else the address's local part) and address.
fn sender(from: &str) -> Option<(String, String)> {
    let list = mailparse::addrparse(from).ok()?;
    let info = list.extract_single_info()?;
    let addr = info.addr.trim().to_string();
    if !addr.contains('@') {
        return None;
    }
    let name = info
        .display_name
        .map(|n| one_line(n.trim().trim_matches('"')))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| addr.split('@').next().unwrap_or_default().to_string());
    Some((name, addr))
}

/// Walks the MIME tree: the first text/plain and text/html bodies that are not attachments,
/// and every part with a file name (or marked as an attachment) as a file.
fn collect(
    part: &ParsedMail<'_>,
    body: &mut Option<String>,
    html: &mut Option<String>,
    files: &mut Vec<NewAttachment>,
    max_bytes: u64,
) -> Result<(), Message> {
    if !part.subparts.is_empty() {
        for p in &part.subparts {
            collect(p, body, html, files, max_bytes)?;
        }
        return Ok(());
    }
    let disposition = part.get_content_disposition();
    let name = disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .map(|n| one_line(n))
        .filter(|n| !n.is_empty());
    let mime = part.ctype.mimetype.to_ascii_lowercase();
    if name.is_none() && disposition.disposition != DispositionType::Attachment {
        if mime == "text/plain" && body.is_none() {
            *body = Some(part.get_body().map_err(|e| msg!("message.mail_text", error = e.to_string()))?);
            return Ok(());
        }
        if mime == "text/html" && html.is_none() {
            *html = Some(part.get_body().map_err(|e| msg!("message.mail_text", error = e.to_string()))?);
            return Ok(());
        }
    }
    let data =
        part.get_body_raw().map_err(|e| msg!("message.mail_file_undecodable", error = e.to_string()))?;
    if data.is_empty() {
        return Ok(());
    }
    let name = name.unwrap_or_else(|| format!("part-{}.{}", files.len() + 1, extension(&mime)));
    let file = NewAttachment::new(AttachmentKind::Other, &name, data, max_bytes)
        .map_err(|e| msg!("message.mail_file", name = &name, rule = e.rule))?;
    files.push(file);
    Ok(())
}

fn extension(mime: &str) -> &'static str {
    match mime {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "text/plain" => "txt",
        "text/html" => "html",
        "message/rfc822" => "eml",
        _ => "bin",
    }
}

/// A 14-digit number standing alone (not part of a longer one): the PIN the message gives.
pub fn find_pin(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 14 {
                return Some(chars[start..i].iter().collect());
            }
        } else {
            i += 1;
        }
    }
    None
}

/// One line, without control characters.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").chars().filter(|c| !c.is_control()).collect()
}

/// Text as a description keeps: newlines (CRLF made LF) and tabs, no other control
/// characters, no trailing spaces, at most one blank line in a row.
fn clean_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::new();
    let mut blank = 0;
    for line in s.lines() {
        let line: String = line.chars().filter(|c| *c == '\t' || !c.is_control()).collect();
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

/// HTML as plain text: tags dropped (a line break for block ends), a few entities decoded.
fn strip_html(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let t = tag.trim_start_matches('/').to_ascii_lowercase();
                if ["br", "p", "div", "tr", "li", "h1", "h2", "h3"].iter().any(|b| t.starts_with(b)) {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offset() -> FixedOffset {
        FixedOffset::east_opt(6 * 3600).unwrap()
    }

    #[test]
    fn pins_stand_alone() {
        assert_eq!(find_pin("ИНН 21503199012345."), Some("21503199012345".into()));
        assert_eq!(find_pin("215031990123456 and 1234"), None, "15 digits are not a PIN");
        assert_eq!(find_pin("no digits"), None);
    }

    #[test]
    fn a_plain_message_becomes_a_request() {
        let raw = b"From: \"Testova Aigul\" <aigul.test@example.kg>\r\nTo: pd@salyk.test\r\n\
Subject: Access request\r\nMessage-ID: <m1@example.kg>\r\nDate: Mon, 23 Nov 2026 20:30:00 +0000\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nPlease give me my data.\r\nPIN 21503199012345\r\n";
        let m = parse_message(raw, offset(), 1000).unwrap();
        assert_eq!(m.message_id, "m1@example.kg");
        assert_eq!(m.sender_name, "Testova Aigul");
        assert_eq!(m.sender_email, "aigul.test@example.kg");
        assert_eq!(m.pin.as_deref(), Some("21503199012345"));
        assert_eq!(m.sent_on, Some("2026-11-24".parse().unwrap()), "20:30 UTC is the next day in Bishkek");
        assert!(m.description.starts_with("Access request\n\nPlease give me my data."));
        assert_eq!(m.files.len(), 1);
        assert_eq!(m.files[0].data, raw.to_vec(), "the original is kept");
    }

    #[test]
    fn malformed_messages_are_refused_with_the_reason() {
        let why =
            |raw: &[u8], max| parse_message(raw, offset(), max).unwrap_err().render(crate::i18n::Lang::En);
        assert!(why(b"", 1000).contains("empty"));
        assert!(why(b"just some text\n", 1000).contains("From"));
        assert!(why(b"From: nobody\r\nSubject: x\r\n\r\nbody\r\n", 1000).contains("sender"));
        assert!(why(b"From: a@b.kg\r\nSubject: x\r\n\r\nbody\r\n", 10).contains("the message itself"));
    }
}
