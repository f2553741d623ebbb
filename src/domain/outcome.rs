//! How a request was answered: the outcome, the refusal ground, and per-category actions.

use serde::{Deserialize, Serialize};

use super::kind::{DataCategory, RequestKind};
use super::validation::{FieldError, field_error};
use crate::code_enum;
use crate::i18n::localize::Arg;
use crate::msg;

code_enum!(
    /// The outcome recorded with an answer.
    Outcome, "outcome" {
        Fulfilled => "fulfilled",
        PartiallyFulfilled => "partially_fulfilled",
        Refused => "refused",
        NoData => "no_data",
        Referred => "referred",
    }
);

code_enum!(
    /// What was done to one data category on a correction, blocking or destruction request.
    CategoryAction, "action" {
        Done => "done",
        Refused => "refused",
        NotHeld => "not_held",
    }
);

/// A ground on which a request may be refused, shipped as data (`assets/rules/grounds.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusalGround {
    pub code: String,
    /// The legal citation printed in the refusal letter.
    pub citation: String,
    /// What the ground means, for the clerk choosing it.
    pub description: String,
    /// The kinds of request it may refuse; empty: every kind.
    #[serde(default)]
    pub kinds: Vec<RequestKind>,
    /// The outcomes it may be recorded with (`refused`, `partially_fulfilled`); empty: both.
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    /// The citation stops at the article (or names no article): a lawyer should check the
    /// paragraph before it is relied on.
    #[serde(default)]
    pub needs_legal_review: bool,
}

impl RefusalGround {
    /// May this ground refuse (wholly or in part) a request of `kind` answered with `outcome`?
    /// A refused category action under another outcome counts as a partial refusal.
    pub fn fits(&self, kind: RequestKind, outcome: Outcome) -> bool {
        let outcome =
            if outcome == Outcome::Refused { Outcome::Refused } else { Outcome::PartiallyFulfilled };
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && (self.outcomes.is_empty() || self.outcomes.contains(&outcome))
    }
}

#[derive(Debug, Clone, Deserialize)]
struct GroundsFile {
    ground: Vec<RefusalGround>,
}

/// The refusal grounds shipped with aryz.
pub fn default_grounds() -> Vec<RefusalGround> {
    // Parsed once per process: every session asks for them.
    static SHIPPED: std::sync::OnceLock<Vec<RefusalGround>> = std::sync::OnceLock::new();
    SHIPPED
        .get_or_init(|| parse_grounds(include_str!("../../assets/rules/grounds.toml")).unwrap_or_default())
        .clone()
}

/// Parses a grounds file; the error names the line.
pub fn parse_grounds(text: &str) -> Result<Vec<RefusalGround>, String> {
    toml::from_str::<GroundsFile>(text).map(|f| f.ground).map_err(|e| e.to_string())
}

/// The answer to a request as a clerk records it, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    pub outcome: Outcome,
    pub ground: Option<String>,
    pub text: String,
    pub responded_on: chrono::NaiveDate,
    pub channel: Option<super::kind::Channel>,
    pub actions: Vec<(DataCategory, CategoryAction)>,
    /// The copy's medium and the receiving body, for the letter.
    pub details: super::referral::ResponseDetails,
    /// Why the answer is dated before the day it is recorded; required then.
    pub backdate_reason: String,
    /// How an answer that discloses personal data deals with an unverified identity.
    pub identity: IdentityAtAnswer,
}

/// What an answer that discloses personal data says about the subject's identity, when it
/// was not verified at intake (issue 15): verified now, by a method, or disclosed anyway on a
/// supervisor's override with a reason (audited). Neither: the answer is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct IdentityAtAnswer {
    /// The identity was verified when answering, by this method.
    pub verified_by: Option<super::kind::IdentityMethod>,
    /// A supervisor discloses although the identity is not verified, for this reason.
    pub override_reason: Option<String>,
}

/// Whether an answer hands personal data to the person who asked: a fulfilled or partly
/// fulfilled access request (a copy included) or information request. Handing them to
/// someone whose identity is not verified is a breach.
pub fn discloses_personal_data(kind: RequestKind, outcome: Outcome) -> bool {
    matches!(kind, RequestKind::Access | RequestKind::Information)
        && matches!(outcome, Outcome::Fulfilled | Outcome::PartiallyFulfilled)
}

impl Response {
    /// Checks the response against the kind of request and the known grounds.
    pub fn validate(
        &self,
        kind: RequestKind,
        received_on: chrono::NaiveDate,
        today: chrono::NaiveDate,
        grounds: &[RefusalGround],
    ) -> Result<(), FieldError> {
        let partly_refused = matches!(self.outcome, Outcome::Refused | Outcome::PartiallyFulfilled)
            || self.actions.iter().any(|(_, a)| *a == CategoryAction::Refused);
        match &self.ground {
            None if self.outcome == Outcome::Refused => {
                return Err(field_error("ground", crate::msg!("message.ground_required")));
            }
            Some(code) if !grounds.iter().any(|g| &g.code == code) => {
                let known: Vec<&str> = grounds.iter().map(|g| g.code.as_str()).collect();
                return Err(field_error(
                    "ground",
                    crate::msg!("message.unknown_ground", ground = code, allowed = known.join(", ")),
                ));
            }
            Some(_) if !partly_refused => {
                return Err(field_error("ground", crate::msg!("message.ground_only_refused")));
            }
            Some(code) => {
                if let Some(g) = grounds.iter().find(|g| &g.code == code)
                    && !g.fits(kind, self.outcome)
                {
                    let fitting: Vec<&str> = grounds
                        .iter()
                        .filter(|g| g.fits(kind, self.outcome))
                        .map(|g| g.code.as_str())
                        .collect();
                    return Err(field_error(
                        "ground",
                        crate::msg!(
                            "message.ground_misfit",
                            ground = code,
                            kind = Arg::code("kind", kind.code()),
                            outcome = Arg::code("outcome", self.outcome.code()),
                            fitting = fitting.join(", ")
                        ),
                    ));
                }
            }
            _ => {}
        }
        if self.actions.iter().any(|(_, a)| *a == CategoryAction::Refused) && self.ground.is_none() {
            return Err(field_error("ground", crate::msg!("message.action_ground")));
        }
        if !self.actions.is_empty() && !kind.acts_on_categories() {
            return Err(field_error("action", crate::msg!("message.per_category")));
        }
        let mut seen = Vec::new();
        for (c, _) in &self.actions {
            if seen.contains(c) {
                return Err(field_error(
                    "action",
                    crate::msg!("message.category_twice", category = c.code()),
                ));
            }
            seen.push(*c);
        }
        if self.responded_on > today {
            return Err(field_error("responded", crate::msg!("message.response_future")));
        }
        if self.responded_on < received_on {
            return Err(field_error("responded", crate::msg!("message.response_before")));
        }
        // A date before today changes whether the answer was in time: it needs a reason,
        // which the timeline keeps beside both dates.
        if self.responded_on < today && self.backdate_reason.trim().is_empty() {
            return Err(field_error("reason", crate::msg!("message.backdate_reason")));
        }
        super::validation::check_len("text", &self.text, super::validation::MAX_TEXT)?;
        super::validation::check_len("reason", &self.backdate_reason, super::validation::MAX_TEXT)?;
        if let Some(why) = &self.identity.override_reason {
            if why.trim().is_empty() {
                return Err(field_error("identity_override", msg!("message.override_reason")));
            }
            super::validation::check_len("identity_override", why, super::validation::MAX_TEXT)?;
            if self.identity.verified_by.is_some() {
                return Err(field_error("identity_override", msg!("message.override_both")));
            }
        }
        if self.identity.verified_by == Some(super::kind::IdentityMethod::NotVerified) {
            return Err(field_error("identity_verified_by", msg!("message.verified_method")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn which_answers_disclose_personal_data() {
        use RequestKind as K;
        for kind in RequestKind::ALL {
            for outcome in Outcome::ALL {
                let expected = matches!(kind, K::Access | K::Information)
                    && matches!(outcome, Outcome::Fulfilled | Outcome::PartiallyFulfilled);
                assert_eq!(discloses_personal_data(*kind, *outcome), expected, "{kind} {outcome}");
            }
        }
    }

    #[test]
    fn an_override_needs_a_reason_and_excludes_a_method() {
        let g = default_grounds();
        let today = d("2026-03-10");
        let mut r = resp(Outcome::Fulfilled, None);
        r.identity.override_reason = Some("  ".into());
        assert_eq!(r.validate(RequestKind::Access, today, today, &g).unwrap_err().field, "identity_override");
        r.identity.override_reason = Some("subject known in person".into());
        r.identity.verified_by = Some(crate::domain::kind::IdentityMethod::ESignature);
        assert_eq!(r.validate(RequestKind::Access, today, today, &g).unwrap_err().field, "identity_override");
        r.identity.override_reason = None;
        assert!(r.validate(RequestKind::Access, today, today, &g).is_ok());
        r.identity.verified_by = Some(crate::domain::kind::IdentityMethod::NotVerified);
        assert_eq!(
            r.validate(RequestKind::Access, today, today, &g).unwrap_err().field,
            "identity_verified_by"
        );
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn resp(outcome: Outcome, ground: Option<&str>) -> Response {
        Response {
            outcome,
            ground: ground.map(String::from),
            text: String::new(),
            responded_on: d("2026-03-10"),
            channel: None,
            actions: vec![],
            details: crate::domain::referral::ResponseDetails::default(),
            // Answers in these tests are dated before "today".
            backdate_reason: "entered from the paper register".into(),
            identity: IdentityAtAnswer::default(),
        }
    }

    #[test]
    fn an_answer_dated_before_today_needs_a_reason() {
        let grounds = default_grounds();
        let mut r = resp(Outcome::Fulfilled, None);
        r.backdate_reason = "  ".into();
        let (rec, k) = (d("2026-03-01"), RequestKind::Access);
        assert_eq!(r.validate(k, rec, d("2026-03-20"), &grounds).unwrap_err().field, "reason");
        assert!(r.validate(k, rec, d("2026-03-10"), &grounds).is_ok(), "dated today: no reason needed");
    }

    #[test]
    fn shipped_grounds_parse() {
        let g = default_grounds();
        assert!(g.len() >= 4, "{g:?}");
        assert!(g.iter().all(|g| !g.citation.is_empty()));
    }

    #[test]
    fn refusal_needs_a_known_ground() {
        let grounds = default_grounds();
        let code = grounds[0].code.clone();
        let (rec, today) = (d("2026-03-01"), d("2026-03-20"));
        let k = RequestKind::Access;
        assert_eq!(
            resp(Outcome::Refused, None).validate(k, rec, today, &grounds).unwrap_err().field,
            "ground"
        );
        assert!(resp(Outcome::Refused, Some("nonsense")).validate(k, rec, today, &grounds).is_err());
        assert!(resp(Outcome::Refused, Some(&code)).validate(k, rec, today, &grounds).is_ok());
        assert!(resp(Outcome::Fulfilled, Some(&code)).validate(k, rec, today, &grounds).is_err());
        assert!(resp(Outcome::Fulfilled, None).validate(k, rec, today, &grounds).is_ok());
    }

    #[test]
    fn category_actions_only_for_acting_kinds() {
        let grounds = default_grounds();
        let mut r = resp(Outcome::Fulfilled, None);
        r.actions = vec![(DataCategory::Email, CategoryAction::Done)];
        let (rec, today) = (d("2026-03-01"), d("2026-03-20"));
        assert!(r.validate(RequestKind::Correction, rec, today, &grounds).is_ok());
        assert_eq!(r.validate(RequestKind::Access, rec, today, &grounds).unwrap_err().field, "action");
        r.actions.push((DataCategory::Email, CategoryAction::NotHeld));
        assert!(r.validate(RequestKind::Correction, rec, today, &grounds).is_err());
    }

    #[test]
    fn response_dates_are_bounded() {
        let grounds = default_grounds();
        let mut r = resp(Outcome::Fulfilled, None);
        r.responded_on = d("2026-03-21");
        assert!(r.validate(RequestKind::Access, d("2026-03-01"), d("2026-03-20"), &grounds).is_err());
        r.responded_on = d("2026-02-28");
        assert!(r.validate(RequestKind::Access, d("2026-03-01"), d("2026-03-20"), &grounds).is_err());
    }

    #[test]
    fn grounds_fit_their_kinds_and_outcomes() {
        let g = default_grounds();
        let fits = |code: &str, kind, outcome| g.iter().find(|x| x.code == code).unwrap().fits(kind, outcome);
        assert!(fits("art15_state_security", RequestKind::Access, Outcome::Refused));
        assert!(!fits("data_accurate", RequestKind::Access, Outcome::Refused), "the issue's example");
        assert!(fits("data_accurate", RequestKind::Correction, Outcome::PartiallyFulfilled));
        // A refused category action under "fulfilled" counts as a partial refusal.
        assert!(fits("data_accurate", RequestKind::Correction, Outcome::Fulfilled));
        assert!(!fits("not_a_subject", RequestKind::Access, Outcome::PartiallyFulfilled));
        assert!(g.iter().all(|x| x.needs_legal_review), "no paragraph is verified yet");
        let r = Response {
            outcome: Outcome::Refused,
            ground: Some("data_accurate".into()),
            text: String::new(),
            responded_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            channel: None,
            actions: vec![],
            details: crate::domain::referral::ResponseDetails::default(),
            backdate_reason: String::new(),
            identity: IdentityAtAnswer::default(),
        };
        let today = r.responded_on;
        let e = r.validate(RequestKind::Access, today, today, &g).unwrap_err();
        assert_eq!(e.field, "ground");
        assert!(
            e.rule.to_string().contains("does not apply to requests of kind 'access'")
                && e.rule.to_string().contains("art15_state_security"),
            "{}",
            e.rule
        );
    }
}
