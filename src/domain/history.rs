//! Where a request stood on a given day, replayed from its history, and who that counts for.
//!
//! One definition of "in time" (the UK Ministry of Justice's, for subject access requests):
//! `(answered in time + open in time) / (answered in time + answered late + open in time +
//! open late)`; withdrawn requests are counted apart, outside the percentage. Everything is
//! measured against the governing deadline (the earliest binding one) as it stood then.
//!
//! Attribution: an answer in time counts for the clerk who answered; a late answer, or a
//! request open past its deadline, for the clerk who held it when the deadline passed; one
//! nobody held, for nobody ("unassigned"). Only what happened on or before the day is
//! replayed, so a later reassignment, reopening or extension cannot change a past figure.
//! After a reopening the first answer keeps its place: the request is counted as answered
//! (as it was) and marked reopened.

use chrono::NaiveDate;

/// One recorded change, on the local day it was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub day: NaiveDate,
    pub what: Happening,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    /// Now held by this clerk (`None`: unassigned).
    Assigned(Option<String>),
    /// Answered, dated `on` by the clerk (earlier than the recording day when backdated),
    /// against the governing deadline `due` in force when it was recorded.
    Answered {
        by: String,
        on: NaiveDate,
        due: NaiveDate,
    },
    Withdrawn,
    Reopened,
    /// The governing deadline moved: by an extension, or at the end of a pause.
    DueChanged {
        to: NaiveDate,
        extension: bool,
    },
    Paused,
    Resumed,
    /// The status code it moved to.
    Status(String),
}

/// A request's history: what it started with and every change, in the order recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub reference: String,
    pub received_on: NaiveDate,
    /// The day it was recorded in aryz; before it, it was not known to exist.
    pub registered_on: NaiveDate,
    pub kind: String,
    /// The governing deadline before any recorded change.
    pub first_due: NaiveDate,
    /// Who held it before any recorded assignment.
    pub first_holder: Option<String>,
    pub steps: Vec<Step>,
    /// The office it belongs to now (an office id).
    pub office: i64,
}

/// Where a request stood at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Standing {
    AnsweredInTime,
    AnsweredLate,
    OpenInTime,
    OpenLate,
    Withdrawn,
}

impl Standing {
    pub const ALL: [Standing; 5] = [
        Standing::AnsweredInTime,
        Standing::AnsweredLate,
        Standing::OpenInTime,
        Standing::OpenLate,
        Standing::Withdrawn,
    ];

    /// The code stored in `request_figures`.
    pub fn code(self) -> &'static str {
        match self {
            Standing::AnsweredInTime => "in_time",
            Standing::AnsweredLate => "late",
            Standing::OpenInTime => "open_in_time",
            Standing::OpenLate => "open_late",
            Standing::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Standing> {
        Standing::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsOf {
    /// What it counts as in the figures: standing, whom it counts for, and the marks.
    pub figure: Figure,
    /// Who held it at the end of the day.
    pub holder: Option<String>,
    /// Open and paused at the end of the day.
    pub paused_now: bool,
    /// The status code at the end of the day.
    pub status: String,
    /// The governing deadline at the end of the day.
    pub due: NaiveDate,
}

/// The day after `due` has begun with the request open: the deadline has passed. A clock
/// stopped on or before the deadline keeps it from passing.
fn passed(due: NaiveDate, day: NaiveDate, paused_since: Option<NaiveDate>) -> bool {
    due < day && paused_since.is_none_or(|p| due < p)
}

impl History {
    /// The request as it stood at the end of `day`; `None` if not yet received, or not yet
    /// registered, then.
    pub fn as_of(&self, day: NaiveDate) -> Option<AsOf> {
        if self.received_on > day || self.registered_on > day {
            return None;
        }
        let mut holder: Option<String> = self.first_holder.clone();
        let mut due = self.first_due;
        let mut paused_since: Option<NaiveDate> = None;
        // Who held it when the deadline passed, once it has (while open).
        let mut late_holder: Option<Option<String>> = None;
        let mut answer: Option<AsOf> = None;
        let mut withdrawn: Option<Option<String>> = None;
        let (mut extended, mut ever_paused) = (false, false);
        let mut status = String::from("new");
        for step in self.steps.iter().take_while(|s| s.day <= day) {
            let open = answer.is_none() && withdrawn.is_none();
            if open && late_holder.is_none() && passed(due, step.day, paused_since) {
                late_holder = Some(holder.clone());
            }
            match &step.what {
                Happening::Assigned(to) => holder.clone_from(to),
                Happening::Answered { by, on, due: at_due } => {
                    if answer.is_none() {
                        let in_time = on <= at_due;
                        answer = Some(AsOf {
                            figure: Figure {
                                standing: if in_time {
                                    Standing::AnsweredInTime
                                } else {
                                    Standing::AnsweredLate
                                },
                                clerk: if in_time {
                                    Some(by.clone())
                                } else {
                                    late_holder.clone().unwrap_or_else(|| holder.clone())
                                },
                                reopened: false,
                                backdated: *on < step.day,
                                paused: false,
                                extended: false,
                            },
                            holder: None,
                            due: *at_due,
                            paused_now: false,
                            status: String::new(),
                        });
                    }
                    withdrawn = None;
                    paused_since = None;
                }
                Happening::Withdrawn => {
                    if answer.is_none() {
                        withdrawn = Some(holder.clone());
                    }
                    paused_since = None;
                }
                Happening::Reopened => {
                    if let Some(a) = answer.as_mut() {
                        a.figure.reopened = true;
                    }
                    withdrawn = None;
                }
                Happening::DueChanged { to, extension } => {
                    due = *to;
                    extended |= *extension;
                }
                Happening::Paused => {
                    paused_since = Some(step.day);
                    ever_paused = true;
                }
                Happening::Resumed => paused_since = None,
                Happening::Status(code) => status.clone_from(code),
            }
        }
        if let Some(mut a) = answer {
            a.figure.extended = extended;
            a.figure.paused = ever_paused;
            a.holder = holder;
            a.status = status;
            return Some(a);
        }
        if let Some(clerk) = withdrawn {
            return Some(AsOf {
                figure: Figure {
                    standing: Standing::Withdrawn,
                    clerk,
                    reopened: false,
                    backdated: false,
                    paused: ever_paused,
                    extended,
                },
                holder,
                due,
                paused_now: false,
                status,
            });
        }
        let late = passed(due, day, paused_since);
        let clerk = if late { late_holder.unwrap_or_else(|| holder.clone()) } else { holder.clone() };
        Some(AsOf {
            figure: Figure {
                standing: if late { Standing::OpenLate } else { Standing::OpenInTime },
                clerk,
                reopened: false,
                backdated: false,
                paused: ever_paused,
                extended,
            },
            holder,
            due,
            paused_now: paused_since.is_some(),
            status,
        })
    }
}

/// What a request counts as in the reports on a day: the part of [`AsOf`] the figures read,
/// and all a span of days in the kept figures holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Figure {
    pub standing: Standing,
    /// The clerk it counts for; `None` for unassigned.
    pub clerk: Option<String>,
    /// Reopened after its answer, on or before the day.
    pub reopened: bool,
    /// Its answer was dated before the day it was recorded.
    pub backdated: bool,
    /// Paused at the end of the day, or paused before it.
    pub paused: bool,
    /// Its deadline was extended on or before the day.
    pub extended: bool,
}

/// One span of a request's figures: `figure` holds at the end of every day from `from` up
/// to the day before `until` (`None`: from `from` on, until something else is recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub figure: Figure,
}

impl History {
    /// The request's figures for every day at once: consecutive spans, each what
    /// [`History::as_of`] gives for every day inside it. `as_of` only changes on a day
    /// something was recorded, or on the day after the governing deadline when nothing was
    /// (an open request passing its deadline), so it is evaluated on those days alone. Kept
    /// in the store (`request_figures`) so reports add up spans instead of replaying.
    pub fn pieces(&self) -> Vec<Piece> {
        let start = self.received_on.max(self.registered_on);
        let mut days: Vec<NaiveDate> = vec![start];
        days.extend(self.steps.iter().map(|s| s.day).filter(|d| *d > start));
        days.dedup();
        let mut out: Vec<Piece> = Vec::new();
        let push = |out: &mut Vec<Piece>, day: NaiveDate, f: Figure| {
            if let Some(last) = out.last_mut() {
                if last.figure == f {
                    return;
                }
                last.until = Some(day);
            }
            out.push(Piece { from: day, until: None, figure: f });
        };
        for (i, day) in days.iter().enumerate() {
            let Some(a) = self.as_of(*day) else { continue };
            push(&mut out, *day, a.figure.clone());
            // Open in time with the clock running: late from the day after the deadline,
            // unless something is recorded first.
            if a.figure.standing == Standing::OpenInTime && !a.paused_now {
                let Some(late_from) = a.due.succ_opt() else { continue };
                let before_next = days.get(i + 1).is_none_or(|next| late_from < *next);
                if late_from > *day
                    && before_next
                    && let Some(l) = self.as_of(late_from)
                {
                    push(&mut out, late_from, l.figure);
                }
            }
        }
        out
    }
}

/// The figures of a group of requests on a day (a kind, a clerk, a month, or the total).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReportRow {
    /// The kind code, the clerk's login or the month; `None` for unassigned requests.
    pub group: Option<String>,
    pub received: i64,
    pub answered_in_time: i64,
    pub answered_late: i64,
    pub open_in_time: i64,
    pub open_late: i64,
    pub withdrawn: i64,
    pub extended: i64,
    pub paused: i64,
    pub reopened: i64,
    pub backdated: i64,
}

impl ReportRow {
    pub fn count(&mut self, a: &AsOf) {
        self.count_n(&a.figure, 1);
    }

    /// Adds (`n` > 0) or takes away (`n` < 0) `n` requests of one figure.
    pub fn count_n(&mut self, f: &Figure, n: i64) {
        self.received += n;
        match f.standing {
            Standing::AnsweredInTime => self.answered_in_time += n,
            Standing::AnsweredLate => self.answered_late += n,
            Standing::OpenInTime => self.open_in_time += n,
            Standing::OpenLate => self.open_late += n,
            Standing::Withdrawn => self.withdrawn += n,
        }
        self.reopened += n * i64::from(f.reopened);
        self.backdated += n * i64::from(f.backdated);
        self.paused += n * i64::from(f.paused);
        self.extended += n * i64::from(f.extended);
    }

    pub fn add(&mut self, o: &ReportRow) {
        self.received += o.received;
        self.answered_in_time += o.answered_in_time;
        self.answered_late += o.answered_late;
        self.open_in_time += o.open_in_time;
        self.open_late += o.open_late;
        self.withdrawn += o.withdrawn;
        self.reopened += o.reopened;
        self.backdated += o.backdated;
        self.paused += o.paused;
        self.extended += o.extended;
    }

    /// The Ministry of Justice's "% in time"; `None` when nothing counts (all withdrawn or
    /// nothing received).
    pub fn percent_in_time(&self) -> Option<f64> {
        let good = self.answered_in_time + self.open_in_time;
        let all = good + self.answered_late + self.open_late;
        (all > 0).then(|| 100.0 * good as f64 / all as f64)
    }
}

/// The statement of the formula, the same in every place that shows a percentage.
pub(crate) const FORMULA: &str = "% in time = (answered in time + open in time) / (answered in time + answered late + open in time + open late); withdrawn requests are counted apart, outside the percentage";

/// Red, amber or green against a target percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Red,
    Amber,
    Green,
}

impl Rag {
    /// Green at or above the target, amber within 5 points below it, red further below.
    pub fn of(percent: f64, target: f64) -> Rag {
        if percent >= target {
            Rag::Green
        } else if percent >= target - 5.0 {
            Rag::Amber
        } else {
            Rag::Red
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn step(day: &str, what: Happening) -> Step {
        Step { day: d(day), what }
    }

    // Reads as `who("aibek")` where a step names its holder.
    #[allow(clippy::unnecessary_wraps)]
    fn who(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn not_received_yet_does_not_exist() {
        let h = History {
            office: 1,
            reference: String::new(),
            received_on: d("2026-04-20"),
            registered_on: d("2026-04-20"),
            kind: "access".into(),
            first_due: d("2026-05-20"),
            first_holder: None,
            steps: vec![],
        };
        assert_eq!(h.as_of(d("2026-04-15")), None);
        assert_eq!(h.as_of(d("2026-04-20")).unwrap().figure.standing, Standing::OpenInTime);
    }

    #[test]
    fn lateness_stays_with_the_holder_when_the_deadline_passed() {
        // Held by gulnara, due 14.04, passes on 15.04; reassigned to aibek on 25.05.
        let h = History {
            office: 1,
            reference: String::new(),
            received_on: d("2026-03-13"),
            registered_on: d("2026-03-13"),
            kind: "access".into(),
            first_due: d("2026-04-14"),
            first_holder: None,
            steps: vec![
                step("2026-03-13", Happening::Assigned(who("gulnara"))),
                step("2026-05-25", Happening::Assigned(who("aibek"))),
                step(
                    "2026-05-27",
                    Happening::Answered { by: "aibek".into(), on: d("2026-05-27"), due: d("2026-04-14") },
                ),
            ],
        };
        let at = |s: &str| h.as_of(d(s)).unwrap();
        assert_eq!(
            (at("2026-04-14").figure.standing, at("2026-04-14").figure.clerk),
            (Standing::OpenInTime, who("gulnara"))
        );
        assert_eq!(
            (at("2026-04-30").figure.standing, at("2026-04-30").figure.clerk),
            (Standing::OpenLate, who("gulnara"))
        );
        assert_eq!(
            (at("2026-05-26").figure.standing, at("2026-05-26").figure.clerk),
            (Standing::OpenLate, who("gulnara"))
        );
        assert_eq!(
            (at("2026-05-27").figure.standing, at("2026-05-27").figure.clerk),
            (Standing::AnsweredLate, who("gulnara"))
        );
    }

    #[test]
    fn backdated_answer_is_open_until_recorded_and_marked() {
        let h = History {
            office: 1,
            reference: String::new(),
            received_on: d("2026-03-02"),
            registered_on: d("2026-03-02"),
            kind: "access".into(),
            first_due: d("2026-04-01"),
            first_holder: None,
            steps: vec![
                step("2026-03-02", Happening::Assigned(who("bakyt"))),
                step(
                    "2026-04-15",
                    Happening::Answered { by: "bakyt".into(), on: d("2026-03-31"), due: d("2026-04-01") },
                ),
            ],
        };
        let a = h.as_of(d("2026-04-10")).unwrap();
        assert_eq!(a.figure.standing, Standing::OpenLate);
        let a = h.as_of(d("2026-04-15")).unwrap();
        assert_eq!((a.figure.standing, a.figure.backdated), (Standing::AnsweredInTime, true));
    }

    #[test]
    fn a_pause_before_the_deadline_keeps_it_from_passing() {
        let h = History {
            office: 1,
            reference: String::new(),
            received_on: d("2026-03-02"),
            registered_on: d("2026-03-02"),
            kind: "access".into(),
            first_due: d("2026-04-01"),
            first_holder: None,
            steps: vec![
                step("2026-03-20", Happening::Paused),
                step("2026-04-10", Happening::Resumed),
                step("2026-04-10", Happening::DueChanged { to: d("2026-04-22"), extension: false }),
            ],
        };
        let a = h.as_of(d("2026-04-05")).unwrap();
        assert_eq!((a.figure.standing, a.figure.paused), (Standing::OpenInTime, true));
        assert_eq!(h.as_of(d("2026-04-22")).unwrap().figure.standing, Standing::OpenInTime);
        assert_eq!(h.as_of(d("2026-04-23")).unwrap().figure.standing, Standing::OpenLate);
    }

    #[test]
    fn percent_leaves_withdrawn_out() {
        let f = ReportRow { received: 9, answered_in_time: 7, withdrawn: 2, ..ReportRow::default() };
        assert_eq!(f.percent_in_time(), Some(100.0));
        assert_eq!(ReportRow { received: 1, withdrawn: 1, ..ReportRow::default() }.percent_in_time(), None);
        assert_eq!(Rag::of(90.0, 90.0), Rag::Green);
        assert_eq!(Rag::of(86.0, 90.0), Rag::Amber);
        assert_eq!(Rag::of(84.9, 90.0), Rag::Red);
    }
}
