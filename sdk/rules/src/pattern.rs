//! The shape a string must have, as the spec's `pattern:` writes it (`[A-Z]{4}0[A-Z0-9]{6}`),
//! compiled by the generator into a static table, and a matcher that reads the text once.
//!
//! The language is a small, always-anchored subset of regular expressions: alternatives
//! separated by `|`, each a sequence of character sets with counts (`{4}`, `{7,8}`, `?`, `*`,
//! `+`); no groups, so nothing to backtrack into. The matcher keeps the set of places the
//! pattern can be at, looking at and marking each at most once per character, so its work is
//! at most a few steps per state (a few dozen states for the patterns the regions use) per
//! character, whatever the text. The generator's `smilepayz_codegen::pattern` parses the
//! language into these same atoms, so the examples check and the SDK match with this one
//! matcher.

/// A string's required shape: the whole value matches one of the alternatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pattern<'a> {
    /// The pattern as the spec writes it, for messages.
    pub text: &'a str,
    /// The alternatives, each a sequence of atoms.
    pub alternatives: &'a [&'a [Atom<'a>]],
}

/// A set of characters with how many times it occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Atom<'a> {
    /// The characters it takes, as inclusive ranges.
    pub ranges: &'a [(char, char)],
    /// The least number of times.
    pub min: u16,
    /// The most, or `None` for no limit.
    pub max: Option<u16>,
}

impl Atom<'_> {
    fn accepts(&self, c: char) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= c && c <= b)
    }

    /// The highest count a state keeps: past `min`, an unbounded atom needs no more states.
    fn cap(&self) -> usize {
        usize::from(self.max.unwrap_or(self.min))
    }
}

/// The most states an alternative keeps on the stack; larger ones use the heap.
const INLINE_STATES: usize = 64;

impl Pattern<'_> {
    /// Whether the whole of `text` matches one alternative.
    #[must_use]
    pub fn matches(&self, text: &str) -> bool {
        self.alternatives.iter().any(|atoms| matches(atoms, text))
    }
}

/// Whether `text` matches `atoms`. The states are (atom, count so far), numbered from 0 in
/// order; the last one means "matched".
fn matches(atoms: &[Atom<'_>], text: &str) -> bool {
    let total: usize = atoms.iter().map(|a| a.cap() + 1).sum();
    let mut inline = [false; 2 * (INLINE_STATES + 1)];
    let mut heap = Vec::new();
    let states: &mut [bool] = if total < INLINE_STATES {
        &mut inline[..2 * (total + 1)]
    } else {
        heap.resize(2 * (total + 1), false);
        &mut heap
    };
    let (mut current, mut next) = states.split_at_mut(total + 1);
    enter(atoms, 0, 0, 0, current);
    for c in text.chars() {
        next.fill(false);
        let mut any = false;
        let mut offset = 0;
        for (i, atom) in atoms.iter().enumerate() {
            let cap = atom.cap();
            if atom.accepts(c) {
                for k in 0..=cap {
                    if !current[offset + k] {
                        continue;
                    }
                    let after = match atom.max {
                        Some(max) if k + 1 > usize::from(max) => continue,
                        Some(_) => k + 1,
                        None => (k + 1).min(usize::from(atom.min)),
                    };
                    enter(atoms, i, offset, after, next);
                    any = true;
                }
            }
            offset += cap + 1;
        }
        if !any {
            return false;
        }
        std::mem::swap(&mut current, &mut next);
    }
    current[total]
}

/// Marks state (`i`, `k`), where atom `i`'s states start at `offset`, and every state
/// reachable from it without reading a character.
fn enter(atoms: &[Atom<'_>], mut i: usize, mut offset: usize, mut k: usize, states: &mut [bool]) {
    loop {
        let Some(atom) = atoms.get(i) else {
            states[offset] = true;
            return;
        };
        // Already marked: so is everything reachable from it.
        if states[offset + k] {
            return;
        }
        states[offset + k] = true;
        if k < usize::from(atom.min) {
            return;
        }
        offset += atom.cap() + 1;
        i += 1;
        k = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IFSC: Pattern<'static> = Pattern {
        text: "[A-Z]{4}0[A-Z0-9]{6}",
        alternatives: &[&[
            Atom {
                ranges: &[('A', 'Z')],
                min: 4,
                max: Some(4),
            },
            Atom {
                ranges: &[('0', '0')],
                min: 1,
                max: Some(1),
            },
            Atom {
                ranges: &[('A', 'Z'), ('0', '9')],
                min: 6,
                max: Some(6),
            },
        ]],
    };

    #[test]
    fn an_ifsc_matches_and_its_near_misses_do_not() {
        assert!(IFSC.matches("HDFC0001234"));
        for bad in [
            "HDFC1001234",
            "HDFC000123",
            "HDFC00012345",
            "hdfc0001234",
            "YES00012202121",
            "",
        ] {
            assert!(!IFSC.matches(bad), "{bad}");
        }
    }

    #[test]
    fn unbounded_and_optional_counts() {
        // x+y?, then x{2,}
        const P: Pattern<'static> = Pattern {
            text: "x+y?|z{2,}",
            alternatives: &[
                &[
                    Atom {
                        ranges: &[('x', 'x')],
                        min: 1,
                        max: None,
                    },
                    Atom {
                        ranges: &[('y', 'y')],
                        min: 0,
                        max: Some(1),
                    },
                ],
                &[Atom {
                    ranges: &[('z', 'z')],
                    min: 2,
                    max: None,
                }],
            ],
        };
        for (text, expected) in [
            ("x", true),
            ("xxxxy", true),
            ("y", false),
            ("xyy", false),
            ("zz", true),
            ("z", false),
            (&*"z".repeat(10_000), true),
            ("", false),
        ] {
            assert_eq!(P.matches(text), expected, "{text:?}");
        }
    }
}
