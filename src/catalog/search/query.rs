//! What a resident typed, read as terms: segmented, fillers dropped,
//! everyday words and situations paired with their official wordings.

use super::segment;
use super::words::{Meaning, meaning};

const MAX_CHARS: usize = 60;
const MAX_TERMS: usize = 12;

/// One thing the query asks for; an item matches it when it matches any of
/// the wordings.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// What the resident typed for it.
    pub typed: String,
    /// The typed word first, then official wordings of the same meaning.
    pub wordings: Vec<String>,
    /// Letters typed as pinyin or an item code (lowercase ASCII).
    pub letters: bool,
    /// Only leans the order ("办" → 申领 …), never decides what matches.
    pub hint: bool,
    /// The shorter words inside a long unknown one ("大学毕业" → 大学,
    /// 毕业), a weaker match when the whole is not found.
    pub parts: Vec<String>,
    /// A word of the lexicon: its wordings are exact, so no slip of the
    /// pen is looked for ("第一次" must not match "户一次").
    pub known: bool,
}

impl Term {
    fn new(typed: String, wordings: Vec<String>) -> Term {
        Term {
            typed,
            wordings,
            letters: false,
            hint: false,
            parts: Vec::new(),
            known: false,
        }
    }
}

/// Consecutive words that are not in the lexicon, kept together: a
/// mistyped word ("身份正") only matches as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub text: String,
    /// Indexes into `Query::terms` of the words it joins.
    pub terms: std::ops::Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Something was typed (not only spaces): a query of punctuation or
    /// fillers alone then finds nothing rather than everything.
    pub typed: bool,
    pub terms: Vec<Term>,
    pub phrases: Vec<Phrase>,
}

impl Query {
    /// Nothing typed: the whole catalogue.
    pub fn is_blank(&self) -> bool {
        !self.typed
    }

    /// The query's Chinese characters, for finding the nearest items when
    /// nothing matches.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.terms
            .iter()
            .filter(|t| !t.letters)
            .flat_map(|t| t.typed.chars())
    }
}

/// Full-width forms as ASCII, lowercase, and anything that is not a letter,
/// digit, '-' or Chinese character as a separator.
fn normalise(q: &str) -> String {
    let q = crate::text::ascii_width(&crate::text::clean_line(q, 200)).to_lowercase();
    q.chars()
        .take(MAX_CHARS)
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect()
}

pub fn parse(q: &str) -> Query {
    let mut query = Query {
        typed: !crate::text::ascii_width(q).trim().is_empty(),
        ..Query::default()
    };
    for chunk in normalise(q).split_whitespace() {
        for (ascii, run) in runs(chunk) {
            if ascii {
                push(&mut query.terms, letters(run));
            } else {
                chinese(&mut query, run);
            }
        }
    }
    query.terms.truncate(MAX_TERMS);
    query.phrases.retain(|p| p.terms.end <= MAX_TERMS);
    query
}

/// A chunk split where it changes between ASCII and other characters.
fn runs(chunk: &str) -> Vec<(bool, &str)> {
    let mut out: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let mut kind = None;
    for (i, c) in chunk.char_indices() {
        let ascii = c.is_ascii();
        if kind.is_some_and(|k| k != ascii) {
            out.push((!ascii, &chunk[start..i]));
            start = i;
        }
        kind = Some(ascii);
    }
    if let Some(k) = kind {
        out.push((k, &chunk[start..]));
    }
    out
}

/// Letters: an item code, pinyin of a name, or pinyin of a lexicon word
/// ("jiazhao", "sbk"), whose official wordings then count too.
fn letters(run: &str) -> Option<Term> {
    let run = run.trim_matches('-');
    // A lone letter or digit matches too much to mean anything.
    if run.len() < 2 {
        return None;
    }
    let mut wordings = vec![run.to_string()];
    if run.len() >= 3 && run.bytes().all(|b| b.is_ascii_lowercase()) {
        for (word, m) in super::words::WORDS {
            let Meaning::Official(official) = m else {
                continue;
            };
            let syl = segment::syllables(word);
            let n = syl.len();
            if n >= 2 && segment::spell_at(run, &syl, 0) == Some(n) {
                wordings.push(word.to_string());
                wordings.extend(official.iter().map(|s| s.to_string()));
            }
        }
    }
    Some(Term {
        letters: true,
        ..Term::new(run.to_string(), wordings)
    })
}

fn push(terms: &mut Vec<Term>, term: Option<Term>) {
    if let Some(t) = term
        && !terms.iter().any(|x| x.typed == t.typed)
    {
        terms.push(t);
    }
}

/// The word and its official wordings; a one-character verb ("领", "办")
/// only as its wordings, since inside names it belongs to other words
/// ("补领", "联办").
fn with_word(word: &str, official: &[&str]) -> Vec<String> {
    let own = (word.chars().count() > 1 || official.is_empty()).then(|| word.to_string());
    own.into_iter()
        .chain(official.iter().map(|s| s.to_string()))
        .collect()
}

/// The dictionary words inside a long unknown word, with the official
/// wordings of those the lexicon knows ("违章罚款" → 违章, 交通违法 …).
fn parts(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in segment::parts(word) {
        if let Some(Meaning::Official(official)) = meaning(&part) {
            out.extend(official.iter().map(|s| s.to_string()));
        }
        out.push(part);
    }
    out
}

/// Segments a run of Chinese text; words outside the lexicon that follow
/// each other also form a phrase.
fn chinese(query: &mut Query, run: &str) {
    let mut plain_start: Option<usize> = None;
    let close = |query: &mut Query, start: Option<usize>| {
        if let Some(s) = start {
            let end = query.terms.len();
            if end - s >= 2 {
                let text = query.terms[s..end]
                    .iter()
                    .map(|t| t.typed.as_str())
                    .collect();
                query.phrases.push(Phrase {
                    text,
                    terms: s..end,
                });
            }
        }
    };
    for word in segment::words(run) {
        match meaning(&word) {
            Some(Meaning::Filler) => {
                close(query, plain_start.take());
            }
            Some(Meaning::Official(official)) => {
                close(query, plain_start.take());
                let wordings = with_word(&word, official);
                push(
                    &mut query.terms,
                    Some(Term {
                        known: true,
                        ..Term::new(word, wordings)
                    }),
                );
            }
            Some(Meaning::Hint(leaning)) => {
                close(query, plain_start.take());
                let wordings = with_word(&word, leaning);
                push(
                    &mut query.terms,
                    Some(Term {
                        hint: true,
                        ..Term::new(word, wordings)
                    }),
                );
            }
            None => {
                if plain_start.is_none() {
                    plain_start = Some(query.terms.len());
                }
                let before = query.terms.len();
                let mut term = Term::new(word.clone(), vec![word.clone()]);
                if word.chars().count() >= 3 {
                    term.parts = parts(&word);
                }
                push(&mut query.terms, Some(term));
                if query.terms.len() == before {
                    // A repeated word ends the phrase rather than skipping a gap.
                    close(query, plain_start.take());
                }
            }
        }
    }
    close(query, plain_start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(q: &Query) -> Vec<&str> {
        q.terms.iter().map(|t| t.typed.as_str()).collect()
    }

    #[test]
    fn fillers_go_and_situations_bring_official_words() {
        let q = parse("我想问一下驾照丢了怎么办？");
        assert!(typed(&q).contains(&"驾照"));
        assert!(!typed(&q).contains(&"怎么办"));
        let lost = q
            .terms
            .iter()
            .find(|t| t.typed == "丢了")
            .map(|t| &t.wordings);
        assert!(lost.is_some_and(|w| w.contains(&"补领".to_string())));
    }

    #[test]
    fn unknown_words_in_a_row_form_a_phrase() {
        let q = parse("身份正到期了");
        assert_eq!(q.phrases.len(), 1);
        assert_eq!(q.phrases[0].text, "身份正");
    }

    #[test]
    fn full_width_letters_and_codes_are_ascii_terms() {
        let pinyin = parse("jiazhao");
        assert!(pinyin.terms[0].wordings.contains(&"驾驶证".to_string()));
        let q = parse("ＧＡＣＲＪ-００１ 社保卡");
        assert_eq!(typed(&q), ["gacrj-001", "社保卡"]);
        assert!(q.terms[0].letters);
        assert!(parse("   ，。").terms.is_empty());
        assert!(parse(" \u{3000}").is_blank());
        assert!(parse(&"字".repeat(500)).terms.len() <= MAX_TERMS);
    }
}
