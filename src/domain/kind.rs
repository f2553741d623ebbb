//! The vocabularies of a request: what is asked, about which data, how it arrived.

use crate::code_enum;

code_enum!(
    /// What the subject asks for (legal-notes §2, policy items 3a, 17, 20, 21).
    RequestKind, "kind" {
        Information => "information",
        Access => "access",
        Correction => "correction",
        Blocking => "blocking",
        Destruction => "destruction",
        StopProcessing => "stop_processing",
        Complaint => "complaint",
        // An inquiry from the State Agency for Personal Data Protection or the Ombudsman
        // (Law 58, Art. 17(g): answered within one week).
        AuthorityInquiry => "authority_inquiry",
    }
);

impl RequestKind {
    /// Kinds whose answer records, per data category, what was done.
    pub fn acts_on_categories(self) -> bool {
        matches!(self, RequestKind::Correction | RequestKind::Blocking | RequestKind::Destruction)
    }
}

code_enum!(
    /// Categories of personal data the service processes (policy item 7).
    DataCategory, "category" {
        FullName => "full_name",
        BirthDate => "birth_date",
        Photo => "photo",
        Address => "address",
        Passport => "passport",
        Cookies => "cookies",
        Email => "email",
        Phone => "phone",
        Property => "property",
        Income => "income",
    }
);

code_enum!(
    /// How the request reached the service.
    Channel, "channel" {
        SalykApp => "salyk_app",
        ESignatureDocument => "e_signature_document",
        Email => "email",
        Post => "post",
        InPerson => "in_person",
        Other => "other",
    }
);

code_enum!(
    /// Language of the appeal; the reply goes out in it.
    Language, "lang" {
        Ky => "ky",
        Ru => "ru",
        En => "en",
    }
);

code_enum!(
    /// How the subject's identity was established (policy item 16).
    IdentityMethod, "identity" {
        ESignature => "e_signature",
        DocumentPresented => "document_presented",
        NotVerified => "not_verified",
    }
);

code_enum!(
    /// Operator roles. Ordered: each role may do what the ones before it may.
    Role, "role" {
        Clerk => "clerk",
        Supervisor => "supervisor",
        Admin => "admin",
    }
);

/// Parses a comma-separated list of codes, e.g. `"email,phone"`; empty input gives an empty list.
pub fn parse_code_list<T>(s: &str) -> Result<Vec<T>, <T as std::str::FromStr>::Err>
where
    T: std::str::FromStr + PartialEq,
{
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let v: T = part.parse()?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// Joins codes with commas, the storage form of a list of categories.
pub fn join_codes<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_names_the_field() {
        for k in RequestKind::ALL {
            assert_eq!(k.code().parse::<RequestKind>().unwrap(), *k);
        }
        let err = "erase".parse::<RequestKind>().unwrap_err();
        assert_eq!(err.field, "kind");
        assert!(err.to_string().contains("stop_processing"));
    }

    #[test]
    fn code_lists_parse_and_dedupe() {
        let v: Vec<DataCategory> = parse_code_list("email, phone,email").unwrap();
        assert_eq!(v, vec![DataCategory::Email, DataCategory::Phone]);
        assert!(parse_code_list::<DataCategory>("email,teeth").is_err());
        assert!(parse_code_list::<DataCategory>("").unwrap().is_empty());
        assert_eq!(join_codes(&v), "email,phone");
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Clerk < Role::Supervisor && Role::Supervisor < Role::Admin);
    }
}
