//! The intake form: every field of `aryz add`, checked as the operator types by the same
//! service check the command line uses. Errors block saving; warnings ask for confirmation.

use crate::i18n::localize::Localize;
use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use crate::domain::deadline::Deadline;
use crate::domain::format::date_dmy;
use crate::domain::identity::parse_passport;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind, Role};
use crate::domain::request::{NewRequest, Subject};
use crate::i18n::date_wd;
use crate::i18n::{label, t};
use crate::service::{Error, Session};
use crate::tui::input::{parse_date, parse_optional_date};
use crate::tui::theme::Theme;
use crate::tui::widgets::field_id::{Named, Read, field_ids};
use crate::tui::widgets::form::{Field, Form, FormView, Input, Opt};

field_ids! {
    /// The intake form's fields, named as `aryz add` and the services name them.
    IntakeField {
        Kind => "kind",
        Channel => "channel",
        Lang => "lang",
        Received => "received",
        Name => "name",
        Pin => "pin",
        BirthDate => "birth_date",
        Identity => "identity",
        Passport => "passport",
        PassportIssuer => "passport_issuer",
        PassportIssued => "passport_issued",
        Category => "category",
        Email => "email",
        Phone => "phone",
        Address => "address",
        Description => "description",
        AssignToMe => "assign_to_me",
    }
}

pub(crate) fn options<T: Copy>(all: &[T], prefix: &str, code: impl Fn(T) -> &'static str) -> Vec<Opt> {
    all.iter().map(|v| Opt::new(code(*v), label(prefix, code(*v)))).collect()
}

/// How identity may have been checked, with no default: "choose" first, then the methods
/// that fit the channel (an e-signature for the app and signed documents, a document shown
/// for a visit, none yet for e-mail and post, which carry no proof of who wrote).
pub fn identity_options(channel: Channel) -> Vec<Opt> {
    use IdentityMethod::{DocumentPresented, ESignature, NotVerified};
    let order: [IdentityMethod; 3] = match channel {
        Channel::SalykApp | Channel::ESignatureDocument => [ESignature, DocumentPresented, NotVerified],
        Channel::InPerson => [DocumentPresented, ESignature, NotVerified],
        Channel::Email | Channel::Post | Channel::Other => [NotVerified, DocumentPresented, ESignature],
    };
    let mut opts = vec![Opt::new("", t("editing.choose"))];
    opts.extend(order.iter().map(|m| Opt::new(m.code(), label("identity", m.code()))));
    opts
}

/// Opened by its global command (see [`super::Screen::opened_by`]), whose openers may fail.
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn open(
    session: &Session,
    today: NaiveDate,
) -> crate::service::Result<super::form_screen::FormScreen<IntakeState>> {
    Ok(super::form_screen::FormScreen(IntakeState::new(session, today)))
}

#[derive(Debug)]
pub struct IntakeState {
    pub form: Form,
    /// The deadlines the request would get, shown before saving.
    pub deadlines: Vec<Deadline>,
    /// A problem that belongs to no field (e.g. the database is busy).
    pub problem: Option<String>,
}

impl IntakeState {
    pub fn new(session: &Session, today: NaiveDate) -> IntakeState {
        let fields = vec![
            Field::choice(
                IntakeField::Kind,
                t("field.kind"),
                options(RequestKind::ALL, "kind", RequestKind::code),
                "access",
            ),
            Field::choice(
                IntakeField::Channel,
                t("field.channel"),
                options(Channel::ALL, "channel", Channel::code),
                "salyk_app",
            ),
            Field::choice(
                IntakeField::Lang,
                t("field.lang"),
                options(Language::ALL, "lang", Language::code),
                "ky",
            ),
            Field::text(IntakeField::Received, t("field.received"), &date_dmy(today)),
            Field::text(IntakeField::Name, t("field.name"), ""),
            Field::text(IntakeField::Pin, t("field.pin"), ""),
            Field::text(IntakeField::BirthDate, t("field.birth_date"), ""),
            Field::choice(
                IntakeField::Identity,
                t("field.identity"),
                identity_options(Channel::SalykApp),
                "",
            ),
            Field::text(IntakeField::Passport, t("field.passport"), ""),
            Field::text(IntakeField::PassportIssuer, t("field.passport_issuer"), ""),
            Field::text(IntakeField::PassportIssued, t("field.passport_issued"), ""),
            Field::multi(
                IntakeField::Category,
                t("field.categories"),
                options(DataCategory::ALL, "category", DataCategory::code),
            ),
            Field::text(IntakeField::Email, t("field.email"), ""),
            Field::text(IntakeField::Phone, t("field.phone"), ""),
            Field::text(IntakeField::Address, t("field.address"), ""),
            Field::area_of(IntakeField::Description, t("field.description"), "", 3),
            Field::toggle(IntakeField::AssignToMe, t("field.assign_to_me"), session.role() == Role::Clerk),
        ];
        let mut s = IntakeState { form: Form::new(fields), deadlines: Vec::new(), problem: None };
        s.validate(session, today);
        s
    }

    /// Re-checks the whole form; returns the request to register when nothing blocks it.
    pub fn validate(&mut self, session: &Session, today: NaiveDate) -> Option<NewRequest> {
        let f = &mut self.form;
        f.clear_messages();
        self.problem = None;
        // Each choice is read as its type: one that is not (never in a form built above) is an
        // error under its field, not a silent default.
        let read = Read(f);
        let (kind, channel, lang) = match (
            read.parsed::<RequestKind>(IntakeField::Kind),
            read.parsed::<Channel>(IntakeField::Channel),
            read.parsed::<Language>(IntakeField::Lang),
        ) {
            (Ok(k), Ok(c), Ok(l)) => (k, c, l),
            (k, c, l) => {
                for e in [k.err(), c.err(), l.err()].into_iter().flatten() {
                    f.set_error(Named(&e.field), e.error);
                }
                return None;
            }
        };
        // The identity options follow the channel, keeping what was chosen.
        let chosen = f.choice(IntakeField::Identity).to_string();
        if let Some(Field { input: Input::Choice { options, selected }, .. }) =
            f.field_mut(IntakeField::Identity)
        {
            *options = identity_options(channel);
            *selected = options.iter().position(|o| o.code == chosen).unwrap_or(0);
        }
        let mut ok = true;
        let identity: IdentityMethod = if let Ok(m) = f.choice(IntakeField::Identity).parse() {
            m
        } else {
            f.set_error(IntakeField::Identity, t("editing.identity_required").to_string());
            ok = false;
            IdentityMethod::NotVerified
        };
        let categories: Vec<DataCategory> = match Read(f).several(IntakeField::Category) {
            Ok(c) => c,
            Err(e) => {
                f.set_error(IntakeField::Category, e.error);
                ok = false;
                Vec::new()
            }
        };
        let received = match parse_date(f.text(IntakeField::Received)) {
            Ok(d) => Some(d),
            Err(e) => {
                f.set_error(IntakeField::Received, e);
                ok = false;
                None
            }
        };
        let birth_date = parse_optional_date(f.text(IntakeField::BirthDate)).unwrap_or_else(|e| {
            f.set_error(IntakeField::BirthDate, e);
            ok = false;
            None
        });
        let issued = parse_optional_date(f.text(IntakeField::PassportIssued)).unwrap_or_else(|e| {
            f.set_error(IntakeField::PassportIssued, e);
            ok = false;
            None
        });
        let mut passport = None;
        if !f.text(IntakeField::Passport).trim().is_empty() {
            match parse_passport(f.text(IntakeField::Passport), today, issued) {
                Ok((mut p, warnings)) => {
                    p.issuer = f.text(IntakeField::PassportIssuer).trim().to_string();
                    for w in warnings {
                        f.set_warning(Named(&w.field), w.message.text());
                    }
                    passport = Some(p);
                }
                Err(e) => {
                    f.set_error(Named(&e.field), e.rule.text());
                    ok = false;
                }
            }
        }
        self.deadlines = match received {
            Some(r) => {
                let mut d = session.rules.deadlines(kind, r, today, &session.calendar);
                crate::i18n::deadline::localize(&mut d, &session.rules, &session.calendar, r, today);
                d
            }
            None => Vec::new(),
        };
        let received = received?;
        let new = NewRequest {
            kind,
            channel,
            lang,
            received_on: received,
            identity,
            categories,
            description: f.text(IntakeField::Description).trim().to_string(),
            subject: Subject {
                name: f.text(IntakeField::Name).trim().to_string(),
                pin: f.text(IntakeField::Pin).trim().to_string(),
                birth_date,
                passport,
                address: f.text(IntakeField::Address).trim().to_string(),
                email: f.text(IntakeField::Email).trim().to_string(),
                phone: f.text(IntakeField::Phone).trim().to_string(),
            },
            representative: None,
            office: None,
        };
        match session.check_new_request(&new) {
            Ok((warnings, deadlines)) => {
                for w in warnings {
                    f.set_warning(Named(&w.field), w.message.text());
                }
                self.deadlines = deadlines;
                crate::i18n::deadline::localize(
                    &mut self.deadlines,
                    &session.rules,
                    &session.calendar,
                    received,
                    today,
                );
            }
            Err(Error::Invalid(e)) => {
                f.set_error(Named(&e.field), e.rule.text());
                ok = false;
            }
            Err(e) => {
                self.problem = Some(e.localized());
                ok = false;
            }
        }
        ok.then_some(new)
    }

    pub fn assignee<'s>(&self, session: &'s Session) -> Option<&'s str> {
        self.form.is_on(IntakeField::AssignToMe).then_some(session.operator.login.as_str())
    }
}

pub(crate) struct IntakeView<'a> {
    pub state: &'a IntakeState,
    pub theme: &'a Theme,
    pub focused: bool,
}

impl Widget for IntakeView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        // The binding deadline with its arithmetic; advisory ones by name only, to leave room.
        let n = self.state.deadlines.len() as u16;
        let deadlines_h = (n + 3).min(area.height / 3).max(3);
        let problem_h = u16::from(self.state.problem.is_some());
        let [title_area, form_area, problem_area, deadlines_area] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(problem_h),
            Constraint::Length(deadlines_h),
        ]));
        Line::styled(t("intake.title"), th.title).render(title_area, buf);
        FormView { form: &self.state.form, theme: th, focused: self.focused }.render(form_area, buf);
        if let Some(p) = &self.state.problem {
            Line::styled(p.clone(), th.error).render(problem_area, buf);
        }
        // The governing (earliest binding) deadline with its arithmetic and any provisional
        // mark; the others, the 30-day limit among them, by name only.
        let mut lines = Vec::new();
        let governing = crate::domain::deadline::governing(&self.state.deadlines).map(|g| g.rule.clone());
        for d in &self.state.deadlines {
            let kind = if d.binding { t("detail.binding") } else { t("detail.advisory") };
            if governing.as_deref() == Some(d.rule.as_str()) {
                let style = if d.provisional.is_some() { th.due_soon } else { th.title };
                lines.push(Line::from(vec![
                    Span::styled(date_wd(d.due_on), style),
                    Span::styled(format!(" [{kind} · {}] ", t("drift.governs")), th.muted),
                    Span::raw(d.explanation.clone()),
                ]));
            } else {
                let name = d.explanation.split(": ").next().unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::raw(date_wd(d.due_on)),
                    Span::styled(format!(" [{kind}] {name}"), th.muted),
                ]));
            }
        }
        if lines.is_empty() {
            lines.push(Line::styled(t("intake.no_deadline"), th.muted));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(
                Block::new()
                    .borders(Borders::TOP)
                    .border_style(th.border)
                    .title(Span::styled(t("intake.deadlines"), th.title)),
            )
            .render(deadlines_area, buf);
    }
}

/// The intake form's own part of the shared form screen: checking, registering, drawing.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    use super::{IntakeState, IntakeView};
    use crate::i18n::t;
    use crate::tui::action::Command;
    use crate::tui::component::{Ctx, Env};
    use crate::tui::effect::{Effect, Question, UseCase};
    use crate::tui::screens::form_screen::FormLogic;
    use crate::tui::widgets::form::Form;

    impl FormLogic for IntakeState {
        fn form(&self) -> &Form {
            &self.form
        }

        fn form_mut(&mut self) -> &mut Form {
            &mut self.form
        }

        fn check(&mut self, ctx: &Ctx<'_>) {
            self.validate(ctx.session, ctx.today);
        }

        /// Registers the request, after a question when the form has warnings.
        fn save(&mut self, ctx: &Ctx<'_>) -> Effect {
            self.form.show_all_errors = true;
            let Some(new) = self.validate(ctx.session, ctx.today) else {
                return match self.form.fix_first_error().or_else(|| self.problem.clone()) {
                    Some(text) => Effect::Message(text, true),
                    None => Effect::None,
                };
            };
            let assignee = self.assignee(ctx.session).map(str::to_string);
            let warnings = self.form.warnings();
            let op = UseCase::Register { new, assignee };
            if warnings.is_empty() {
                Effect::Run(Box::new(op))
            } else {
                Effect::Confirm(Box::new(Question {
                    question: t("confirm.register_with_warnings").to_string(),
                    details: warnings,
                    op,
                    yes_focused: true,
                    on_no: None,
                }))
            }
        }

        fn draft_name(&self) -> String {
            "intake".to_string()
        }

        fn bar(&self) -> Vec<Command> {
            use Command::{Cancel, NextField, NextOption, Save, ShowHelp, ToggleOption};
            vec![NextField, NextOption, ToggleOption, Save, Cancel, ShowHelp]
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            IntakeView { state: self, theme: env.theme, focused: env.focused }.render(area, buf);
        }
    }
}
