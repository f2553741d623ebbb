//! The response form: outcome, refusal ground (with its citation), per-category actions for
//! correction, blocking and destruction, text, date and channel. Saving asks to confirm.

use std::borrow::Cow;

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Widget;

use crate::domain::format::date_dmy;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, RequestKind};
use crate::domain::outcome::{CategoryAction, IdentityAtAnswer, Outcome, Response, discloses_personal_data};
use crate::domain::referral::{CopyMedium, ResponseDetails};
use crate::domain::request::SubjectRequest;
use crate::i18n::{label, label_owned, t, tf};
use crate::service::Session;
use crate::tui::input::parse_date;
use crate::tui::screens::intake::options;
use crate::tui::theme::Theme;
use crate::tui::widgets::field_id::{FieldId, Invalid, Named, Read};
use crate::tui::widgets::form::{Field, Form, FormView, Opt};

/// The response form's fields, named as the services name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseField {
    Outcome,
    Ground,
    /// What is done with one category of the subject's data.
    Action(DataCategory),
    IdentityVerifiedBy,
    IdentityOverride,
    Text,
    Responded,
    /// Why the answer is dated before today.
    BackdateReason,
    Channel,
    Medium,
    Charged,
    ReferredTo,
}

impl FieldId for ResponseField {
    fn id(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            ResponseField::Outcome => "outcome",
            ResponseField::Ground => "ground",
            ResponseField::Action(c) => return Cow::Owned(format!("action:{}", c.code())),
            ResponseField::IdentityVerifiedBy => "identity_verified_by",
            ResponseField::IdentityOverride => "identity_override",
            ResponseField::Text => "text",
            ResponseField::Responded => "responded",
            ResponseField::BackdateReason => "reason",
            ResponseField::Channel => "channel",
            ResponseField::Medium => "medium",
            ResponseField::Charged => "charged",
            ResponseField::ReferredTo => "referred_to",
        })
    }
}

#[derive(Debug)]
pub struct ResponseState {
    pub reference: String,
    pub version: i64,
    pub kind: RequestKind,
    /// The appeal's language: the reply's, and the standard texts offered.
    pub lang: crate::domain::kind::Language,
    pub received_on: NaiveDate,
    /// How the subject's identity was checked: disclosing to an unverified subject is warned
    /// about here (the service decides).
    pub identity: IdentityMethod,
    /// The categories that get an action each (correction, blocking, destruction).
    pub categories: Vec<DataCategory>,
    pub form: Form,
}

impl ResponseState {
    pub fn new(session: &Session, r: &SubjectRequest, today: NaiveDate) -> ResponseState {
        let mut grounds = vec![Opt::new("", t("response.no_ground"))];
        // Only the grounds that may refuse this kind of request (the outcome is checked on saving).
        grounds.extend(
            session
                .grounds
                .iter()
                .filter(|g| g.kinds.is_empty() || g.kinds.contains(&r.kind))
                .map(|g| Opt::new(g.code.clone(), label_owned("ground", &g.code))),
        );
        let mut fields = vec![
            Field::choice(
                ResponseField::Outcome,
                t("field.outcome"),
                options(Outcome::ALL, "outcome", Outcome::code),
                "fulfilled",
            ),
            Field::choice(ResponseField::Ground, t("field.ground"), grounds, ""),
        ];
        if r.kind.acts_on_categories() {
            let mut acts = vec![Opt::new("", t("response.no_action"))];
            acts.extend(options(CategoryAction::ALL, "category_action", CategoryAction::code));
            for c in &r.categories {
                let name = tf("response.action_for", &[("category", &label("category", c.code()))]);
                fields.push(Field::choice(ResponseField::Action(*c), &name, acts.clone(), "done"));
            }
        }
        // An answer that would disclose personal data to a subject whose identity is not
        // verified: how it was verified now, or (supervisors) why disclose anyway.
        if r.identity == IdentityMethod::NotVerified
            && matches!(r.kind, RequestKind::Access | RequestKind::Information)
        {
            let mut methods = vec![Opt::new("", t("response.not_verified_now"))];
            methods.extend(
                [IdentityMethod::ESignature, IdentityMethod::DocumentPresented]
                    .iter()
                    .map(|m| Opt::new(m.code(), label("identity", m.code()))),
            );
            fields.push(Field::choice(
                ResponseField::IdentityVerifiedBy,
                t("response.verified_by"),
                methods,
                "",
            ));
            if session.role() >= crate::domain::kind::Role::Supervisor {
                fields.push(Field::text(
                    ResponseField::IdentityOverride,
                    t("response.identity_override"),
                    "",
                ));
            }
        }
        let mut channels = vec![Opt::new("", t("response.no_channel"))];
        channels.extend(options(Channel::ALL, "channel", Channel::code));
        fields.push(Field::area(ResponseField::Text, t("field.text"), ""));
        fields.push(Field::text(ResponseField::Responded, t("field.responded"), &date_dmy(today)));
        fields.push(Field::text(ResponseField::BackdateReason, t("supervision.backdate_reason"), ""));
        fields.push(Field::choice(
            ResponseField::Channel,
            t("field.response_channel"),
            channels,
            r.channel.code(),
        ));
        // What the letter needs to be complete: the copy's medium (access) and the receiving
        // body (a referral), chosen from the bodies an admin keeps in bodies.toml.
        if r.kind == RequestKind::Access {
            let mut media = vec![Opt::new("", t("response_details.no_medium"))];
            media.extend(options(CopyMedium::ALL, "medium", CopyMedium::code));
            fields.push(Field::choice(ResponseField::Medium, t("response_details.medium"), media, ""));
            let charged = vec![
                Opt::new("no", t("response_details.free")),
                Opt::new("yes", t("response_details.charged")),
            ];
            fields.push(Field::choice(ResponseField::Charged, t("response_details.charge"), charged, "no"));
        }
        let mut bodies = vec![Opt::new("", t("response_details.no_body"))];
        let lang = crate::domain::kind::Language::ALL
            .iter()
            .copied()
            .find(|l| l.code() == crate::i18n::current().code())
            .unwrap_or(crate::domain::kind::Language::En);
        bodies.extend(session.bodies.iter().map(|b| Opt::new(b.code.clone(), b.name(lang))));
        fields.push(Field::choice(ResponseField::ReferredTo, t("response_details.referred_to"), bodies, ""));
        let mut s = ResponseState {
            reference: r.reference.clone(),
            version: r.version,
            kind: r.kind,
            lang: r.lang,
            received_on: r.received_on,
            identity: r.identity,
            categories: if r.kind.acts_on_categories() { r.categories.clone() } else { Vec::new() },
            form: Form::new(fields),
        };
        // The hint under the ground, and warnings from the start (an unverified identity).
        s.validate(session, today);
        s
    }

    /// Shows the citation and meaning of the chosen refusal ground under it.
    pub fn update_hint(&mut self, session: &Session) {
        let code = self.form.choice(ResponseField::Ground).to_string();
        let hint = session.grounds.iter().find(|g| g.code == code).map(|g| {
            let citation = crate::i18n::localized("ground_citation", &g.code, &g.citation);
            format!("{citation} — {}", crate::i18n::localized("ground_description", &g.code, &g.description))
        });
        if let Some(f) = self.form.field_mut(ResponseField::Ground) {
            f.hint = hint;
        }
    }

    /// The service refused a disclosure to an unverified subject: the way out, under the
    /// field that gives it (how the identity was verified now, else the outcome).
    pub fn identity_needed(&mut self) {
        let field = if self.form.field(ResponseField::IdentityVerifiedBy).is_some() {
            ResponseField::IdentityVerifiedBy
        } else {
            ResponseField::Outcome
        };
        self.form.set_error(field, t("response.identity_needed").to_string());
    }

    /// Builds and checks the response; errors go under their fields.
    pub fn validate(&mut self, session: &Session, today: NaiveDate) -> Option<Response> {
        self.update_hint(session);
        let f = &mut self.form;
        f.clear_messages();
        let read = Read(f);
        let response = (|| {
            let outcome = read.parsed::<Outcome>(ResponseField::Outcome)?;
            let ground = Some(read.choice(ResponseField::Ground)?).filter(|g| !g.is_empty());
            let channel = read.optional::<Channel>(ResponseField::Channel)?;
            // One action per category of the request ("" is none chosen).
            let mut actions: Vec<(DataCategory, CategoryAction)> = Vec::new();
            for c in &self.categories {
                if let Some(a) = read.optional::<CategoryAction>(ResponseField::Action(*c))? {
                    actions.push((*c, a));
                }
            }
            let responded_on = parse_date(&read.text(ResponseField::Responded)?)
                .map_err(|e| Invalid::new(ResponseField::Responded, e))?;
            // The fields this request's form has: the copy's medium and charge (access), and
            // the identity check (a disclosure to an unverified subject).
            let has = |x: ResponseField| read.0.field(x).is_some();
            let details = ResponseDetails {
                copy_medium: if has(ResponseField::Medium) {
                    read.optional::<CopyMedium>(ResponseField::Medium)?
                } else {
                    None
                },
                copy_charged: has(ResponseField::Charged) && read.choice(ResponseField::Charged)? == "yes",
                referred_to: Some(read.choice(ResponseField::ReferredTo)?).filter(|b| !b.is_empty()),
            };
            let identity = IdentityAtAnswer {
                verified_by: if has(ResponseField::IdentityVerifiedBy) {
                    read.optional::<IdentityMethod>(ResponseField::IdentityVerifiedBy)?
                } else {
                    None
                },
                override_reason: if has(ResponseField::IdentityOverride) {
                    Some(read.text(ResponseField::IdentityOverride)?).filter(|w| !w.is_empty())
                } else {
                    None
                },
            };
            Ok::<_, Invalid>(Response {
                outcome,
                ground,
                text: read.text(ResponseField::Text)?,
                responded_on,
                channel,
                actions,
                details,
                backdate_reason: read.text(ResponseField::BackdateReason)?,
                identity,
            })
        })();
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                f.set_error(Named(&e.field), e.error);
                return None;
            }
        };
        let outcome = response.outcome;
        // Personal data handed to someone whose identity was not checked is a breach: the
        // service refuses it unless verified now or overridden by a supervisor.
        let unverified = self.identity == IdentityMethod::NotVerified
            && response.identity.verified_by.is_none()
            && response.identity.override_reason.is_none();
        if discloses_personal_data(self.kind, outcome) && unverified {
            f.set_warning(ResponseField::Outcome, t("response.unverified_identity").to_string());
        }
        let checked = response
            .validate(self.kind, self.received_on, today, &session.grounds)
            .and_then(|()| response.details.validate(self.kind, response.outcome, &session.bodies));
        match checked {
            Ok(()) => Some(response),
            Err(e) => {
                // The service names the category actions as one field: the first one shows it.
                match self.categories.first() {
                    Some(c) if e.field == "action" => f.set_error(ResponseField::Action(*c), e.rule.text()),
                    _ => f.set_error(Named(&e.field), e.rule.text()),
                }
                None
            }
        }
    }
}

pub(crate) struct ResponseView<'a> {
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

/// The response form's own part of the shared form screen: checking, the question before
/// the answer is recorded, standard texts, drawing.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    use super::{ResponseField, ResponseState, ResponseView};
    use crate::domain::format::date_dmy;
    use crate::domain::outcome::Outcome;
    use crate::i18n::{label, tf};
    use crate::tui::action::Command;
    use crate::tui::component::{Ctx, Env};
    use crate::tui::effect::{Effect, Question, UseCase};
    use crate::tui::screens::form_screen::FormLogic;
    use crate::tui::widgets::field_id::Read;
    use crate::tui::widgets::form::Form;

    impl FormLogic for ResponseState {
        fn form(&self) -> &Form {
            &self.form
        }

        fn form_mut(&mut self) -> &mut Form {
            &mut self.form
        }

        fn check(&mut self, ctx: &Ctx<'_>) {
            self.validate(ctx.session, ctx.today);
        }

        /// Asks before the answer is recorded.
        fn save(&mut self, ctx: &Ctx<'_>) -> Effect {
            self.form.show_all_errors = true;
            let Some(response) = self.validate(ctx.session, ctx.today) else {
                return self.form.fix_first_error().map_or(Effect::None, |text| Effect::Message(text, true));
            };
            let question = tf(
                "confirm.respond",
                &[
                    ("reference", &self.reference),
                    ("outcome", &label("outcome", response.outcome.code())),
                    ("date", &date_dmy(response.responded_on)),
                ],
            );
            let op = UseCase::Respond { reference: self.reference.clone(), response, version: self.version };
            // Warnings (an unverified identity) are read again in the question.
            Effect::Confirm(Box::new(Question {
                question,
                details: self.form.warnings(),
                op,
                yes_focused: true,
                on_no: None,
            }))
        }

        fn draft_name(&self) -> String {
            format!("response-{}", self.reference)
        }

        /// Ctrl-T: the standard texts for this kind, the chosen outcome and the language.
        fn command(&mut self, cmd: Command, _ctx: &Ctx<'_>) -> Option<Effect> {
            (cmd == Command::InsertText).then(|| {
                match Read(&self.form).parsed::<Outcome>(ResponseField::Outcome) {
                    Ok(outcome) => Effect::Canned { kind: self.kind, outcome, lang: self.lang },
                    Err(e) => Effect::Message(e.error, true),
                }
            })
        }

        /// A standard text chosen: inserted at the cursor of the response text, to edit.
        fn answer(&mut self, text: String, ctx: &Ctx<'_>) -> Effect {
            if let Some(i) = self.form.index(ResponseField::Text) {
                self.form.focus = i;
            }
            self.form.insert_in_focused(&text);
            self.validate(ctx.session, ctx.today);
            Effect::None
        }

        fn bar(&self) -> Vec<Command> {
            use Command::{Cancel, InsertText, NextField, NextOption, Save, ShowHelp};
            vec![NextField, NextOption, Save, InsertText, Cancel, ShowHelp]
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            ResponseView { state: self, theme: env.theme, focused: env.focused }.render(area, buf);
        }
    }
}
