//! Turning what a resident types into search terms. Residents use everyday
//! words ("社保卡", "驾照", "房产证") where the catalogue uses official names
//! ("社会保障卡", "驾驶证", "不动产权证书"), so each word also matches its
//! official synonyms.

/// Everyday word → official wordings that should also match.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("社保卡", &["社会保障卡"]),
    ("社保", &["社会保险", "社保"]),
    ("医保", &["医疗保险", "医疗保障", "医保"]),
    ("驾照", &["驾驶证"]),
    ("房产证", &["不动产权证书", "不动产"]),
    ("房本", &["不动产权证书", "不动产"]),
    ("过户", &["转移登记", "过户"]),
    ("低保", &["最低生活保障"]),
    ("退休", &["退休", "养老保险待遇"]),
    ("养老金", &["养老保险待遇", "养老金"]),
    ("户口", &["户口", "户籍"]),
    ("身份证", &["身份证"]),
    ("执照", &["营业执照", "登记"]),
    ("开公司", &["公司设立", "企业开办"]),
    ("办执照", &["设立登记", "营业执照"]),
    ("结婚", &["结婚"]),
    ("离婚", &["离婚"]),
    ("港澳", &["港澳"]),
    ("台湾", &["台湾"]),
    ("水费", &["水费", "用水"]),
    ("电费", &["电费", "用电"]),
    ("燃气", &["燃气"]),
    ("天然气", &["燃气"]),
    ("暖气", &["供热"]),
    ("公积金", &["公积金"]),
    ("残疾证", &["残疾人证"]),
    ("出生证", &["出生医学证明"]),
    ("车牌", &["号牌"]),
];

const MAX_TERMS: usize = 5;
const MAX_TERM_CHARS: usize = 40;

/// One word of the query: an item matches the word when it matches any of
/// the alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm {
    pub alternatives: Vec<String>,
}

/// Splits a query into at most five words (spaces, full-width spaces and
/// common punctuation separate them) and adds each word's synonyms.
pub fn parse_query(q: &str) -> Vec<SearchTerm> {
    let q = crate::text::clean_line(q, 200);
    q.split(|c: char| c.is_whitespace() || "，,、；;。".contains(c))
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(|w| {
            let word: String = w.chars().take(MAX_TERM_CHARS).collect();
            let mut alternatives = vec![word.clone()];
            for (everyday, official) in SYNONYMS {
                if word.contains(everyday) {
                    for o in *official {
                        let replaced = word.replace(everyday, o);
                        if !alternatives.contains(&replaced) {
                            alternatives.push(replaced);
                        }
                    }
                }
            }
            SearchTerm { alternatives }
        })
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
    fn everyday_words_also_match_official_names() {
        let terms = parse_query("社保卡 补办");
        assert_eq!(terms.len(), 2);
        assert!(terms[0].alternatives.contains(&"社会保障卡".to_string()));
        assert_eq!(terms[1].alternatives, vec!["补办".to_string()]);
        let terms = parse_query("驾照换证");
        assert!(terms[0].alternatives.contains(&"驾驶证换证".to_string()));
    }

    #[test]
    fn queries_are_bounded_and_wildcards_escaped() {
        assert!(parse_query("   ").is_empty());
        assert_eq!(parse_query("a b c d e f g").len(), 5);
        assert_eq!(
            parse_query(&"字".repeat(500))[0].alternatives[0]
                .chars()
                .count(),
            40
        );
        assert_eq!(contains_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
