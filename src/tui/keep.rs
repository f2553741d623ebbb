//! Nothing typed is lost (issue 15): which open forms hold typed changes, the question
//! before one is closed or aryz quits, and their drafts — kept after each batch of keys,
//! offered back when the form opens again, deleted when it is saved or discarded. The app
//! asks these functions what to do and applies the effect they return.

use std::collections::BTreeMap;

use super::component::{Component, Ctx};
use super::drafts::Drafts;
use super::effect::{Effect, Question, UseCase};
use super::widgets::form::Values;
use crate::i18n::{t, tf};

/// The open forms holding typed changes: their draft names and values.
pub fn unsaved<'a>(open: impl IntoIterator<Item = &'a dyn Component>) -> BTreeMap<String, Values> {
    open.into_iter()
        .filter_map(|c| c.draft())
        .filter(|(_, form)| form.is_dirty())
        .map(|(key, form)| (key, form.values()))
        .collect()
}

/// Keeps what the open forms hold as drafts; the error to show when it could not.
pub fn sync(drafts: Option<&mut Drafts>, current: BTreeMap<String, Values>) -> Option<String> {
    let drafts = drafts?;
    let e = drafts.sync(current).err()?;
    let dir = drafts.dir().display().to_string();
    Some(tf("draft.not_kept", &[("dir", &dir), ("error", &e.to_string())]))
}

/// A question whose "no" is the default (losing typed text is never the easy key).
fn ask(question: String, op: UseCase) -> Effect {
    Effect::Confirm(Box::new(Question { question, details: Vec::new(), op, yes_focused: false, on_no: None }))
}

/// A form's cancel: it closes, after a question when it holds typed changes.
pub fn cancel(top: &dyn Component) -> Effect {
    if top.draft().is_some_and(|(_, form)| form.is_dirty()) {
        ask(t("draft.discard").to_string(), UseCase::Discard)
    } else {
        Effect::Close
    }
}

/// Quit (also Ctrl-C): at once, or after a question when `unsaved` forms hold typed
/// changes. `asking` is whether that question is already on top (a second Ctrl-C does not
/// stack another).
pub fn quit(unsaved: usize, asking: bool) -> Effect {
    match (unsaved, asking) {
        (0, _) => Effect::Quit,
        (_, true) => Effect::None,
        (n, false) => ask(crate::i18n::tn("draft.quit", n as u64, &[]), UseCase::QuitDiscarding),
    }
}

/// The form on top closes without saving, and its draft (named `key`) goes with it.
pub fn discard(key: Option<String>, drafts: Option<&mut Drafts>) -> Effect {
    let deleted = match (key, drafts) {
        (Some(key), Some(drafts)) => drafts.delete(&key),
        _ => Ok(()),
    };
    match deleted {
        Ok(()) => Effect::Close,
        Err(e) => Effect::Batch(vec![Effect::Close, Effect::Message(e.to_string(), true)]),
    }
}

/// aryz quits, deleting the drafts of the open forms (the operator chose to lose them).
pub fn quit_discarding(keys: impl IntoIterator<Item = String>, drafts: Option<&mut Drafts>) -> Effect {
    if let Some(drafts) = drafts {
        for key in keys {
            // Quitting anyway: a draft that cannot be deleted is offered again next time.
            let _ = drafts.delete(&key);
        }
    }
    Effect::Quit
}

/// When the form just opened on top has a kept draft: the question whether to put it back,
/// with a short look at the texts it would put back.
pub fn offer(top: &dyn Component, drafts: Option<&Drafts>) -> Option<Effect> {
    let (key, form) = top.draft()?;
    let draft = drafts?.load(&key)?;
    let mut back = form.clone();
    back.restore(&draft.values);
    // `back` is a copy of `form`: the same fields in the same order.
    let details = form
        .fields
        .iter()
        .zip(&back.fields)
        .filter(|(now, f)| f.is_text() && now.value() != f.value())
        .take(4)
        .map(|(_, f)| {
            let text = f.value();
            let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
            let shown = format!("{}: {line}", f.label);
            crate::domain::safe_text::clean(&super::widgets::wrap::ellipsis(&shown, 60))
        })
        .collect();
    Some(Effect::Confirm(Box::new(Question {
        question: tf("draft.offer", &[("saved", &draft.saved)]),
        details,
        op: UseCase::RestoreDraft { key: key.clone(), values: draft.values },
        yes_focused: true,
        on_no: Some(Box::new(UseCase::DropDraft { key })),
    })))
}

/// Puts a kept draft back into `top`, when it is the form the draft was offered for.
pub fn restore(top: &mut dyn Component, ctx: &Ctx<'_>, key: &str, values: &Values) -> bool {
    if top.draft().is_none_or(|(k, _)| k != key) {
        return false;
    }
    top.restore(values, ctx);
    true
}

/// The draft the operator did not want back is deleted.
pub fn drop(key: &str, drafts: Option<&mut Drafts>) -> Effect {
    match drafts.map(|d| d.delete(key)) {
        Some(Err(e)) => Effect::Message(e.to_string(), true),
        _ => Effect::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quitting_asks_once_and_only_when_something_was_typed() {
        assert!(matches!(quit(0, false), Effect::Quit));
        assert!(matches!(quit(2, true), Effect::None), "a second Ctrl-C stacks no second question");
        match quit(2, false) {
            Effect::Confirm(q) => {
                assert!(!q.yes_focused, "no is the default");
                assert!(matches!(q.op, UseCase::QuitDiscarding));
            }
            other => panic!("{other:?}"),
        }
    }
}
