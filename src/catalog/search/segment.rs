//! Chinese word segmentation (jieba) and pinyin, loaded once per process.

use std::sync::OnceLock;

use jieba_rs::Jieba;
use pinyin::ToPinyin;

static JIEBA: OnceLock<Jieba> = OnceLock::new();

/// The segmenter with jieba's dictionary plus the lexicon's words, which
/// must win over the dictionary's own splits ("丢了", "房本").
fn jieba() -> &'static Jieba {
    JIEBA.get_or_init(|| {
        let mut j = Jieba::new();
        for (word, _) in super::words::WORDS {
            if word.chars().count() > 1 {
                j.add_word(word, Some(100_000), None);
            }
        }
        j
    })
}

/// Loading the dictionary takes a noticeable fraction of a second; the
/// server does it at start-up so the first resident to search does not wait.
pub fn warm() {
    let _ = jieba();
}

/// The words of a run of Chinese text, without the HMM guesser: an unknown
/// or mistyped word falls apart into single characters, which the scorer
/// then joins back as a phrase.
pub fn words(text: &str) -> Vec<String> {
    jieba()
        .cut(text, false)
        .into_iter()
        .map(|t| t.word.to_string())
        .collect()
}

/// The dictionary words inside a longer word, without the word itself
/// ("大学毕业" → 大学, 毕业).
pub fn parts(word: &str) -> Vec<String> {
    let mut out: Vec<String> = jieba()
        .cut_for_search(word, false)
        .into_iter()
        .map(|t| t.word.to_string())
        .filter(|w| w != word && w.chars().count() >= 2)
        .collect();
    out.dedup();
    out
}

/// Toneless pinyin of each character ("" for characters without one).
pub fn syllables(text: &str) -> Vec<&'static str> {
    text.chars()
        .map(|c| c.to_pinyin().map(|p| p.plain()).unwrap_or(""))
        .collect()
}

/// Whether the letters `typed` spell pinyin of `syl` from position `start`
/// on, each syllable typed whole or by its initial ("sbk", "shebaoka",
/// "jiashizh"); the last syllable may be cut short. Returns how many
/// characters the letters cover, the longest reading first.
pub fn spell_at(typed: &str, syl: &[&str], start: usize) -> Option<usize> {
    // Reachable offsets into `typed` after each character, as a small set.
    let mut states: Vec<usize> = vec![0];
    let mut best = None;
    for (i, s) in syl.iter().enumerate().skip(start) {
        if s.is_empty() || states.is_empty() {
            break;
        }
        let mut next = Vec::new();
        for &at in &states {
            let rest = &typed[at..];
            if rest.is_empty() {
                continue;
            }
            if let Some(tail) = rest.strip_prefix(s) {
                next.push(typed.len() - tail.len());
            } else if s.starts_with(rest) {
                // The resident stopped typing inside this syllable.
                best = Some(i + 1 - start);
            }
            for initial in initials(s) {
                if rest.starts_with(initial) && initial.len() < s.len() {
                    next.push(at + initial.len());
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        if next.contains(&typed.len()) {
            best = Some(i + 1 - start);
        }
        states = next;
    }
    best
}

/// The ways a syllable may be abbreviated: its first letter, and for
/// zh/ch/sh also the two letters.
fn initials(s: &str) -> impl Iterator<Item = &str> {
    let two = (s.len() > 2 && ["zh", "ch", "sh"].iter().any(|p| s.starts_with(p))).then(|| &s[..2]);
    s.get(..1).into_iter().chain(two)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_words_are_kept_whole() {
        assert_eq!(words("驾照丢了怎么办"), ["驾照", "丢了", "怎么办"]);
        assert_eq!(words("公积金提取"), ["公积金", "提取"]);
    }

    #[test]
    fn pinyin_whole_or_by_initials() {
        let syl = syllables("社会保障卡补换");
        assert_eq!(spell_at("shehuibaozhangka", &syl, 0), Some(5));
        assert_eq!(spell_at("shbzk", &syl, 0), Some(5));
        assert_eq!(spell_at("shehuibao", &syl, 0), Some(3));
        assert_eq!(spell_at("shehuib", &syl, 0), Some(3));
        assert_eq!(spell_at("buhuan", &syl, 5), Some(2));
        assert_eq!(spell_at("xyz", &syl, 0), None);
    }
}
