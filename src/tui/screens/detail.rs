//! One request: its fields, every deadline with its arithmetic, a gauge of time used
//! against the binding deadline, the timeline, the subject's other requests, and the
//! actions this operator may take now.

use std::cell::Cell;

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Widget};
use unicode_width::UnicodeWidthChar;

use crate::domain::attachment::Attachment;
use crate::domain::format::date_dmy;
use crate::domain::request::SubjectRequest;
use crate::domain::safe_text::clean;
use crate::domain::status::Status;
use crate::i18n::date_wd;
use crate::i18n::{label, label_owned, t, tf};
use crate::model::{Event, EventKind};
use crate::service::permissions::RequestAction;
use crate::service::{Detail, RequestView, Session};
use crate::tui::action::Command;
use crate::tui::theme::Theme;

#[derive(Debug)]
pub struct DetailState {
    pub detail: Detail,
    pub scroll: u16,
    /// Lines of content at the last draw, to bound scrolling.
    pub content_height: Cell<u16>,
    pub view_height: Cell<u16>,
}

impl DetailState {
    pub fn new(detail: Detail) -> DetailState {
        DetailState { detail, scroll: 0, content_height: Cell::new(0), view_height: Cell::new(0) }
    }

    pub fn request(&self) -> &SubjectRequest {
        &self.detail.request
    }

    pub fn scroll_by(&mut self, delta: i32) {
        let max = self.content_height.get().saturating_sub(self.view_height.get());
        self.scroll = (i32::from(self.scroll) + delta).clamp(0, i32::from(max)) as u16;
    }
}

/// The detail screen's key for each action on a request, in the order the help bar shows
/// them. Whether an action is offered is the service's answer ([`Session::permissions`]).
pub(crate) fn command_of(action: RequestAction) -> Command {
    match action {
        RequestAction::Respond => Command::RecordResponse,
        RequestAction::Assign => Command::AssignTo,
        RequestAction::Take => Command::TakeRequest,
        RequestAction::ChangeStatus => Command::ChangeStatus,
        RequestAction::Note => Command::AddNote,
        RequestAction::Extend => Command::Extend,
        RequestAction::Pause => Command::Pause,
        RequestAction::Resume => Command::Resume,
        RequestAction::Withdraw => Command::Withdraw,
        RequestAction::Reopen => Command::Reopen,
        RequestAction::Letter => Command::WriteLetter,
    }
}

/// The action a detail key asks for, as the service checks it: its own, or for the case
/// file's keys the one the service checks for them (attaching a file is allowed to whoever
/// may add a note; closing as a duplicate to whoever may withdraw, a supervisor).
pub(crate) fn action_of(cmd: Command) -> Option<RequestAction> {
    match cmd {
        Command::AttachFile => Some(RequestAction::Note),
        Command::CloseAsDuplicate => Some(RequestAction::Withdraw),
        _ => RequestAction::ALL.into_iter().find(|&a| command_of(a) == cmd),
    }
}

/// The commands this operator may use on the request now, in the order shown. Saving a
/// file out is offered when there is one (whoever may read the request may save it).
pub(crate) fn available(session: &Session, detail: &Detail) -> Vec<Command> {
    let allowed: Vec<RequestAction> = session
        .permissions(&detail.request)
        .into_iter()
        .filter(|(_, answer)| answer.is_ok())
        .map(|(a, _)| a)
        .collect();
    let mut cmds: Vec<Command> = allowed.iter().map(|a| command_of(*a)).collect();
    for cmd in [Command::AttachFile, Command::CloseAsDuplicate] {
        if action_of(cmd).is_some_and(|a| allowed.contains(&a)) {
            cmds.push(cmd);
        }
    }
    if !detail.attachments.is_empty() {
        cmds.push(Command::SaveFile);
    }
    // Moving to another office: whoever the service lets move requests, when there is
    // another office.
    if session.several_offices() && session.require_move().is_ok() {
        cmds.push(Command::MoveToOffice);
    }
    cmds
}

/// A file's size as a clerk reads it: bytes, KB or MB.
pub(crate) fn size_text(bytes: u64) -> String {
    crate::i18n::timeline::size_text(bytes)
}

/// Why `cmd` may not be used on `r` now, in the interface language; `None` when it may.
pub(crate) fn refusal(session: &Session, r: &SubjectRequest, cmd: Command) -> Option<String> {
    let action = action_of(cmd)?;
    session.may(r, action).err().map(|refusal| refusal.text(cmd.name()))
}

/// `2026-11-24T10:15:00+06:00` → `24.11.2026 10:15`.
pub(crate) fn event_time(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(dt) => dt.format("%d.%m.%Y %H:%M").to_string(),
        // A time that is not one (planted in the file) is shown, inert.
        Err(_) => clean(at),
    }
}

/// One event of the timeline. The case file's events are said in the interface language
/// (their stored text is English, for the record): a file by its number, kind, name and
/// size; a duplicate link by the other request.
fn event_line<'a>(e: &'a Event, th: &Theme, files: &[Attachment]) -> Line<'a> {
    let mut spans = vec![
        Span::styled(event_time(&e.at), th.muted),
        Span::raw("  "),
        Span::styled(pad(&clean(&e.actor), 9), th.label),
        Span::raw(" "),
    ];
    match e.kind {
        EventKind::Note => spans.push(Span::styled(format!("[{}] ", t("event.internal")), th.internal_note)),
        EventKind::Message => spans.push(Span::styled(format!("[{}] ", t("event.to_subject")), th.focus)),
        _ => {}
    }
    spans.push(Span::styled(label("event", e.kind.code()), th.title));
    let code_label = |v: &str| -> String {
        // An unknown code comes back as it was stored: cleaned like any stored text.
        clean(&match e.kind {
            EventKind::StatusChanged | EventKind::Reopened | EventKind::Withdrawn => label_owned("status", v),
            EventKind::Responded => label_owned("outcome", v),
            EventKind::DeadlineChanged | EventKind::Created => {
                v.parse::<NaiveDate>().map_or_else(|_| v.to_string(), date_dmy)
            }
            _ => v.to_string(),
        })
    };
    match (&e.old, &e.new) {
        _ if !crate::i18n::timeline::shows_change(e) => {}
        (None, Some(n)) if e.kind == EventKind::Created => {
            spans.push(Span::raw(format!(" — {} {}", t("event.due"), code_label(n))));
        }
        (Some(o), Some(n)) => spans.push(Span::raw(format!(": {} → {}", code_label(o), code_label(n)))),
        (None, Some(n)) => spans.push(Span::raw(format!(": {}", code_label(n)))),
        (Some(o), None) => spans.push(Span::raw(format!(": {} → —", code_label(o)))),
        (None, None) => {}
    }
    let said = crate::i18n::timeline::said(e, files).map(|s| clean(&s));
    if let Some(text) = said {
        spans.push(Span::raw(format!(" — {text}")));
    } else if !e.text.is_empty() {
        let style = if e.kind == EventKind::Note { th.internal_note } else { th.base };
        spans.push(Span::raw(" — "));
        spans.push(Span::styled(clean(&e.text.replace('\n', " ⏎ ")), style));
    }
    Line::from(spans)
}

pub(crate) struct DetailView<'a> {
    pub state: &'a DetailState,
    pub session: &'a Session,
    pub today: NaiveDate,
    pub theme: &'a Theme,
}

impl DetailView<'_> {
    // Owned: every caller builds the value for this field alone.
    #[allow(clippy::needless_pass_by_value)]
    fn field(&self, name: &'static str, value: String) -> Item {
        Item(
            LABEL_WIDTH,
            Line::from(vec![
                Span::styled(pad(t(name), LABEL_WIDTH), self.theme.label),
                Span::raw(clean(&value)),
            ]),
        )
    }

    /// Subject, request and response fields.
    fn fields(&self) -> Doc {
        let th = self.theme;
        let r = self.state.request();
        let s = &r.subject;
        let mut lines = Doc::from(Line::styled(t("detail.subject"), th.title));
        lines.push(self.field("field.name", s.name.clone()));
        lines.push(self.field("field.pin", s.pin.clone()));
        if let Some(b) = s.birth_date {
            lines.push(self.field("field.birth_date", date_dmy(b)));
        }
        if let Some(p) = &s.passport {
            let issued = p.issued_on.map(|d| format!(", {}", date_dmy(d))).unwrap_or_default();
            let issuer = if p.issuer.is_empty() { String::new() } else { format!(", {}", p.issuer) };
            lines.push(self.field("field.passport", format!("{}{issuer}{issued}", p.document)));
        }
        for (name, v) in [("field.email", &s.email), ("field.phone", &s.phone), ("field.address", &s.address)]
        {
            if !v.is_empty() {
                lines.push(self.field(name, v.clone()));
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(t("detail.request"), th.title));
        lines.push(self.field("field.kind", label("kind", r.kind.code()).to_string()));
        lines.push(self.field("field.status", label("status", r.status.code()).to_string()));
        lines.push(self.field("field.channel", label("channel", r.channel.code()).to_string()));
        lines.push(self.field("field.lang", label("lang", r.lang.code()).to_string()));
        lines.push(self.field("field.identity", label("identity", r.identity.code()).to_string()));
        lines.push(self.field("field.received", date_wd(r.received_on)));
        lines.push(self.field("field.registered", date_wd(r.registered_on)));
        lines.push(self.field(
            "field.assignee",
            r.assignee.clone().unwrap_or_else(|| t("detail.unassigned").to_string()),
        ));
        if let Some(office) = self.session.office_shown(r.office) {
            lines.push(self.field("field.office", office));
        }
        if !r.categories.is_empty() {
            let cats: Vec<&str> = r.categories.iter().map(|c| label("category", c.code())).collect();
            lines.push(self.field("field.categories", cats.join(", ")));
        }
        if !r.description.is_empty() {
            lines.push(self.field("field.description", r.description.clone()));
        }
        if let Some(p) = &r.pause {
            lines.push(Line::styled(
                tf(
                    "detail.paused",
                    &[
                        ("since", &date_dmy(p.since)),
                        ("category", &clean(&p.category)),
                        ("reason", &clean(&p.reason)),
                    ],
                ),
                th.warning,
            ));
        }
        if let Some(o) = r.outcome {
            lines.push(Line::raw(""));
            lines.push(Line::styled(t("detail.response"), th.title));
            lines.push(self.field("field.outcome", label("outcome", o.code()).to_string()));
            if let Some(g) = &r.ground {
                let citation = self
                    .session
                    .grounds
                    .iter()
                    .find(|x| &x.code == g)
                    .map(|x| format!(" — {}", crate::i18n::localized("ground_citation", g, &x.citation)))
                    .unwrap_or_default();
                lines.push(self.field("field.ground", format!("{}{citation}", label_owned("ground", g))));
            }
            if let Some(d) = r.responded_on {
                let in_time =
                    if r.answered_in_time() == Some(true) { t("detail.in_time") } else { t("detail.late") };
                lines.push(self.field("field.responded", format!("{} ({in_time})", date_wd(d))));
            }
            for (c, a) in &r.actions {
                lines.push(self.field(
                    "field.action",
                    format!("{}: {}", label("category", c.code()), label("category_action", a.code())),
                ));
            }
            if !r.response_text.is_empty() {
                lines.push(self.field("field.text", r.response_text.clone()));
            }
        } else if r.status == Status::Withdrawn
            && let Some(d) = r.closed_on
        {
            lines.push(self.field("field.closed", date_wd(d)));
        }
        // Closed as a duplicate, or the original of others: shown on both requests.
        if let Some(o) = &self.state.detail.duplicate_of {
            lines.push(self.field("field.duplicate_of", o.clone()));
        }
        if !self.state.detail.duplicates.is_empty() {
            lines.push(self.field("field.duplicates", self.state.detail.duplicates.join(", ")));
        }
        // Answers dated before the day they were recorded, also those before a reopening.
        let backdated = self.state.detail.backdated_answers();
        if backdated > 0 {
            lines.push(self.field("supervision.backdated", backdated.to_string()));
        }
        lines
    }

    /// Deadlines, files, timeline and the subject's other requests, for a column `width`
    /// wide (the files are a table fitted to it).
    fn history(&self, width: u16) -> Doc {
        let th = self.theme;
        let r = self.state.request();
        let mut lines = Doc::from(Line::styled(t("detail.deadlines"), th.title));
        // The governing deadline drives the urgency colour; the 30-day limit is marked.
        let governing = crate::domain::deadline::governing(&r.deadlines).map(|g| g.rule.clone());
        let limit = self.session.rules.limit_rule.clone();
        for d in &r.deadlines {
            let mut kind = if d.binding { t("detail.binding") } else { t("detail.advisory") }.to_string();
            if governing.as_deref() == Some(d.rule.as_str()) {
                kind = format!("{kind} · {}", t("drift.governs"));
            }
            if limit.as_deref() == Some(d.rule.as_str()) {
                kind = format!("{kind} · {}", t("drift.limit_mark"));
            }
            let style = if governing.as_deref() == Some(d.rule.as_str()) {
                th.urgency(RequestView::new(self.session, r, self.today).urgency)
            } else {
                th.base
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", date_wd(d.due_on)), style),
                Span::styled(format!("[{kind}] "), th.muted),
            ]));
            let (rules, cal) = (&self.session.rules, &self.session.calendar);
            let text = crate::i18n::deadline::explanation(d, rules, cal, r.received_on, r.registered_on);
            lines.push(Item(4, Line::styled(format!("    {}", clean(&text)), th.muted)));
        }
        if r.deadlines.is_empty() {
            lines.push(self.field("field.due", date_wd(r.due_on)));
        }

        let files = &self.state.detail.attachments;
        if !files.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(crate::i18n::tn("detail.files", files.len() as u64, &[]), th.title));
            for line in file_table(files, usize::from(width), th) {
                lines.push(line);
            }
        }

        lines.push(Line::raw(""));
        lines.push(Line::styled(
            crate::i18n::tn("detail.timeline", self.state.detail.events.len() as u64, &[]),
            th.title,
        ));
        for e in &self.state.detail.events {
            lines.push(Item(4, event_line(e, th, &self.state.detail.attachments).to_owned_line()));
        }

        if !self.state.detail.related.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(t("detail.related"), th.title));
            for o in &self.state.detail.related {
                lines.push(Line::from(vec![
                    Span::raw(format!("{}  ", o.reference)),
                    Span::raw(format!("{:<12}", label("kind_short", o.kind.code()))),
                    Span::raw(format!("{:<12}", label("status_short", o.status.code()))),
                    Span::styled(format!("{} {}", t("field.received"), date_dmy(o.received_on)), th.muted),
                ]));
            }
        }
        lines
    }
}

/// A request's files as a table `width` columns wide: number, kind, name, size, who added
/// it and when. Every cell that does not fit ends in an ellipsis; on a narrow column who and
/// when give way to the name.
fn file_table(files: &[Attachment], width: usize, th: &Theme) -> Vec<Line<'static>> {
    use crate::tui::widgets::wrap::ellipsis;
    let wide = width >= 72;
    let kind_w = 18.min(width / 4);
    let size_w = 9;
    let (who_w, when_w) = if wide { (9, 16) } else { (0, 0) };
    let fixed = 3 + (kind_w + 1) + 1 + (size_w + 1) + if wide { who_w + 1 + when_w } else { 0 };
    let name_w = width.saturating_sub(fixed).max(4);
    let cell = |text: &str, w: usize| pad(&ellipsis(&clean(text), w), w + 1);
    let mut out = vec![Line::styled(
        [
            cell("", 2),
            cell(t("col.file_kind"), kind_w),
            cell(t("col.file_name"), name_w),
            format!("{:>size_w$} ", ellipsis(t("col.file_size"), size_w)),
            if wide { cell(t("col.file_by"), who_w) } else { String::new() },
            if wide { ellipsis(t("col.file_at"), when_w) } else { String::new() },
        ]
        .concat(),
        th.label,
    )];
    for a in files {
        let size = size_text(a.size);
        let mut spans = vec![
            Span::styled(cell(&a.n.to_string(), 2), th.muted),
            Span::raw(cell(&label_owned("attachment_kind", a.kind.code()), kind_w)),
            Span::raw(cell(&a.file_name, name_w)),
            Span::raw(format!("{:>size_w$} ", ellipsis(&size, size_w))),
        ];
        if wide {
            spans.push(Span::styled(cell(&a.added_by, who_w), th.muted));
            spans.push(Span::styled(ellipsis(&event_time(&a.added_at), when_w), th.muted));
        }
        out.push(Line::from(spans));
    }
    out
}

/// Detail screens this wide or wider show two columns.
const TWO_COLUMNS_FROM: u16 = 110;
const LABEL_WIDTH: usize = 21;

/// Pads `s` to `width` columns (by display width, so Cyrillic labels line up), with at
/// least one space after it.
fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w).max(1)))
}

/// A line and the indent its continuation lines get when it wraps.
struct Item(usize, Line<'static>);

impl From<Line<'static>> for Item {
    fn from(l: Line<'static>) -> Item {
        Item(0, l)
    }
}

/// The detail's text before wrapping.
struct Doc(Vec<Item>);

impl From<Line<'static>> for Doc {
    fn from(l: Line<'static>) -> Doc {
        Doc(vec![Item::from(l)])
    }
}

impl Doc {
    fn push(&mut self, item: impl Into<Item>) {
        self.0.push(item.into());
    }

    /// Wraps every line to `width`, continuation lines indented (a field's value stays in
    /// its column), breaking at spaces where possible.
    fn wrap(self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width.max(8));
        let mut out = Vec::new();
        for Item(indent, line) in self.0 {
            let indent = if indent + 8 > width { 0 } else { indent };
            let cells: Vec<(char, Style)> =
                line.spans.iter().flat_map(|s| s.content.chars().map(move |c| (c, s.style))).collect();
            let mut rows: Vec<Vec<(char, Style)>> = Vec::new();
            let mut cur: Vec<(char, Style)> = Vec::new();
            let mut used = 0;
            for (c, st) in cells {
                let w = c.width().unwrap_or(0);
                let limit = if rows.is_empty() { width } else { width - indent };
                if used + w > limit && !cur.is_empty() {
                    let min_break = if rows.is_empty() { indent } else { 0 };
                    // At a space; a word with none (an e-mail address, a URL) after its
                    // own separators, never mid-name when one is there.
                    let sep = |ch: char| matches!(ch, '@' | '.' | '-' | '/' | '_' | ',' | ';');
                    let rest = match cur.iter().rposition(|(ch, _)| *ch == ' ') {
                        Some(pos) if pos > min_break => {
                            let rest = cur.split_off(pos + 1);
                            cur.pop();
                            rest
                        }
                        _ => match cur.iter().rposition(|(ch, _)| sep(*ch)) {
                            Some(pos) if pos > min_break && pos + 1 < cur.len() => cur.split_off(pos + 1),
                            _ => Vec::new(),
                        },
                    };
                    rows.push(std::mem::replace(&mut cur, rest));
                    used = cur.iter().map(|(ch, _)| ch.width().unwrap_or(0)).sum();
                }
                cur.push((c, st));
                used += w;
            }
            rows.push(cur);
            for (i, row) in rows.into_iter().enumerate() {
                let mut spans: Vec<Span<'static>> = Vec::new();
                if i > 0 && indent > 0 {
                    spans.push(Span::raw(" ".repeat(indent)));
                }
                let mut text = String::new();
                let mut style = None;
                for (c, st) in row {
                    if style.is_some_and(|s| s != st) {
                        spans.push(Span::styled(std::mem::take(&mut text), style.unwrap_or_default()));
                    }
                    style = Some(st);
                    text.push(c);
                }
                if !text.is_empty() {
                    spans.push(Span::styled(text, style.unwrap_or_default()));
                }
                out.push(Line::from(spans));
            }
        }
        out
    }
}

trait ToOwnedLine {
    fn to_owned_line(self) -> Line<'static>;
}

impl ToOwnedLine for Line<'_> {
    fn to_owned_line(self) -> Line<'static> {
        Line::from(
            self.spans.into_iter().map(|s| Span::styled(s.content.into_owned(), s.style)).collect::<Vec<_>>(),
        )
    }
}

impl Widget for DetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let r = self.state.request();
        let view = RequestView::new(self.session, r, self.today);
        let [title_area, gauge_area, body_area] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ]));
        Line::from(vec![
            Span::styled(r.reference.clone(), th.title),
            Span::raw("  "),
            Span::raw(label("kind", r.kind.code())),
            Span::raw(" · "),
            Span::styled(label("status", r.status.code()), th.focus),
            Span::raw(" · "),
            Span::raw(clean(&r.subject.name)),
        ])
        .render(title_area, buf);

        // Time used against the binding deadline, from receipt.
        let total = (r.due_on - r.received_on).num_days().max(1);
        let as_of = match (&r.pause, r.closed_on) {
            (_, Some(c)) if !r.is_open() => c,
            (Some(p), _) => p.since.min(self.today),
            _ => self.today,
        };
        let used = (as_of - r.received_on).num_days().max(0);
        let left = r.days_left(self.today);
        let words = if !r.is_open() {
            tf("detail.gauge_closed", &[("used", &used), ("total", &total)])
        } else if left < 0 {
            crate::i18n::tn(
                "detail.gauge_overdue",
                left.unsigned_abs(),
                &[("days", &-left), ("due", &date_dmy(r.due_on))],
            )
        } else {
            tf(
                "detail.gauge",
                &[("used", &used), ("total", &total), ("left", &left), ("due", &date_dmy(r.due_on))],
            )
        };
        LineGauge::default()
            .ratio((used as f64 / total as f64).clamp(0.0, 1.0))
            .label(Span::styled(format!("{words} "), th.urgency(view.urgency)))
            .filled_style(th.urgency(view.urgency))
            .unfilled_style(th.muted)
            .render(gauge_area, buf);

        // Wide terminals show fields beside the history; narrow ones one after the other.
        let columns: Vec<(Rect, Vec<Line<'static>>)> = if body_area.width >= TWO_COLUMNS_FROM {
            let [left, _, right] = body_area.layout(&Layout::horizontal([
                Constraint::Percentage(42),
                Constraint::Length(2),
                Constraint::Fill(1),
            ]));
            vec![(left, self.fields().wrap(left.width)), (right, self.history(right.width).wrap(right.width))]
        } else {
            let mut all = self.fields();
            all.push(Line::raw(""));
            all.0.extend(self.history(body_area.width).0);
            vec![(body_area, all.wrap(body_area.width))]
        };
        let height =
            columns.iter().map(|(_, l)| l.len()).max().unwrap_or(0).min(usize::from(u16::MAX)) as u16;
        self.state.content_height.set(height);
        self.state.view_height.set(body_area.height);
        let scroll = self.state.scroll.min(height.saturating_sub(body_area.height));
        for (area, lines) in columns {
            Paragraph::new(lines).scroll((scroll, 0)).render(area, buf);
        }
    }
}

/// The detail's keys and drawing: the actions the service allows, or its reason why not.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    use super::{DetailState, DetailView, available, refusal};
    use crate::i18n::localize::Localize;
    use crate::i18n::{t, tf};
    use crate::tui::action::Command;
    use crate::tui::component::{Component, Context, Ctx, Env};
    use crate::tui::effect::{Effect, Question, UseCase};
    use crate::tui::screens::Screen;
    use crate::tui::screens::dialog::{DialogKind, DialogState};
    use crate::tui::screens::form_screen::FormScreen;
    use crate::tui::screens::response::ResponseState;

    impl Component for DetailState {
        fn context(&self) -> Context {
            Context::Detail
        }

        fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect> {
            let scroll = match cmd {
                Command::MoveUp => -1,
                Command::MoveDown => 1,
                Command::PageUp => -10,
                Command::PageDown => 10,
                Command::MoveFirst => -10_000,
                Command::MoveLast => 10_000,
                Command::NextSection | Command::PrevSection | Command::Open => 0,
                _ => i32::MIN,
            };
            if scroll != i32::MIN {
                self.scroll_by(scroll);
                return Some(Effect::None);
            }
            let (session, r) = (ctx.session, self.request());
            // The service says whether the action is allowed, and if not, why.
            if let Some(why) = refusal(session, r, cmd) {
                return Some(Effect::Message(why, true));
            }
            let dialog = |d: DialogState| Effect::Dialog(Box::new(d));
            let (reference, version) = (r.reference.clone(), r.version);
            Some(match cmd {
                Command::AssignTo => dialog(DialogState::assign(session, r)),
                Command::TakeRequest => Effect::Run(Box::new(UseCase::Take { reference, version })),
                Command::AddNote => dialog(DialogState::note(r)),
                Command::ChangeStatus => dialog(DialogState::status(r)),
                Command::RecordResponse => {
                    let form = FormScreen(ResponseState::new(session, r, ctx.today));
                    Effect::Open(Box::new(Screen::Response(form)))
                }
                Command::Withdraw => dialog(DialogState::reason(DialogKind::Withdraw, r)),
                Command::Reopen => dialog(DialogState::reason(DialogKind::Reopen, r)),
                Command::Extend => dialog(DialogState::extend(session, r)),
                Command::WriteLetter => dialog(DialogState::letter(r)),
                Command::Pause => dialog(DialogState::pause(session, r)),
                Command::AttachFile => dialog(DialogState::attach(session, r)),
                Command::SaveFile if self.detail.attachments.is_empty() => {
                    Effect::Message(tf("msg.no_files", &[("reference", &reference)]), true)
                }
                Command::SaveFile => dialog(DialogState::save_file(r, &self.detail.attachments)),
                Command::CloseAsDuplicate => dialog(DialogState::duplicate(r, ctx.today)),
                // The service's own refusal, word for word, for whoever may not move.
                Command::MoveToOffice => match session.require_move() {
                    Err(e) => Effect::Message(e.localized(), true),
                    Ok(()) if !session.several_offices() => {
                        Effect::Message(t("msg.one_office").to_string(), true)
                    }
                    Ok(()) => dialog(DialogState::move_office(session, r)),
                },
                Command::Resume => Effect::Confirm(Box::new(Question {
                    question: tf("confirm.resume", &[("reference", &reference)]),
                    details: Vec::new(),
                    op: UseCase::Resume { reference },
                    yes_focused: true,
                    on_no: None,
                })),
                _ => return None,
            })
        }

        fn scroll(&mut self, delta: i32, _ctx: &Ctx<'_>) -> Effect {
            self.scroll_by(delta);
            Effect::None
        }

        fn refresh(&mut self, ctx: &Ctx<'_>) -> crate::service::Result<()> {
            self.detail = ctx.session.peek(&self.detail.request.reference)?;
            Ok(())
        }

        /// Opening a request from a request replaces it, so Esc leads back to where one
        /// started.
        fn replaces(&self, top: Context) -> bool {
            top == Context::Detail
        }

        fn bar(&self, env: &Env<'_>) -> Vec<Command> {
            let mut v = available(env.session, &self.detail);
            v.extend([Command::Back, Command::ShowHelp, Command::MoveDown]);
            v
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            DetailView { state: self, session: env.session, today: env.today, theme: env.theme }
                .render(area, buf);
        }
    }
}
