//! Turning the spec's names into Rust names, or saying why one cannot be.

use heck::{ToPascalCase, ToSnakeCase};

/// Words that cannot be Rust identifiers even as raw identifiers (`r#…`).
const NOT_EVEN_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Rust's keywords (all editions), which need the `r#` prefix to be used as names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Whether `word` is a Rust keyword, so that it must be written `r#word`.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Checks that `name` is a plain ASCII Rust identifier: a letter or `_`, then letters,
/// digits or `_`, and not a word Rust reserves outright.
pub fn check_identifier(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Err("it is empty".to_owned()),
        Some(c) if !(c.is_ascii_alphabetic() || c == '_') => {
            return Err(format!("it starts with {c:?}, not a letter"));
        }
        _ => {}
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!(
            "it contains {c:?}; only ASCII letters, digits and _ are allowed"
        ));
    }
    if NOT_EVEN_RAW.contains(&name) {
        return Err(format!("`{name}` is reserved by Rust"));
    }
    Ok(())
}

/// The snake_case Rust field name of a wire name such as `accountNo`.
pub fn field_name(wire: &str) -> Result<String, String> {
    let snake = wire.to_snake_case();
    check_identifier(&snake)?;
    Ok(snake)
}

/// The module name of a region code such as `THB`.
pub fn module_name(code: &str) -> Result<String, String> {
    let snake = code.to_snake_case();
    check_identifier(&snake)?;
    Ok(snake)
}

/// The PascalCase type name of a region code (`THB` becomes `Thb`) or an endpoint id
/// (`inquiry-balance` becomes `InquiryBalance`).
pub fn type_name(word: &str) -> Result<String, String> {
    let pascal = word.to_pascal_case();
    check_identifier(&pascal)?;
    Ok(pascal)
}

/// The name of the associated type that holds the fields regions add inside the request
/// object of the field with Rust name `rust` (`receiver` becomes `ReceiverExtra`).
pub fn extra_slot_name(rust: &str) -> String {
    format!("{}Extra", rust.to_pascal_case())
}

/// The SCREAMING_SNAKE_CASE name of a constant derived from a PascalCase prefix.
pub fn constant_name(pascal: &str) -> String {
    heck::ToShoutySnakeCase::to_shouty_snake_case(pascal)
}

/// "A" or "An", as written before `word` (a type name such as `AccountInfo`).
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "An"
    } else {
        "A"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_snake_case() {
        assert_eq!(field_name("accountNo").as_deref(), Ok("account_no"));
        assert_eq!(field_name("balanceTypes").as_deref(), Ok("balance_types"));
        assert_eq!(field_name("type").as_deref(), Ok("type"));
        assert!(is_keyword("type"));
    }

    #[test]
    fn names_that_cannot_be_identifiers_are_refused() {
        assert!(field_name("").is_err());
        assert!(field_name("9lives").is_err());
        assert!(field_name("näme").is_err());
        assert!(field_name("self").is_err());
        assert!(type_name("---").is_err());
    }

    #[test]
    fn articles_follow_the_first_letter() {
        assert_eq!(article("AccountInfo"), "An");
        assert_eq!(article("Payer"), "A");
    }
}
