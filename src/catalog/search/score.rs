//! Ranking: how well each item's name (and, less, its result document and
//! department) answers each term, weighted by how rare the term is among
//! the candidates, so "证" counts for little and "公积金" for much.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::query::{Query, Term};
use super::segment;
use crate::db::ids::ServiceId;

/// What search reads of one item, prepared once per name and reused until
/// the item is edited (the cache key includes the texts themselves, so an
/// edit on any instance is seen at the next search).
#[derive(Debug)]
pub struct Doc {
    name: Vec<char>,
    /// The name's length with what is in brackets (qualifiers, the
    /// contents of a bundle) counted half.
    length: usize,
    syllables: Vec<&'static str>,
    code: String,
    /// The result document and other texts that say what the item is for.
    extra: String,
    /// The department's name and short name, as given and joined.
    department_names: (String, String),
    department: String,
    /// The name says the usual act (申请, 首次 …).
    usual: bool,
}

/// The texts of an item that search reads.
pub struct Fields<'a> {
    pub id: ServiceId,
    pub name: &'a str,
    pub code: &'a str,
    pub extra: &'a str,
    pub department: &'a str,
    pub department_short: &'a str,
}

static DOCS: RwLock<Option<HashMap<ServiceId, Arc<Doc>>>> = RwLock::new(None);

impl Doc {
    fn of(f: &Fields) -> Doc {
        Doc {
            name: f.name.chars().collect(),
            length: weighed_length(f.name),
            syllables: segment::syllables(f.name),
            code: f.code.to_lowercase(),
            extra: f.extra.to_string(),
            department_names: (f.department.to_string(), f.department_short.to_string()),
            department: format!("{} {}", f.department, f.department_short),
            usual: USUAL_ACTS.iter().any(|w| f.name.contains(w)),
        }
    }

    fn same(&self, f: &Fields) -> bool {
        self.extra == f.extra
            && self.department_names.0 == f.department
            && self.department_names.1 == f.department_short
            && self.code == f.code.to_lowercase()
            && self.name.iter().copied().eq(f.name.chars())
    }

    /// The prepared document, from the index when it is current.
    pub fn get(f: &Fields) -> Arc<Doc> {
        if let Ok(guard) = DOCS.read()
            && let Some(doc) = guard.as_ref().and_then(|m| m.get(&f.id))
            && doc.same(f)
        {
            return doc.clone();
        }
        let doc = Arc::new(Doc::of(f));
        if let Ok(mut guard) = DOCS.write() {
            guard
                .get_or_insert_with(HashMap::new)
                .insert(f.id, doc.clone());
        }
        doc
    }

    fn name_contains(&self, word: &[char]) -> bool {
        !word.is_empty() && self.name.windows(word.len()).any(|w| w == word)
    }
}

fn weighed_length(name: &str) -> usize {
    let mut depth = 0usize;
    let mut halves = 0;
    for c in name.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ => halves += if depth > 0 { 1 } else { 2 },
        }
    }
    halves / 2
}

/// A wording prepared once per search, not once per item: its characters
/// and, when every character has one, its pinyin.
struct Wording<'a> {
    text: &'a str,
    chars: Vec<char>,
    syllables: Option<Vec<&'static str>>,
}

impl<'a> Wording<'a> {
    fn new(text: &'a str) -> Wording<'a> {
        let syl = segment::syllables(text);
        Wording {
            text,
            chars: text.chars().collect(),
            syllables: (!syl.iter().any(|s| s.is_empty())).then_some(syl),
        }
    }
}

/// A term's wordings and parts, prepared.
struct Prepared<'a> {
    wordings: Vec<Wording<'a>>,
    parts: Vec<Wording<'a>>,
}

impl<'a> Prepared<'a> {
    fn new(t: &'a Term) -> Prepared<'a> {
        Prepared {
            wordings: t.wordings.iter().map(|w| Wording::new(w)).collect(),
            parts: t.parts.iter().map(|w| Wording::new(w)).collect(),
        }
    }
}

/// How well `doc` answers one wording, from 0 to 1; `slips`: whether a
/// homophone or one wrong character may stand in for it.
fn wording_match(doc: &Doc, w: &Wording, slips: bool) -> f32 {
    let n = w.chars.len();
    if doc.name_contains(&w.chars) {
        return 1.0;
    }
    if slips && n >= 2 {
        // The same syllables, as a pinyin input method's wrong pick
        // ("身分证", "身份正") would give.
        if let Some(syl) = &w.syllables
            && doc.syllables.windows(n).any(|d| d == syl.as_slice())
        {
            return 0.85;
        }
        if n >= 3 && one_edit_away(&doc.name, &w.chars) {
            return 0.7;
        }
    }
    if doc.extra.contains(w.text) {
        return 0.6;
    }
    if n >= 2 && doc.department.contains(w.text) {
        return 0.35;
    }
    0.0
}

/// One character wrong, missing or extra, somewhere in the name.
fn one_edit_away(name: &[char], w: &[char]) -> bool {
    let n = w.len();
    let differs_by_one = |a: &[char]| a.iter().zip(w).filter(|(x, y)| x != y).count() == 1;
    let skip_one = |long: &[char], short: &[char]| {
        (0..long.len()).any(|i| {
            long[..i] == short[..i.min(short.len())] && long[i + 1..] == short[i.min(short.len())..]
        })
    };
    name.windows(n).any(differs_by_one)
        || name.windows(n + 1).any(|a| skip_one(a, w))
        || (n > 3 && name.windows(n - 1).any(|a| skip_one(w, a)))
}

/// How well `doc` answers a term: its letters read as an item code or as
/// pinyin, or its best wording (official ones count a little less the
/// further down the lexicon lists them), or failing those a part of it.
fn term_match(doc: &Doc, term: &Term, prep: &Prepared) -> f32 {
    let letters = if term.letters {
        letters_match(doc, &term.typed)
    } else {
        0.0
    };
    let skip = usize::from(term.letters);
    let worded = prep
        .wordings
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, w)| wording_match(doc, w, !term.known && i == 0) * wording_weight(i))
        .fold(0.0, f32::max);
    let parts = prep
        .parts
        .iter()
        .map(|p| 0.5 * wording_match(doc, p, false))
        .fold(0.0, f32::max);
    letters.max(worded).max(parts)
}

/// The typed word itself counts most; official wordings a little less,
/// the lexicon's later ones least.
fn wording_weight(i: usize) -> f32 {
    if i == 0 {
        1.0
    } else {
        0.97 - 0.03 * (i - 1).min(5) as f32
    }
}

fn letters_match(doc: &Doc, t: &str) -> f32 {
    if doc.code == t {
        return 4.0;
    }
    if t.len() >= 3 && doc.code.contains(t) {
        return 1.5;
    }
    if t.bytes().all(|b| b.is_ascii_lowercase()) {
        let covered = (0..doc.syllables.len())
            .filter_map(|i| segment::spell_at(t, &doc.syllables, i))
            .max()
            .unwrap_or(0);
        // Two letters spell too many names to mean one.
        if covered >= 3 || covered == 2 && t.len() >= 4 {
            return if covered >= 3 { 0.9 } else { 0.7 };
        }
    }
    0.0
}

/// The longer a word, the more it says.
fn length_weight(term: &Term) -> f32 {
    if term.letters {
        1.0
    } else {
        (term.typed.chars().count().min(4) as f32).sqrt()
    }
}

/// What an item that just names a thing is usually for.
const USUAL_ACTS: &[&str] = &["申请", "申领", "首次", "设立", "签发", "核发"];

/// Candidates in their catalogue order → indexes of the matching ones,
/// best first. An item is kept when it scores at least a third of the best.
pub fn rank(query: &Query, docs: &[Arc<Doc>]) -> Vec<usize> {
    let n = docs.len() as f32;
    // A query of hints alone ("申请") means what it says.
    // A lone character outside the lexicon ("不", "到") is as weak as a
    // hint: it lives inside too many other words.
    let weak =
        |t: &Term| t.hint || !t.letters && t.wordings.len() == 1 && t.typed.chars().count() == 1;
    let all_weak = query.terms.iter().all(weak);
    let leans = |t: &Term| weak(t) && !all_weak;
    let matches: Vec<Vec<f32>> = query
        .terms
        .iter()
        .map(|t| {
            let prep = Prepared::new(t);
            docs.iter().map(|d| term_match(d, t, &prep)).collect()
        })
        .collect();
    let phrases: Vec<Wording> = query
        .phrases
        .iter()
        .map(|p| Wording::new(&p.text))
        .collect();
    let weights: Vec<f32> = query
        .terms
        .iter()
        .zip(&matches)
        .map(|(t, m)| {
            let df = m.iter().filter(|&&s| s > 0.0).count() as f32;
            let hint = if leans(t) { 0.15 } else { 1.0 };
            ((n + 1.0) / (df + 0.5)).ln().max(0.1) * length_weight(t) * hint
        })
        .collect();
    // Hints lean the order but an item is not worse for lacking them.
    let counted: Vec<bool> = query.terms.iter().map(|t| !leans(t)).collect();
    let total: f32 = weights
        .iter()
        .zip(&counted)
        .filter(|(_, c)| **c)
        .map(|(w, _)| w)
        .sum();
    let mut scored: Vec<(usize, f32)> = (0..docs.len())
        .map(|i| {
            let mut per_term: Vec<f32> = matches.iter().map(|m| m[i]).collect();
            // A phrase found whole (even mistyped) answers all its words.
            for (p, w) in query.phrases.iter().zip(&phrases) {
                let s = wording_match(&docs[i], w, true);
                if s > 0.0 {
                    for t in p.terms.clone() {
                        per_term[t] = per_term[t].max(s);
                    }
                }
            }
            let got: f32 = per_term.iter().zip(&weights).map(|(m, w)| m * w).sum();
            let covered: f32 = per_term
                .iter()
                .zip(&weights)
                .zip(&counted)
                .filter(|((m, _), c)| **m > 0.0 && **c)
                .map(|((_, w), _)| w)
                .sum();
            let coverage = if total > 0.0 { covered / total } else { 0.0 };
            let only_hints = per_term.iter().zip(&counted).all(|(m, c)| *m == 0.0 || !c);
            if only_hints {
                return (i, 0.0);
            }
            // A long name (a "一件事" bundle) contains many words without
            // being about each; the usual act leans ahead of the rarer ones.
            let long = docs[i].length.saturating_sub(10) as f32;
            let usual = if docs[i].usual { 1.04 } else { 1.0 };
            (
                i,
                got * (0.4 + 0.6 * coverage) * usual / (1.0 + 0.015 * long),
            )
        })
        .filter(|(_, s)| *s > 0.0)
        .collect();
    let best = scored.iter().map(|(_, s)| *s).fold(0.0, f32::max);
    scored.retain(|(_, s)| *s >= best / 3.0);
    scored.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(docs[a.0].name.len().cmp(&docs[b.0].name.len()))
            .then(a.0.cmp(&b.0))
    });
    scored.into_iter().map(|(i, _)| i).collect()
}

/// When nothing matches: the items sharing the most characters with the
/// query, so the resident has somewhere to go.
pub fn nearest(chars: &[char], docs: &[Arc<Doc>], limit: usize) -> Vec<usize> {
    let mut scored: Vec<(usize, usize)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (i, chars.iter().filter(|c| d.name.contains(c)).count()))
        .filter(|(_, s)| *s > 0)
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.into_iter().take(limit).map(|(i, _)| i).collect()
}
