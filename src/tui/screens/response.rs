//! The response form: outcome, refusal ground (with its citation), per-category actions for
//! correction, blocking and destruction, text, date and channel. Saving asks to confirm.

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Widget;

use crate::domain::format::date_dmy;
use crate::domain::kind::{Channel, DataCategory, RequestKind};
use crate::domain::outcome::{CategoryAction, Outcome, Response};
use crate::domain::request::SubjectRequest;
use crate::i18n::{label, label_owned, t, tf};
use crate::service::Session;
use crate::tui::input::parse_date;
use crate::tui::screens::intake::options;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Field, Form, FormView, Opt};

const ACTION_PREFIX: &str = "action:";

#[derive(Debug)]
pub struct ResponseState {
    pub reference: String,
    pub version: i64,
    pub kind: RequestKind,
    pub received_on: NaiveDate,
    pub form: Form,
}

impl ResponseState {
    pub fn new(session: &Session, r: &SubjectRequest, today: NaiveDate) -> ResponseState {
        let mut grounds = vec![Opt::new("", t("response.no_ground"))];
        grounds
            .extend(session.grounds.iter().map(|g| Opt::new(g.code.clone(), label_owned("ground", &g.code))));
        let mut fields = vec![
            Field::choice(
                "outcome",
                t("field.outcome"),
                options(Outcome::ALL, "outcome", Outcome::code),
                "fulfilled",
            ),
            Field::choice("ground", t("field.ground"), grounds, ""),
        ];
        if r.kind.acts_on_categories() {
            let mut acts = vec![Opt::new("", t("response.no_action"))];
            acts.extend(options(CategoryAction::ALL, "category_action", CategoryAction::code));
            for c in &r.categories {
                let id = format!("{ACTION_PREFIX}{}", c.code());
                let name = tf("response.action_for", &[("category", &label("category", c.code()))]);
                fields.push(Field::choice(&id, &name, acts.clone(), "done"));
            }
        }
        let mut channels = vec![Opt::new("", t("response.no_channel"))];
        channels.extend(options(Channel::ALL, "channel", Channel::code));
        fields.push(Field::text("text", t("field.text"), ""));
        fields.push(Field::text("responded", t("field.responded"), &date_dmy(today)));
        fields.push(Field::text("reason", t("supervision.backdate_reason"), ""));
        fields.push(Field::choice("channel", t("field.response_channel"), channels, r.channel.code()));
        let mut s = ResponseState {
            reference: r.reference.clone(),
            version: r.version,
            kind: r.kind,
            received_on: r.received_on,
            form: Form::new(fields),
        };
        s.update_hint(session);
        s
    }

    /// Shows the citation and meaning of the chosen refusal ground under it.
    pub fn update_hint(&mut self, session: &Session) {
        let code = self.form.choice("ground").to_string();
        let hint = session.grounds.iter().find(|g| g.code == code).map(|g| {
            let citation = crate::i18n::localized("ground_citation", &g.code, &g.citation);
            format!("{citation} — {}", crate::i18n::localized("ground_description", &g.code, &g.description))
        });
        if let Some(f) = self.form.field_mut("ground") {
            f.hint = hint;
        }
    }

    /// Applies an edit to the focused field and re-checks the form when it changed.
    pub fn edit(&mut self, session: &Session, today: NaiveDate, op: &crate::tui::widgets::line_edit::EditOp) {
        if self.form.edit(op) {
            self.validate(session, today);
        }
    }

    /// Builds and checks the response; errors go under their fields.
    pub fn validate(&mut self, session: &Session, today: NaiveDate) -> Option<Response> {
        self.update_hint(session);
        let f = &mut self.form;
        f.clear_messages();
        let outcome: Outcome = f.choice("outcome").parse().unwrap_or(Outcome::Fulfilled);
        let ground = Some(f.choice("ground").to_string()).filter(|g| !g.is_empty());
        let channel: Option<Channel> = f.choice("channel").parse().ok();
        let mut actions: Vec<(DataCategory, CategoryAction)> = Vec::new();
        let mut first_action_field = None;
        for field in &f.fields {
            if let Some(code) = field.id.strip_prefix(ACTION_PREFIX) {
                first_action_field.get_or_insert_with(|| field.id.clone());
                let chosen = f.choice(&field.id);
                if let (Ok(c), Ok(a)) = (code.parse::<DataCategory>(), chosen.parse::<CategoryAction>()) {
                    actions.push((c, a));
                }
            }
        }
        let responded_on = match parse_date(f.text("responded")) {
            Ok(d) => d,
            Err(e) => {
                f.set_error("responded", e);
                return None;
            }
        };
        let response = Response {
            outcome,
            ground,
            text: f.text("text").trim().to_string(),
            responded_on,
            channel,
            actions,
            backdate_reason: f.text("reason").trim().to_string(),
        };
        match response.validate(self.kind, self.received_on, today, &session.grounds) {
            Ok(()) => Some(response),
            Err(e) => {
                let field = if e.field == "action" {
                    first_action_field.unwrap_or(e.field.clone())
                } else {
                    e.field.clone()
                };
                f.set_error(&field, e.rule);
                None
            }
        }
    }
}

pub struct ResponseView<'a> {
    pub state: &'a ResponseState,
    pub theme: &'a Theme,
    pub focused: bool,
}

impl Widget for ResponseView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [title_area, form_area] =
            area.layout(&Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]));
        Line::styled(tf("response.title", &[("reference", &self.state.reference)]), self.theme.title)
            .render(title_area, buf);
        FormView { form: &self.state.form, theme: self.theme, focused: self.focused }.render(form_area, buf);
    }
}
