//! Reading at 80×24 in every language (issue 15): the header keeps its counts, cut cells end
//! with "…", addresses wrap at their separators, and help lists what the role may do.

use crate::tui_fixture;

use aryz::i18n::{Lang, set_thread_language};
use tui_fixture::*;

/// The header's counts vanished at 80 columns in Kyrgyz and Russian.
#[test]
fn the_header_keeps_its_counts_at_80_columns_in_every_language() {
    for (lang, counts) in [
        (Lang::En, "5 open · 1 due soon · 3 overdue"),
        (Lang::Ky, "5 ачык · 1 мөөнөтү жакын · 3 мөөнөтү өткөн"),
        (Lang::Ru, "5 открыто · 1 скоро срок · 3 просрочено"),
    ] {
        set_thread_language(Some(lang));
        let app = app("jyldyz", true);
        let s = screen(&app, 80, 24);
        let header = s.lines().next().unwrap();
        assert!(header.contains(counts), "{lang:?}: {header}");
        assert!(header.contains("jyldyz"), "{lang:?}: {header}");
        insta::assert_snapshot!(format!("header_{}_80x24", lang.code()), header);
        // Narrower still: the counts stay, shortened, and the login.
        let s = screen(&app, 64, 16);
        let header = s.lines().next().unwrap();
        assert!(
            header.contains('5') && header.contains('3') && header.contains("jyldyz"),
            "{lang:?}: {header}"
        );
    }
    set_thread_language(None);
}

#[test]
fn cut_names_end_with_an_ellipsis() {
    let app = app("jyldyz", true);
    let s = screen(&app, 80, 24);
    let row = s.lines().find(|l| l.starts_with("ARZ-2026-000003")).unwrap();
    assert!(row.contains("Жаңыбаев Эрл…"), "{row}");
}

#[test]
fn a_long_e_mail_address_wraps_after_its_separators_on_the_detail() {
    let mut app = app("jyldyz", true);
    let mut new =
        new_request(aryz::domain::kind::RequestKind::Access, "2026-11-20", "Test Longmail", "12002198500099");
    new.subject.email = "aigerim.testova-jyldyzbekovna@regional-office.example.kg".into();
    let r = app.session.register(&new, Some("jyldyz")).unwrap().request.reference;
    app.open(&r);
    let s = screen(&app, 64, 40);
    let lines: Vec<&str> = s.lines().collect();
    let at = lines.iter().position(|l| l.contains("aigerim.")).unwrap_or_else(|| panic!("{s}"));
    let joined = format!("{}{}", lines[at].trim_end(), lines[at + 1].trim());
    assert!(joined.contains("aigerim.testova-jyldyzbekovna@regional-office.example.kg"), "{s}");
    let first = lines[at].trim_end();
    assert!(
        first.ends_with('@') || first.ends_with('.') || first.ends_with('-') || first.ends_with("example.kg"),
        "broken after a separator: {first}"
    );
}

/// A clerk's help listed supervisors' keys.
#[test]
fn help_lists_only_what_the_role_may_do() {
    let mut clerk = app("aibek", true);
    press(&mut clerk, &["?"]);
    let s = screen(&clerk, 100, 60);
    let dashboard = aryz::i18n::label("action", "show_dashboard");
    let mark = aryz::i18n::label("action", "toggle_mark");
    assert!(!s.contains(dashboard) && !s.contains(mark), "{s}");
    let mut sup = app("jyldyz", true);
    press(&mut sup, &["?"]);
    let s = screen(&sup, 100, 60);
    assert!(s.contains(dashboard) && s.contains(mark), "{s}");
    // On the detail: a clerk is not offered withdrawing or reopening.
    press(&mut clerk, &["esc", "enter", "?"]);
    let s = screen(&clerk, 100, 60);
    assert!(s.contains(aryz::i18n::label("action", "add_note")), "{s}");
    assert!(!s.contains(aryz::i18n::label("action", "withdraw")), "{s}");
}
