//! Routing without a terminal: what each kind of component answers to a key, as effects.

use chrono::NaiveDate;

use super::*;
use crate::domain::deadline::RuleSet;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind, Role};
use crate::domain::request::{NewRequest, Subject};
use crate::model::Operator;
use crate::service::{Clock, Settings};
use crate::store::Store;
use crate::tui::effect::{Question, UseCase};
use crate::tui::screens::Screen;
use crate::tui::screens::detail::DetailState;
use crate::tui::screens::help::HelpState;
use crate::tui::screens::prompt::{Prompt, PromptKind};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

/// Clerks aibek and nurzat, supervisor jyldyz; one request assigned to nurzat, one to no one.
fn session_as(login: &str) -> (Session, String, String) {
    let mut store = Store::in_memory().unwrap();
    store
        .write(|tx| {
            for (l, r) in [("jyldyz", Role::Supervisor), ("aibek", Role::Clerk), ("nurzat", Role::Clerk)] {
                tx.insert_operator(&Operator::new(l, "", r), "now")?;
            }
            tx.audit("now", "jyldyz", "init", "", "")?;
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
    let mut s =
        Session::with_store(store, "jyldyz", RuleSet::shipped(), Clock::fixed(today()), Settings::default())
            .unwrap();
    let new = NewRequest {
        kind: RequestKind::Access,
        channel: Channel::SalykApp,
        lang: Language::Ru,
        received_on: today(),
        identity: IdentityMethod::ESignature,
        categories: vec![DataCategory::Phone],
        description: "Test request".into(),
        subject: Subject { name: "Test Subject".into(), pin: "21503199012345".into(), ..Subject::default() },
        representative: None,
        office: None,
    };
    let theirs = s.register(&new, Some("nurzat")).unwrap().request.reference;
    let free = s.register(&new, None).unwrap().request.reference;
    s.operator = s.operators().unwrap().into_iter().find(|o| o.login == login).unwrap();
    (s, theirs, free)
}

fn ctx<'a>(session: &'a Session, keymap: &'a KeyMap) -> Ctx<'a> {
    Ctx { session, today: today(), keymap }
}

fn message(e: Option<Effect>) -> String {
    match e {
        Some(Effect::Message(text, true)) => text,
        other => panic!("not an error message: {other:?}"),
    }
}

#[test]
fn the_detail_refuses_with_the_services_reason_and_opens_dialogs_it_allows() {
    let keymap = KeyMap::default();
    let (mut s, theirs, free) = session_as("aibek");
    let mut d = DetailState::new(s.show(&theirs).unwrap());
    let c = ctx(&s, &keymap);
    let text = message(d.handle(Command::Withdraw, &c));
    assert!(text.contains("supervisor"), "{text}");
    let text = message(d.handle(Command::RecordResponse, &c));
    assert!(text.contains("nurzat"), "{text}");
    // Global commands are left to the app.
    assert!(d.handle(Command::ShowCalendar, &c).is_none());
    assert!(matches!(d.handle(Command::MoveDown, &c), Some(Effect::None)));

    let mut d = DetailState::new(s.show(&free).unwrap());
    let c = ctx(&s, &keymap);
    assert!(matches!(d.handle(Command::AddNote, &c), Some(Effect::Dialog(_))));
    assert!(
        matches!(d.handle(Command::RecordResponse, &c), Some(Effect::Open(s)) if matches!(*s, Screen::Response(_)))
    );
    match d.handle(Command::TakeRequest, &c) {
        Some(Effect::Run(op)) => {
            assert!(matches!(*op, UseCase::Take { ref reference, .. } if *reference == free));
        }
        other => panic!("{other:?}"),
    }
    // A request opened from a request replaces it.
    assert!(d.replaces(Context::Detail) && !d.replaces(Context::Queue));
}

#[test]
fn prompts_answer_the_screen_below_and_jump_reads_short_references() {
    let keymap = KeyMap::default();
    let (s, _, _) = session_as("aibek");
    let c = ctx(&s, &keymap);
    let mut search = Prompt::new(PromptKind::Search, "old");
    assert!(matches!(search.edit(&EditOp::Insert('x'), &c), Effect::Answer(t) if t == "oldx"));
    match search.handle(Command::Cancel, &c) {
        Some(Effect::Batch(v)) => assert!(matches!(&v[..], [Effect::Close, Effect::Answer(t)] if t == "old")),
        other => panic!("{other:?}"),
    }
    let mut jump = Prompt::new(PromptKind::Jump, "");
    for ch in "7".chars() {
        jump.edit(&EditOp::Insert(ch), &c);
    }
    match jump.handle(Command::Submit, &c) {
        Some(Effect::Batch(v)) => {
            assert!(matches!(&v[..], [Effect::Close, Effect::OpenRequest(r)] if r == "ARZ-2026-000007"));
        }
        other => panic!("{other:?}"),
    }
    // Quit is not the prompt's: it goes to the app.
    assert!(jump.handle(Command::Quit, &c).is_none());
}

#[test]
fn a_question_runs_only_on_yes() {
    let keymap = KeyMap::default();
    let (s, theirs, _) = session_as("jyldyz");
    let c = ctx(&s, &keymap);
    let mut q = Question {
        question: "?".into(),
        details: Vec::new(),
        op: UseCase::Resume { reference: theirs },
        yes_focused: false,
        on_no: None,
    };
    assert!(matches!(q.handle(Command::Submit, &c), Some(Effect::Close)));
    assert!(matches!(q.handle(Command::NextOption, &c), Some(Effect::None)));
    assert!(q.yes_focused);
    match q.handle(Command::Submit, &c) {
        Some(Effect::Batch(v)) => assert!(
            matches!(&v[..], [Effect::Close, Effect::Run(op)] if matches!(**op, UseCase::Resume { .. }))
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn help_closes_on_open_and_leaves_the_rest_to_the_app() {
    let keymap = KeyMap::default();
    let (s, _, _) = session_as("aibek");
    let c = ctx(&s, &keymap);
    let mut h = HelpState { context: Context::Queue, scroll: 0 };
    assert!(matches!(h.handle(Command::MoveDown, &c), Some(Effect::None)));
    assert_eq!(h.scroll, 1);
    assert!(matches!(h.handle(Command::Open, &c), Some(Effect::Back)));
    assert!(h.handle(Command::Quit, &c).is_none());
    assert_eq!(
        h.bar(&Env {
            session: &s,
            today: today(),
            theme: &crate::tui::theme::Theme::colour(),
            keymap: &keymap,
            focused: true
        }),
        vec![Command::Back, Command::MoveDown]
    );
}
