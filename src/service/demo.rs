//! Synthetic, realistic demo data for a `--dev-identity` database: every kind and status,
//! several clerks, requests received over the past months, some overdue, some due soon.
//! Names, PINs and e-mails are made up from lists below; none belongs to a real person.

use chrono::{Datelike, Days, NaiveDate};

use crate::domain::calendar::Calendar;
use crate::domain::identity::Passport;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind, Role};
use crate::domain::outcome::{CategoryAction, Outcome};
use crate::domain::request::{NewRequest, Subject};
use crate::domain::status::Status;
use crate::model::{Event, EventKind, InitialState, Operator};
use crate::store::Tx;

use super::{Ctx, Error, Result, Session};

/// A small deterministic generator (SplitMix64): the same seed gives the same data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const SURNAMES_M: &[&str] = &[
    "Asanov",
    "Toktogulov",
    "Bekmuratov",
    "Sydykov",
    "Osmonov",
    "Abdyldaev",
    "Mamytov",
    "Kadyrov",
    "Жумабеков",
    "Сатыбалдиев",
    "Өмүрбеков",
    "Үсөнов",
    "Ноорузбаев",
    "Иванов",
    "Ким",
];
const SURNAMES_F: &[&str] = &[
    "Asanova",
    "Toktogulova",
    "Bekmuratova",
    "Sydykova",
    "Osmonova",
    "Abdyldaeva",
    "Mamytova",
    "Жумабекова",
    "Сатыбалдиева",
    "Өмүрбекова",
    "Үсөнова",
    "Ноорузбаева",
    "Иванова",
    "Ким",
];
const NAMES_M: &[&str] =
    &["Aibek", "Nurlan", "Bakyt", "Эрлан", "Тилек", "Азамат", "Сергей", "Үмөт", "Мирлан"];
const NAMES_F: &[&str] =
    &["Aigul", "Nurzat", "Cholpon", "Айгерим", "Жылдыз", "Гүлнара", "Елена", "Нуриза", "Бермет"];
const STREETS: &[&str] =
    &["Chui Ave", "Manas Ave", "Ibraimov St", "Токтогул көч.", "Киев көч.", "Жибек Жолу пр."];
const TOWNS: &[&str] = &["Bishkek", "Osh", "Karakol", "Talas", "Naryn", "Жалал-Абад", "Токмок"];

/// Demo operators: (login, name, role). Synthetic.
pub const DEMO_OPERATORS: &[(&str, &str, Role)] = &[
    ("aibek", "Aibek Demo-Clerk", Role::Clerk),
    ("nurzat", "Nurzat Demo-Clerk", Role::Clerk),
    ("bakyt", "Bakyt Demo-Clerk", Role::Clerk),
    ("cholpon", "Cholpon Demo-Clerk", Role::Clerk),
    ("eldiyar", "Eldiyar Demo-Clerk", Role::Clerk),
    ("jyldyz", "Jyldyz Demo-Supervisor", Role::Supervisor),
    ("meerim", "Meerim Demo-Supervisor", Role::Supervisor),
];

const DESCRIPTIONS: &[&str] = &[
    "Прошу предоставить сведения о моих персональных данных в приложении Salyk.kg",
    "Please send me a copy of the income records you hold about me",
    "Менин дарегим туура эмес көрсөтүлгөн, оңдоону суранам",
    "Неверно указан номер телефона, прошу исправить",
    "I withdrew my consent; stop processing my e-mail address",
    "Маалыматтарымды жок кылууну суранам",
    "Complaint: I received e-mails meant for another taxpayer",
    "Прошу заблокировать неверные сведения об имуществе",
];

/// One generated request, before insertion.
struct Draft {
    new: NewRequest,
    registered: NaiveDate,
}

fn subject(rng: &mut Rng, today: NaiveDate) -> Subject {
    let female = rng.chance(50);
    let (surname, name) = if female {
        (*rng.pick(SURNAMES_F), *rng.pick(NAMES_F))
    } else {
        (*rng.pick(SURNAMES_M), *rng.pick(NAMES_M))
    };
    let age_days = 18 * 365 + rng.below(60 * 365);
    let birth = today.checked_sub_days(Days::new(age_days)).unwrap_or(today);
    let serial = rng.below(100_000);
    let pin = format!("{}{}{serial:05}", if female { 1 } else { 2 }, birth.format("%d%m%Y"));
    let n = rng.below(1000);
    let ascii = |s: &str| s.chars().filter(char::is_ascii_alphabetic).collect::<String>().to_lowercase();
    let local = match (ascii(name).as_str(), ascii(surname).as_str()) {
        ("", _) | (_, "") => format!("subject{n:03}"),
        (a, b) => format!("{a}.{b}{n:03}"),
    };
    Subject {
        name: format!("{surname} {name}"),
        pin,
        birth_date: Some(birth),
        passport: rng.chance(70).then(|| Passport {
            document: format!("{}{:07}", if rng.chance(80) { "ID" } else { "AC" }, rng.below(10_000_000)),
            issuer: "SRS 21-01".into(),
            issued_on: birth.checked_add_days(Days::new(16 * 365 + rng.below(3000))).filter(|d| *d < today),
        }),
        address: format!("{}, {} {}", rng.pick(TOWNS), rng.pick(STREETS), 1 + rng.below(200)),
        email: if rng.chance(80) { format!("{local}@example.org") } else { String::new() },
        phone: if rng.chance(70) { format!("+996 555 {:06}", rng.below(1_000_000)) } else { String::new() },
    }
}

fn draft(rng: &mut Rng, today: NaiveDate, received: NaiveDate, cal: &Calendar) -> Draft {
    let registered = if rng.chance(80) { received } else { cal.add_working_days(received, 1).0.min(today) };
    let kind = *rng.pick(RequestKind::ALL);
    let mut categories = Vec::new();
    for _ in 0..=rng.below(3) {
        let c = *rng.pick(DataCategory::ALL);
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    Draft {
        new: NewRequest {
            kind,
            channel: *rng.pick(&[
                Channel::SalykApp,
                Channel::SalykApp,
                Channel::ESignatureDocument,
                Channel::Email,
                Channel::Post,
                Channel::InPerson,
            ]),
            lang: *rng.pick(&[Language::Ky, Language::Ky, Language::Ru, Language::Ru, Language::En]),
            received_on: received,
            identity: *rng.pick(IdentityMethod::ALL),
            categories,
            description: rng.pick(DESCRIPTIONS).to_string(),
            subject: subject(rng, today),
            representative: None,
            office: None,
        },
        registered,
    }
}

/// Demo clerks beyond the named ones, for large data sets (about 40 clerks in all).
fn extra_clerks(n: usize) -> Vec<String> {
    let count = if n >= 10_000 { 35 } else { 0 };
    (6..6 + count).map(|i| format!("clerk{i:02}")).collect()
}

/// Inserts `n` requests, their deadlines, events and per-category actions in the caller's
/// transaction. Built for speed (a million requests in about a minute): each request is
/// generated whole in memory and written once; the search index is rebuilt at the end.
pub(crate) fn insert_demo(tx: &Tx<'_>, ctx: &Ctx<'_>, n: usize, seed: u64) -> Result<usize> {
    let (today, now, actor, rules, cal) = (ctx.today, ctx.now.as_str(), ctx.login, ctx.rules, ctx.calendar);
    let extra = extra_clerks(n);
    let mut operators: Vec<(String, String, Role)> =
        DEMO_OPERATORS.iter().map(|(l, n, r)| ((*l).to_string(), (*n).to_string(), *r)).collect();
    operators.extend(extra.iter().map(|l| (l.clone(), format!("{l} Demo-Clerk"), Role::Clerk)));
    for (login, name, role) in &operators {
        if tx.read().operator(login)?.is_none() {
            tx.insert_operator(&Operator::new(login, name, *role), now)?;
        }
    }
    let clerks: Vec<&str> = operators.iter().filter(|o| o.2 == Role::Clerk).map(|o| o.0.as_str()).collect();
    // Several years of history for large sets; half a year for a demo of a few hundred.
    let span = (n as u64 / 550).clamp(180, 3650);
    // Each request gets its own seed, so requests can be generated in order of receipt
    // without holding them all in memory.
    let mut rng = Rng::new(seed);
    let mut order: Vec<(NaiveDate, u64)> = (0..n)
        .map(|_| {
            // A small demo crowds the last weeks so its open queue is lively; a large one
            // spreads over years with a few percent open, as an office's database would.
            let recent = if n >= 10_000 { 2 } else { 35 };
            let back = if rng.chance(recent) { rng.below(45) } else { rng.below(span) };
            (today.checked_sub_days(Days::new(back)).unwrap_or(today), rng.next_u64())
        })
        .collect();
    order.sort_unstable();
    let derived = tx.suspend_derived()?;
    for (received, own_seed) in order {
        let mut rng = Rng::new(own_seed);
        let d = draft(&mut rng, today, received, cal);
        let deadlines = rules.deadlines(d.new.kind, d.new.received_on, d.registered, cal);
        let assignee = (!rng.chance(8)).then(|| *rng.pick(&clerks));
        let hour = 9 + rng_hour(&d.new.subject.pin, received);
        let at = |day: NaiveDate| format!("{day}T{hour:02}:10:00+06:00");
        let who = assignee.unwrap_or("jyldyz");
        let mut state = InitialState::default();
        let mut events = vec![Event::new(EventKind::Created, actor, &at(d.registered))];
        if let Some(a) = assignee {
            events.push(
                Event::new(EventKind::Assigned, "jyldyz", &at(d.registered)).change(None::<String>, Some(a)),
            );
        }
        let age = (today - received).num_days();
        // Old requests are mostly answered; a few were forgotten and are overdue now.
        let answered = age > 25 && rng.chance(if n >= 10_000 { 99 } else { 93 }) || age > 5 && rng.chance(35);
        if answered {
            let late = rng.chance(12);
            let days = if late { 31 + rng.below(10) } else { 3 + rng.below(26) };
            let responded = received.checked_add_days(Days::new(days)).unwrap_or(today).min(today);
            events.push(
                Event::new(EventKind::Note, who, &at(responded))
                    .text("Checked the records in the tax database"),
            );
            if rng.chance(5) {
                state.status = Status::Withdrawn;
                state.closed_on = Some(responded);
                events.push(
                    Event::new(EventKind::Withdrawn, who, &at(responded))
                        .text("The subject withdrew the request by phone"),
                );
            } else {
                let outcome = *rng.pick(&[
                    Outcome::Fulfilled,
                    Outcome::Fulfilled,
                    Outcome::Fulfilled,
                    Outcome::PartiallyFulfilled,
                    Outcome::Refused,
                    Outcome::NoData,
                    Outcome::Referred,
                ]);
                state.status = Status::Answered;
                state.outcome = Some(outcome);
                state.responded_on = Some(responded);
                state.closed_on = Some(responded);
                if matches!(outcome, Outcome::Refused | Outcome::PartiallyFulfilled) {
                    state.ground = Some("identity_not_established".into());
                }
                if d.new.kind.acts_on_categories() {
                    let act = if outcome == Outcome::Refused {
                        CategoryAction::Refused
                    } else {
                        CategoryAction::Done
                    };
                    state.actions = d.new.categories.iter().map(|c| (*c, act)).collect();
                    if outcome == Outcome::Refused {
                        state.ground = Some("data_accurate".into());
                    }
                }
                events.push(
                    Event::new(EventKind::Responded, who, &at(responded))
                        .change(None::<String>, Some(outcome.code())),
                );
            }
        } else if assignee.is_some() && rng.chance(75) {
            state.status = if rng.chance(25) { Status::AwaitingSubject } else { Status::InProgress };
            let on = d.registered.checked_add_days(Days::new(1)).unwrap_or(today).min(today);
            events.push(
                Event::new(EventKind::StatusChanged, who, &at(on))
                    .change(Some("new"), Some(state.status.code())),
            );
            if state.status == Status::AwaitingSubject {
                events.push(
                    Event::new(EventKind::Message, who, &at(on))
                        .text("Asked the subject for a copy of the ID card"),
                );
            } else {
                events.push(
                    Event::new(EventKind::Note, who, &at(on)).text("Started the search in the archive"),
                );
            }
        }
        let (id, _) = tx.insert_request_in_state(
            &d.new,
            d.registered,
            &deadlines,
            assignee,
            &at(d.registered),
            &state,
        )?;
        for e in &events {
            tx.insert_event(id, e)?;
        }
    }
    tx.rebuild_derived(derived)?;
    Ok(n)
}

/// A stable pseudo-random hour offset, so timestamps look like a working day.
fn rng_hour(pin: &str, day: NaiveDate) -> u32 {
    (pin.bytes().map(u32::from).sum::<u32>() + day.ordinal()) % 8
}

impl Session {
    /// Fills a `--dev-identity` database with `n` synthetic requests.
    pub fn demo(&mut self, n: usize, seed: u64) -> Result<usize> {
        if !self.dev_identity {
            return Err(Error::Config(crate::msg!("message.demo_dev_only")));
        }
        self.require(Role::Admin, "load_demo")?;
        if n == 0 || n > 10_000_000 {
            return Err(Error::Invalid(crate::domain::validation::field_error(
                "requests",
                crate::msg!("message.between", min = 1u32, max = 10_000_000u32),
            )));
        }
        if n >= 10_000 {
            self.store.set_bulk(true);
        }
        let done = self.write(|tx, ctx| {
            let count = insert_demo(tx, ctx, n, seed)?;
            tx.audit(&ctx.now, ctx.login, "demo", "", &format!("{count} synthetic requests, seed {seed}"))?;
            Ok(count)
        });
        if n >= 10_000 {
            self.store.set_bulk(false);
        }
        done
    }
}
