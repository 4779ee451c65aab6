//! Rustdoc for the generated code: spec prose made safe Markdown, and each field's and
//! type's description with its rules in words.

use super::*;

/// `#[doc]` attributes for `text`, one per line. Characters that rustdoc would read as links
/// or HTML are escaped, so any description in the spec renders as the text it is.
pub(crate) fn doc(text: &str) -> TokenStream {
    doc_lines(text, true)
}

/// `#[doc]` attributes for text the emitter composed itself, already valid Markdown.
pub(crate) fn doc_raw(text: &str) -> TokenStream {
    doc_lines(text, false)
}

pub(crate) fn doc_lines(text: &str, escape: bool) -> TokenStream {
    let text = doc_safe(text);
    let lines = text.trim_end().lines().map(|line| {
        let line = line.trim_end();
        let escaped = if escape {
            escape_markdown(line)
        } else {
            line.to_owned()
        };
        let line = if escaped.is_empty() {
            String::new()
        } else {
            format!(" {escaped}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Text that rustc accepts in a doc comment, which is how prettyplease prints `#[doc]`: a
/// carriage return becomes a line break (rustc refuses a bare one), and the text-direction
/// controls rustc refuses in comments (`text_direction_codepoint_in_comment`, deny by default)
/// are written as `\u{…}`.
pub(crate) fn doc_safe(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// One line of the spec's prose as rustdoc Markdown: its `code spans` stay code; outside them,
/// what rustdoc would read as a link, HTML, emphasis or a heading is escaped, so the text
/// renders as written. A line whose backticks do not pair up has them escaped too.
pub(crate) fn escape_markdown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let spans = chars.iter().filter(|&&c| c == '`').count() % 2 == 0 && !text.contains("``");
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '`' && spans {
            in_code = !in_code;
            out.push(c);
            continue;
        }
        if !in_code {
            let word = |j: Option<usize>| {
                j.and_then(|j| chars.get(j))
                    .is_some_and(|c| c.is_alphanumeric())
            };
            // `_` inside a word (CASHIER_PE) is not emphasis; at a word's edge it may be.
            let edge_underscore = c == '_' && !(word(i.checked_sub(1)) && word(Some(i + 1)));
            let heading = c == '#' && chars[..i].iter().all(|c| c.is_whitespace());
            if matches!(c, '[' | ']' | '<' | '>' | '\\' | '`' | '*') || edge_underscore || heading {
                out.push('\\');
            }
        }
        out.push(c);
    }
    out
}

/// Inline code in rustdoc: backticks long enough that none inside can close it.
pub(crate) fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

pub(crate) fn describe_ty(ty: &Ty) -> String {
    match ty {
        Ty::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => {
            let mut parts = vec!["text".to_owned()];
            match (min_length, max_length) {
                (Some(a), Some(b)) if a == b => parts.push(format!("exactly {a} characters")),
                (Some(a), Some(b)) => parts.push(format!("{a} to {b} characters")),
                (Some(a), None) => parts.push(format!("at least {a} characters")),
                (None, Some(b)) => parts.push(format!("at most {b} characters")),
                (None, None) => {}
            }
            if let Some(set) = chars {
                parts.push(format!("{} only", set.as_str()));
            }
            if let Some(pattern) = pattern {
                parts.push(format!("matching the pattern {}", pattern.text));
            }
            parts.join(", ")
        }
        Ty::Integer { minimum, maximum } => match (minimum, maximum) {
            (Some(a), Some(b)) => format!("a whole number from {a} to {b}"),
            (Some(a), None) => format!("a whole number, at least {a}"),
            (None, Some(b)) => format!("a whole number, at most {b}"),
            (None, None) => "a whole number".to_owned(),
        },
        Ty::Decimal { minimum, maximum } => match (minimum, maximum) {
            (Some(a), Some(b)) => format!("an exact decimal from {a} to {b}"),
            (Some(a), None) => format!("an exact decimal, at least {a}"),
            (None, Some(b)) => format!("an exact decimal, at most {b}"),
            (None, None) => "an exact decimal".to_owned(),
        },
        Ty::Boolean => "true or false".to_owned(),
        Ty::Timestamp { offset: true } => "a timestamp, yyyy-MM-ddTHH:mm:ss±HH:mm".to_owned(),
        Ty::Timestamp { offset: false } => {
            "a timestamp without offset, yyyy-MM-ddTHH:mm:ss (the region's local time)".to_owned()
        }
        // A region's override narrows the values a request may send (`allowed`).
        Ty::Enum(e) => match &e.allowed {
            Some(allowed) => format!("one of {}", allowed.join(", ")),
            None => {
                let values: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
                format!(
                    "one of {}{}",
                    values.join(", "),
                    if e.open {
                        " (other values are kept)"
                    } else {
                        ""
                    }
                )
            }
        },
        Ty::List {
            item,
            min_items,
            max_items,
        } => {
            let count = match (min_items, max_items) {
                (Some(a), Some(b)) => format!(" ({a} to {b} items)"),
                (Some(a), None) => {
                    format!(" (at least {a} item{})", if *a == 1 { "" } else { "s" })
                }
                (None, Some(b)) => format!(" (at most {b} items)"),
                (None, None) => String::new(),
            };
            format!("a list of {}{count}", describe_ty(item))
        }
        Ty::Object {
            object,
            one_or_many,
        } => {
            if *one_or_many {
                format!("one {} or a list of them", object.name.name())
            } else {
                format!("a {}", object.name.name())
            }
        }
        Ty::Money(money) => {
            let shape = match money.shape {
                MoneyShape::ValueString => "money, {currency, value: \"decimal string\"}",
                MoneyShape::AmountNumber => "money, {currency, amount: number}",
            };
            match crate::model::money_range(money) {
                Some(range) => format!("{shape}, in a request {range}"),
                None => shape.to_owned(),
            }
        }
        Ty::JsonObject => "a JSON object (also read from a string holding one)".to_owned(),
        Ty::JsonString => "a string holding JSON".to_owned(),
    }
}

pub(crate) fn field_doc(field: &Field) -> TokenStream {
    let presence = if field.required {
        "mandatory"
    } else {
        "optional"
    };
    let mut facts = vec![
        format!("JSON {}", code(&field.name)),
        presence.to_owned(),
        escape_markdown(&describe_ty(&field.ty)),
    ];
    if let Some(default) = &field.default {
        facts.push(format!("default {}", code(&default.to_string())));
    }
    let mut text = format!("\n{}.", facts.join("; "));
    if !field.examples.is_empty() {
        let examples: Vec<String> = field
            .examples
            .iter()
            .map(|e| code(&e.to_string()))
            .collect();
        text.push_str(&format!("\n\nExample: {}.", examples.join(", ")));
    }
    // The source pages' own wording (`field.source_text`) is in the reference page,
    // docs/regions.md, not here: rustdoc says what the field is in plain words.
    let description = doc(&field.doc);
    let facts = doc_raw(&text);
    quote! { #description #facts }
}

/// The documentation of a message's `extra`, the fields only some regions have.
pub(crate) fn extra_doc(side: &str) -> String {
    format!(
        " The fields only some regions' {side}s have; see the region's module. Regions without any use `NoExtraFields`."
    )
}
