//! Composing a letter from a request: choosing the template, filling in the request's
//! dates, the policy's data, the actions per category and the refusal ground.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::template::{Kit, LangKit, TemplateError};
use super::{Block, Letter, LetterType, LetterWarning, LetterheadConfig, clean};
use crate::domain::format::date_dmy;
use crate::domain::identity::{PinGender, pin_gender};
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind};
use crate::domain::outcome::{CategoryAction, Outcome, RefusalGround};
use crate::domain::referral::{ReferralBody, ResponseDetails};
use crate::domain::request::{RequestId, Subject, SubjectRequest};
use crate::domain::status::Status;

/// What an extension notice needs beyond the request: the deadline before the extension
/// and the reason the clerk gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionInfo {
    pub old_due: NaiveDate,
    pub reason: String,
    /// The legal basis of the extension, from the rule's data.
    pub basis: String,
}

/// Everything a letter is made of.
pub struct LetterInput<'a> {
    pub request: &'a SubjectRequest,
    pub letter_type: LetterType,
    pub lang: Language,
    /// The letter's date.
    pub today: NaiveDate,
    /// The office's letterhead for this language from the config (empty fields: defaults).
    pub letterhead: Option<&'a LetterheadConfig>,
    pub extension: Option<ExtensionInfo>,
    /// Known refusal grounds, for a ground the templates do not translate.
    pub grounds: &'a [RefusalGround],
    /// The copy's medium and the receiving body recorded with the answer.
    pub details: ResponseDetails,
    /// Bodies a request may be referred to, to name the one recorded.
    pub bodies: &'a [ReferralBody],
    /// The 30-day limit (the rules' limit rule), stated beside the governing date.
    pub limit: Option<NaiveDate>,
    /// The representative who made the request: the letter is addressed to them, on the
    /// subject's behalf.
    pub representative: Option<crate::domain::request::Representative>,
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().map(|i| format!("- {}", i.replace('\n', " "))).collect::<Vec<_>>().join("\n")
}

fn pick(configured: &str, default: &str) -> String {
    if configured.trim().is_empty() { default.to_string() } else { configured.trim().to_string() }
}

/// The key of the reply template for a kind and outcome: the kind's own, else the default.
pub fn reply_key(lk: &LangKit, kind: RequestKind, outcome: Outcome) -> String {
    let own = format!("reply.{}.{}", kind.code(), outcome.code());
    if lk.lookup(&own).is_some() { own } else { format!("reply.default.{}", outcome.code()) }
}

/// Composes a letter. The caller has checked that the letter makes sense for the request
/// (a reply only for an answered request, an extension notice only for an extended one).
pub fn compose(kit: &Kit, input: &LetterInput<'_>) -> Result<Letter, TemplateError> {
    let lk = kit.get(input.lang);
    let r = input.request;
    let head = |key: &str| lk.text(&format!("letterhead.{key}")).map(str::to_string);
    let conf = input.letterhead.cloned().unwrap_or_default();
    let service_name = pick(&conf.service_name, &head("service_name")?);
    let service_address = pick(&conf.address, &head("address")?);
    let signer_position = pick(&conf.signer_position, &head("signer_position")?);
    let signer_name = pick(&conf.signer_name, &head("signer_name")?);
    let subject_name = clean(r.subject.name.trim()).replace('\n', " ");

    let mut v: BTreeMap<&str, String> = BTreeMap::new();
    v.insert("ref", r.reference.clone());
    v.insert("received", date_dmy(r.received_on));
    v.insert("registered", date_dmy(r.registered_on));
    v.insert("due", date_dmy(r.due_on));
    v.insert("today", date_dmy(input.today));
    v.insert("responded", r.responded_on.map(date_dmy).unwrap_or_default());
    v.insert("subject_name", subject_name.clone());
    v.insert("kind_request", lk.text(&format!("kinds.{}", r.kind.code()))?.to_string());
    v.insert("service_name", service_name.clone());
    v.insert("service_short", head("service_short")?);
    v.insert("response_text", clean(r.response_text.trim()));
    let ext = input.extension.clone();
    v.insert("old_due", ext.as_ref().map(|e| date_dmy(e.old_due)).unwrap_or_default());
    let reason = ext.as_ref().map(|e| clean(e.reason.trim()).replace('\n', " ")).unwrap_or_default();
    let reason = reason.trim_end_matches('.').to_string();
    v.insert("reason", reason.clone());

    // The ground: the templates' translation, else the shipped citation (English).
    let (ground_reason, ground_citation) = match &r.ground {
        Some(code) => {
            let shipped = input.grounds.iter().find(|g| &g.code == code);
            let reason = lk
                .lookup(&format!("grounds.{code}.reason"))
                .map(str::to_string)
                .or_else(|| shipped.map(|g| g.description.clone()))
                .unwrap_or_else(|| code.clone());
            let citation = lk
                .lookup(&format!("grounds.{code}.citation"))
                .map(str::to_string)
                .or_else(|| shipped.map(|g| g.citation.clone()))
                .unwrap_or_default();
            (reason, citation)
        }
        None => (String::new(), String::new()),
    };
    v.insert("ground_reason", ground_reason.trim_end_matches('.').to_string());
    v.insert("ground_citation", ground_citation);

    // Lists from the policy data.
    let policy = &lk.policy;
    let name_of =
        |c: &DataCategory| policy.categories.get(c.code()).cloned().unwrap_or_else(|| c.code().to_string());
    let concerned: Vec<DataCategory> = r.categories.clone();
    let listed: Vec<DataCategory> =
        if concerned.is_empty() { DataCategory::ALL.to_vec() } else { concerned.clone() };
    v.insert("categories", list(listed.iter().map(name_of)));
    v.insert("purposes", list(policy.purposes.iter().cloned()));
    v.insert("legal_bases", list(policy.legal_bases.iter().cloned()));
    v.insert("retention", policy.retention.clone());
    v.insert("sources", list(policy.sources.iter().cloned()));
    v.insert("recipients", list(policy.recipients.iter().cloned()));
    v.insert("processing_method", policy.processing_method.clone());
    // The holder's address (policy items 3a, 21): the policy data's, else the letterhead's.
    v.insert("holder_address", pick(&policy.holder_address, &service_address));

    // The receiving body of a referral, from the bodies an admin keeps.
    let body = input.details.referred_to.as_ref().and_then(|c| input.bodies.iter().find(|b| &b.code == c));
    let body_name = match body {
        Some(b) => b.name(input.lang).to_string(),
        None => lk.text("blocks.referral_body_unknown")?.to_string(),
    };
    v.insert("referral_body", body_name);
    v.insert("referral_address", body.map(|b| b.address.trim().to_string()).unwrap_or_default());

    // What was done per category: as recorded, else what the outcome implies.
    let actions: Vec<(DataCategory, CategoryAction)> = if !r.actions.is_empty() {
        r.actions.clone()
    } else if r.kind.acts_on_categories() {
        let implied = match r.outcome {
            Some(Outcome::Fulfilled) => Some(CategoryAction::Done),
            Some(Outcome::Refused) => Some(CategoryAction::Refused),
            Some(Outcome::NoData) => Some(CategoryAction::NotHeld),
            _ => None,
        };
        implied.map(|a| concerned.iter().map(|c| (*c, a)).collect()).unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut action_lines = Vec::new();
    for (c, a) in &actions {
        let phrase = lk
            .lookup(&format!("actions.{}.{}", r.kind.code(), a.code()))
            .or_else(|| lk.lookup(&format!("actions.correction.{}", a.code())))
            .unwrap_or(a.code());
        action_lines.push(format!("{}: {phrase}", name_of(c)));
    }
    v.insert("actions_list", list(action_lines));

    // Blocks, themselves templates; empty when they have nothing to say.
    let intro = lk.render("blocks.intro", &v)?;
    let policy_block = lk.render("blocks.policy", &v)?;
    let actions_block = if actions.is_empty() { String::new() } else { lk.render("blocks.actions", &v)? };
    let concerned_block =
        if concerned.is_empty() { String::new() } else { lk.render("blocks.categories_concerned", &v)? };
    let ground_block = if r.ground.is_some() { lk.render("blocks.ground", &v)? } else { String::new() };
    let rights = lk.render("blocks.rights", &v)?;
    let reason_block =
        if reason.is_empty() { String::new() } else { lk.render("blocks.extension_reason", &v)? };
    let referral_address_block = if v["referral_address"].is_empty() {
        String::new()
    } else {
        lk.render("blocks.referral_address", &v)?
    };
    let copy_block = copy_block(lk, &input.details, &v)?;
    v.insert("intro", intro);
    v.insert("policy", policy_block);
    v.insert("actions", actions_block);
    v.insert("categories_concerned", concerned_block);
    v.insert("ground", ground_block);
    v.insert("rights", rights);
    v.insert("extension_reason", reason_block);
    v.insert("referral_address_block", referral_address_block);
    v.insert("copy", copy_block);
    // The 30-day limit beside the governing date, when it is a different date; a note when
    // the governing date is provisional; the extension's legal basis from the rules' data.
    let limit = input.limit.filter(|l| *l != r.due_on);
    v.insert("limit", limit.map(date_dmy).unwrap_or_default());
    let basis = ext.as_ref().map(|e| clean(e.basis.trim()).replace('\n', " ")).unwrap_or_default();
    v.insert("extension_basis", basis.trim_end_matches('.').to_string());
    let limit_block = if limit.is_some() { lk.render("blocks.limit", &v)? } else { String::new() };
    let provisional =
        crate::domain::deadline::governing(&r.deadlines).is_some_and(|g| g.provisional.is_some());
    let provisional_block = if provisional { lk.render("blocks.provisional", &v)? } else { String::new() };
    let basis_block = if basis.is_empty() { String::new() } else { lk.render("blocks.extension_basis", &v)? };
    v.insert("limit_block", limit_block);
    v.insert("provisional_block", provisional_block);
    v.insert("extension_basis_block", basis_block);

    let (title_key, body_key) = match input.letter_type {
        LetterType::Acknowledgement => {
            ("acknowledgement.title".to_string(), "acknowledgement.body".to_string())
        }
        LetterType::Extension => ("extension.title".to_string(), "extension.body".to_string()),
        LetterType::Reply => {
            let outcome = r.outcome.unwrap_or(Outcome::Fulfilled);
            ("reply.title".to_string(), reply_key(lk, r.kind, outcome))
        }
    };
    let title = lk.render(&title_key, &v)?.trim().to_string();
    let body = blocks(&lk.render(&body_key, &v)?);

    let one_line = |s: &str| clean(s.trim()).replace('\n', " ");
    let rep = input.representative.as_ref().filter(|p| !p.name.trim().is_empty());
    let mut greeting_vars = BTreeMap::new();
    // A representative's letter goes to them, on the subject's behalf, with a neutral
    // salutation (their gender is not known from the subject's PIN).
    let (mut addressee, contacts, greeting_key) = if let Some(p) = rep {
        let mut vars = v.clone();
        vars.insert("subject_name", subject_name.clone());
        let on_behalf = lk.render("labels.on_behalf", &vars)?.trim().to_string();
        greeting_vars.insert("subject_name", one_line(&p.name));
        (vec![one_line(&p.name), on_behalf], [p.address.clone(), p.email.clone()], "labels.greeting")
    } else {
        greeting_vars.insert("subject_name", subject_name.clone());
        // The salutation follows the PIN's gender digit when the PIN is valid, else neutral.
        let key = match pin_gender(&r.subject.pin) {
            Some(PinGender::Female) => "labels.greeting_female",
            Some(PinGender::Male) => "labels.greeting_male",
            None => "labels.greeting",
        };
        (vec![subject_name.clone()], [r.subject.address.clone(), r.subject.email.clone()], key)
    };
    let named = addressee.len();
    for extra in &contacts {
        let e = one_line(extra);
        if !e.is_empty() {
            addressee.push(e);
        }
    }
    let warnings = warnings(input, &addressee[named - 1..]);
    Ok(Letter {
        lang: input.lang,
        letter_type: input.letter_type,
        service_name,
        service_address,
        reference_label: lk.text("labels.reference")?.to_string(),
        reference: r.reference.clone(),
        date: date_dmy(input.today),
        to_label: lk.text("labels.to")?.to_string(),
        addressee,
        title,
        greeting: lk.render(greeting_key, &greeting_vars)?,
        body,
        closing: lk.text("labels.closing")?.to_string(),
        signer_position,
        signer_name,
        page_label: lk.text("labels.page")?.to_string(),
        warnings,
    })
}

/// What a copy given on an access request was sent on and whether it was charged; without a
/// recorded medium, that a copy is given on request.
fn copy_block(
    lk: &LangKit,
    d: &ResponseDetails,
    v: &BTreeMap<&str, String>,
) -> Result<String, TemplateError> {
    let Some(medium) = d.copy_medium else { return lk.render("blocks.copy_none", v) };
    let mut vars = v.clone();
    vars.insert("medium", lk.text(&format!("media.{}", medium.code()))?.to_string());
    let sent = lk.render("blocks.copy_sent", &vars)?;
    let charge = if d.copy_charged { "blocks.copy_charged" } else { "blocks.copy_free" };
    Ok(format!("{sent} {}", lk.render(charge, &vars)?))
}

/// What the clerk should know before the letter is saved: it has no delivery address, its
/// response text looks written in another language, or a referral names no body.
pub fn warnings(input: &LetterInput<'_>, addressee: &[String]) -> Vec<LetterWarning> {
    let r = input.request;
    let mut out = Vec::new();
    if addressee.len() < 2 {
        out.push(LetterWarning::NoDeliveryAddress);
    }
    if input.letter_type == LetterType::Reply {
        let letter_lang = crate::i18n::Lang::from_code(input.lang.code());
        if let Some(text_lang) = crate::i18n::script::detect(&r.response_text)
            && Some(text_lang) != letter_lang
        {
            let lang = Language::ALL.iter().copied().find(|l| l.code() == text_lang.code());
            if let Some(text) = lang {
                out.push(LetterWarning::TextLanguage { text, letter: input.lang });
            }
        }
        if r.outcome == Some(Outcome::Referred)
            && !input.details.referred_to.as_ref().is_some_and(|c| input.bodies.iter().any(|b| &b.code == c))
        {
            out.push(LetterWarning::NoReferralBody);
        }
    }
    out
}

/// Splits rendered text into paragraphs (separated by blank lines) and list items (lines
/// starting with "- "); the lines of a paragraph are joined, and its first letter is
/// capitalised (a sentence may start with a placeholder such as "your request…").
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !para.is_empty() {
            let joined = para.join(" ");
            let mut cs = joined.chars();
            let cap = match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect(),
                None => String::new(),
            };
            out.push(Block::Paragraph(cap));
            para.clear();
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            flush(&mut para, &mut out);
        } else if let Some(item) = t.strip_prefix("- ") {
            flush(&mut para, &mut out);
            out.push(Block::Item(item.trim().to_string()));
        } else {
            para.push(t);
        }
    }
    flush(&mut para, &mut out);
    out
}

/// A synthetic request for checks and tests: no real person.
pub fn sample_request(kind: RequestKind, outcome: Option<Outcome>) -> SubjectRequest {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    let categories = match kind {
        RequestKind::Correction | RequestKind::Blocking | RequestKind::Destruction => {
            vec![DataCategory::Address, DataCategory::Phone]
        }
        RequestKind::StopProcessing => vec![DataCategory::Email],
        _ => vec![],
    };
    let actions = if kind.acts_on_categories() && outcome == Some(Outcome::PartiallyFulfilled) {
        vec![(DataCategory::Address, CategoryAction::Done), (DataCategory::Phone, CategoryAction::Refused)]
    } else {
        vec![]
    };
    let ground = match outcome {
        Some(Outcome::Refused | Outcome::PartiallyFulfilled) => Some("art15_rights_of_others".to_string()),
        _ => None,
    };
    SubjectRequest {
        id: RequestId(1),
        reference: "ARZ-2026-000042".into(),
        kind,
        status: if outcome.is_some() { Status::Answered } else { Status::InProgress },
        channel: Channel::SalykApp,
        lang: Language::Ky,
        received_on: d(2026, 3, 2),
        registered_on: d(2026, 3, 3),
        identity: IdentityMethod::ESignature,
        categories,
        description: String::new(),
        subject: Subject {
            name: "Test Subjectova Aigul".into(),
            // A valid female PIN for some kinds and an invalid one for others, so that the
            // samples show both the gendered and the neutral salutation.
            pin: match kind {
                RequestKind::Information | RequestKind::Correction | RequestKind::StopProcessing => {
                    "11503199012345".into()
                }
                RequestKind::Access | RequestKind::Destruction => "21503199012345".into(),
                _ => "12345678901234".into(),
            },
            address: "Test street 1, Bishkek".into(),
            email: "subject@example.org".into(),
            ..Subject::default()
        },
        assignee: None,
        due_on: d(2026, 4, 1),
        deadlines: vec![],
        outcome,
        ground,
        responded_on: outcome.map(|_| d(2026, 3, 20)),
        response_text: String::new(),
        response_channel: None,
        actions,
        closed_on: outcome.map(|_| d(2026, 3, 20)),
        pause: None,
        extensions: 0,
        paused_days: 0,
        version: 1,
        office: crate::model::DEFAULT_OFFICE,
    }
}

/// One combination a template check renders.
pub struct Sample {
    pub letter_type: LetterType,
    pub kind: RequestKind,
    pub outcome: Option<Outcome>,
}

/// Every letter type, kind and outcome.
pub fn samples() -> Vec<Sample> {
    let mut out = Vec::new();
    for kind in RequestKind::ALL {
        out.push(Sample { letter_type: LetterType::Acknowledgement, kind: *kind, outcome: None });
        out.push(Sample { letter_type: LetterType::Extension, kind: *kind, outcome: None });
        for outcome in Outcome::ALL {
            out.push(Sample { letter_type: LetterType::Reply, kind: *kind, outcome: Some(*outcome) });
        }
    }
    out
}

/// Composes the letter of a sample (used by [`Kit::check`] and the tests).
pub fn compose_sample(kit: &Kit, lang: Language, s: &Sample) -> Result<Letter, TemplateError> {
    let mut r = sample_request(s.kind, s.outcome);
    let grounds = crate::domain::outcome::default_grounds();
    let bodies = crate::domain::referral::shipped_bodies();
    let extension = (s.letter_type == LetterType::Extension).then(|| ExtensionInfo {
        old_due: r.due_on,
        // The clerk's reason is typed in the letter's language; so is the sample's.
        reason: match lang {
            Language::Ky => "кошумча документтер талап кылынат".into(),
            Language::Ru => "необходимо истребовать дополнительные документы".into(),
            Language::En => "additional documents are needed".into(),
        },
        basis: String::new(),
    });
    if extension.is_some() {
        // An extended request is due later than before.
        r.due_on = r.due_on.checked_add_days(chrono::Days::new(30)).unwrap_or(r.due_on);
    }
    compose(
        kit,
        &LetterInput {
            request: &r,
            letter_type: s.letter_type,
            lang,
            today: r.closed_on.unwrap_or(r.registered_on),
            letterhead: None,
            extension,
            grounds: &grounds,
            details: sample_details(s.kind, s.outcome),
            bodies: &bodies,
            limit: r.deadlines.iter().find(|d| d.rule == "policy_30d").map(|d| d.due_on),
            representative: None,
        },
    )
}

/// The medium and body a sample records: a paper copy, charged, on access; the Agency on a
/// referral.
pub fn sample_details(kind: RequestKind, outcome: Option<Outcome>) -> ResponseDetails {
    ResponseDetails {
        copy_medium: (kind == RequestKind::Access && outcome.is_some())
            .then_some(crate::domain::referral::CopyMedium::Paper),
        copy_charged: kind == RequestKind::Access && outcome.is_some(),
        referred_to: (outcome == Some(Outcome::Referred)).then(|| "dpa".to_string()),
    }
}
