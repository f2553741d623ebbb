//! Which language a free text is written in, by its letters: enough to warn a clerk that a
//! Russian letter would carry a reply typed in Kyrgyz. A heuristic, never a refusal.

use super::Lang;

/// Kyrgyz-specific letters: a Cyrillic text with any of them is Kyrgyz.
const KYRGYZ: [char; 6] = ['ң', 'ө', 'ү', 'Ң', 'Ө', 'Ү'];

/// A Cyrillic text without Kyrgyz letters shorter than this may simply not need them.
const MIN_RUSSIAN_LETTERS: usize = 20;

/// The language of `text`: Kyrgyz when it has ң, ө or ү; Russian when it is mostly Cyrillic
/// and long enough that Kyrgyz would have shown its letters; English when mostly Latin;
/// none when it cannot tell (empty, short, digits).
pub(crate) fn detect(text: &str) -> Option<Lang> {
    if text.chars().any(|c| KYRGYZ.contains(&c)) {
        return Some(Lang::Ky);
    }
    let cyrillic = text.chars().filter(|c| matches!(c, 'А'..='я' | 'Ё' | 'ё')).count();
    let latin = text.chars().filter(char::is_ascii_alphabetic).count();
    if cyrillic > latin {
        (cyrillic >= MIN_RUSSIAN_LETTERS).then_some(Lang::Ru)
    } else if latin >= MIN_RUSSIAN_LETTERS / 2 && latin > cyrillic {
        Some(Lang::En)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_kyrgyz_russian_and_english_apart() {
        assert_eq!(detect("Маалыматтарыңыз такталды."), Some(Lang::Ky));
        assert_eq!(detect("Ваши персональные данные уточнены в полном объёме."), Some(Lang::Ru));
        assert_eq!(detect("Your personal data were corrected."), Some(Lang::En));
        assert_eq!(detect("Да."), None, "too short to tell Russian from Kyrgyz");
        assert_eq!(detect(""), None);
        assert_eq!(detect("12.03.2026"), None);
    }
}
