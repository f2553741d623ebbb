//! The app's side of the worker (see [`worker`](crate::tui::worker)): the periodic tick
//! asks it, replies are applied when still current, and a lost connection is shown and
//! mended without losing what was typed.

use super::{App, Message, Screen};
use crate::i18n::tf;
use crate::store::ChangeMark;
use crate::tui::action::Command;
use crate::tui::component::Ctx;
use crate::tui::effect::UseCase;
use crate::tui::worker::{Checked, Fresh, Job, RefreshJob, Reply, ReplyBody, Window, Worker};

/// The connection's state as the screen knows it.
#[derive(Default)]
pub struct Link {
    /// The reader off the screen thread; `None` reads on the screen thread (an in-memory
    /// database has no second connection).
    pub worker: Option<Worker>,
    /// Moves on whenever the screen reads or writes for itself: replies of an older one are
    /// dropped.
    pub generation: u64,
    /// The change mark of what is shown (`None`: everything is read at the next tick).
    pub mark: Option<ChangeMark>,
    /// A refresh was asked and its reply has not come (the busy mark shows).
    pub waiting: bool,
    /// A read-ahead of the queue was asked and its reply has not come.
    pub prefetching: bool,
    /// The queue's window when the read-ahead was asked.
    pub(crate) prefetch_for: Window,
    /// The queue's window when the refresh was asked.
    pub(crate) asked_for: Window,
    /// The connection is lost: the attempt to connect again and its pause in seconds.
    pub offline: Option<(u32, u64)>,
    /// A write the connection broke under: its request and version (read again on
    /// reconnecting).
    pub uncertain: Option<(String, Option<i64>)>,
    /// Replies dropped as stale (for tests and the log).
    pub dropped: u64,
    /// The token of the screen asked of the worker ([`Job::Open`]) that has not come yet.
    pub opening: Option<u64>,
    /// The token of the last [`Job::Open`].
    pub last_token: u64,
}

impl Link {
    /// Whether a reply is expected (the screen then polls for it often).
    pub fn expecting(&self) -> bool {
        self.waiting || self.prefetching || self.opening.is_some() || self.offline.is_some()
    }

    /// The busy mark: a read is under way or the connection is being mended.
    pub fn busy(&self) -> bool {
        self.expecting()
    }
}

/// The request and version a write acts on, when the connection breaks under it.
fn target(op: &UseCase) -> Option<(String, Option<i64>)> {
    Some(match op {
        UseCase::Respond { reference, version, .. }
        | UseCase::Assign { reference, version, .. }
        | UseCase::Take { reference, version }
        | UseCase::SetStatus { reference, version, .. }
        | UseCase::Withdraw { reference, version, .. }
        | UseCase::Reopen { reference, version, .. }
        | UseCase::Extend { reference, version, .. }
        | UseCase::CloseDuplicate { reference, version, .. } => (reference.clone(), Some(*version)),
        UseCase::Note { reference, .. }
        | UseCase::Pause { reference, .. }
        | UseCase::Resume { reference }
        | UseCase::Attach { reference, .. }
        | UseCase::SaveAttachment { reference, .. }
        | UseCase::Letter { reference, .. }
        | UseCase::SaveLetter { reference, .. }
        | UseCase::MoveOffice { reference, .. } => (reference.clone(), None),
        UseCase::Register { .. } | UseCase::AssignMarked { .. } => (String::new(), None),
        UseCase::Discard
        | UseCase::QuitDiscarding
        | UseCase::RestoreDraft { .. }
        | UseCase::DropDraft { .. } => {
            return None;
        }
    })
}

/// The status line while connecting again: the attempt and the pause before it.
fn lost_text(attempt: u32, seconds: u64) -> String {
    if seconds == 0 {
        crate::i18n::t("msg.connection_lost_now").to_string()
    } else {
        tf("msg.connection_lost", &[("attempt", &attempt), ("seconds", &seconds)])
    }
}

impl App {
    /// Starts reading off the screen thread on a second connection of this session's
    /// database. Without one (an in-memory database) the screen thread reads.
    pub fn start_worker(&mut self) {
        if let Ok(second) = self.session.connect_again() {
            self.link.worker = Worker::spawn(second).ok();
        }
    }

    /// Asks the worker for the screen `cmd` opens, when it is one of the screens that read
    /// much (the dashboard, the monthly report, the audit log with its verification) and a
    /// worker is there: the queue stays live meanwhile, with the busy mark, and the screen
    /// opens when it comes (unless Esc, another screen or a dialog came first). `false`: the
    /// screen thread reads it itself.
    pub(super) fn open_off_thread(&mut self, cmd: Command) -> bool {
        if !matches!(cmd, Command::ShowDashboard | Command::ShowReport | Command::ShowAudit) {
            return false;
        }
        let Some(worker) = &self.link.worker else { return false };
        if self.link.offline.is_some() {
            return false;
        }
        self.link.last_token += 1;
        let token = self.link.last_token;
        if worker.send(Job::Open { token, cmd, today: self.today }) {
            self.link.opening = Some(token);
            return true;
        }
        false
    }

    /// The 2-second tick: asks the worker (or, without one, reads here), and re-reads only
    /// when the change counter moved.
    pub(super) fn tick(&mut self) {
        if self.link.offline.is_some() {
            return;
        }
        if let Some(worker) = &self.link.worker {
            if self.link.waiting {
                return;
            }
            let job = RefreshJob {
                generation: self.link.generation,
                since: self.link.mark,
                today: self.today,
                queue: Box::new(self.queue.clone()),
                scope: self.counts_scope(),
                details: self
                    .screens
                    .iter()
                    .filter_map(|s| match s {
                        Screen::Detail(d) => Some(d.request().reference.clone()),
                        _ => None,
                    })
                    .collect(),
            };
            self.link.asked_for = Window::of(&self.queue);
            self.link.waiting = worker.send(Job::Refresh(job));
            return;
        }
        match self.session.change_mark() {
            Ok(m) if Some(m) == self.link.mark && self.session.today() == self.today => {}
            _ => self.refresh(),
        }
    }

    /// Before the screen reads or writes for itself: a reply asked earlier is no longer
    /// current. Notes the change mark the coming read will be as new as.
    pub(super) fn new_generation(&mut self) {
        self.link.generation += 1;
        self.link.mark = self.session.change_mark().ok();
    }

    /// Applies the replies that came; whether anything changed on screen.
    pub fn poll_worker(&mut self) -> bool {
        let mut any = false;
        while let Some(reply) = self.link.worker.as_ref().and_then(Worker::try_reply) {
            self.apply_reply(reply);
            any = true;
        }
        any
    }

    /// Waits for the worker's next reply and applies it (tests).
    pub fn wait_worker(&mut self) -> Option<u64> {
        let reply = self.link.worker.as_ref()?.wait_reply(std::time::Duration::from_mins(1))?;
        let calls = reply.calls;
        self.apply_reply(reply);
        Some(calls)
    }

    pub fn apply_reply(&mut self, reply: Reply) {
        let current = reply.generation == self.link.generation;
        match reply.body {
            ReplyBody::Unchanged(mark) => {
                self.link.waiting = false;
                if current {
                    self.link.mark = Some(mark);
                }
            }
            ReplyBody::Skipped => {
                self.link.waiting = false;
                self.link.prefetching = false;
            }
            ReplyBody::Opened { token, screen } => {
                if self.link.opening == Some(token) {
                    self.link.opening = None;
                    match *screen {
                        // A dialog opened meanwhile stays on top: the screen is not pushed under it.
                        Some(Ok(s)) if self.overlays.is_empty() => self.open_screen(s),
                        Some(Err(e)) => self.error(crate::i18n::localize::Localize::localized(&e)),
                        _ => self.link.dropped += 1,
                    }
                } else {
                    self.link.dropped += 1;
                }
            }
            ReplyBody::Prefetched(q) => {
                self.link.prefetching = false;
                if current && self.link.prefetch_for == Window::of(&self.queue) {
                    self.apply_prefetch(*q);
                } else {
                    self.link.dropped += 1;
                }
            }
            ReplyBody::Failed(e) => {
                self.link.waiting = false;
                self.link.prefetching = false;
                if current {
                    self.error(crate::i18n::localize::Localize::localized(&e));
                }
            }
            ReplyBody::Fresh(f) => {
                self.link.waiting = false;
                if current && self.link.asked_for == Window::of(&self.queue) {
                    self.apply_fresh(*f);
                } else {
                    // Read for what the operator has left: the next tick reads again.
                    self.link.dropped += 1;
                }
            }
            ReplyBody::Lost { attempt, retry_in, why: _ } => {
                let seconds = retry_in.as_secs();
                self.link.offline = Some((attempt, seconds));
                self.message = Some(Message { text: lost_text(attempt, seconds), is_error: true });
            }
            ReplyBody::Reconnected { session, checked } => self.reconnected(*session, checked),
        }
    }

    /// Asks the worker to read ahead of the selection; `false` without a worker (the
    /// screen thread then reads ahead itself).
    pub(super) fn prefetch_off_thread(&mut self) -> bool {
        let Some(worker) = &self.link.worker else { return false };
        if self.link.offline.is_some() || self.link.prefetching {
            // Asked already (or connecting again): the move is forgotten, as a read would.
            self.queue.last_move = 0;
            return true;
        }
        let job = Job::Prefetch {
            generation: self.link.generation,
            today: self.today,
            queue: Box::new(self.queue.clone()),
        };
        self.queue.last_move = 0;
        self.link.prefetch_for = Window::of(&self.queue);
        self.link.prefetching = worker.send(job);
        true
    }

    /// Takes the rows read ahead, keeping the selection on the request it is on now (keys
    /// may have moved it meanwhile) and the table where it was.
    fn apply_prefetch(&mut self, q: crate::tui::screens::queue::QueueState) {
        let keep = self.queue.selected_row().map(|r| r.id);
        // How far the rows still shown moved in the window (rows added above, or dropped).
        let shift = self
            .queue
            .rows
            .iter()
            .enumerate()
            .find_map(|(i, r)| q.rows.iter().position(|n| n.id == r.id).map(|j| j as isize - i as isize));
        let Some(shift) = shift else { return };
        let selected = self.queue.selected as isize + shift;
        self.queue.rows = q.rows;
        self.queue.anchor = q.anchor;
        self.queue.at_end = q.at_end;
        self.queue.selected = match keep.and_then(|id| self.queue.rows.iter().position(|r| r.id == id)) {
            Some(i) => i,
            None => selected.clamp(0, self.queue.rows.len().saturating_sub(1) as isize) as usize,
        };
        let offset = self.queue.offset.get() as isize + shift;
        self.queue.offset.set(offset.max(0) as usize);
    }

    fn apply_fresh(&mut self, f: Fresh) {
        let keep = self.queue.selected_row().map(|r| r.id);
        let q = *f.queue;
        self.queue.rows = q.rows;
        self.queue.at_end = q.at_end;
        self.queue.total = q.total;
        self.queue.counted = q.counted;
        self.queue.db_is_empty = q.db_is_empty;
        self.queue.groups = q.groups;
        self.queue.pending_groups = q.pending_groups;
        // The selection stays on the request the operator is on now (keys moved it while
        // the worker read).
        if let Some(id) = keep
            && let Some(i) = self.queue.rows.iter().position(|r| r.id == id)
        {
            self.queue.selected = i;
        }
        self.queue.selected = self.queue.selected.min(self.queue.rows.len().saturating_sub(1));
        self.session.operator = f.operator;
        self.session.calendar = f.calendar;
        self.today = f.today;
        self.counts = f.counts;
        self.counts_known = true;
        self.link.mark = Some(f.mark);
        let mut details = f.details.into_iter().map(|d| (d.request.reference.clone(), d)).collect::<Vec<_>>();
        let ctx = Ctx { session: &self.session, today: self.today, keymap: &self.keymap };
        let mut problem = None;
        for s in &mut self.screens {
            match s {
                Screen::Detail(d) => {
                    if let Some(i) = details.iter().position(|(r, _)| *r == d.request().reference) {
                        d.detail = details.swap_remove(i).1;
                    }
                }
                // The supervisors' screens and the calendar re-read here, and only when
                // something changed.
                other => {
                    if let Err(e) = other.component_mut().refresh(&ctx) {
                        problem = Some(crate::i18n::localize::Localize::localized(&e));
                    }
                }
            }
        }
        if let Some(p) = problem {
            self.error(p);
        }
    }

    /// Runs a use case; when the connection breaks under it, the form stays (as on any
    /// failure), the clerk is told, and the worker is asked to connect again and read what
    /// became of it.
    pub(super) fn execute_watched(&mut self, op: UseCase) {
        let what = target(&op);
        self.link.generation += 1;
        self.execute(op);
        if !self.session.connection_lost() {
            return;
        }
        // Whether it reached the database is not known: the form stays (the write failed
        // as far as this screen knows), and the fate is read once connected again.
        let Some((reference, version)) = what else { return };
        let text = if reference.is_empty() {
            crate::i18n::t("msg.write_uncertain_new").to_string()
        } else {
            tf("msg.write_uncertain", &[("reference", &reference)])
        };
        self.link.uncertain = Some((reference, version));
        self.error(text);
        if self.link.offline.is_some() {
            // Already connecting again: the worker adds this write to what it checks.
            let check = self.link.uncertain.clone().filter(|(r, _)| !r.is_empty());
            if let Some(w) = &self.link.worker {
                w.send(Job::Reconnect { check });
            }
        } else {
            self.connection_broke();
        }
    }

    /// After the screen thread's own read or write: a broken connection is mended by the
    /// worker, and the screen says so.
    pub(super) fn connection_broke(&mut self) {
        if self.link.offline.is_some() || !self.session.connection_lost() {
            return;
        }
        let check = self.link.uncertain.clone().filter(|(r, _)| !r.is_empty());
        if let Some(w) = &self.link.worker
            && w.send(Job::Reconnect { check })
        {
            self.link.offline = Some((1, 0));
            if self.link.uncertain.is_none() {
                self.message = Some(Message { text: lost_text(1, 0), is_error: true });
            }
        }
    }

    fn reconnected(&mut self, session: crate::service::Session, checked: Option<Checked>) {
        self.session = session;
        self.link.offline = None;
        self.link.waiting = false;
        // Everything is read again at the next tick.
        self.link.generation += 1;
        self.link.mark = None;
        let uncertain = self.link.uncertain.take();
        let outcome = match (uncertain, checked) {
            (None, _) => None,
            (Some(_), Some((reference, Some(was), Some(now)))) if now > was => {
                Some(tf("msg.write_went_through", &[("reference", &reference)]))
            }
            (Some(_), Some((reference, Some(was), Some(now)))) if now == was => {
                Some(tf("msg.write_not_saved", &[("reference", &reference)]))
            }
            (Some(_), _) => Some(crate::i18n::t("msg.write_unknown").to_string()),
        };
        // The write's fate says the connection is back; alone it fits one line at 80 columns.
        let text = outcome.unwrap_or_else(|| crate::i18n::t("msg.reconnected").to_string());
        self.message = Some(Message { text, is_error: false });
    }
}
