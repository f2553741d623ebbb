//! Plurals by each language's rules. A catalog text gives the forms of a counted word in
//! braces separated by `|`: English `"{n} {request|requests}"` (one, other), Russian
//! `"{n} {обращение|обращения|обращений}"` (one, few, many). Kyrgyz nouns do not agree with
//! numerals (`"{n} арыз"`), so its texts need no forms. A group with one form is that form.

use super::{Lang, current, t};

/// Which of a language's forms a count takes: 0 = one, 1 = few (Russian) or other
/// (English), 2 = many (Russian).
pub(crate) fn form_index(lang: Lang, n: u64) -> usize {
    match lang {
        Lang::Ru => {
            let (d, h) = (n % 10, n % 100);
            if d == 1 && h != 11 {
                0
            } else if (2..=4).contains(&d) && !(12..=14).contains(&h) {
                1
            } else {
                2
            }
        }
        Lang::En => usize::from(n != 1),
        Lang::Ky => 0,
    }
}

/// Replaces every `{a|b|c}` group of `text` by the form `n` takes in `lang` (the last form
/// when the group has fewer). Groups without `|` are placeholders and stay as they are.
pub(crate) fn choose_forms(text: &str, lang: Lang, n: u64) -> String {
    let idx = form_index(lang, n);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].contains('|') => {
                let forms: Vec<&str> = after[..close].split('|').collect();
                out.push_str(forms.get(idx).or(forms.last()).copied().unwrap_or_default());
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of `key` for the count `n` (also given as `{n}`), with the other placeholders
/// replaced: `tn("queue.count", 1, &[])` is "1 request", "1 обращение", "1 арыз".
pub fn tn(key: &'static str, n: u64, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    // An argument named `n` replaces the count as shown ("10000+" for a capped count).
    let mut s = choose_forms(t(key), current(), n);
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), &value.to_string());
    }
    s.replace("{n}", &n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_one_few_many() {
        let forms = "{n} {день|дня|дней}";
        let f = |n| choose_forms(forms, Lang::Ru, n).replace("{n}", &n.to_string());
        assert_eq!(f(1), "1 день");
        assert_eq!(f(21), "21 день");
        assert_eq!(f(2), "2 дня");
        assert_eq!(f(24), "24 дня");
        assert_eq!(f(5), "5 дней");
        assert_eq!(f(11), "11 дней");
        assert_eq!(f(12), "12 дней");
        assert_eq!(f(111), "111 дней");
        assert_eq!(f(0), "0 дней");
    }

    #[test]
    fn english_one_other_and_kyrgyz_without_agreement() {
        assert_eq!(choose_forms("{n} {request|requests}", Lang::En, 1), "{n} request");
        assert_eq!(choose_forms("{n} {request|requests}", Lang::En, 2), "{n} requests");
        assert_eq!(choose_forms("{n} {request|requests}", Lang::En, 0), "{n} requests");
        assert_eq!(choose_forms("{n} арыз", Lang::Ky, 1), "{n} арыз");
        assert_eq!(choose_forms("{n} {x}", Lang::Ru, 3), "{n} {x}", "placeholders stay");
    }

    #[test]
    fn catalog_counts_read_right() {
        super::super::set_thread_language(Some(Lang::En));
        assert_eq!(tn("queue.count", 1, &[]), "1 request");
        assert_eq!(tn("queue.count", 3, &[]), "3 requests");
        assert_eq!(tn("cli.digest_days_overdue", 1, &[]), "1 day overdue");
        super::super::set_thread_language(Some(Lang::Ru));
        assert_eq!(tn("queue.count", 1, &[]), "1 обращение");
        assert_eq!(tn("queue.count", 22, &[]), "22 обращения");
        assert_eq!(tn("queue.count", 5, &[]), "5 обращений");
        super::super::set_thread_language(Some(Lang::Ky));
        assert_eq!(tn("queue.count", 1, &[]), "1 арыз");
        super::super::set_thread_language(None);
    }
}
