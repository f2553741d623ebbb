//! The case file in the terminal UI (issue 15): attaching a file through a path prompt with
//! completion and saving it back out, closing a request as a duplicate, and the duplicate
//! warning and the refusal to disclose to an unverified subject — keys in, effects applied,
//! the service's state out.

use crate::tui_fixture;

use aryz::domain::attachment::AttachmentKind;
use aryz::domain::status::Status;
use aryz::service::{Clock, Session, Settings};
use aryz::store::{AuditFilter, EventKind, Store};
use aryz::tui::app::{App, Context, Overlay, PendingOp, Screen};
use aryz::tui::keymap::KeyMap;
use aryz::tui::screens::dialog::fields::{AttachField, DuplicateField, SaveFileField};
use aryz::tui::screens::response::ResponseField;
use aryz::tui::theme::Theme;
use aryz::tui::widgets::field_id::FieldId;
use tui_fixture::*;

const FIRST: &str = "ARZ-2026-000001";
const NURZATS: &str = "ARZ-2026-000005";

/// The app as `login` on the fixture's requests in a database file, with files up to
/// `max_mb` MB.
fn app_with_limit(db: &std::path::Path, login: &str, max_mb: u64) -> App {
    drop(app_on_file(db, "root"));
    let settings = Settings { attachment_max_mb: max_mb, ..Settings::default() };
    let session = Session::with_store(
        Store::open(db).unwrap(),
        login,
        aryz::domain::deadline::RuleSet::shipped(),
        Clock::fixed(today()),
        settings,
    )
    .unwrap();
    App::new(session, KeyMap::default(), Theme::colour()).unwrap()
}

/// The audit log as a supervisor reads it.
fn audit(db: &std::path::Path) -> Vec<(String, String, String)> {
    let s = session_on(Store::open(db).unwrap(), "jyldyz");
    let entries = s.audit_log(&AuditFilter { limit: 1000, ..AuditFilter::default() }).unwrap();
    entries.into_iter().map(|e| (e.actor, e.action, e.target)).collect()
}

fn dialog(app: &App) -> &aryz::tui::screens::dialog::DialogState {
    match app.overlays.last() {
        Some(Overlay::Dialog(d)) => d,
        other => panic!("no dialog: {other:?} ({:?})", app.message),
    }
}

fn detail(app: &App) -> &aryz::service::Detail {
    match app.screens.last() {
        Some(Screen::Detail(d)) => &d.detail,
        other => panic!("not on a detail: {other:?}"),
    }
}

/// Moves the focused choice to the option `code`.
fn choose(app: &mut App, code: &str) {
    for _ in 0..20 {
        let d = dialog(app);
        let f = d.form.focused().unwrap();
        if f.value() == code {
            return;
        }
        press(app, &["right"]);
    }
    panic!("no option {code}");
}

fn error_under(app: &App, field: impl FieldId + std::fmt::Debug) -> String {
    let d = dialog(app);
    d.form
        .field(field)
        .and_then(|f| f.error.clone())
        .unwrap_or_else(|| panic!("no error under {field:?}: {d:?}"))
}

/// Issue 15: a clerk adds a file through the path prompt (Tab completes the folder and the
/// name), chooses its kind, and saves it back out byte for byte — the save on record in the
/// audit log as the command line's `aryz attachment` is.
#[test]
fn a_clerk_attaches_a_file_through_the_prompt_and_saves_it_back_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aryz.sqlite3");
    let files = dir.path().join("scans");
    std::fs::create_dir(&files).unwrap();
    let content: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    std::fs::write(files.join("заявление-скан.pdf"), &content).unwrap();
    std::fs::write(files.join("other.txt"), b"x").unwrap();
    let mut app = app_with_limit(&db, "aibek", 25);
    app.open(FIRST);
    assert!(detail(&app).attachments.is_empty());

    press(&mut app, &["f"]);
    assert_eq!(dialog(&app).title(), format!("Attach a file — {FIRST}"));
    // The folder, then the name, by Tab.
    type_text(&mut app, &format!("{}/sc", dir.path().display()));
    press(&mut app, &["tab"]);
    assert_eq!(
        dialog(&app).form.text(AttachField::File),
        format!("{}/", files.display()),
        "the folder completed"
    );
    // A second Tab lists what the folder holds.
    press(&mut app, &["tab"]);
    let hint = dialog(&app).form.field(AttachField::File).unwrap().hint.clone().unwrap();
    assert!(hint.contains("2 matches") && hint.contains("other.txt"), "{hint}");
    type_text(&mut app, "за");
    press(&mut app, &["tab"]);
    let path = files.join("заявление-скан.pdf");
    assert_eq!(dialog(&app).form.text(AttachField::File), path.display().to_string());
    assert_eq!(app.context(), Context::Form, "Tab stayed in the path");
    // The kind has no default: saving without one names the field and changes nothing.
    press(&mut app, &["ctrl-s"]);
    assert!(
        error_under(&app, AttachField::Kind).contains("required"),
        "{:?}",
        dialog(&app).form.field(AttachField::Kind)
    );
    assert_eq!(dialog(&app).form.focused().unwrap().id, "kind", "the field to fix has the focus");
    choose(&mut app, "request_scan");
    press(&mut app, &["ctrl-s"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    let m = app.message.clone().unwrap();
    assert!(!m.is_error && m.text.contains("file 1 attached"), "{m:?}");

    // The detail lists it, and the timeline says so.
    let d = detail(&app);
    assert_eq!(d.attachments.len(), 1);
    let a = &d.attachments[0];
    assert_eq!(
        (a.kind, a.file_name.as_str(), a.size, a.added_by.as_str()),
        (AttachmentKind::RequestScan, "заявление-скан.pdf", 70_000, "aibek")
    );
    assert!(d.events.iter().any(|e| e.kind == EventKind::Attached));
    let shown = screen(&app, 120, 35);
    assert!(shown.contains("заявление-скан.pdf") && shown.contains("68.4 KB"), "{shown}");

    // Saved out: a new file, byte for byte, audited as a disclosure.
    let out = dir.path().join("out.pdf");
    press(&mut app, &["F"]);
    assert_eq!(
        dialog(&app).form.text(SaveFileField::Output),
        "заявление-скан.pdf",
        "its own name is offered"
    );
    press(&mut app, &["down", "ctrl-u"]);
    type_text(&mut app, &out.display().to_string());
    press(&mut app, &["ctrl-s"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    assert_eq!(std::fs::read(&out).unwrap(), content, "byte-identical");
    assert!(app.message.clone().unwrap().text.contains("written to"), "{:?}", app.message);
    let log = audit(&db);
    assert!(log.contains(&("aibek".into(), "attach".into(), FIRST.into())), "{log:?}");
    assert!(
        log.iter().any(|(who, what, target)| who == "aibek"
            && what.starts_with("attachment_view")
            && target == FIRST)
    );

    // An existing file is never overwritten: the error shows, the file stays as it was.
    std::fs::write(dir.path().join("taken.pdf"), b"keep me").unwrap();
    press(&mut app, &["F", "down", "ctrl-u"]);
    type_text(&mut app, &dir.path().join("taken.pdf").display().to_string());
    press(&mut app, &["ctrl-s"]);
    assert!(error_under(&app, SaveFileField::Output).contains("exists"), "{:?}", dialog(&app));
    assert_eq!(std::fs::read(dir.path().join("taken.pdf")).unwrap(), b"keep me");
}

/// Over the size limit by one byte, a folder, a file that is not there: each refused with
/// the reason under the path, the dialog keeps its input, and nothing is attached.
#[test]
fn a_file_over_the_limit_or_not_a_file_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aryz.sqlite3");
    let big = dir.path().join("big.bin");
    let limit = 1024 * 1024;
    std::fs::File::create(&big).unwrap().set_len(limit + 1).unwrap();
    let exact = dir.path().join("exact.bin");
    std::fs::write(&exact, vec![7u8; limit as usize]).unwrap();
    let mut app = app_with_limit(&db, "aibek", 1);
    app.open(FIRST);
    press(&mut app, &["f"]);
    let hint = dialog(&app).form.field(AttachField::File).unwrap().hint.clone().unwrap();
    assert!(hint.contains("1 MB"), "the limit is shown: {hint}");
    for (path, why) in [
        (big.display().to_string(), "over the limit"),
        (dir.path().display().to_string(), "not a file"),
        (dir.path().join("missing.pdf").display().to_string(), "no such file"),
    ] {
        press(&mut app, &["ctrl-u"]);
        type_text(&mut app, &path);
        press(&mut app, &["down"]);
        choose(&mut app, "other");
        press(&mut app, &["ctrl-s"]);
        let e = error_under(&app, AttachField::File);
        assert!(e.contains(why), "{path}: {e}");
        assert!(app.message.as_ref().is_some_and(|m| m.is_error));
        assert_eq!(dialog(&app).form.text(AttachField::File), path, "the input is kept");
        assert!(app.session.attachments(FIRST).unwrap().is_empty(), "nothing attached");
        press(&mut app, &["up"]);
    }
    // Exactly at the limit is accepted.
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, &exact.display().to_string());
    press(&mut app, &["ctrl-s"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    assert_eq!(app.session.attachments(FIRST).unwrap()[0].size, limit);
}

/// Keys by role and by request: a clerk attaches to their own requests only, with the
/// service's reason otherwise; saving out is offered once there is a file; the help lists
/// the case file's keys a role may use, and closing as a duplicate only to supervisors.
#[test]
fn the_case_file_keys_follow_the_role_and_the_help_lists_them() {
    let mut app = app("aibek", true);
    app.open(NURZATS);
    press(&mut app, &["f"]);
    assert!(app.overlays.is_empty());
    let m = app.message.clone().unwrap();
    assert!(m.is_error && m.text.contains("assigned to nurzat"), "{m:?}");
    press(&mut app, &["F"]);
    assert!(app.message.clone().unwrap().text.contains("has no files"), "{:?}", app.message);
    let bar = screen(&app, 200, 24);
    assert!(!bar.contains("save file"), "nothing to save: {bar}");

    let help = |app: &mut App| {
        press(app, &["?"]);
        let s = screen(app, 100, 80);
        press(app, &["esc"]);
        s
    };
    app.open(FIRST);
    let clerk = help(&mut app);
    assert!(clerk.contains("Attach a file") && clerk.contains("Save a file"), "{clerk}");
    assert!(!clerk.contains("duplicate"), "a clerk's help has no supervisor key: {clerk}");
    let mut sup = self::app("jyldyz", true);
    sup.open(FIRST);
    let supervisor = help(&mut sup);
    assert!(supervisor.contains("Close as a duplicate"), "{supervisor}");
}

/// A supervisor closes a request as a duplicate of another, typed as a short number; the
/// question comes first, the request is closed, and both timelines and both details say so.
#[test]
fn a_supervisor_closes_a_request_as_a_duplicate_by_its_short_number() {
    let mut app = app("jyldyz", true);
    app.open(NURZATS);
    press(&mut app, &["d"]);
    assert_eq!(dialog(&app).title(), format!("Close as a duplicate — {NURZATS}"));
    // Itself, not a reference, and a request that is not there: named under the field,
    // nothing changes.
    type_text(&mut app, "5");
    press(&mut app, &["ctrl-s"]);
    assert!(error_under(&app, DuplicateField::Original).contains("cannot duplicate itself"));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "2026-12");
    press(&mut app, &["ctrl-s"]);
    assert!(error_under(&app, DuplicateField::Original).contains("2026-12"), "{:?}", dialog(&app));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "ARZ-2026-000999");
    press(&mut app, &["ctrl-s"]);
    assert_eq!(app.context(), Context::Confirm);
    press(&mut app, &["right", "enter"]);
    assert!(
        error_under(&app, DuplicateField::Original).contains("ARZ-2026-000999")
            || dialog(&app).problem.is_some()
    );
    assert_eq!(app.session.show(NURZATS).unwrap().request.status, Status::InProgress);

    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "1");
    press(&mut app, &["ctrl-s"]);
    let Some(Overlay::Confirm(q)) = app.overlays.last() else { panic!("asked first: {:?}", app.overlays) };
    assert!(q.question.contains(FIRST) && q.question.contains(NURZATS), "{}", q.question);
    assert!(!q.yes_focused, "a final action starts on no");
    assert!(matches!(&q.op, PendingOp::CloseDuplicate { original, .. } if original == FIRST));
    press(&mut app, &["right", "enter"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    assert!(app.message.clone().unwrap().text.contains("closed as a duplicate"), "{:?}", app.message);

    let d = detail(&app);
    assert_eq!(d.request.status, Status::Withdrawn);
    assert_eq!(d.duplicate_of.as_deref(), Some(FIRST));
    assert!(d.events.iter().any(|e| e.kind == EventKind::Linked));
    assert!(screen(&app, 120, 35).contains(&format!("Duplicate of         {FIRST}")));
    app.open(FIRST);
    let o = detail(&app);
    assert_eq!(o.duplicates, [NURZATS]);
    assert!(o.events.iter().any(|e| e.kind == EventKind::Linked && e.text.contains(NURZATS)));
    let shown = screen(&app, 120, 35);
    assert!(shown.contains(&format!("Linked — {NURZATS} closed as a")), "{shown}");
}

/// A clerk is refused with the service's reason (it needs a supervisor), through the key.
#[test]
fn a_clerk_is_refused_closing_as_a_duplicate_with_the_reason() {
    let mut app = app("aibek", true);
    app.open(FIRST);
    press(&mut app, &["d"]);
    assert!(app.overlays.is_empty());
    let m = app.message.clone().unwrap();
    assert!(m.is_error && m.text.contains("supervisor") && m.text.contains("clerk"), "{m:?}");
    assert_eq!(app.session.show(FIRST).unwrap().request.status, Status::InProgress);
}

/// The fixture, with two files on the first request added at fixed times (for snapshots).
fn app_with_files(login: &str) -> App {
    use aryz::domain::attachment::NewAttachment;
    let mut store = fixture_store(true);
    store
        .write(|tx| {
            let id = tx.read().request_by_ref(FIRST)?.unwrap().id;
            let files = [
                (AttachmentKind::RequestScan, "заявление о доступе к данным (скан).pdf", 183_500, "10:15"),
                (AttachmentKind::IdentityDocument, "passport.jpg", 912, "10:20"),
            ];
            for (kind, name, size, time) in files {
                let new = NewAttachment::new(kind, name, vec![1u8; size], 25 << 20).unwrap();
                tx.insert_attachment(id, &new, "aibek", &format!("2026-11-24T{time}:00+06:00"))?;
            }
            Ok::<_, aryz::store::StoreError>(())
        })
        .unwrap();
    App::new(session_on(store, login), KeyMap::default(), Theme::colour()).unwrap()
}

/// The files table and the case file's dialogs at 80×24 in every language: cells that do
/// not fit end in an ellipsis, nothing runs past the edge.
#[test]
fn the_files_table_and_dialogs_fit_80_columns_in_every_language() {
    use aryz::i18n::{Lang, set_thread_language};
    for lang in [Lang::En, Lang::Ky, Lang::Ru] {
        set_thread_language(Some(lang));
        let code = lang.code();
        let mut app = app_with_files("jyldyz");
        app.open(FIRST);
        let _ = screen(&app, 80, 24);
        press(&mut app, &["G"]);
        let s = screen(&app, 80, 24);
        assert!(s.contains("passport.jpg") && s.contains('…'), "{s}");
        insta::assert_snapshot!(format!("{code}_detail_files_80x24"), s);
        insta::assert_snapshot!(format!("{code}_detail_files_120x35"), screen(&app, 120, 35));
        press(&mut app, &["f"]);
        insta::assert_snapshot!(format!("{code}_dialog_attach_80x24"), screen(&app, 80, 24));
        press(&mut app, &["esc", "F"]);
        insta::assert_snapshot!(format!("{code}_dialog_save_file_80x24"), screen(&app, 80, 24));
        press(&mut app, &["esc", "d"]);
        type_text(&mut app, "3");
        press(&mut app, &["ctrl-s"]);
        insta::assert_snapshot!(format!("{code}_confirm_duplicate_80x24"), screen(&app, 80, 24));
        set_thread_language(None);
    }
}

/// A request whose subject's identity is not verified, assigned to `login`'s clerk aibek.
fn unverified_request(app: &mut App) -> String {
    let mut new = new_request(
        aryz::domain::kind::RequestKind::Access,
        "2026-11-20",
        "Unverified Testov",
        "21503199100123",
    );
    new.identity = aryz::domain::kind::IdentityMethod::NotVerified;
    app.session.register(&new, Some("aibek")).unwrap().request.reference
}

fn response_form(app: &App) -> &aryz::tui::screens::response::ResponseState {
    match app.screens.last() {
        Some(Screen::Response(r)) => r,
        other => panic!("not on the response form: {other:?} ({:?})", app.message),
    }
}

/// Focuses the response form's field `id`.
fn focus(app: &mut App, id: ResponseField) {
    for _ in 0..30 {
        if response_form(app).form.focused().is_some_and(|f| f.id == id.id()) {
            return;
        }
        press(app, &["tab"]);
    }
    panic!("no field {id:?}");
}

/// Issue 15, safe disclosure through the terminal UI: "fulfilled" to a subject whose
/// identity is not verified is warned about in the form and in the question, refused by the
/// service with the way out under the field, and nothing changes; verified now, it is saved
/// with the verification on the timeline. A clerk is offered no override.
#[test]
fn answering_an_unverified_subject_is_refused_until_the_identity_is_verified() {
    let mut app = app("aibek", true);
    let reference = unverified_request(&mut app);
    app.refresh();
    app.open(&reference);
    press(&mut app, &["r"]);
    let form = &response_form(&app).form;
    assert!(form.field(ResponseField::IdentityOverride).is_none(), "a clerk cannot override");
    let warning = form.field(ResponseField::Outcome).and_then(|f| f.warning.clone()).unwrap_or_default();
    assert!(warning.contains("not verified"), "{warning}");
    press(&mut app, &["ctrl-s"]);
    let Some(Overlay::Confirm(q)) = app.overlays.last() else { panic!("asked: {:?}", app.message) };
    assert!(q.details.iter().any(|d| d.contains("not verified")), "the question repeats it: {q:?}");
    press(&mut app, &["enter"]);
    let m = app.message.clone().unwrap();
    assert!(m.is_error && m.text.contains("not verified"), "the service's reason: {m:?}");
    let error =
        response_form(&app).form.field(ResponseField::IdentityVerifiedBy).and_then(|f| f.error.clone());
    assert!(error.is_some_and(|e| e.contains("verified now")), "the way out under the field");
    let after = app.session.show(&reference).unwrap();
    assert!(after.request.is_open() && after.request.outcome.is_none(), "nothing changed");

    focus(&mut app, ResponseField::IdentityVerifiedBy);
    press(&mut app, &["right", "right"]);
    assert_eq!(response_form(&app).form.choice(ResponseField::IdentityVerifiedBy), "document_presented");
    assert!(
        response_form(&app).form.field(ResponseField::Outcome).unwrap().warning.is_none(),
        "no longer warned"
    );
    press(&mut app, &["ctrl-s", "enter"]);
    assert!(!matches!(app.screens.last(), Some(Screen::Response(_))), "{:?}", app.message);
    let d = app.session.show(&reference).unwrap();
    assert_eq!(d.request.status, Status::Answered);
    assert_eq!(d.request.identity, aryz::domain::kind::IdentityMethod::DocumentPresented);
    assert!(d.events.iter().any(|e| e.kind == EventKind::IdentityVerified));
}

/// A supervisor may disclose anyway with a reason: on record as a note and an audit entry.
#[test]
fn a_supervisor_overrides_the_identity_check_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aryz.sqlite3");
    let mut app = app_with_limit(&db, "jyldyz", 25);
    let reference = unverified_request(&mut app);
    app.refresh();
    app.open(&reference);
    press(&mut app, &["r"]);
    focus(&mut app, ResponseField::IdentityOverride);
    type_text(&mut app, "Known in person to the head of office");
    assert!(response_form(&app).form.field(ResponseField::Outcome).unwrap().warning.is_none());
    press(&mut app, &["ctrl-s", "enter"]);
    assert!(!matches!(app.screens.last(), Some(Screen::Response(_))), "{:?}", app.message);
    let d = app.session.show(&reference).unwrap();
    assert_eq!(d.request.status, Status::Answered);
    assert!(d.events.iter().any(|e| e.kind == EventKind::Note && e.text.contains("Known in person")));
    assert!(
        audit(&db).iter().any(|(who, what, target)| who == "jyldyz"
            && what == "identity_override"
            && *target == reference)
    );
}

/// Issue 15, duplicates at intake: the form warns, naming the PIN's open request of the same
/// kind, and saving asks first with the warning in the question.
#[test]
fn the_intake_form_names_the_requests_a_new_one_may_duplicate() {
    let mut app = app("aibek", true);
    press(&mut app, &["n", "tab", "tab", "tab", "tab"]);
    type_text(&mut app, "Testova Aigul");
    press(&mut app, &["tab"]);
    type_text(&mut app, "12503199000011");
    let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
    let warnings = s.form.warnings().join(" ");
    assert!(warnings.contains(FIRST) && warnings.contains("possible duplicate"), "{warnings}");
    // The answered complaint of the same PIN was received within 30 days? It was on 15.10, not.
    assert!(!warnings.contains("ARZ-2026-000006"), "{warnings}");
    let shown = screen(&app, 100, 30);
    assert!(shown.contains("possible duplicate"), "{shown}");
    // Identity: the first method offered.
    press(&mut app, &["tab", "tab", "right"]);
    press(&mut app, &["ctrl-s"]);
    let Some(Overlay::Confirm(q)) = app.overlays.last() else { panic!("asked first: {:?}", app.message) };
    assert!(q.details.iter().any(|d| d.contains(FIRST)), "{q:?}");
    press(&mut app, &["enter"]);
    assert!(app.message.clone().unwrap().text.contains("Registered"), "{:?}", app.message);
}

/// `label` is on the screen whole, or cut with an ellipsis — never cut silently.
fn whole_or_ellipsis(screen: &str, label: &str, what: &str) {
    let chars: Vec<char> = label.chars().collect();
    let cut =
        (2..chars.len()).any(|n| screen.contains(&format!("{}…", chars[..n].iter().collect::<String>())));
    assert!(screen.contains(label) || cut, "{what}: “{label}” is cut without an ellipsis:\n{screen}");
}

/// Issue 15, item 8 (a defect seen in Russian): every table — queue, dashboard, monthly
/// report by kind, by clerk and by month, files — at 80×24 in English, Kyrgyz and Russian
/// shows each name whole or ending in "…".
#[test]
fn every_table_cuts_cells_with_an_ellipsis_at_80_columns_in_every_language() {
    use aryz::i18n::{Lang, label, set_thread_language, t};
    use aryz::tui::screens::dashboard::DashboardState;
    for lang in [Lang::En, Lang::Ky, Lang::Ru] {
        set_thread_language(Some(lang));
        let mut app = supervisor_app("jyldyz");
        let queue = screen(&app, 80, 24);
        for r in app.queue.rows.iter().filter(|r| queue.contains(&r.reference)) {
            let name = aryz::domain::safe_text::clean(&r.subject.name);
            whole_or_ellipsis(&queue, &name, "queue");
        }
        press(&mut app, &["D"]);
        let s = screen(&app, 80, 24);
        let Some(Screen::Dashboard(d)) = app.screens.last() else { panic!("no dashboard") };
        let d: &DashboardState = d;
        for k in &d.data.kinds {
            whole_or_ellipsis(&s, label("kind_short", k.kind.code()), "dashboard kinds");
        }
        for c in &d.data.clerks {
            whole_or_ellipsis(
                &s,
                c.login.as_deref().unwrap_or(t("queue.group.unassigned")),
                "dashboard clerks",
            );
        }
        press(&mut app, &["M"]);
        for grouping in ["kind", "clerk", "month"] {
            let s = screen(&app, 80, 24);
            let Some(Screen::Report(r)) = app.screens.last() else { panic!("no report") };
            for row in &r.report.rows {
                let name = match (grouping, &row.group) {
                    (_, None) => t("queue.group.unassigned").to_string(),
                    ("kind", Some(k)) => aryz::i18n::label_owned("kind_short", k),
                    (_, Some(g)) => g.clone(),
                };
                // Twelve months are more rows than 24 lines show beside the chart.
                if grouping == "month" && !s.contains(&name) {
                    continue;
                }
                whole_or_ellipsis(&s, &name, grouping);
            }
            press(&mut app, &["b"]);
        }
        set_thread_language(None);
    }
}
