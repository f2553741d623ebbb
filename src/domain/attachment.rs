//! Files kept with a request (issue 15): the scanned request, the identity document, the
//! power of attorney, the letter sent, the data extract. Stored in the database, addressed
//! by the SHA-256 of their content (a file attached twice is stored once).

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::validation::{FieldError, check_line, field_error};
use crate::i18n::localize::Message;
use crate::{code_enum, msg};

/// "is N bytes, over the limit of M bytes (K MB, `attachment_max_mb`)".
pub fn over_limit(size: u64, max_bytes: u64) -> Message {
    msg!("message.file_over_limit", size = size, limit = max_bytes, mb = max_bytes / (1024 * 1024))
}

code_enum!(
    /// What a file is to the case.
    AttachmentKind, "attachment_kind" {
        RequestScan => "request_scan",
        IdentityDocument => "identity_document",
        PowerOfAttorney => "power_of_attorney",
        OutgoingLetter => "outgoing_letter",
        DataExtract => "data_extract",
        Other => "other",
    }
);

/// The default size limit of one file (`attachment_max_mb`).
pub const DEFAULT_MAX_MB: u64 = 25;

/// One file of a request, as listed (the content is read apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Its number within the request, from 1, in the order files were added.
    pub n: i64,
    pub kind: AttachmentKind,
    pub file_name: String,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub size: u64,
    pub added_by: String,
    pub added_at: String,
}

/// A file about to be attached: checked name, kind and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub kind: AttachmentKind,
    pub file_name: String,
    pub data: Vec<u8>,
}

impl NewAttachment {
    /// Checks the file against the size limit (`max_bytes`) and keeps only the base name of
    /// `file_name` (a path is never stored). An empty file is refused.
    pub fn new(
        kind: AttachmentKind,
        file_name: &str,
        data: Vec<u8>,
        max_bytes: u64,
    ) -> Result<Self, FieldError> {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
        if base.is_empty() {
            return Err(field_error("file", msg!("message.file_no_name")));
        }
        check_line("file", base)?;
        if base.chars().count() > 255 {
            return Err(field_error("file", msg!("message.file_name_long")));
        }
        if data.is_empty() {
            return Err(field_error("file", msg!("message.empty")));
        }
        if data.len() as u64 > max_bytes {
            return Err(field_error("file", over_limit(data.len() as u64, max_bytes)));
        }
        Ok(NewAttachment { kind, file_name: base.to_string(), data })
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.data)
    }
}

/// SHA-256 of `data`, lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    super::audit_chain::hex(&Sha256::digest(data))
}

/// Standard base64 (RFC 4648, with padding): a file's content inside a JSON export.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The limit in bytes of `mb` megabytes (MiB).
pub fn max_bytes(mb: u64) -> u64 {
    mb.saturating_mul(1024 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sizes_and_hashes() {
        let max = 10;
        let a = NewAttachment::new(AttachmentKind::Other, "/home/clerk/scans/запрос 1.pdf", vec![1; 10], max)
            .unwrap();
        assert_eq!(a.file_name, "запрос 1.pdf", "only the base name is kept");
        assert_eq!(
            NewAttachment::new(AttachmentKind::Other, "a.pdf", vec![1; 11], max).unwrap_err().field,
            "file"
        );
        assert!(NewAttachment::new(AttachmentKind::Other, "a.pdf", vec![], max).is_err());
        assert!(NewAttachment::new(AttachmentKind::Other, "dir/", vec![1], max).is_err());
        assert!(NewAttachment::new(AttachmentKind::Other, "a\u{1b}[2J.pdf", vec![1], max).is_err());
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(max_bytes(25), 26_214_400);
        for (plain, coded) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }
}
