//! Reading requests: pages of the queue, one request in detail (an audited view of personal
//! data), counts, and the JSON shape scripts rely on.

use crate::domain::history::Standing;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind};
use crate::domain::outcome::{CategoryAction, Outcome};
use crate::domain::status::Status;

use crate::domain::calendar::Calendar;
use crate::domain::deadline::{Urgency, due_soon_limit, urgency};
use crate::domain::identity::mask_pin;
use crate::domain::request::{SubjectRequest, parse_reference};
use crate::model::{AssigneeFilter, Counts, Event, ListFilter, Page, SortKey};

use super::{Error, Result, Session};

/// A request with what is derived from "today": days left, overdue, urgency.
#[derive(Debug, Clone)]
pub struct RequestView<'a> {
    pub request: &'a SubjectRequest,
    pub today: NaiveDate,
    pub urgency: Option<Urgency>,
}

impl<'a> RequestView<'a> {
    pub fn new(session: &Session, request: &'a SubjectRequest, today: NaiveDate) -> RequestView<'a> {
        RequestView::with(&session.calendar, session.settings.due_soon_working_days, request, today)
    }

    /// Same as [`RequestView::new`] from the calendar and the due-soon window alone.
    pub fn with(
        cal: &Calendar,
        soon_working_days: u32,
        request: &'a SubjectRequest,
        today: NaiveDate,
    ) -> RequestView<'a> {
        let urgency = request.is_open().then(|| {
            let as_of = request.pause.as_ref().map_or(today, |p| p.since.min(today));
            urgency(request.due_on, as_of, soon_working_days, cal)
        });
        RequestView { request, today, urgency }
    }

    /// The JSON of a request (`list`, `show`, `add --format json`). With `masked`, the PIN
    /// and passport show only their last digits and the contact fields are left out.
    pub fn json(&self, masked: bool) -> Value {
        serde_json::to_value(self.typed(masked)).unwrap_or_default()
    }

    /// The same record as a typed value, serialized without building a JSON tree first
    /// (a list of a page of requests is written straight to the output).
    pub fn typed(&self, masked: bool) -> RequestJson<'a> {
        let r = self.request;
        let s = &r.subject;
        let subject = if masked {
            SubjectJson::Masked {
                name: &s.name,
                pin: mask_pin(&s.pin),
                passport: s.passport.as_ref().map(super::super::domain::identity::Passport::masked),
            }
        } else {
            SubjectJson::Full {
                name: &s.name,
                pin: &s.pin,
                birth_date: s.birth_date,
                passport: s.passport.as_ref().map(|p| PassportJson {
                    document: &p.document,
                    issuer: &p.issuer,
                    issued_on: p.issued_on,
                }),
                address: &s.address,
                email: &s.email,
                phone: &s.phone,
            }
        };
        RequestJson {
            reference: &r.reference,
            kind: r.kind,
            status: r.status,
            channel: r.channel,
            lang: r.lang,
            received_on: r.received_on,
            registered_on: r.registered_on,
            identity: r.identity,
            due_on: r.due_on,
            days_left: r.is_open().then(|| r.days_left(self.today)),
            overdue: r.is_overdue(self.today),
            urgency: self.urgency,
            deadlines: &r.deadlines,
            assignee: r.assignee.as_deref(),
            subject,
            categories: &r.categories,
            description: &r.description,
            outcome: r.outcome,
            ground: r.ground.as_deref(),
            responded_on: r.responded_on,
            answered_in_time: r.answered_in_time(),
            response_text: &r.response_text,
            actions: r.actions.iter().map(|(c, a)| ActionJson { category: *c, action: *a }).collect(),
            closed_on: r.closed_on,
            paused: r.pause.as_ref().map(|p| PauseJson {
                since: p.since,
                category: &p.category,
                reason: &p.reason,
            }),
            extensions: r.extensions,
            version: r.version,
        }
    }
}

/// The JSON shape of a request: a contract with scripts outside the project.
#[derive(Debug, Serialize)]
pub struct RequestJson<'a> {
    #[serde(rename = "ref")]
    pub reference: &'a str,
    pub kind: RequestKind,
    pub status: Status,
    pub channel: Channel,
    pub lang: Language,
    pub received_on: NaiveDate,
    pub registered_on: NaiveDate,
    pub identity: IdentityMethod,
    pub due_on: NaiveDate,
    pub days_left: Option<i64>,
    pub overdue: bool,
    pub urgency: Option<Urgency>,
    pub deadlines: &'a [crate::domain::deadline::Deadline],
    pub assignee: Option<&'a str>,
    pub subject: SubjectJson<'a>,
    pub categories: &'a [DataCategory],
    pub description: &'a str,
    pub outcome: Option<Outcome>,
    pub ground: Option<&'a str>,
    pub responded_on: Option<NaiveDate>,
    pub answered_in_time: Option<bool>,
    pub response_text: &'a str,
    pub actions: Vec<ActionJson>,
    pub closed_on: Option<NaiveDate>,
    pub paused: Option<PauseJson<'a>>,
    pub extensions: u32,
    pub version: i64,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SubjectJson<'a> {
    Masked {
        name: &'a str,
        pin: String,
        passport: Option<String>,
    },
    Full {
        name: &'a str,
        pin: &'a str,
        birth_date: Option<NaiveDate>,
        passport: Option<PassportJson<'a>>,
        address: &'a str,
        email: &'a str,
        phone: &'a str,
    },
}

#[derive(Debug, Serialize)]
pub struct PassportJson<'a> {
    pub document: &'a str,
    pub issuer: &'a str,
    pub issued_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize)]
pub struct ActionJson {
    pub category: DataCategory,
    pub action: CategoryAction,
}

#[derive(Debug, Serialize)]
pub struct PauseJson<'a> {
    pub since: NaiveDate,
    pub category: &'a str,
    pub reason: &'a str,
}

/// Everything the detail screen and `aryz show` present.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub request: SubjectRequest,
    pub events: Vec<Event>,
    /// Other requests of the same PIN, newest first.
    pub related: Vec<SubjectRequest>,
    /// The case file (issue 15): files, in the order added.
    pub attachments: Vec<crate::domain::attachment::Attachment>,
    /// Who made the request on the subject's behalf.
    pub representative: Option<crate::domain::request::Representative>,
    /// The request this one was closed as a duplicate of.
    pub duplicate_of: Option<String>,
    /// The requests closed as duplicates of this one.
    pub duplicates: Vec<String>,
}

impl Session {
    /// The requests open at the end of `as_of`, as they stood then, replayed from the events:
    /// a request received or registered later does not exist, one answered later is still
    /// open, and its assignee, status and deadline are those of that day. Most urgent first.
    /// A slower path than [`Session::list`] (it replays every request open now or changed
    /// since), for `list --as-of` and `export --as-of` with a past date.
    pub fn open_as_of(&self, filter: &ListFilter, as_of: NaiveDate) -> Result<Vec<SubjectRequest>> {
        let refused = |field: &str| {
            Error::Invalid(crate::domain::validation::field_error(field, crate::msg!("message.past_as_of")))
        };
        if filter.search.is_some() || filter.pin.is_some() {
            return Err(refused("search"));
        }
        if !filter.statuses.is_empty() || filter.all_statuses {
            return Err(refused(if filter.all_statuses { "all" } else { "status" }));
        }
        if filter.received_from.is_some()
            || filter.received_to.is_some()
            || filter.awaiting_since_before.is_some()
        {
            return Err(refused("received"));
        }
        let filter = &self.scoped(filter)?;
        let read = self.store.read();
        let mut found: Vec<(String, crate::domain::history::AsOf)> = Vec::new();
        read.for_each_history(crate::model::HistoryScope::MaybeOpen, as_of, |h| {
            if let Some(a) = h.as_of(as_of)
                && matches!(a.figure.standing, Standing::OpenInTime | Standing::OpenLate)
            {
                found.push((h.reference.clone(), a));
            }
        })?;
        let mut out = Vec::new();
        for (reference, a) in found {
            let Some(mut r) = read.request_by_ref(&reference)? else { continue };
            let keep = (filter.offices.is_empty() || filter.offices.contains(&r.office))
                && (filter.kinds.is_empty() || filter.kinds.contains(&r.kind))
                && (filter.channels.is_empty() || filter.channels.contains(&r.channel))
                && match &filter.assignee {
                    AssigneeFilter::Any => true,
                    AssigneeFilter::Unassigned => a.holder.is_none(),
                    AssigneeFilter::Is(l) => a.holder.as_deref() == Some(l.as_str()),
                }
                && (filter.overdue_as_of.is_none() || a.figure.standing == Standing::OpenLate)
                && filter.due_from.is_none_or(|d| a.due >= d)
                && filter.due_to.is_none_or(|d| a.due <= d);
            if !keep {
                continue;
            }
            r.assignee.clone_from(&a.holder);
            r.due_on = a.due;
            r.status = a.status.parse().unwrap_or(r.status);
            if !r.is_open() {
                r.status = crate::domain::status::Status::InProgress;
            }
            if !a.paused_now {
                r.pause = None;
            }
            r.outcome = None;
            r.ground = None;
            r.responded_on = None;
            r.closed_on = None;
            out.push(r);
        }
        out.sort_by_key(|r| (r.due_on, r.id.0));
        Ok(out)
    }
}

impl Detail {
    /// Answers dated before the day they were recorded.
    pub fn backdated_answers(&self) -> usize {
        self.events
            .iter()
            .filter(|e| e.kind == crate::model::EventKind::Responded)
            .filter(|e| {
                e.effective_on.as_deref().is_some_and(|on| e.at.get(..10).is_some_and(|day| on < day))
            })
            .count()
    }
}

impl Session {
    /// A page of the queue. Lists show masked personal data and are not audited as views.
    pub fn list(&self, filter: &ListFilter, sort: SortKey, page: &Page) -> Result<Vec<SubjectRequest>> {
        Ok(self.store.read().list(&self.scoped(filter)?, sort, page)?)
    }

    /// A page of a queue: the rows without their deadlines and per-category actions (a
    /// screen that shows them opens the request with [`Session::show`]).
    pub fn list_rows(&self, filter: &ListFilter, sort: SortKey, page: &Page) -> Result<Vec<SubjectRequest>> {
        Ok(self.store.read().list_rows(&self.scoped(filter)?, sort, page)?)
    }

    pub fn count(&self, filter: &ListFilter) -> Result<i64> {
        Ok(self.store.read().count(&self.scoped(filter)?)?)
    }

    /// The count for a screen: exact up to `cap`, `cap + 1` meaning "more than `cap`".
    pub fn count_upto(&self, filter: &ListFilter, cap: i64) -> Result<i64> {
        Ok(self.store.read().count_upto(&self.scoped(filter)?, Some(cap))?)
    }

    /// Open, due-soon and overdue counts as of `today`, for one assignee or everyone (of
    /// the offices the operator sees).
    pub fn counts(&self, today: NaiveDate, assignee: &AssigneeFilter) -> Result<Counts> {
        self.counts_in(today, &ListFilter { assignee: assignee.clone(), ..ListFilter::default() })
    }

    /// [`Session::counts`] of the open requests matching `base` (its assignee and offices).
    pub fn counts_in(&self, today: NaiveDate, base: &ListFilter) -> Result<Counts> {
        let limit = due_soon_limit(today, self.settings.due_soon_working_days, &self.calendar);
        let base = self.scoped(&ListFilter {
            assignee: base.assignee.clone(),
            offices: base.offices.clone(),
            ..ListFilter::default()
        })?;
        let read = self.store.read();
        Ok(Counts {
            open: read.count(&base)?,
            due_soon: read.count(&ListFilter {
                due_from: Some(today),
                due_to: Some(limit),
                ..base.clone()
            })?,
            overdue: read.count(&ListFilter { overdue_as_of: Some(today), ..base })?,
        })
    }

    /// The last date counted as "due soon" as of `today`.
    pub fn due_soon_limit(&self, today: NaiveDate) -> NaiveDate {
        due_soon_limit(today, self.settings.due_soon_working_days, &self.calendar)
    }

    /// Opens one request with its timeline and the same subject's other requests. Viewing a
    /// subject's personal data is written to the audit log.
    pub fn show(&mut self, reference: &str) -> Result<Detail> {
        Ok(self.show_on_record(reference)?.0)
    }

    /// [`Session::show`], also returning the number of the `view` entry, committed before
    /// anything is shown, so that a view cut short can be marked interrupted after it
    /// ([`Session::end_disclosure`]).
    pub fn show_on_record(&mut self, reference: &str) -> Result<(Detail, i64)> {
        let reference = parse_reference(reference)?;
        let detail = self.peek(&reference)?;
        let entry = self.begin_disclosure("view", &reference, "")?;
        Ok((detail, entry))
    }

    /// The detail without an audit entry, for refreshing a screen already opened (and audited).
    pub fn peek(&self, reference: &str) -> Result<Detail> {
        let reference = parse_reference(reference)?;
        let read = self.store.read();
        let request = self.visible(&read, &reference)?;
        let events = read.events(request.id)?;
        let related = read
            .list(
                &self.scoped(&ListFilter {
                    pin: Some(request.subject.pin.clone()),
                    all_statuses: true,
                    ..ListFilter::default()
                })?,
                SortKey::Received,
                &Page { limit: 20, ..Page::default() },
            )?
            .into_iter()
            .filter(|r| r.id != request.id)
            .collect();
        Ok(Detail {
            attachments: read.attachments(request.id)?,
            representative: read.representative(request.id)?,
            duplicate_of: read.duplicate_target(request.id)?,
            duplicates: read.duplicates_of(request.id)?,
            request,
            events,
            related,
        })
    }
}
