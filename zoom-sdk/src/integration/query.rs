//! A user's search text, read into terms the SDK renders itself into FTS5 or PostgreSQL syntax.
//! Nothing of the text reaches either syntax except runs of letters and digits: quotes, `*`,
//! `NEAR`, `-`, `:`, parentheses and SQL are ordinary characters here, so any string is a valid
//! query. The language is small: words (all must match), `"quoted phrases"`, and `OR` (or `or`)
//! between terms.

/// At most this many words are used (the rest of a long text is ignored).
pub const MAX_WORDS: usize = 32;
/// Longer words are cut to this many characters.
pub const MAX_WORD_CHARS: usize = 64;

/// Words too common to require: dropped unless the query has nothing else (PostgreSQL's
/// English configuration drops them too, so both databases agree).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "the", "to", "with",
];

/// One term of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Term {
    /// One word (letters and digits, lowercased).
    Word(String),
    /// Words that must appear in this order.
    Phrase(Vec<String>),
    /// Either the term before or the one after.
    Or,
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
}

fn words(s: &str, budget: &mut usize) -> Vec<String> {
    let mut out = Vec::new();
    for w in s.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() || *budget == 0 {
            continue;
        }
        *budget -= 1;
        out.push(
            w.chars()
                .take(MAX_WORD_CHARS)
                .collect::<String>()
                .to_lowercase(),
        );
    }
    out
}

impl Query {
    /// Read `text`. Never fails.
    pub fn parse(text: &str) -> Self {
        let mut terms = Vec::new();
        let mut budget = MAX_WORDS;
        // Outside quotes at even indexes, inside at odd ones; an unclosed quote runs to the end.
        for (i, part) in text.split('"').enumerate() {
            if i % 2 == 1 {
                let ws = words(part, &mut budget);
                match ws.len() {
                    0 => {}
                    1 => terms.extend(ws.into_iter().map(Term::Word)),
                    _ => terms.push(Term::Phrase(ws)),
                }
            } else {
                for w in words(part, &mut budget) {
                    terms.push(if w == "or" { Term::Or } else { Term::Word(w) });
                }
            }
        }
        let is_stop = |t: &Term| matches!(t, Term::Word(w) if STOP_WORDS.contains(&w.as_str()));
        let has_content = terms.iter().any(|t| *t != Term::Or && !is_stop(t));
        if has_content {
            terms.retain(|t| !is_stop(t));
        }
        // `OR` only between two terms.
        let mut tidy: Vec<Term> = Vec::with_capacity(terms.len());
        for t in terms {
            if t == Term::Or && matches!(tidy.last(), None | Some(Term::Or)) {
                continue;
            }
            tidy.push(t);
        }
        while tidy.last() == Some(&Term::Or) {
            tidy.pop();
        }
        Self { terms: tidy }
    }

    /// Whether nothing searchable is left (such a query matches nothing).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// FTS5 syntax: every word and phrase double-quoted (they hold only letters and digits).
    pub fn to_fts5(&self) -> String {
        self.render(|ws| format!("\"{}\"", ws.join(" ")), "OR")
    }

    /// `websearch_to_tsquery` syntax.
    pub fn to_websearch(&self) -> String {
        self.render(
            |ws| {
                if ws.len() == 1 {
                    ws[0].clone()
                } else {
                    format!("\"{}\"", ws.join(" "))
                }
            },
            "or",
        )
    }

    fn render(&self, quote: impl Fn(&[String]) -> String, or: &str) -> String {
        self.terms
            .iter()
            .map(|t| match t {
                Term::Word(w) => quote(std::slice::from_ref(w)),
                Term::Phrase(ws) => quote(ws),
                Term::Or => or.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_or() {
        let q = Query::parse(r#"Budget "quarterly review" or Roadmap"#);
        assert_eq!(q.to_fts5(), r#""budget" "quarterly review" OR "roadmap""#);
        assert_eq!(q.to_websearch(), r#"budget "quarterly review" or roadmap"#);
    }

    #[test]
    fn hostile_text_keeps_only_letters_and_digits() {
        for (text, fts) in [
            (r#"a" OR 1=1; DROP TABLE x; --"#, r#""or 1 1 drop table x""#),
            ("NEAR(a b, 2) *", r#""near" "b" "2""#),
            ("-foo:bar^2", r#""foo" "bar" "2""#),
            (
                "'; SELECT * FROM zoom_sdk_tokens --",
                r#""select" "zoom" "sdk" "tokens""#,
            ),
            ("OR OR or", ""),
            ("*", ""),
            ("\"", ""),
            ("the", r#""the""#),
        ] {
            assert_eq!(Query::parse(text).to_fts5(), fts, "{text}");
        }
    }

    #[test]
    fn long_text_is_bounded() {
        let text = "word ".repeat(5_000) + &"x".repeat(10_000);
        let q = Query::parse(&text);
        assert_eq!(q.terms.len(), MAX_WORDS);
        assert!(q.to_fts5().len() < 1_000);
        let long = Query::parse(&"y".repeat(10_000));
        assert_eq!(long.to_fts5().len(), MAX_WORD_CHARS + 2);
    }
}
