//! Letter templates: every type × kind × outcome × language has a template that renders;
//! the text letters are snapshot-tested per language; overrides from the config directory.

use aryz::domain::kind::{DataCategory, Language, RequestKind};
use aryz::domain::outcome::{CategoryAction, Outcome, default_grounds};
use aryz::domain::referral::{CopyMedium, ResponseDetails, shipped_bodies};
use aryz::letters::{
    Block, ExtensionInfo, Kit, LetterInput, LetterType, LetterheadConfig, compose, compose_sample,
    render_text, reply_key, sample_request, samples,
};

fn kit() -> Kit {
    Kit::shipped().expect("shipped templates load")
}

fn body_text(l: &aryz::letters::Letter) -> String {
    l.body
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) | Block::Item(p) => p.as_str(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_type_kind_outcome_and_language_has_a_template() {
    let kit = kit();
    for lang in Language::ALL {
        let lk = kit.get(*lang);
        for key in [
            "acknowledgement.title",
            "acknowledgement.body",
            "extension.title",
            "extension.body",
            "reply.title",
        ] {
            assert!(lk.lookup(key).is_some(), "{lang}: {key}");
        }
        for kind in RequestKind::ALL {
            assert!(lk.lookup(&format!("kinds.{kind}")).is_some(), "{lang}: kinds.{kind}");
            for outcome in Outcome::ALL {
                let key = reply_key(lk, *kind, *outcome);
                assert!(lk.lookup(&key).is_some(), "{lang}: no reply for {kind} × {outcome}");
            }
        }
        for g in default_grounds() {
            assert!(lk.lookup(&format!("grounds.{}.reason", g.code)).is_some(), "{lang}: ground {}", g.code);
            assert!(
                lk.lookup(&format!("grounds.{}.citation", g.code)).is_some(),
                "{lang}: ground {}",
                g.code
            );
        }
        for c in DataCategory::ALL {
            assert!(lk.policy.categories.contains_key(c.code()), "{lang}: category {c}");
        }
        for s in samples() {
            let l = compose_sample(&kit, *lang, &s).expect("composes");
            let all = format!("{}\n{}\n{}", l.title, l.greeting, body_text(&l));
            assert!(
                !all.contains('{') && !all.contains('}'),
                "{lang} {}: placeholder left: {all}",
                s.letter_type
            );
            assert!(all.contains("ARZ-2026-000042"), "{lang} {} {:?}: reference", s.letter_type, s.outcome);
            assert!(!l.body.is_empty());
        }
    }
}

#[test]
fn replies_say_what_the_law_and_the_policy_ask() {
    let kit = kit();
    let agency = [
        (Language::Ky, "Жеке маалыматтарды коргоо боюнча мамлекеттик агенттик"),
        (Language::Ru, "Государственное агентство по защите персональных данных"),
        (Language::En, "State Agency for Personal Data Protection"),
    ];
    let court = [(Language::Ky, "сотко"), (Language::Ru, "в суд"), (Language::En, "court")];
    for s in samples() {
        for (i, lang) in Language::ALL.iter().enumerate() {
            let l = compose_sample(&kit, *lang, &s).expect("composes");
            let text = body_text(&l);
            let lk = kit.get(*lang);
            if s.outcome == Some(Outcome::Refused) {
                let citation = lk.lookup("grounds.art15_rights_of_others.citation").expect("citation");
                assert!(text.contains(citation), "{lang} {}: refusal cites its ground\n{text}", s.kind);
                assert!(text.contains(agency[i].1), "{lang} {}: agency\n{text}", s.kind);
                assert!(text.contains(court[i].1), "{lang} {}: court\n{text}", s.kind);
            }
            if s.letter_type == LetterType::Reply
                && s.outcome == Some(Outcome::Fulfilled)
                && matches!(s.kind, RequestKind::Information | RequestKind::Access)
            {
                let p = &lk.policy;
                for item in p.purposes.iter().chain(&p.legal_bases) {
                    assert!(text.contains(item.as_str()), "{lang} {}: {item}", s.kind);
                }
                assert!(text.contains(&p.retention), "{lang}: retention");
                assert!(text.contains(&p.categories["income"]), "{lang}: all categories when none named");
            }
            if s.letter_type == LetterType::Reply
                && s.kind.acts_on_categories()
                && s.outcome == Some(Outcome::PartiallyFulfilled)
            {
                let done = lk.lookup(&format!("actions.{}.done", s.kind)).expect("done phrase");
                let refused = lk.lookup(&format!("actions.{}.refused", s.kind)).expect("refused phrase");
                let address = &lk.policy.categories["address"];
                assert!(text.contains(&format!("{address}: {done}")), "{lang} {}\n{text}", s.kind);
                assert!(text.contains(refused), "{lang} {}\n{text}", s.kind);
            }
        }
    }
}

#[test]
fn kyrgyz_letters_use_the_kyrgyz_letters() {
    let kit = kit();
    for s in samples() {
        let l = compose_sample(&kit, Language::Ky, &s).expect("composes");
        let text = render_text(&l);
        for c in ['ң', 'ө', 'ү'] {
            assert!(text.contains(c), "{} {:?} {:?}: no {c}", s.letter_type, s.kind, s.outcome);
        }
    }
}

/// Legal-notes §8: no article numbers except Art. 15 and Art. 17 of the Law.
#[test]
fn templates_cite_no_unverified_article() {
    for lang in ["ky", "ru", "en"] {
        let text = std::fs::read_to_string(format!("assets/templates/{lang}.toml")).expect("template file");
        let body: String =
            text.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<Vec<_>>().join("\n");
        let lower: Vec<char> = body.to_lowercase().chars().collect();
        for marker in ["-берене", "стать", "art. ", "article", "пункт", "item "] {
            let m: Vec<char> = marker.chars().collect();
            for at in 0..lower.len().saturating_sub(m.len()) {
                if lower[at..at + m.len()] != m[..] {
                    continue;
                }
                let window: String =
                    lower[at.saturating_sub(6)..(at + m.len() + 6).min(lower.len())].iter().collect();
                let digits: String =
                    window.chars().map(|c| if c.is_ascii_digit() { c } else { ' ' }).collect();
                for d in digits.split_whitespace() {
                    let allowed = if marker == "пункт" || marker == "item " {
                        // Items of the privacy policy are not articles of a law.
                        true
                    } else {
                        d == "15" || d == "17"
                    };
                    assert!(allowed, "{lang}: article {d} cited near '{marker}'");
                }
            }
        }
    }
}

fn fixed_request(kind: RequestKind, outcome: Option<Outcome>) -> aryz::domain::request::SubjectRequest {
    let mut r = sample_request(kind, outcome);
    r.reference = "ARZ-2026-000123".into();
    r.subject.name = "Testova Aigul Testovna".into();
    // A valid PIN of a woman (first digit 1): the Russian salutation is "Уважаемая".
    r.subject.pin = "11503199012345".into();
    r
}

fn render(kit: &Kit, lang: Language, ty: LetterType, r: &aryz::domain::request::SubjectRequest) -> String {
    render_with(kit, lang, ty, r, aryz::domain::referral::ResponseDetails::default())
}

fn render_with(
    kit: &Kit,
    lang: Language,
    ty: LetterType,
    r: &aryz::domain::request::SubjectRequest,
    details: ResponseDetails,
) -> String {
    let bodies = shipped_bodies();
    let grounds = default_grounds();
    let extension = (ty == LetterType::Extension).then(|| ExtensionInfo {
        old_due: r.due_on,
        reason: match lang {
            Language::Ky => "кошумча документтер талап кылынат".into(),
            Language::Ru => "необходимо истребовать дополнительные документы".into(),
            Language::En => "further documents are needed".into(),
        },
        basis: String::new(),
    });
    let mut r = r.clone();
    if ty == LetterType::Extension {
        r.due_on = chrono::NaiveDate::from_ymd_opt(2026, 5, 4).expect("date");
    }
    let l = compose(
        kit,
        &LetterInput {
            request: &r,
            letter_type: ty,
            lang,
            today: chrono::NaiveDate::from_ymd_opt(2026, 3, 20).expect("date"),
            letterhead: None,
            extension,
            grounds: &grounds,
            details,
            bodies: &bodies,
            limit: None,
            representative: None,
        },
    )
    .expect("composes");
    render_text(&l)
}

/// One snapshot per language holding the acknowledgement, the extension notice and five
/// replies (information fulfilled, correction partly fulfilled, access refused, access
/// fulfilled with a charged paper copy, and a complaint referred to the Agency from a subject
/// whose PIN is not valid, so the salutation is neutral).
fn snapshot_for(lang: Language) -> String {
    let kit = kit();
    let mut out = String::new();
    let cases: Vec<(LetterType, RequestKind, Option<Outcome>)> = vec![
        (LetterType::Acknowledgement, RequestKind::Access, None),
        (LetterType::Extension, RequestKind::Correction, None),
        (LetterType::Reply, RequestKind::Information, Some(Outcome::Fulfilled)),
        (LetterType::Reply, RequestKind::Correction, Some(Outcome::PartiallyFulfilled)),
        (LetterType::Reply, RequestKind::Access, Some(Outcome::Refused)),
    ];
    for (ty, kind, outcome) in cases {
        let mut r = fixed_request(kind, outcome);
        if kind == RequestKind::Information {
            r.categories = vec![DataCategory::FullName, DataCategory::Income];
        }
        if kind == RequestKind::Correction && outcome.is_some() {
            r.actions = vec![
                (DataCategory::Address, CategoryAction::Done),
                (DataCategory::Phone, CategoryAction::Refused),
            ];
            r.ground = Some("data_accurate".into());
        }
        out.push_str(&format!(
            "════ {ty} {kind} {} ════\n",
            outcome.map_or("-", aryz::domain::outcome::Outcome::code)
        ));
        out.push_str(&render(&kit, lang, ty, &r));
        out.push('\n');
    }
    let paper =
        ResponseDetails { copy_medium: Some(CopyMedium::Paper), copy_charged: true, referred_to: None };
    out.push_str("════ reply access fulfilled (paper copy, charged) ════\n");
    let r = fixed_request(RequestKind::Access, Some(Outcome::Fulfilled));
    out.push_str(&render_with(&kit, lang, LetterType::Reply, &r, paper));
    out.push('\n');
    let referred = ResponseDetails { referred_to: Some("dpa".into()), ..Default::default() };
    out.push_str("════ reply complaint referred (to the Agency; PIN not valid) ════\n");
    let mut r = fixed_request(RequestKind::Complaint, Some(Outcome::Referred));
    r.subject.pin = "31503199012345".into();
    out.push_str(&render_with(&kit, lang, LetterType::Reply, &r, referred));
    out.push('\n');
    out
}

#[test]
fn text_letters_in_kyrgyz() {
    insta::assert_snapshot!("letters_ky", snapshot_for(Language::Ky));
}

#[test]
fn text_letters_in_russian() {
    insta::assert_snapshot!("letters_ru", snapshot_for(Language::Ru));
}

#[test]
fn text_letters_in_english() {
    insta::assert_snapshot!("letters_en", snapshot_for(Language::En));
}

#[test]
fn the_letterhead_comes_from_the_config() {
    let kit = kit();
    let r = fixed_request(RequestKind::Access, None);
    let head = LetterheadConfig {
        service_name: "Test Office of the Service".into(),
        address: "Test avenue 5".into(),
        signer_position: "Head of the Test Department".into(),
        signer_name: "T. Testov".into(),
    };
    let grounds = default_grounds();
    let l = compose(
        &kit,
        &LetterInput {
            request: &r,
            letter_type: LetterType::Acknowledgement,
            lang: Language::En,
            today: r.registered_on,
            letterhead: Some(&head),
            extension: None,
            grounds: &grounds,
            details: aryz::domain::referral::ResponseDetails::default(),
            bodies: &[],
            limit: None,
            representative: None,
        },
    )
    .expect("composes");
    let text = render_text(&l);
    for s in ["Test Office of the Service", "Test avenue 5", "Head of the Test Department", "T. Testov"] {
        assert!(text.contains(s), "{s}\n{text}");
    }
}

#[test]
fn overrides_replace_keys_and_bad_ones_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("ru.toml"),
        "[acknowledgement]\ntitle = \"Извещение о регистрации № {ref}\"\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("policy.en.toml"), "retention = \"kept for a test period.\"\n")
        .expect("write");
    let kit = Kit::load(Some(dir.path())).expect("loads");
    assert_eq!(
        kit.get(Language::Ru).lookup("acknowledgement.title"),
        Some("Извещение о регистрации № {ref}")
    );
    assert_eq!(kit.get(Language::En).policy.retention, "kept for a test period.");
    assert!(kit.get(Language::Ru).origin.contains("ru.toml"));

    // A placeholder that does not exist.
    std::fs::write(dir.path().join("ru.toml"), "[acknowledgement]\ntitle = \"№ {reference}\"\n")
        .expect("write");
    let e = Kit::load(Some(dir.path())).expect_err("unknown placeholder").to_string();
    assert!(e.contains("ru.toml") && e.contains("{reference}"), "{e}");

    // Broken TOML.
    std::fs::write(dir.path().join("ru.toml"), "[acknowledgement\ntitle = 1\n").expect("write");
    let e = Kit::load(Some(dir.path())).expect_err("broken").to_string();
    assert!(e.contains("ru.toml"), "{e}");
    assert!(!e.contains('\n'), "{e}");

    // A key the shipped file does not have (a typo).
    std::fs::write(dir.path().join("ru.toml"), "[acknowledgment]\ntitle = \"x\"\n").expect("write");
    let e = Kit::load(Some(dir.path())).expect_err("unknown key").to_string();
    assert!(e.contains("ru.toml") && e.contains("acknowledgment"), "{e}");
    std::fs::remove_file(dir.path().join("ru.toml")).expect("rm");

    // A misnamed file.
    std::fs::write(dir.path().join("kg.toml"), "").expect("write");
    let e = Kit::load(Some(dir.path())).expect_err("unknown file").to_string();
    assert!(e.contains("kg.toml"), "{e}");
    std::fs::remove_file(dir.path().join("kg.toml")).expect("rm");

    // A missing file behind a link.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("gone.toml"), dir.path().join("ky.toml")).expect("link");
        let e = Kit::load(Some(dir.path())).expect_err("dangling link").to_string();
        assert!(e.contains("ky.toml") && e.contains("cannot read"), "{e}");
    }

    // A directory that does not exist.
    let e = Kit::load(Some(&dir.path().join("nope"))).expect_err("missing dir").to_string();
    assert!(e.contains("nope"), "{e}");
}

#[test]
fn saving_never_overwrites_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = aryz::letters::save_new_file(dir.path(), "ARZ-2026-000001-reply-ru.txt", b"one").expect("saved");
    let b = aryz::letters::save_new_file(dir.path(), "ARZ-2026-000001-reply-ru.txt", b"two").expect("saved");
    assert_eq!(a.file_name().and_then(|n| n.to_str()), Some("ARZ-2026-000001-reply-ru.txt"));
    assert_eq!(b.file_name().and_then(|n| n.to_str()), Some("ARZ-2026-000001-reply-ru-2.txt"));
    assert_eq!(std::fs::read(&a).expect("a"), b"one");
    // A "directory" that is a file: a clear error, no stray temporary file.
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").expect("write");
    assert!(aryz::letters::save_new_file(&file, "x.txt", b"y").is_err());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(names.iter().all(|n| !n.contains("partial")), "{names:?}");
}
