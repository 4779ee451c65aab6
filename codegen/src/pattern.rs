//! String patterns: the small, always-anchored subset of regular expressions the spec's
//! `pattern:` key takes, and a matcher that is linear in the text whatever the pattern.
//!
//! A pattern is one or more alternatives separated by `|`. An alternative is a sequence of
//! atoms, each optionally followed by a count. An atom is a literal character, `\` and one
//! character (that character, literally), or a class `[…]` of single characters and ranges
//! (`[A-Z0-9-]`; `-` is literal first or last). A count is `{n}`, `{n,m}`, `{n,}`, `?`, `*` or
//! `+`. There are no groups, anchors (the whole value must match), negated classes or
//! backreferences, so a check never backtracks: the matcher walks the text once, keeping the
//! set of places in the pattern it can be at (at most a few thousand).
//!
//! This module parses; matching is `smilepayz_rules::Pattern`'s, the SDK's own matcher, over
//! the table [`Pattern::table`] builds (the table the generated code writes).

/// The most characters a pattern may have.
pub const MAX_PATTERN_CHARS: usize = 200;
/// The largest count a pattern may write (`{n,m}` with n, m at most this).
pub const MAX_COUNT: u32 = 256;

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern as written, for messages.
    pub text: String,
    /// Its alternatives; the value must match one.
    pub alternatives: Vec<Vec<Atom>>,
}

/// One atom with its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    /// The characters it takes, as inclusive ranges.
    pub ranges: Vec<(char, char)>,
    /// The least number of times it occurs.
    pub min: u32,
    /// The most, or `None` for no limit.
    pub max: Option<u32>,
}

/// Parses a pattern, or says what is wrong with it.
///
/// # Errors
/// A message naming the problem and where it is.
pub fn parse(text: &str) -> Result<Pattern, String> {
    if text.is_empty() {
        return Err("the pattern is empty".to_owned());
    }
    if text.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!(
            "the pattern is longer than {MAX_PATTERN_CHARS} characters"
        ));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut alternatives = vec![Vec::new()];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let ranges = match c {
            '|' => {
                if alternatives.last().is_some_and(Vec::is_empty) {
                    return Err(format!(
                        "an empty alternative before `|` at character {}",
                        i + 1
                    ));
                }
                alternatives.push(Vec::new());
                i += 1;
                continue;
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err(
                        "the pattern ends with `\\`; escape a character after it".to_owned()
                    );
                };
                if next.is_ascii_alphanumeric() {
                    // `\d`, `\w` and the like are classes elsewhere; here they would silently
                    // mean the letter itself.
                    return Err(format!(
                        "`\\{next}` at character {} is not part of the pattern language; write \
                         a class such as [0-9] or [A-Za-z0-9], or the character alone",
                        i + 1
                    ));
                }
                i += 2;
                vec![(next, next)]
            }
            '[' => {
                let (ranges, end) = class(&chars, i)?;
                i = end;
                ranges
            }
            '(' | ')' | '.' | '^' | '$' => {
                return Err(format!(
                    "`{c}` at character {} is not part of the pattern language (no groups, \
                     wildcards or anchors: the whole value always must match); write `\\{c}` \
                     for the character itself",
                    i + 1
                ));
            }
            '{' | '}' | '*' | '+' | '?' | ']' => {
                return Err(format!(
                    "`{c}` at character {} has nothing to repeat or close; write `\\{c}` for \
                     the character itself",
                    i + 1
                ));
            }
            c => {
                i += 1;
                vec![(c, c)]
            }
        };
        let (min, max, end) = count(&chars, i)?;
        i = end;
        if let Some(last) = alternatives.last_mut() {
            last.push(Atom { ranges, min, max });
        }
    }
    if alternatives.last().is_some_and(Vec::is_empty) {
        return Err("the pattern ends with `|`; write the alternative after it".to_owned());
    }
    Ok(Pattern {
        text: text.to_owned(),
        alternatives,
    })
}

/// A class starting at `chars[start] == '['`: its ranges and the index after `]`.
fn class(chars: &[char], start: usize) -> Result<(Vec<(char, char)>, usize), String> {
    let mut ranges = Vec::new();
    let mut i = start + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(format!("the class at character {} has no `]`", start + 1));
        };
        match c {
            ']' if i > start + 1 => return Ok((ranges, i + 1)),
            ']' => return Err(format!("the class at character {} is empty", start + 1)),
            '^' if i == start + 1 => {
                return Err(format!(
                    "the class at character {} is negated (`[^`); list the characters it takes",
                    start + 1
                ));
            }
            _ => {}
        }
        let low = if c == '\\' {
            i += 1;
            *chars
                .get(i)
                .ok_or_else(|| "the pattern ends inside a class".to_owned())?
        } else {
            c
        };
        i += 1;
        let ranged = chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']');
        if ranged {
            let high = chars[i + 1];
            if high < low {
                return Err(format!("the range {low}-{high} runs backwards"));
            }
            ranges.push((low, high));
            i += 2;
        } else {
            ranges.push((low, low));
        }
    }
}

/// The count after an atom at `chars[start..]`: (min, max, index after it).
fn count(chars: &[char], start: usize) -> Result<(u32, Option<u32>, usize), String> {
    let (min, max, end) = match chars.get(start) {
        Some('?') => (0, Some(1), start + 1),
        Some('*') => (0, None, start + 1),
        Some('+') => (1, None, start + 1),
        Some('{') => {
            let close = chars[start..]
                .iter()
                .position(|&c| c == '}')
                .map(|p| start + p)
                .ok_or_else(|| format!("the count at character {} has no `}}`", start + 1))?;
            let inner: String = chars[start + 1..close].iter().collect();
            let number = |t: &str| -> Result<u32, String> {
                t.parse::<u32>()
                    .ok()
                    .filter(|n| *n <= MAX_COUNT)
                    .ok_or_else(|| {
                        format!("the count {{{inner}}} is not whole numbers from 0 to {MAX_COUNT}")
                    })
            };
            let (min, max) = match inner.split_once(',') {
                None => {
                    let n = number(&inner)?;
                    (n, Some(n))
                }
                Some((a, "")) => (number(a)?, None),
                Some((a, b)) => (number(a)?, Some(number(b)?)),
            };
            (min, max, close + 1)
        }
        _ => (1, Some(1), start),
    };
    if max.is_some_and(|m| m < min) {
        return Err(format!(
            "a count at character {} allows fewer than its least",
            start + 1
        ));
    }
    if max == Some(0) {
        return Err(format!("a count at character {} allows nothing", start + 1));
    }
    if matches!(chars.get(end), Some('?' | '*' | '+' | '{')) {
        return Err(format!(
            "two counts in a row at character {}; write one",
            end + 1
        ));
    }
    Ok((min, max, end))
}

impl Pattern {
    /// Whether the whole of `text` matches one alternative, by the SDK's matcher
    /// (`smilepayz_rules::Pattern`), which walks the text once.
    pub fn matches(&self, text: &str) -> bool {
        self.table(&bumpalo::Bump::new()).matches(text)
    }

    /// The pattern as the rules table the generated code writes, in `arena`.
    pub fn table<'a>(&'a self, arena: &'a bumpalo::Bump) -> smilepayz_rules::Pattern<'a> {
        let alternatives = arena.alloc_slice_fill_iter(self.alternatives.iter().map(|atoms| {
            &*arena.alloc_slice_fill_iter(atoms.iter().map(|atom| smilepayz_rules::Atom {
                ranges: &atom.ranges,
                min: atom.min as u16,
                max: atom.max.map(|max| max as u16),
            }))
        }));
        smilepayz_rules::Pattern {
            text: &self.text,
            alternatives,
        }
    }

    /// The same pattern, in the words of the SDK's rules message: "must match …".
    pub fn message(&self) -> String {
        format!("must match {}", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_shapes_match_what_they_should() {
        let ifsc = parse("[A-Z]{4}0[A-Z0-9]{6}").expect("parses");
        assert!(ifsc.matches("HDFC0001234"));
        assert!(ifsc.matches("SBIN0ABC123"));
        for bad in [
            "HDFC1001234",
            "HDFC000123",
            "HDFC00012345",
            "hdfc0001234",
            "YES00012202121",
            "",
        ] {
            assert!(!ifsc.matches(bad), "{bad}");
        }
        let cpf_or_cnpj = parse("[0-9]{11}|[0-9]{14}").expect("parses");
        assert!(cpf_or_cnpj.matches("12345678909"));
        assert!(cpf_or_cnpj.matches("12345678000195"));
        assert!(!cpf_or_cnpj.matches("123456789012"));
        let rut = parse("[0-9]{7,8}-[0-9Kk]").expect("parses");
        assert!(rut.matches("12345678-9") && rut.matches("1234567-K"));
        assert!(!rut.matches("123456-9") && !rut.matches("12345678-X"));
        let plus = parse("a+b*c?\\.").expect("parses");
        assert!(plus.matches("a.") && plus.matches("aaabbc.") && !plus.matches("b."));
        let floor = parse("x{2,}").expect("parses");
        assert!(!floor.matches("x") && floor.matches("xx") && floor.matches(&"x".repeat(500)));
    }

    #[test]
    fn misused_patterns_are_refused_with_a_reason() {
        for (text, part) in [
            ("", "empty"),
            ("(ab)", "no groups"),
            ("a.c", "no groups, wildcards or anchors"),
            ("^a", "anchors"),
            ("[A-Z", "no `]`"),
            ("[]", "empty"),
            ("[^0-9]", "negated"),
            ("[z-a]", "backwards"),
            ("a{3,2}", "fewer than its least"),
            ("a{0}", "allows nothing"),
            ("a{999}", "from 0 to 256"),
            ("a{2", "no `}`"),
            ("*a", "nothing to repeat"),
            ("a|", "ends with `|`"),
            ("|a", "empty alternative"),
            ("a**", "two counts"),
            ("a\\", "ends with"),
            ("\\d{11}", "not part of the pattern language"),
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.contains(part), "{text:?}: {error}");
        }
        assert!(parse(&"a".repeat(201)).is_err());
    }

    #[test]
    fn hostile_input_is_matched_in_one_pass() {
        // The classic catastrophic-backtracking shape, made from what the language has: a
        // backtracking matcher tries every split of the a's between the three atoms, and would
        // not finish on 100,000 of them. The shared matcher reads the text once.
        let pattern = parse("a{0,256}a{0,256}a{0,256}b").expect("parses");
        assert!(!pattern.matches(&"a".repeat(100_000)));
        assert!(pattern.matches(&format!("{}b", "a".repeat(700))));
        assert!(!pattern.matches(&format!("{}b", "a".repeat(769))));
    }
}
