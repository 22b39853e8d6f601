//! Finding items in a resident's own words: segmented with jieba, everyday
//! names and situations read as official wordings, pinyin and one-character
//! slips tolerated, and the best match first.

mod query;
mod score;
mod segment;
mod words;

use std::sync::Arc;

pub use query::{Query, parse};
pub use score::Fields;
pub use segment::warm;

/// The items that answer `query`, best first; an empty query keeps them
/// all in their catalogue order.
pub fn rank<T>(query: &Query, items: Vec<T>, fields: impl Fn(&T) -> Fields<'_>) -> Vec<T> {
    if query.is_blank() {
        return items;
    }
    let docs: Vec<Arc<score::Doc>> = items.iter().map(|i| score::Doc::get(&fields(i))).collect();
    pick(items, score::rank(query, &docs))
}

/// Up to `limit` items nearest to a query that nothing answers.
pub fn nearest<T>(
    query: &Query,
    items: Vec<T>,
    fields: impl Fn(&T) -> Fields<'_>,
    limit: usize,
) -> Vec<T> {
    let mut chars: Vec<char> = query.chars().collect();
    chars.sort_unstable();
    chars.dedup();
    let docs: Vec<Arc<score::Doc>> = items.iter().map(|i| score::Doc::get(&fields(i))).collect();
    pick(items, score::nearest(&chars, &docs, limit))
}

fn pick<T>(items: Vec<T>, order: Vec<usize>) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// A LIKE pattern that matches `text` anywhere, with `%`, `_` and `\`
/// escaped (used with `ESCAPE '\'`).
pub fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(contains_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
