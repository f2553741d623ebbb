//! The queue: sections as tabs, filters, search, sort, and a window of rows paged through
//! with keyset cursors (never every row: a window of a few pages around the selection).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap, VecDeque};

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell as TableCell, Paragraph, Row, StatefulWidget, Table, TableState, Tabs, Widget, Wrap,
};

use crate::domain::format::date_dmy;
use crate::domain::identity::mask_pin;
use crate::domain::kind::{Channel, RequestKind, Role};
use crate::domain::request::SubjectRequest;
use crate::domain::safe_text::clean;
use crate::domain::status::Status;
use crate::i18n::{label, t, tf};
use crate::model::{AssigneeFilter, Cursor, ListFilter, Page, SortKey};
use crate::service::{RequestView, Result, Session};
use crate::tui::action::Command;
use crate::tui::keymap::KeyMap;
use crate::tui::theme::Theme;
use unicode_width::UnicodeWidthStr;

/// Sections count their rows up to this many; beyond it the screen says "10000+".
pub const COUNT_CAP: i64 = 10_000;

/// Rows fetched per query.
pub const PAGE: usize = 100;
/// Rows kept in memory at most: three pages around the selection.
pub const WINDOW: usize = 3 * PAGE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Mine,
    DueSoon,
    Overdue,
    /// Supervisors': overdue requests under a header per clerk.
    OverdueByClerk,
    /// Supervisors': due-soon requests under a header per clerk.
    DueSoonByClerk,
    Unassigned,
    /// Supervisors': awaiting the subject longer than the configured number of days.
    Awaiting,
    AllOpen,
    Closed,
}

impl Section {
    /// A clerk's sections.
    pub const ALL: [Section; 6] = [
        Section::Mine,
        Section::DueSoon,
        Section::Overdue,
        Section::Unassigned,
        Section::AllOpen,
        Section::Closed,
    ];

    /// Supervisors' and administrators' sections.
    pub const SUPERVISOR: [Section; 7] = [
        Section::Mine,
        Section::OverdueByClerk,
        Section::DueSoonByClerk,
        Section::Awaiting,
        Section::Unassigned,
        Section::AllOpen,
        Section::Closed,
    ];

    /// The sections of an operator with `role`, in tab order.
    pub fn for_role(role: Role) -> &'static [Section] {
        if role >= Role::Supervisor { &Section::SUPERVISOR } else { &Section::ALL }
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::Mine => t("section.mine"),
            Section::DueSoon => t("section.due_soon"),
            Section::Overdue => t("section.overdue"),
            Section::OverdueByClerk => t("section.overdue_by_clerk"),
            Section::DueSoonByClerk => t("section.due_soon_by_clerk"),
            Section::Unassigned => t("section.unassigned"),
            Section::Awaiting => t("section.awaiting"),
            Section::AllOpen => t("section.all_open"),
            Section::Closed => t("section.closed"),
        }
    }

    /// The position of the section among `role`'s tabs.
    pub fn index_for(self, role: Role) -> usize {
        Section::for_role(role).iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// Whether the section shows its rows under a header per clerk.
    pub fn by_clerk(self) -> bool {
        matches!(self, Section::OverdueByClerk | Section::DueSoonByClerk)
    }

    fn default_sort(self) -> SortKey {
        if self == Section::Closed { SortKey::Closed } else { SortKey::Due }
    }
}

/// Rows shown per clerk in a grouped section (the header gives the full count; filtering by
/// the clerk pages through all of them).
pub const GROUP_ROWS: usize = 10;

/// A clerk's header in a grouped section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `None`: the unassigned requests.
    pub assignee: Option<String>,
    /// Requests of this clerk in the section (with the filters and search).
    pub count: i64,
    /// Index in `rows` of the group's first row.
    pub first_row: usize,
    /// Rows of the group loaded (at most [`GROUP_ROWS`]).
    pub shown: usize,
}

/// A line of the queue table: a clerk's header or a request (index into `rows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableLine {
    Header(usize),
    Request(usize),
}

/// Who a filtered list is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeChoice {
    Unassigned,
    Login(String),
}

/// The operator's own filters, on top of the section's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub kind: Option<RequestKind>,
    pub status: Option<Status>,
    pub assignee: Option<AssigneeChoice>,
    pub channel: Option<Channel>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// One office (its id), for an operator who sees several.
    pub office: Option<i64>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

#[derive(Debug, Default, Clone)]
pub struct QueueState {
    pub section: Option<Section>,
    pub sort: SortKey,
    pub search: String,
    pub filters: Filters,
    pub rows: Vec<SubjectRequest>,
    pub selected: usize,
    /// The row just before the window (None: the window starts at the top of the list).
    pub anchor: Option<Cursor>,
    /// No rows follow the window.
    pub at_end: bool,
    pub total: i64,
    /// `total` is counted (false only on the first frame, drawn before the count).
    pub counted: bool,
    /// The database holds no request at all (the empty queue then explains how to start).
    pub db_is_empty: bool,
    /// First row shown, kept between frames so the table does not jump.
    pub offset: Cell<usize>,
    /// Where the table body and the tabs were drawn, for the mouse.
    pub body_area: Cell<Rect>,
    pub tabs_area: Cell<Rect>,
    /// The first section whose tab is drawn (the tabs scroll on narrow screens).
    pub tabs_first: Cell<usize>,
    /// Requests marked for a bulk action, by reference.
    pub marked: BTreeSet<String>,
    /// The clerks' headers of a grouped section (empty otherwise).
    pub groups: Vec<Group>,
    /// The clerks (`None`: the unassigned) whose groups are still to be read, in order: a
    /// keystroke into a grouped section reads the clerks that fill the screen, and the rest
    /// are read after the frame ([`QueueState::load_more_groups`]).
    pub pending_groups: VecDeque<Option<String>>,
    /// The direction of the last move not yet followed by a [`QueueState::prefetch`].
    pub last_move: isize,
    /// The formatted cells of the rows drawn, kept between frames (a move of the selection
    /// re-formatted every visible row).
    pub(crate) cells: RefCell<CellCache>,
}

/// What a row's cells depend on besides the row itself: the day, the language, the
/// columns and their widths, and the due-soon window.
#[derive(Debug, Clone, PartialEq)]
struct CellKey {
    today: NaiveDate,
    lang: crate::i18n::Lang,
    columns: Vec<Column>,
    name_w: usize,
    soon_working_days: u32,
}

/// One row's formatted cells, with the request they were formatted from: a row whose
/// request differs in any field is formatted again.
#[derive(Debug)]
struct CachedRow {
    request: SubjectRequest,
    /// One text per column of the key (the mark column's is empty: marks are drawn fresh).
    texts: Vec<String>,
    urgency: Option<crate::domain::deadline::Urgency>,
}

/// The formatted cells of the rows last drawn, by request id. Emptied when the key changes
/// and when the rows are read again from the database; holds only the rows last drawn.
/// A clone starts empty (it is only a cache).
#[derive(Debug, Default)]
pub(crate) struct CellCache {
    key: Option<CellKey>,
    rows: HashMap<i64, CachedRow>,
    /// Rows formatted (not found in the cache) since the cache was made, for tests.
    formatted: usize,
}

impl Clone for CellCache {
    fn clone(&self) -> Self {
        CellCache::default()
    }
}

impl CellCache {
    /// Forgets every row (the rows were read again: other clerks may have changed them, or
    /// the calendar behind the urgency did).
    pub(crate) fn clear(&mut self) {
        self.rows.clear();
    }

    /// How many rows were formatted rather than taken from the cache so far.
    #[cfg(test)]
    pub(crate) fn formatted(&self) -> usize {
        self.formatted
    }
}

impl QueueState {
    pub fn new(section: Section) -> QueueState {
        QueueState {
            section: Some(section),
            sort: section.default_sort(),
            counted: true,
            ..QueueState::default()
        }
    }

    pub fn section(&self) -> Section {
        self.section.unwrap_or(Section::AllOpen)
    }

    pub fn set_section(&mut self, s: Section) {
        if self.section() == Section::Closed || s == Section::Closed {
            self.sort = s.default_sort();
        }
        self.section = Some(s);
    }

    pub fn selected_row(&self) -> Option<&SubjectRequest> {
        self.rows.get(self.selected)
    }

    /// What the list shows: the section's condition, the filters and the search.
    pub fn list_filter(&self, session: &Session, today: NaiveDate) -> ListFilter {
        let mut f = ListFilter::default();
        match self.section() {
            Section::Mine => f.assignee = AssigneeFilter::Is(session.operator.login.clone()),
            Section::DueSoon => {
                f.due_from = Some(today);
                f.due_to = Some(session.due_soon_limit(today));
            }
            Section::DueSoonByClerk => {
                f.due_from = Some(today);
                f.due_to = Some(session.due_soon_limit(today));
            }
            Section::Overdue | Section::OverdueByClerk => f.overdue_as_of = Some(today),
            Section::Unassigned => f.assignee = AssigneeFilter::Unassigned,
            Section::Awaiting => {
                let days = u64::from(session.settings.awaiting_subject_days);
                f.awaiting_since_before = today.checked_sub_days(chrono::Days::new(days));
            }
            Section::AllOpen => {}
            Section::Closed => f.statuses = vec![Status::Answered, Status::Withdrawn],
        }
        let fl = &self.filters;
        if let Some(k) = fl.kind {
            f.kinds = vec![k];
        }
        if let Some(s) = fl.status {
            // Replaces the section's statuses: "Mine" filtered to answered shows my answered ones.
            f.statuses = vec![s];
        }
        if let Some(c) = fl.channel {
            f.channels = vec![c];
        }
        match &fl.assignee {
            Some(AssigneeChoice::Unassigned) if self.section() != Section::Mine => {
                f.assignee = AssigneeFilter::Unassigned;
            }
            Some(AssigneeChoice::Login(l))
                if self.section() != Section::Mine && self.section() != Section::Unassigned =>
            {
                f.assignee = AssigneeFilter::Is(l.clone());
            }
            _ => {}
        }
        f.received_from = fl.received_from;
        f.received_to = fl.received_to;
        if let Some(o) = fl.office {
            f.offices = vec![o];
        }
        let search = self.search.trim();
        if !search.is_empty() {
            // A PIN typed in full finds its requests exactly; other words go to full-text search.
            if search.len() == 14 && search.chars().all(|c| c.is_ascii_digit()) {
                f.pin = Some(search.to_string());
            } else {
                f.search = Some(search.to_string());
            }
        }
        f
    }

    fn selected_id(&self) -> Option<i64> {
        self.selected_row().map(|r| r.id.0)
    }

    /// Whether the rows show under a header per clerk: a by-clerk section not narrowed to
    /// one assignee (then it is an ordinary paged list of that clerk's requests).
    pub fn grouped(&self) -> bool {
        self.section().by_clerk() && self.filters.assignee.is_none()
    }

    /// Starts a grouped section: per clerk with requests in it, the count and the first
    /// [`GROUP_ROWS`] rows, most urgent first. Bounded: clerks × [`GROUP_ROWS`] rows at most.
    /// With `lines`, only the clerks that fill that many table lines are read now; the others
    /// wait in [`QueueState::pending_groups`] and the total is not counted until they are.
    fn load_groups(&mut self, session: &Session, today: NaiveDate, lines: Option<usize>) -> Result<()> {
        self.cells.get_mut().clear();
        self.rows.clear();
        self.groups.clear();
        self.total = 0;
        self.anchor = None;
        self.at_end = true;
        let mut assignees: VecDeque<Option<String>> =
            session.operators()?.into_iter().map(|o| Some(o.login)).collect();
        assignees.push_back(None);
        self.pending_groups = assignees;
        self.load_more_groups(session, today, lines)
    }

    /// Reads the groups of the next clerks in [`QueueState::pending_groups`]: until the table
    /// holds `lines` lines, or all of them. Each clerk is a count and a first page, both from
    /// the per-assignee index, so only the requests in the section are touched (a pass over
    /// every open request cost more than all of these together); on a million requests with
    /// 43 clerks all of them took 10–13 ms, a screenful about 2.
    pub fn load_more_groups(
        &mut self,
        session: &Session,
        today: NaiveDate,
        lines: Option<usize>,
    ) -> Result<()> {
        if !self.grouped() {
            self.pending_groups.clear();
            return Ok(());
        }
        let f = self.list_filter(session, today);
        while let Some(assignee) = self.pending_groups.front().cloned() {
            if lines.is_some_and(|n| self.rows.len() + self.groups.len() >= n) {
                break;
            }
            let mut gf = f.clone();
            gf.assignee = match &assignee {
                Some(l) => AssigneeFilter::Is(l.clone()),
                None => AssigneeFilter::Unassigned,
            };
            let count = session.count(&gf)?;
            if count > 0 {
                let rows =
                    session.list_rows(&gf, self.sort, &Page { limit: GROUP_ROWS, ..Page::default() })?;
                self.groups.push(Group { assignee, count, first_row: self.rows.len(), shown: rows.len() });
                self.rows.extend(rows);
                self.total += count;
            }
            // Taken off only once read: after an error the same clerk is read again.
            self.pending_groups.pop_front();
        }
        self.counted = self.pending_groups.is_empty();
        Ok(())
    }

    /// Whether clerks' groups are still to be read (after the frame, by [`App::idle`]).
    ///
    /// [`App::idle`]: crate::tui::app::App::idle
    pub fn groups_pending(&self) -> bool {
        !self.pending_groups.is_empty()
    }

    /// The table lines a screenful needs: the body's height and one more, so that a move
    /// down from the last line finds a row (before the first frame, a tall terminal's).
    pub fn screenful(&self) -> usize {
        match usize::from(self.body_area.get().height) {
            0 => 60,
            h => h + 1,
        }
    }

    /// The lines of the table: clerks' headers (in a grouped section) and requests.
    pub fn lines(&self) -> Vec<TableLine> {
        let mut out = Vec::with_capacity(self.rows.len() + self.groups.len());
        let mut g = 0;
        for i in 0..self.rows.len() {
            while g < self.groups.len() && self.groups[g].first_row == i {
                out.push(TableLine::Header(g));
                g += 1;
            }
            out.push(TableLine::Request(i));
        }
        out
    }

    /// The request drawn on line `line` of the table, if that line is a request.
    pub fn row_at_line(&self, line: usize) -> Option<usize> {
        match self.lines().get(line) {
            Some(TableLine::Request(i)) => Some(*i),
            _ => None,
        }
    }

    /// Marks the selected request, or unmarks it.
    pub fn toggle_mark(&mut self) {
        if let Some(r) = self.selected_row().map(|r| r.reference.clone())
            && !self.marked.remove(&r)
        {
            self.marked.insert(r);
        }
    }

    /// Marks every request in view; when all are marked already, unmarks them.
    pub fn mark_all(&mut self) {
        if self.rows.iter().all(|r| self.marked.contains(&r.reference)) {
            for r in &self.rows {
                self.marked.remove(&r.reference);
            }
        } else {
            self.marked.extend(self.rows.iter().map(|r| r.reference.clone()));
        }
    }

    /// Loads the top of the list.
    pub fn reload(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        self.reload_rows(session, today)?;
        self.count_total(session, today)
    }

    /// Loads the top of the list without counting it (the first frame's part of
    /// [`QueueState::reload`]; [`QueueState::count_total`] is the rest).
    pub fn reload_rows(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        if self.grouped() {
            self.load_groups(session, today, Some(self.screenful()))?;
            self.selected = 0;
            self.offset.set(0);
            return self.check_empty(session);
        }
        self.groups.clear();
        self.pending_groups.clear();
        self.cells.get_mut().clear();
        let f = self.list_filter(session, today);
        self.rows = session.list_rows(&f, self.sort, &Page { limit: PAGE, ..Page::default() })?;
        self.anchor = None;
        self.at_end = self.rows.len() < PAGE;
        self.selected = 0;
        self.offset.set(0);
        self.counted = false;
        self.check_empty(session)
    }

    /// Counts the list (up to [`COUNT_CAP`]); a grouped section is counted as it loads.
    pub fn count_total(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        if self.grouped() {
            // The total is the clerks' counts: read the groups not read yet.
            return self.load_more_groups(session, today, None);
        }
        self.total = session.count_upto(&self.list_filter(session, today), COUNT_CAP)?;
        self.counted = true;
        Ok(())
    }

    /// Whether the whole database is empty, asked only when the list is (one indexed row).
    fn check_empty(&mut self, session: &Session) -> Result<()> {
        let any = ListFilter { all_statuses: true, ..ListFilter::default() };
        self.db_is_empty = self.rows.is_empty()
            // By reference: the unique index answers at once, where by due date a million
            // closed and open requests would be sorted to find one.
            && session.list_rows(&any, SortKey::Reference, &Page { limit: 1, ..Page::default() })?.is_empty();
        Ok(())
    }

    /// Re-reads the rows in the window (others may have changed them), keeping the
    /// selection on the same request when it is still listed.
    pub fn refresh(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        let keep = self.selected_id();
        self.cells.get_mut().clear();
        if self.grouped() {
            self.load_groups(session, today, None)?;
            if let Some(id) = keep
                && let Some(i) = self.rows.iter().position(|r| r.id.0 == id)
            {
                self.selected = i;
            }
            self.selected = self.selected.min(self.rows.len().saturating_sub(1));
            return self.check_empty(session);
        }
        self.groups.clear();
        self.pending_groups.clear();
        let f = self.list_filter(session, today);
        let limit = self.rows.len().clamp(PAGE, WINDOW);
        self.rows =
            session.list_rows(&f, self.sort, &Page { after: self.anchor.clone(), before: None, limit })?;
        self.at_end = self.rows.len() < limit;
        if let Some(id) = keep
            && let Some(i) = self.rows.iter().position(|r| r.id.0 == id)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        self.total = session.count_upto(&f, COUNT_CAP)?;
        self.counted = true;
        self.check_empty(session)
    }

    /// Reads the next page in the direction of the last move while the operator looks at the
    /// screen, when the selection is near the window's edge: the key that reaches the edge
    /// then finds the rows there instead of waiting for the query. At most one page per
    /// move; what is shown does not change (the window's rows shift with the offset and the
    /// selection).
    pub fn prefetch(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        let direction = std::mem::take(&mut self.last_move);
        if self.grouped() || self.rows.is_empty() {
            return Ok(());
        }
        // Two screens ahead, but never more than a page: a fetch after then drops at most a
        // page of rows above the selection, never the selection itself.
        let screen = usize::from(self.body_area.get().height).max(1);
        let margin = (2 * screen).min(PAGE);
        if direction > 0 && !self.at_end && self.selected + margin >= self.rows.len() {
            self.fetch_after(session, today)?;
        } else if direction < 0 && self.anchor.is_some() && self.selected < margin {
            let added = self.fetch_before(session, today)?;
            self.selected += added;
        }
        Ok(())
    }

    /// Moves the selection by `delta` rows, fetching the next or previous page at the edges.
    pub fn move_by(&mut self, session: &Session, today: NaiveDate, delta: isize) -> Result<()> {
        self.last_move = delta.signum();
        let target = self.selected as isize + delta;
        if target >= self.rows.len() as isize && self.groups_pending() {
            // Below the clerks read so far, before the idle time read the rest.
            self.load_more_groups(session, today, None)?;
        }
        if target >= self.rows.len() as isize && !self.at_end {
            self.fetch_after(session, today)?;
        } else if target < 0 && self.anchor.is_some() {
            let added = self.fetch_before(session, today)?;
            self.selected += added;
            let target = self.selected as isize + delta;
            self.selected = target.clamp(0, self.rows.len().saturating_sub(1) as isize) as usize;
            return Ok(());
        }
        let target = self.selected as isize + delta;
        self.selected = target.clamp(0, self.rows.len().saturating_sub(1) as isize) as usize;
        Ok(())
    }

    fn fetch_after(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        let Some(last) = self.rows.last() else { return Ok(()) };
        let f = self.list_filter(session, today);
        let more = session.list_rows(
            &f,
            self.sort,
            &Page { after: Some(Cursor::of(last, self.sort)), before: None, limit: PAGE },
        )?;
        self.at_end = more.len() < PAGE;
        self.rows.extend(more);
        if self.rows.len() > WINDOW {
            let drop = self.rows.len() - WINDOW;
            self.anchor = self.rows.get(drop - 1).map(|r| Cursor::of(r, self.sort));
            self.rows.drain(..drop);
            self.selected = self.selected.saturating_sub(drop);
            self.offset.set(self.offset.get().saturating_sub(drop));
        }
        Ok(())
    }

    /// Prepends the page before the window; returns how many rows were added.
    fn fetch_before(&mut self, session: &Session, today: NaiveDate) -> Result<usize> {
        let Some(first) = self.rows.first() else { return Ok(0) };
        let f = self.list_filter(session, today);
        let before = Cursor::of(first, self.sort);
        let mut page =
            session.list_rows(&f, self.sort, &Page { after: None, before: Some(before), limit: PAGE })?;
        let added = page.len();
        self.anchor = match page.first() {
            Some(top) if added == PAGE => {
                let prev = session.list_rows(
                    &f,
                    self.sort,
                    &Page { after: None, before: Some(Cursor::of(top, self.sort)), limit: 1 },
                )?;
                prev.first().map(|r| Cursor::of(r, self.sort))
            }
            _ => None,
        };
        page.append(&mut self.rows);
        self.rows = page;
        if self.rows.len() > WINDOW {
            self.rows.truncate(WINDOW);
            self.at_end = false;
        }
        self.offset.set(self.offset.get() + added);
        Ok(added)
    }

    /// Jumps to the last rows of the list.
    pub fn move_last(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        if self.grouped() {
            self.load_more_groups(session, today, None)?;
            self.selected = self.rows.len().saturating_sub(1);
            return Ok(());
        }
        let f = self.list_filter(session, today);
        // A cursor past every key: paging back from it gives the last page.
        let descending = matches!(self.sort, SortKey::Received | SortKey::Closed);
        let end = if descending {
            Cursor { key: String::new(), id: i64::MIN }
        } else {
            Cursor { key: "\u{10FFFF}".into(), id: i64::MAX }
        };
        self.rows =
            session.list_rows(&f, self.sort, &Page { after: None, before: Some(end), limit: PAGE })?;
        self.anchor = match self.rows.first() {
            Some(top) if self.rows.len() == PAGE => session
                .list(
                    &f,
                    self.sort,
                    &Page { after: None, before: Some(Cursor::of(top, self.sort)), limit: 1 },
                )?
                .first()
                .map(|r| Cursor::of(r, self.sort)),
            _ => None,
        };
        self.at_end = true;
        self.selected = self.rows.len().saturating_sub(1);
        Ok(())
    }

    pub fn cycle_sort(&mut self) {
        self.sort = match (self.sort, self.section()) {
            (SortKey::Due, _) => SortKey::Received,
            (SortKey::Received, _) => SortKey::Reference,
            (SortKey::Reference, Section::Closed) => SortKey::Closed,
            (SortKey::Reference | SortKey::Closed, _) => SortKey::Due,
        };
    }
}

pub fn sort_label(s: SortKey) -> &'static str {
    match s {
        SortKey::Due => t("sort.due"),
        SortKey::Received => t("sort.received"),
        SortKey::Reference => t("sort.reference"),
        SortKey::Closed => t("sort.closed"),
    }
}

/// Days left as shown in the table: "3", "today", "-2"; closed requests show a dash.
pub fn days_left_text(r: &SubjectRequest, today: NaiveDate) -> String {
    if !r.is_open() {
        return "—".into();
    }
    match r.days_left(today) {
        0 => t("queue.today").to_string(),
        n => n.to_string(),
    }
}

/// Draws the queue screen.
pub struct QueueView<'a> {
    pub state: &'a QueueState,
    pub session: &'a Session,
    pub today: NaiveDate,
    pub theme: &'a Theme,
    pub keymap: &'a KeyMap,
}

impl Widget for QueueView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let st = self.state;
        let [tabs_area, info_area, table_area] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ]));
        let role = self.session.role();
        let sections = Section::for_role(role);
        let selected = st.section().index_for(role);
        // When the tabs do not fit, the first ones give way so that the current one shows,
        // and a mark at each edge says that more tabs lie that way (two columns each).
        let tabs_width =
            |from: usize, to: usize| sections[from..to].iter().map(|s| s.title().width() + 3).sum::<usize>();
        let all_fit = tabs_width(0, sections.len()) <= usize::from(tabs_area.width);
        let fits = |from: usize| {
            let to = selected.max(from) + 1;
            let marks = 2 * (usize::from(from > 0) + usize::from(!all_fit && to < sections.len()));
            tabs_width(from, to) + marks <= usize::from(tabs_area.width)
        };
        let first = (0..=selected).find(|&f| fits(f)).unwrap_or(selected);
        st.tabs_first.set(first);
        let mut tabs_area = tabs_area;
        if first > 0 && tabs_area.width > 2 {
            buf.set_string(tabs_area.x, tabs_area.y, "‹", th.muted);
            tabs_area.x += 2;
            tabs_area.width -= 2;
        }
        if tabs_width(first, sections.len()) > usize::from(tabs_area.width) && tabs_area.width > 2 {
            tabs_area.width -= 2;
            buf.set_string(tabs_area.right() + 1, tabs_area.y, "›", th.muted);
        }
        st.tabs_area.set(tabs_area);
        Tabs::new(sections[first..].iter().map(|s| s.title()))
            .select(selected - first)
            .style(th.tab)
            .highlight_style(th.tab_active)
            .divider(Span::styled("│", th.muted))
            .render(tabs_area, buf);

        // Past the cap the count is not read to the end: "10000+". Before it is read (the
        // first frame), "…".
        let total = if !st.counted {
            "…".to_string()
        } else if st.total > COUNT_CAP {
            format!("{COUNT_CAP}+")
        } else {
            st.total.to_string()
        };
        let mut info = vec![Span::styled(
            crate::i18n::tn("queue.count", st.total.min(COUNT_CAP + 1) as u64, &[("n", &total)]),
            th.muted,
        )];
        info.push(Span::styled(format!("  {}: {}", t("queue.sorted_by"), sort_label(st.sort)), th.muted));
        if !st.search.is_empty() {
            info.push(Span::styled(format!("  {}: ", t("queue.search")), th.muted));
            info.push(Span::styled(st.search.clone(), th.focus));
        }
        if !st.filters.is_empty() {
            info.push(Span::styled(format!("  {}: ", t("queue.filtered")), th.muted));
            info.push(Span::styled(filter_summary(&st.filters, self.session), th.focus));
        }
        if st.section() == Section::Awaiting {
            let n = self.session.settings.awaiting_subject_days;
            info.push(Span::styled(
                format!("  {}", crate::i18n::tn("queue.awaiting_days", u64::from(n), &[])),
                th.muted,
            ));
        }
        if !st.marked.is_empty() {
            info.push(Span::styled(
                format!("  {}", tf("queue.marked", &[("n", &st.marked.len())])),
                th.focus,
            ));
        }
        Line::from(info).render(info_area, buf);

        if st.rows.is_empty() {
            st.body_area.set(Rect::default());
            let text = if st.db_is_empty {
                let mut lines = vec![
                    Line::styled(t("queue.empty_db.title"), th.title),
                    Line::raw(""),
                    Line::raw(tf(
                        "queue.empty_db.register",
                        &[("key", &self.keymap.first_key(Command::RegisterRequest))],
                    )),
                ];
                // The next real steps: colleagues (only an admin can add them), and demo data
                // only where `aryz demo` accepts it.
                if self.session.role() == crate::domain::kind::Role::Admin {
                    lines.push(Line::raw(t("first_run.colleagues")));
                    lines.push(Line::styled("    aryz operator add LOGIN --role clerk", th.key));
                }
                if self.session.dev_identity {
                    lines.push(Line::raw(t("queue.empty_db.demo")));
                    lines.push(Line::styled("    aryz demo", th.key));
                }
                lines
            } else if st.search.is_empty() && st.filters.is_empty() {
                vec![Line::styled(t("queue.empty_section"), th.muted)]
            } else {
                vec![Line::styled(
                    tf("queue.no_match", &[("key", &self.keymap.first_key(Command::ClearFilters))]),
                    th.muted,
                )]
            };
            let h = text.len() as u16;
            let box_area = table_area.centered(Constraint::Percentage(80), Constraint::Length(h));
            Paragraph::new(text).wrap(Wrap { trim: false }).centered().render(box_area, buf);
            return;
        }

        let marking = !st.marked.is_empty();
        let mut columns = columns_for(table_area.width.saturating_sub(if marking { 2 } else { 0 }));
        if marking {
            columns.insert(0, Column::Mark);
        }
        // What does not fit a column ends with "…" rather than being cut silently.
        let fixed: u16 = columns.iter().filter(|c| **c != Column::Name).map(|c| c.fixed_width() + 1).sum();
        let name_w = usize::from(table_area.width.saturating_sub(fixed));
        let width_of = |c: Column| if c == Column::Name { name_w } else { usize::from(c.fixed_width()) };
        let fit = |c: Column, text: &str| crate::tui::widgets::wrap::ellipsis(text, width_of(c));
        let header: Vec<String> = columns.iter().map(|c| fit(*c, c.title())).collect();
        let widths: Vec<Constraint> = columns.iter().map(|c| c.width()).collect();
        let lines = st.lines();
        let selected_line = lines.iter().position(|l| *l == TableLine::Request(st.selected));
        // Keep a clerk's header in view above the first row of the list.
        let mut offset = st.offset.get();
        if selected_line.is_some_and(|l| l <= lines.len() && st.selected == 0 && l > 0) {
            offset = 0;
        }
        // Only the rows on screen are built: the window holds up to 300 requests, and
        // formatting all of them on every keystroke cost more than the rest of a frame.
        let body_rows = usize::from(table_area.height.saturating_sub(1)).max(1);
        if let Some(sel) = selected_line {
            if sel < offset {
                offset = sel;
            } else if sel >= offset + body_rows {
                offset = sel + 1 - body_rows;
            }
        }
        offset = offset.min(lines.len().saturating_sub(1));
        let visible = &lines[offset..(offset + body_rows).min(lines.len())];
        // Each row's cells are formatted once and kept while the row, the day, the language
        // and the columns stay the same: moving the selection formats no row, and a scroll
        // by one row formats one.
        let key = CellKey {
            today: self.today,
            lang: crate::i18n::current(),
            columns: columns.clone(),
            name_w,
            soon_working_days: self.session.settings.due_soon_working_days,
        };
        let mut cache = st.cells.borrow_mut();
        if cache.key.as_ref() != Some(&key) {
            cache.rows.clear();
            cache.key = Some(key);
        }
        let shown: Vec<&SubjectRequest> = visible
            .iter()
            .filter_map(|line| if let TableLine::Request(i) = line { st.rows.get(*i) } else { None })
            .collect();
        cache.rows.retain(|id, _| shown.iter().any(|r| r.id.0 == *id));
        for r in &shown {
            if cache.rows.get(&r.id.0).is_some_and(|c| c.request == **r) {
                continue;
            }
            let urgency = RequestView::new(self.session, r, self.today).urgency;
            let texts = columns
                .iter()
                .map(|c| match c {
                    Column::Mark => String::new(),
                    Column::Reference => r.reference.clone(),
                    Column::Kind => fit(*c, label("kind_short", r.kind.code())),
                    Column::Name => fit(*c, &clean(&r.subject.name)),
                    Column::Pin => mask_pin(&r.subject.pin),
                    Column::Received => date_dmy(r.received_on),
                    Column::Due => date_dmy(r.due_on),
                    Column::Left => days_left_text(r, self.today),
                    Column::Assignee => fit(*c, &r.assignee.as_deref().map_or_else(|| "—".into(), clean)),
                    // A stopped clock shows instead of the status: it is why the request waits.
                    Column::Status if r.pause.is_some() => {
                        fit(*c, crate::i18n::t("supervision.paused_short"))
                    }
                    Column::Status => fit(*c, label("status_short", r.status.code())),
                })
                .collect();
            cache.formatted += 1;
            cache.rows.insert(r.id.0, CachedRow { request: (*r).clone(), texts, urgency });
        }
        let cache = &*cache;
        let rows = visible.iter().map(|line| {
            let TableLine::Request(i) = line else { return Row::new(Vec::<TableCell>::new()).height(1) };
            let r = &st.rows[*i];
            let Some(cached) = cache.rows.get(&r.id.0) else {
                return Row::new(Vec::<TableCell>::new()).height(1);
            };
            let marked = st.marked.contains(&r.reference);
            let row = Row::new(columns.iter().zip(&cached.texts).map(|(c, text)| {
                let text = text.as_str();
                match c {
                    Column::Mark => TableCell::from(if marked { "●" } else { "" }).style(th.focus),
                    Column::Left => {
                        TableCell::from(Line::from(text).right_aligned()).style(th.urgency(cached.urgency))
                    }
                    Column::Status if r.pause.is_some() => TableCell::from(text).style(th.muted),
                    _ => TableCell::from(text),
                }
            }));
            if marked { row.style(th.focus) } else { row }
        });
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(th.title))
            .row_highlight_style(th.selected)
            .column_spacing(1);
        let mut state = TableState::default().with_offset(0).with_selected(selected_line.map(|l| l - offset));
        StatefulWidget::render(table, table_area, buf, &mut state);
        st.offset.set(offset);
        let body = Rect { y: table_area.y + 1, height: table_area.height.saturating_sub(1), ..table_area };
        st.body_area.set(body);
        // Clerks' headers span the whole width, drawn over their (empty) table rows.
        for (n, line) in lines.iter().enumerate().skip(offset).take(usize::from(body.height)) {
            if let TableLine::Header(g) = line {
                let y = body.y + (n - offset) as u16;
                let area = Rect { y, height: 1, ..body };
                group_header(&st.groups[*g], st.section()).render(area, buf);
                buf.set_style(area, th.label);
            }
        }
    }
}

/// "aibek — 3 overdue", with a note when only the first rows are shown.
fn group_header(g: &Group, section: Section) -> Line<'static> {
    let who = g.assignee.as_deref().map_or_else(|| t("queue.group.unassigned").to_string(), clean);
    let key = if section == Section::OverdueByClerk { "queue.group.overdue" } else { "queue.group.due_soon" };
    let mut text = tf(key, &[("who", &who), ("n", &g.count)]);
    if (g.shown as i64) < g.count {
        text.push_str(&tf("queue.group.more", &[("shown", &g.shown)]));
    }
    Line::from(format!("▸ {text}"))
}

/// Columns of the queue table, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Mark,
    Reference,
    Kind,
    Name,
    Pin,
    Received,
    Due,
    Left,
    Assignee,
    Status,
}

impl Column {
    fn title(self) -> &'static str {
        match self {
            Column::Mark => "",
            Column::Reference => t("col.ref"),
            Column::Kind => t("col.kind"),
            Column::Name => t("col.name"),
            Column::Pin => t("col.pin"),
            Column::Received => t("col.received"),
            Column::Due => t("col.due"),
            Column::Left => t("col.left"),
            Column::Assignee => t("col.assignee"),
            Column::Status => t("col.status"),
        }
    }

    fn width(self) -> Constraint {
        match self {
            Column::Name => Constraint::Fill(1),
            other => Constraint::Length(other.fixed_width()),
        }
    }

    fn fixed_width(self) -> u16 {
        match self {
            Column::Mark => 1,
            Column::Reference => 15,
            Column::Kind | Column::Status => 11,
            Column::Name => NAME_MIN,
            Column::Pin => 14,
            Column::Received | Column::Due => 10,
            Column::Left => 5,
            Column::Assignee => 9,
        }
    }
}

/// The subject's name keeps at least this many columns.
const NAME_MIN: u16 = 13;

/// The columns that fit in `width`: reference, name, due and days left always; then, as
/// room allows, status, assignee, kind, PIN and received date.
fn columns_for(width: u16) -> Vec<Column> {
    use Column::{Assignee, Due, Kind, Left, Name, Pin, Received, Reference, Status};
    let mut chosen = vec![Reference, Name, Due, Left];
    let used = |cols: &[Column]| cols.iter().map(|c| c.fixed_width() + 1).sum::<u16>() - 1;
    for extra in [Status, Assignee, Kind, Pin, Received] {
        let mut with = chosen.clone();
        with.push(extra);
        if used(&with) <= width {
            chosen = with;
        }
    }
    let order = [Reference, Kind, Name, Pin, Received, Due, Left, Assignee, Status];
    order.into_iter().filter(|c| chosen.contains(c)).collect()
}

fn filter_summary(f: &Filters, session: &Session) -> String {
    let mut parts = Vec::new();
    if let Some(o) = f.office {
        parts.push(session.office_code_of(o));
    }
    if let Some(k) = f.kind {
        parts.push(label("kind", k.code()).to_string());
    }
    if let Some(s) = f.status {
        parts.push(label("status", s.code()).to_string());
    }
    match &f.assignee {
        Some(AssigneeChoice::Unassigned) => parts.push(t("filter.unassigned").to_string()),
        Some(AssigneeChoice::Login(l)) => parts.push(l.clone()),
        None => {}
    }
    if let Some(c) = f.channel {
        parts.push(label("channel", c.code()).to_string());
    }
    if f.received_from.is_some() || f.received_to.is_some() {
        let a = f.received_from.map(date_dmy).unwrap_or_default();
        let b = f.received_to.map(date_dmy).unwrap_or_default();
        parts.push(format!("{} {a}…{b}", t("filter.received")));
    }
    parts.join(", ")
}

/// The queue's keys, mouse and drawing.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;
    use unicode_width::UnicodeWidthStr;

    use super::{QueueState, QueueView, Section};
    use crate::domain::kind::Role;
    use crate::i18n::tf;
    use crate::tui::action::Command;
    use crate::tui::component::{Component, Context, Ctx, Env, shown};
    use crate::tui::effect::Effect;
    use crate::tui::screens::dialog::DialogState;
    use crate::tui::screens::prompt::{Prompt, PromptKind};

    impl QueueState {
        /// Shows section `s` from its top.
        fn switch(&mut self, s: Section, ctx: &Ctx<'_>) -> Effect {
            self.set_section(s);
            if self.grouped() {
                // The clerks that fill the screen now; the rest, and with them the total,
                // once the frame is drawn (`App::idle`): all 43 clerks of a million-request
                // office took 10–13 ms, three times a keystroke's budget.
                return shown(self.reload_rows(ctx.session, ctx.today));
            }
            shown(self.reload(ctx.session, ctx.today))
        }

        fn open_selected(&self) -> Effect {
            self.selected_row().map_or(Effect::None, |r| Effect::OpenRequest(r.reference.clone()))
        }
    }

    impl Component for QueueState {
        fn context(&self) -> Context {
            Context::Queue
        }

        fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect> {
            let (session, today) = (ctx.session, ctx.today);
            let sections = Section::for_role(session.role());
            let n = sections.len();
            let i = self.section().index_for(session.role());
            let page = (self.body_area.get().height.max(2) as isize - 1).max(1);
            Some(match cmd {
                Command::MoveUp => shown(self.move_by(session, today, -1)),
                Command::MoveDown => shown(self.move_by(session, today, 1)),
                Command::PageUp => shown(self.move_by(session, today, -page)),
                Command::PageDown => shown(self.move_by(session, today, page)),
                Command::MoveFirst => shown(self.reload(session, today)),
                Command::MoveLast => shown(self.move_last(session, today)),
                Command::NextSection => self.switch(sections[(i + 1) % n], ctx),
                Command::PrevSection => self.switch(sections[(i + n - 1) % n], ctx),
                Command::ToggleMark => {
                    self.toggle_mark();
                    shown(self.move_by(session, today, 1))
                }
                Command::MarkAll => {
                    self.mark_all();
                    Effect::None
                }
                Command::AssignMarked if self.marked.is_empty() => {
                    let key = ctx.keymap.first_key(Command::ToggleMark);
                    Effect::Message(tf("msg.nothing_marked", &[("key", &key)]), true)
                }
                Command::AssignMarked => {
                    let refs = self.marked.iter().cloned().collect();
                    Effect::Dialog(Box::new(DialogState::assign_marked(session, refs)))
                }
                Command::Open => self.open_selected(),
                Command::Search => Effect::Prompt(Prompt::new(PromptKind::Search, &self.search)),
                Command::Filter => Effect::Dialog(Box::new(DialogState::filter(session, &self.filters))),
                Command::CycleSort => {
                    self.cycle_sort();
                    shown(self.reload(session, today))
                }
                Command::ClearFilters | Command::Back => {
                    if self.search.is_empty() && self.filters.is_empty() {
                        Effect::None
                    } else {
                        self.search.clear();
                        self.filters = super::Filters::default();
                        shown(self.reload(session, today))
                    }
                }
                _ => return None,
            })
        }

        fn scroll(&mut self, delta: i32, ctx: &Ctx<'_>) -> Effect {
            shown(self.move_by(ctx.session, ctx.today, delta as isize))
        }

        fn click(&mut self, column: u16, row: u16, ctx: &Ctx<'_>) -> Effect {
            let tabs = self.tabs_area.get();
            if tabs.contains((column, row).into()) {
                // Tabs draw as " title │ title ": one space each side and a divider between.
                let mut x = tabs.x;
                for &s in Section::for_role(ctx.session.role()).iter().skip(self.tabs_first.get()) {
                    let w = s.title().width() as u16 + 2;
                    if column >= x && column < x + w {
                        return self.switch(s, ctx);
                    }
                    x += w + 1;
                }
                return Effect::None;
            }
            let body = self.body_area.get();
            if body.contains((column, row).into()) {
                let line = self.offset.get() + usize::from(row - body.y);
                if let Some(index) = self.row_at_line(line) {
                    if index == self.selected {
                        return self.open_selected();
                    }
                    self.selected = index;
                }
            }
            Effect::None
        }

        fn refresh(&mut self, ctx: &Ctx<'_>) -> crate::service::Result<()> {
            QueueState::refresh(self, ctx.session, ctx.today)
        }

        /// The search prompt's text, applied as it is typed.
        fn answer(&mut self, text: String, ctx: &Ctx<'_>) -> Effect {
            if self.search == text {
                return Effect::None;
            }
            self.search = text;
            shown(self.reload(ctx.session, ctx.today))
        }

        fn bar(&self, env: &Env<'_>) -> Vec<Command> {
            use Command::{
                AssignMarked, CycleSort, Filter, JumpToReference, NextSection, Open, Quit, RegisterRequest,
                Search, ShowAudit, ShowCalendar, ShowDashboard, ShowHelp, ShowReport, ToggleMark,
            };
            let mut v = vec![Open, Search, NextSection];
            if !self.marked.is_empty() {
                v.push(AssignMarked);
            }
            v.extend([RegisterRequest, ShowHelp, Quit]);
            if env.session.role() >= Role::Supervisor {
                v.extend([ToggleMark, ShowDashboard, ShowReport, ShowAudit]);
            }
            v.extend([Filter, CycleSort, JumpToReference, ShowCalendar]);
            v
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            QueueView {
                state: self,
                session: env.session,
                today: env.today,
                theme: env.theme,
                keymap: env.keymap,
            }
            .render(area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::RuleSet;
    use crate::domain::kind::{DataCategory, IdentityMethod, Language};
    use crate::domain::request::{NewRequest, Subject};
    use crate::service::{Clock, Settings};
    use crate::store::{Operator, Store};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    /// A supervisor's session over 30 open requests received over the last 30 days.
    fn session() -> Session {
        let mut store = Store::in_memory().unwrap();
        store
            .write(|tx| {
                for (l, r) in [("jyldyz", Role::Supervisor), ("aibek", Role::Clerk)] {
                    tx.insert_operator(&Operator::new(l, "", r), "now")?;
                }
                tx.audit("now", "jyldyz", "init", "", "")?;
                Ok::<_, crate::store::StoreError>(())
            })
            .unwrap();
        let mut s = Session::with_store(
            store,
            "jyldyz",
            RuleSet::shipped(),
            Clock::fixed(today()),
            Settings::default(),
        )
        .unwrap();
        for i in 0..30u64 {
            let new = NewRequest {
                office: None,
                kind: RequestKind::Access,
                channel: Channel::SalykApp,
                lang: Language::Ru,
                received_on: today().checked_sub_days(chrono::Days::new(i)).unwrap(),
                identity: IdentityMethod::ESignature,
                categories: vec![DataCategory::Phone],
                description: "Test request".into(),
                subject: Subject {
                    name: format!("Subject Number {i}"),
                    pin: format!("215031990{i:05}"),
                    ..Subject::default()
                },
                representative: None,
            };
            s.register(&new, None).unwrap();
        }
        s
    }

    fn draw(st: &QueueState, s: &Session, today: NaiveDate) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 120, 14));
        let (theme, keymap) = (Theme::plain(), KeyMap::default());
        QueueView { state: st, session: s, today, theme: &theme, keymap: &keymap }.render(buf.area, &mut buf);
        buf
    }

    /// The same screen drawn by a queue that never drew before (no cache).
    fn fresh(st: &QueueState, s: &Session, today: NaiveDate) -> Buffer {
        let copy = QueueState {
            section: st.section,
            sort: st.sort,
            rows: st.rows.clone(),
            selected: st.selected,
            total: st.total,
            counted: st.counted,
            marked: st.marked.clone(),
            offset: Cell::new(st.offset.get()),
            ..QueueState::default()
        };
        draw(&copy, s, today)
    }

    #[test]
    fn kept_cells_are_reused_for_moves_and_formatted_again_when_the_data_changes() {
        let mut s = session();
        let mut st = QueueState::new(Section::AllOpen);
        st.reload(&s, today()).unwrap();
        let first = draw(&st, &s, today());
        let shown = st.cells.borrow().formatted();
        assert_eq!(shown, 11, "one per row on screen (14 lines: tabs, info, header)");
        assert_eq!(first, fresh(&st, &s, today()));

        // Moving the selection inside the screen formats nothing; a scroll by one row
        // formats the one new row.
        st.move_by(&s, today(), 3).unwrap();
        assert_eq!(draw(&st, &s, today()), fresh(&st, &s, today()));
        assert_eq!(st.cells.borrow().formatted(), shown);
        st.move_by(&s, today(), 8).unwrap();
        assert_eq!(draw(&st, &s, today()), fresh(&st, &s, today()));
        assert_eq!(st.cells.borrow().formatted(), shown + 1);

        // A row changed in memory (a refresh in another form) is formatted again.
        let before = st.cells.borrow().formatted();
        let i = st.selected;
        st.rows[i].subject.name = "Renamed Subject".into();
        let after = draw(&st, &s, today());
        assert_eq!(after, fresh(&st, &s, today()));
        assert!(format!("{after:?}").contains("Renamed Subject"));
        assert_eq!(st.cells.borrow().formatted(), before + 1);

        // A change in the database, read again by the refresh: the new assignee shows.
        let reference = st.rows[i].reference.clone();
        s.assign(&reference, "aibek", None).unwrap();
        st.refresh(&s, today()).unwrap();
        let after = draw(&st, &s, today());
        assert_eq!(after, fresh(&st, &s, today()));
        assert!(format!("{after:?}").contains("aibek"));

        // Another day: days left are counted again for every row.
        let before = st.cells.borrow().formatted();
        let tomorrow = today().succ_opt().unwrap();
        assert_eq!(draw(&st, &s, tomorrow), fresh(&st, &s, tomorrow));
        assert_eq!(st.cells.borrow().formatted(), before + 11);

        // Another language: every label again.
        crate::i18n::set_thread_language(Some(crate::i18n::Lang::Ru));
        let ru = draw(&st, &s, tomorrow);
        assert_eq!(ru, fresh(&st, &s, tomorrow));
        crate::i18n::set_thread_language(None);
        assert_eq!(st.cells.borrow().formatted(), before + 22);
    }
}
