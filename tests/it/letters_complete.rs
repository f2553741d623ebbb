//! What every letter must say (issue 17): the rights paragraph closes every reply; a referral
//! names the receiving body; an access reply says on what the copy was given and whether it
//! was charged; an information reply carries the sources, recipients, processing method and
//! the holder's address; the salutation follows the PIN; warnings before saving.

use aryz::domain::kind::{Language, RequestKind};
use aryz::domain::outcome::{Outcome, default_grounds};
use aryz::domain::referral::{CopyMedium, ResponseDetails, shipped_bodies};
use aryz::domain::request::SubjectRequest;
use aryz::letters::{
    Block, Kit, Letter, LetterInput, LetterType, LetterWarning, compose, compose_sample, render_text,
    sample_request, samples,
};

fn kit() -> Kit {
    Kit::shipped().expect("shipped templates load")
}

fn body(l: &Letter) -> Vec<String> {
    l.body
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) | Block::Item(p) => p.clone(),
        })
        .collect()
}

fn write(kit: &Kit, r: &SubjectRequest, lang: Language, details: ResponseDetails) -> Letter {
    let grounds = default_grounds();
    let bodies = shipped_bodies();
    compose(
        kit,
        &LetterInput {
            request: r,
            letter_type: LetterType::Reply,
            lang,
            today: chrono::NaiveDate::from_ymd_opt(2026, 3, 20).expect("date"),
            letterhead: None,
            extension: None,
            grounds: &grounds,
            details,
            bodies: &bodies,
            limit: None,
            representative: None,
        },
    )
    .expect("composes")
}

#[test]
fn every_reply_ends_with_the_rights_paragraph() {
    let kit = kit();
    for lang in Language::ALL {
        let rights = kit.get(*lang).lookup("blocks.rights").expect("rights");
        for s in samples().into_iter().filter(|s| s.letter_type == LetterType::Reply) {
            let l = compose_sample(&kit, *lang, &s).expect("composes");
            let last = body(&l).last().cloned().unwrap_or_default();
            assert_eq!(last, rights, "{lang} {} {:?}: the last paragraph", s.kind, s.outcome);
        }
    }
}

#[test]
fn a_referral_names_the_body_and_does_not_say_it_was_considered() {
    let kit = kit();
    let bodies = shipped_bodies();
    let considered = [(Language::Ky, "каралды"), (Language::Ru, "рассмотрено"), (Language::En, "considered")];
    for (lang, word) in considered {
        for body_code in ["dpa", "minfin"] {
            let r = sample_request(RequestKind::Correction, Some(Outcome::Referred));
            let d = ResponseDetails { referred_to: Some(body_code.into()), ..Default::default() };
            let l = write(&kit, &r, lang, d);
            let text = body(&l).join("\n");
            let name = bodies.iter().find(|b| b.code == body_code).expect("body").name(lang);
            assert!(text.contains(name), "{lang}: names {name}\n{text}");
            assert!(!text.contains(word), "{lang}: a referral was not considered\n{text}");
            assert!(l.warnings.is_empty(), "{lang}: {:?}", l.warnings);
        }
        // Without a recorded body the letter still reads, and the clerk is warned.
        let r = sample_request(RequestKind::Correction, Some(Outcome::Referred));
        let l = write(&kit, &r, lang, ResponseDetails::default());
        assert!(l.warnings.contains(&LetterWarning::NoReferralBody), "{lang}");
    }
}

#[test]
fn an_access_reply_says_what_the_copy_was_given_on_and_whether_it_was_charged() {
    let kit = kit();
    for lang in Language::ALL {
        let lk = kit.get(*lang);
        let r = sample_request(RequestKind::Access, Some(Outcome::Fulfilled));
        for medium in CopyMedium::ALL {
            for charged in [false, true] {
                if charged && !medium.may_be_charged() {
                    continue;
                }
                let d =
                    ResponseDetails { copy_medium: Some(*medium), copy_charged: charged, referred_to: None };
                let text = body(&write(&kit, &r, *lang, d)).join("\n");
                let said = lk.lookup(&format!("media.{medium}")).expect("medium phrase");
                assert!(text.contains(said), "{lang} {medium}: {said}\n{text}");
                let charge = lk
                    .lookup(if charged { "blocks.copy_charged" } else { "blocks.copy_free" })
                    .expect("charge");
                assert!(text.contains(charge), "{lang} {medium} charged={charged}\n{text}");
            }
        }
        let text = body(&write(&kit, &r, *lang, ResponseDetails::default())).join("\n");
        assert!(text.contains(lk.lookup("blocks.copy_none").expect("none")), "{lang}\n{text}");
        for enclosed in ["enclosed", "прилагаются", "тиркелет"] {
            assert!(!text.contains(enclosed), "{lang}: no copies are said to be attached\n{text}");
        }
    }
}

#[test]
fn an_information_reply_carries_what_items_3a_and_13_promise() {
    let kit = kit();
    for lang in Language::ALL {
        let p = &kit.get(*lang).policy;
        let r = sample_request(RequestKind::Information, Some(Outcome::Fulfilled));
        let text = body(&write(&kit, &r, *lang, ResponseDetails::default())).join("\n");
        for item in p.sources.iter().chain(&p.recipients) {
            assert!(text.contains(item.as_str()), "{lang}: {item}\n{text}");
        }
        assert!(text.contains(&p.processing_method), "{lang}: processing method\n{text}");
        // The holder's address: the policy data's, else the letterhead's.
        let address = kit.get(*lang).lookup("letterhead.address").expect("address");
        assert!(text.contains(address), "{lang}: the holder's address\n{text}");
    }
}

#[test]
fn the_salutation_follows_the_pin_when_it_is_valid() {
    let kit = kit();
    let mut r = sample_request(RequestKind::Information, Some(Outcome::Fulfilled));
    for (pin, want) in [
        ("11503199012345", "Уважаемая"),
        ("21503199012345", "Уважаемый"),
        ("31503199012345", "Здравствуйте"),
        ("12345678901234", "Здравствуйте"),
    ] {
        r.subject.pin = pin.into();
        let l = write(&kit, &r, Language::Ru, ResponseDetails::default());
        assert!(l.greeting.starts_with(want), "{pin}: {}", l.greeting);
        assert!(!l.greeting.contains("(-ая)"), "{}", l.greeting);
    }
}

#[test]
fn a_letter_without_a_delivery_address_warns() {
    let kit = kit();
    let mut r = sample_request(RequestKind::Information, Some(Outcome::Fulfilled));
    assert!(
        !write(&kit, &r, Language::Ky, ResponseDetails::default())
            .warnings
            .contains(&LetterWarning::NoDeliveryAddress)
    );
    r.subject.email.clear();
    assert!(
        !write(&kit, &r, Language::Ky, ResponseDetails::default())
            .warnings
            .contains(&LetterWarning::NoDeliveryAddress),
        "a postal address is enough"
    );
    r.subject.address.clear();
    let l = write(&kit, &r, Language::Ky, ResponseDetails::default());
    assert!(l.warnings.contains(&LetterWarning::NoDeliveryAddress), "{:?}", l.warnings);
}

#[test]
fn a_response_text_in_another_language_warns() {
    let kit = kit();
    let mut r = sample_request(RequestKind::Information, Some(Outcome::Fulfilled));
    r.response_text = "Маалыматтарыңыз текшерилип, алардын тактыгы ырасталды.".into();
    let l = write(&kit, &r, Language::Ru, ResponseDetails::default());
    assert!(
        l.warnings.contains(&LetterWarning::TextLanguage { text: Language::Ky, letter: Language::Ru }),
        "{:?}",
        l.warnings
    );
    let l = write(&kit, &r, Language::Ky, ResponseDetails::default());
    assert!(l.warnings.is_empty(), "same language: {:?}", l.warnings);
}

#[test]
fn addresses_are_never_broken_in_a_text_letter() {
    let kit = kit();
    let mut r = sample_request(RequestKind::Information, Some(Outcome::Fulfilled));
    r.subject.email = "testova.aigul.testovna.synthetic@very-long-office-domain.example.org".into();
    r.subject.address = "720000, г. Бишкек, ул. Тестовая, д. 1, кв. 2".into();
    let text = render_text(&write(&kit, &r, Language::Ru, ResponseDetails::default()));
    for needle in [&r.subject.email, &r.subject.address] {
        assert!(
            text.lines().any(|l| l.trim_end().ends_with(needle.as_str())),
            "{needle} on one line:\n{text}"
        );
    }
}
