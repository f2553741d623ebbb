//! Reading off the screen thread (issue 14, item 6). Over a network a query can take a
//! while; the screen must not freeze meanwhile. As gitui's asyncgit does, a worker thread
//! owns its own connection (its own [`Session`]: a SQLite connection is `Send` but not
//! `Sync`, and so is the PostgreSQL client), takes [`Job`]s over one channel and answers
//! each with a [`Reply`] over another. The worker calls the same service functions as the
//! screen thread; rules stay in the service.
//!
//! - **Generations.** Each job carries the screen's generation. The screen moves to a new
//!   generation whenever it reads or writes for itself (a save, an explicit refresh), and
//!   notes what the queue showed when it asked (section, filters, window); a reply for an
//!   older generation, or for a queue window the operator has since left, is dropped, never
//!   shown as current.
//! - **The change counter.** The periodic refresh first reads the database's change mark
//!   ([`Session::change_mark`], one statement); when it equals the last one applied and the
//!   day is the same, nothing else is read.
//! - **A lost connection.** The worker notices it (or the screen thread asks, after its own
//!   read or write failed), says so, and connects again with a growing pause, telling the
//!   screen each attempt. When it is back, the screen thread gets a new session of its own,
//!   and the fate of a write that was under way is read from the request's version: never
//!   guessed, never repeated.
//! - **Writes stay on the screen thread.** The clerk waits for a save's outcome anyway (the
//!   form closes, or stays with the error under a field), the service's version check makes
//!   a save that raced a refresh safe, and after each write the screen moves to a new
//!   generation so no reply read before it is applied.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::action::Command;
use super::screens::Screen;
use super::screens::queue::{QueueState, Section};
use crate::domain::calendar::Calendar;
use crate::model::{AssigneeFilter, Counts, Cursor, Operator, SortKey};
use crate::service::{Detail, Error, Session};
use crate::store::{ChangeMark, StoreError};

/// The longest pause between two attempts to connect again.
pub const MAX_BACKOFF: Duration = Duration::from_secs(15);

/// What the periodic refresh asks of the worker.
pub struct RefreshJob {
    pub generation: u64,
    /// The change mark of what the screen shows (`None`: read everything).
    pub since: Option<ChangeMark>,
    /// The day the screen shows (a new day re-reads everything).
    pub today: NaiveDate,
    /// The queue as it was when asked (its section, filters and window).
    pub queue: Box<QueueState>,
    pub scope: AssigneeFilter,
    /// The requests open in detail screens.
    pub details: Vec<String>,
}

pub enum Job {
    Refresh(RefreshJob),
    /// Read ahead of the selection in the direction it last moved ([`QueueState::prefetch`]
    /// on this copy of the queue).
    Prefetch {
        generation: u64,
        today: NaiveDate,
        queue: Box<QueueState>,
    },
    /// Reads the screen a global command opens (the dashboard, the monthly report, the
    /// audit log: reads that can take a while on a server), while the queue stays live.
    Open {
        /// Which ask this is: a reply for an ask since replaced or cancelled is dropped.
        token: u64,
        cmd: Command,
        today: NaiveDate,
    },
    /// The screen thread's connection broke: a new one for it; `check` is the request and
    /// version of a write that was under way, whose fate is to be read.
    Reconnect {
        check: Option<(String, Option<i64>)>,
    },
}

/// What changed, read by the worker.
pub struct Fresh {
    pub mark: ChangeMark,
    pub today: NaiveDate,
    pub operator: Operator,
    pub calendar: Calendar,
    pub counts: Counts,
    pub queue: Box<QueueState>,
    pub details: Vec<Detail>,
}

/// The fate of a write the connection broke under: its request, the version it was made
/// against, and the version now (`None`: it could not be told).
pub type Checked = (String, Option<i64>, Option<i64>);

pub enum ReplyBody {
    /// Nothing was committed since the mark.
    Unchanged(ChangeMark),
    Fresh(Box<Fresh>),
    /// The queue with the rows read ahead.
    Prefetched(Box<QueueState>),
    /// The screen a [`Job::Open`] asked for, or why it could not be read (`None`: the
    /// command opens no screen).
    Opened {
        token: u64,
        screen: Box<Option<Result<Screen, Error>>>,
    },
    Failed(Error),
    /// A refresh or read-ahead that came while the worker was connecting again (the next
    /// tick asks again).
    Skipped,
    /// The connection is lost; attempt `attempt` to connect again comes after `retry_in`.
    Lost {
        attempt: u32,
        retry_in: Duration,
        why: String,
    },
    /// Connected again: the screen thread's new session, and the fate of the write that was
    /// under way.
    Reconnected {
        session: Box<Session>,
        checked: Option<Checked>,
    },
}

pub struct Reply {
    pub generation: u64,
    /// Reads and writes the worker asked of the store for this reply (debug builds; 0 in
    /// release builds): an idle refresh asks the change counter only.
    pub calls: u64,
    pub body: ReplyBody,
}

/// The worker thread's handle: dropping it ends the thread after its current job.
pub struct Worker {
    jobs: Sender<Job>,
    replies: Receiver<Reply>,
}

impl Worker {
    /// Starts the worker on `session`, a connection of its own.
    pub fn spawn(session: Session) -> std::io::Result<Worker> {
        Worker::spawn_gated(session, None)
    }

    /// For tests: the worker waits for a `()` on `gate` before each job (a query that takes
    /// as long as the test wants, without sleeping); once the gate's sender is dropped it
    /// runs freely.
    pub fn spawn_gated(session: Session, gate: Option<Receiver<()>>) -> std::io::Result<Worker> {
        let (jobs, job_rx) = mpsc::channel();
        let (reply_tx, replies) = mpsc::channel();
        std::thread::Builder::new()
            .name("aryz-reader".into())
            .spawn(move || serve(session, &job_rx, &reply_tx, gate.as_ref()))?;
        Ok(Worker { jobs, replies })
    }

    /// Sends a job; `false` when the worker has stopped.
    pub fn send(&self, job: Job) -> bool {
        self.jobs.send(job).is_ok()
    }

    /// A reply, if one is waiting.
    pub fn try_reply(&self) -> Option<Reply> {
        self.replies.try_recv().ok()
    }

    /// Waits for the next reply (tests; the screen polls with [`Worker::try_reply`]).
    pub fn wait_reply(&self, limit: Duration) -> Option<Reply> {
        self.replies.recv_timeout(limit).ok()
    }
}

#[cfg(debug_assertions)]
fn calls() -> u64 {
    crate::store::calls_on_this_thread()
}

#[cfg(not(debug_assertions))]
fn calls() -> u64 {
    0
}

fn serve(mut session: Session, jobs: &Receiver<Job>, replies: &Sender<Reply>, gate: Option<&Receiver<()>>) {
    while let Ok(job) = jobs.recv() {
        if let Some(g) = gate {
            // A dropped gate lets every job through.
            let _ = g.recv();
        }
        let before = calls();
        let (generation, body) = match job {
            Job::Refresh(r) => {
                let generation = r.generation;
                let body = match refresh(&mut session, &r) {
                    Err(e) if is_lost(&session, &e) => {
                        let Some(ui) = reconnect(&mut session, None, jobs, replies, &e) else { return };
                        if replies.send(Reply { generation, calls: 0, body: ui }).is_err() {
                            return;
                        }
                        // Everything again, on the new connection.
                        let again = RefreshJob { since: None, ..r };
                        refresh(&mut session, &again).unwrap_or_else(ReplyBody::Failed)
                    }
                    Err(e) => ReplyBody::Failed(e),
                    Ok(b) => b,
                };
                (generation, body)
            }
            Job::Prefetch { generation, today, mut queue } => {
                let body = match queue.prefetch(&session, today) {
                    Ok(()) => ReplyBody::Prefetched(queue),
                    // The next refresh finds out and connects again.
                    Err(e) => ReplyBody::Failed(e),
                };
                (generation, body)
            }
            Job::Open { token, cmd, today } => {
                // A lost connection shows at the next refresh, which connects again.
                let screen = Box::new(Screen::opened_by(cmd, &session, today));
                (0, ReplyBody::Opened { token, screen })
            }
            Job::Reconnect { check } => {
                let why = Error::Store(StoreError::Lost(String::new()));
                let Some(body) = reconnect(&mut session, check, jobs, replies, &why) else { return };
                (0, body)
            }
        };
        if replies.send(Reply { generation, calls: calls() - before, body }).is_err() {
            return;
        }
    }
}

/// Whether `e` (or the state of the connection after it) means the connection is gone.
pub fn is_lost(session: &Session, e: &Error) -> bool {
    matches!(e, Error::Store(StoreError::Lost(_))) || session.connection_lost()
}

/// The periodic refresh: the change mark, then, only when it moved (or the day changed),
/// what the screen shows.
fn refresh(session: &mut Session, job: &RefreshJob) -> crate::service::Result<ReplyBody> {
    let mark = session.change_mark()?;
    let today = session.today();
    if job.since == Some(mark) && today == job.today {
        return Ok(ReplyBody::Unchanged(mark));
    }
    session.refresh()?;
    let counts = session.counts(today, &job.scope)?;
    let mut queue = job.queue.clone();
    queue.refresh(session, today)?;
    let mut details = Vec::new();
    for reference in &job.details {
        details.push(session.peek(reference)?);
    }
    Ok(ReplyBody::Fresh(Box::new(Fresh {
        mark,
        today,
        operator: session.operator.clone(),
        calendar: session.calendar.clone(),
        counts,
        queue,
        details,
    })))
}

/// The pause before attempt `attempt` (the first is at once): 1, 2, 4, 8, then 15 s.
pub fn backoff(attempt: u32) -> Duration {
    match attempt {
        0 | 1 => Duration::ZERO,
        n => Duration::from_secs(1 << (n - 2).min(4)).min(MAX_BACKOFF),
    }
}

/// Connects again, telling the screen before each attempt, until it works (or the screen
/// has gone: `None`). Jobs that come meanwhile: a refresh is answered [`ReplyBody::Skipped`],
/// a reconnect adds its write to check.
fn reconnect(
    session: &mut Session,
    mut check: Option<(String, Option<i64>)>,
    jobs: &Receiver<Job>,
    replies: &Sender<Reply>,
    cause: &Error,
) -> Option<ReplyBody> {
    let mut why = match cause {
        Error::Store(StoreError::Lost(w)) => w.clone(),
        other => crate::i18n::localize::Localize::localized(other),
    };
    let mut attempt = 1;
    loop {
        let retry_in = backoff(attempt);
        let notice = ReplyBody::Lost { attempt, retry_in, why: why.clone() };
        replies.send(Reply { generation: 0, calls: 0, body: notice }).ok()?;
        let until = Instant::now() + retry_in;
        // Waits out the pause (the backoff itself, not a test's wait), answering jobs.
        while let Some(left) = until.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) {
            match jobs.recv_timeout(left) {
                Ok(Job::Refresh(RefreshJob { generation, .. }) | Job::Prefetch { generation, .. }) => {
                    let skipped = Reply { generation, calls: 0, body: ReplyBody::Skipped };
                    replies.send(skipped).ok()?;
                }
                Ok(Job::Open { token, .. }) => {
                    let lost = Box::new(Some(Err(Error::Store(StoreError::Lost(why.clone())))));
                    replies
                        .send(Reply {
                            generation: 0,
                            calls: 0,
                            body: ReplyBody::Opened { token, screen: lost },
                        })
                        .ok()?;
                }
                Ok(Job::Reconnect { check: c }) => check = check.or(c),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        let opened = session.connect_again().and_then(|mine| Ok((mine.connect_again()?, mine)));
        match opened {
            Ok((ui, mine)) => {
                *session = mine;
                let checked = check.map(|(reference, version)| {
                    let now = session.peek(&reference).ok().map(|d| d.request.version);
                    (reference, version, now)
                });
                return Some(ReplyBody::Reconnected { session: Box::new(ui), checked });
            }
            Err(e) => {
                why = match &e {
                    Error::Store(StoreError::Lost(w)) => w.clone(),
                    other => crate::i18n::localize::Localize::localized(other),
                };
                attempt += 1;
            }
        }
    }
}

/// What the queue shows, as far as a refresh's rows depend on it: a reply read for another
/// section, filter, search, sort or window is not applied.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Window {
    section: Option<Section>,
    sort: SortKey,
    search: String,
    filters: super::screens::queue::Filters,
    anchor: Option<Cursor>,
    rows: usize,
    first: Option<i64>,
    last: Option<i64>,
    groups: usize,
}

impl Window {
    pub fn of(q: &QueueState) -> Window {
        Window {
            section: q.section,
            sort: q.sort,
            search: q.search.clone(),
            filters: q.filters.clone(),
            anchor: q.anchor.clone(),
            rows: q.rows.len(),
            first: q.rows.first().map(|r| r.id.0),
            last: q.rows.last().map(|r| r.id.0),
            groups: q.groups.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_grows_to_fifteen_seconds() {
        let secs: Vec<u64> = (1..=8).map(|a| backoff(a).as_secs()).collect();
        assert_eq!(secs, [0, 1, 2, 4, 8, 15, 15, 15]);
    }
}
