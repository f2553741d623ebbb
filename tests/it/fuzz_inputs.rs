//! Property tests over every parser that takes outside input: no input makes aryz panic,
//! and every rejection comes with a message. Inputs are generated deterministically (fixed
//! seeds) from alphabets rich in the characters that break parsers.

use aryz::config::Config;
use aryz::domain::calendar::parse_calendar;
use aryz::domain::deadline::RuleSet;
use aryz::domain::format::parse_date;
use aryz::domain::identity::{parse_passport, validate_email, validate_phone, validate_pin};
use aryz::domain::request::parse_reference;
use aryz::service::demo::Rng;
use aryz::service::import::{parse_csv, parse_json};
use chrono::NaiveDate;

const PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "-",
    ":",
    ",",
    ";",
    "\"",
    "'",
    "\n",
    "\r\n",
    "\t",
    " ",
    "=",
    "[",
    "]",
    "{",
    "}",
    "[[",
    "]]",
    "ID",
    "AN",
    "a",
    "Z",
    "ң",
    "ө",
    "ү",
    "Ж",
    "\u{1b}[2J",
    "\u{0}",
    "\u{feff}",
    "2026",
    "-13-",
    "31",
    "02",
    "29",
    "kind",
    "name",
    "pin",
    "received",
    "access",
    "erase",
    "true",
    "null",
    "1e999",
    "\\",
    "#",
    "utc_offset",
    "+06:00",
    "rule",
    "id",
    "length",
    "unit",
    "weeks",
    "entry",
    "date",
    "holiday",
    "ARZ-",
    "999999",
    "😀",
    "\u{202e}",
];

fn random_text(rng: &mut Rng, max_pieces: u64) -> String {
    let n = rng.below(max_pieces + 1);
    (0..n).map(|_| *rng.pick(PIECES)).collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

#[test]
fn identity_and_date_validation_never_panics() {
    let mut rng = Rng::new(11);
    for _ in 0..8_000 {
        let s = random_text(&mut rng, 12);
        if let Err(e) = validate_pin(&s, None, today()) {
            assert!(!e.rule.to_string().is_empty());
        }
        if let Ok((p, _)) = parse_passport(&s, today(), None) {
            let _ = p.masked();
        }
        let _ = parse_date("received", &s);
        let _ = parse_reference(&s);
        let _ = validate_email(&s);
        let _ = validate_phone(&s);
        // Any 14 ASCII digits pass the hard rule, whatever their meaning.
        let digits: String = (0..14).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
        assert!(validate_pin(&digits, None, today()).is_ok(), "{digits}");
    }
}

#[test]
fn import_parsers_never_panic() {
    let mut rng = Rng::new(12);
    for _ in 0..5_000 {
        let body = random_text(&mut rng, 40);
        let csv = format!("kind,name,pin,received,categories\n{body}");
        if let Err(e) = parse_csv(&csv) {
            assert!(!e.to_string().is_empty());
        }
        let _ = parse_csv(&body);
        let json = format!("[{{\"kind\": \"{}\", \"pin\": {body}}}]", random_text(&mut rng, 3));
        if let Err(e) = parse_json(&json) {
            assert!(!e.to_string().is_empty());
        }
        let _ = parse_json(&body);
    }
}

#[test]
fn config_rules_and_calendar_parsers_never_panic() {
    let mut rng = Rng::new(13);
    for _ in 0..5_000 {
        let text = random_text(&mut rng, 30);
        if let Err(e) = Config::parse(&text) {
            let e = e.to_string();
            assert!(!e.is_empty());
            assert!(!e.contains('\n'), "one-line message: {e}");
        }
        if let Err(e) = RuleSet::parse(&text) {
            assert!(!e.to_string().is_empty());
        }
        let _ = parse_calendar(&text);
        // Well-formed TOML with random values.
        let v = random_text(&mut rng, 4).replace(['"', '\\', '\n', '\r'], "");
        let _ = Config::parse(&format!("utc_offset = \"{v}\"\ndue_soon_working_days = {}\n", rng.below(100)));
        let _ =
            parse_calendar(&format!("[[entry]]\ndate = \"2026-01-{v}\"\nkind = \"holiday\"\nname = \"x\"\n"));
    }
}

#[test]
fn keymap_overrides_never_panic() {
    use aryz::config::KeyBinding;
    use aryz::tui::keymap::{KeyCombo, KeyMap};
    use std::collections::BTreeMap;
    let actions = ["quit", "move_down", "open", "search", "record_response", "nonsense", ""];
    let keys = [
        "j",
        "ctrl-x",
        "alt-",
        "ctrl+",
        "F13",
        "f5",
        "enter",
        "Ж",
        "ctrl-ң",
        "shift-tab",
        "pageup",
        "--",
        "esc",
    ];
    let mut rng = Rng::new(14);
    for _ in 0..5_000 {
        let key = if rng.chance(50) { (*rng.pick(&keys)).to_string() } else { random_text(&mut rng, 3) };
        let _ = KeyCombo::parse(&key);
        let mut overrides = BTreeMap::new();
        overrides.insert(rng.pick(&actions).to_string(), KeyBinding::One(key.clone()));
        if rng.chance(30) {
            overrides.insert(
                rng.pick(&actions).to_string(),
                KeyBinding::Many(vec![key.clone(), random_text(&mut rng, 2)]),
            );
        }
        if let Err(e) = KeyMap::with_overrides(&overrides) {
            assert!(!e.to_string().is_empty());
        }
        // A whole config file with a [keys] table.
        let text =
            format!("[keys]\n{} = \"{}\"\n", rng.pick(&actions), key.replace(['"', '\\', '\n', '\r'], ""));
        if let Ok(cfg) = Config::parse(&text) {
            let _ = KeyMap::with_overrides(&cfg.keys);
        }
    }
}
