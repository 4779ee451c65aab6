//! Hostile names and descriptions in a spec: each case either generates Rust that `syn`
//! parses, with the right identifiers, wire names and documentation, or is refused with a
//! problem that names the field and says how to fix it.
//!
//! The cases add extra response fields to the THB region of a temporary copy of the spec
//! (`endpoints.inquiry-balance.extra_fields.response`), or put hostile text in the region's
//! name, summary and field notes.

use std::path::{Path, PathBuf};

fn repo_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// A copy of the spec in a temporary folder.
struct SpecCopy {
    _temp: tempfile::TempDir,
    dir: PathBuf,
}

impl SpecCopy {
    fn new() -> Self {
        let temp = tempfile::tempdir().expect("temp folder");
        let dir = temp.path().join("spec");
        std::fs::create_dir_all(dir.join("regions")).expect("create folder");
        for file in [
            "gateway.yaml",
            "regions/pen.yaml",
            "regions/thb.yaml",
            "regions/usdt.yaml",
        ] {
            std::fs::copy(repo_spec().join(file), dir.join(file)).expect("copy spec file");
        }
        SpecCopy { _temp: temp, dir }
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.dir.join(file);
        let text = std::fs::read_to_string(&path).expect("read spec file");
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write spec file");
    }
}

/// An extra response field to add.
#[derive(Debug, Clone)]
struct Field {
    name: &'static str,
    rust_name: Option<&'static str>,
    description: &'static str,
}

const fn field(name: &'static str, description: &'static str) -> Field {
    Field {
        name,
        rust_name: None,
        description,
    }
}

const fn renamed(name: &'static str, rust_name: &'static str, description: &'static str) -> Field {
    Field {
        name,
        rust_name: Some(rust_name),
        description,
    }
}

/// YAML double-quoted scalars take JSON's escapes.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// A spec copy whose THB region has these extra response fields.
fn spec_with(fields: &[Field]) -> SpecCopy {
    let spec = SpecCopy::new();
    let mut block = String::from("    extra_fields:\n      response:\n");
    for f in fields {
        block.push_str(&format!(
            "        - name: {}\n          required: false\n          type: string\n          doc_type: String\n          description: {}\n",
            quoted(f.name),
            quoted(f.description)
        ));
        if let Some(rust_name) = f.rust_name {
            block.push_str(&format!("          rust_name: {}\n", quoted(rust_name)));
        }
    }
    spec.edit(
        "regions/thb.yaml",
        "  inquiry-balance:\n",
        &format!("  inquiry-balance:\n{block}"),
    );
    spec
}

/// The generated file, checked to parse.
fn generated(spec: &SpecCopy) -> syn::File {
    let loaded = smilepayz_codegen::load(&spec.dir).unwrap_or_else(|p| panic!("refused:\n{p}"));
    let code = smilepayz_codegen::generate(&loaded).expect("generates");
    syn::parse_file(&code).unwrap_or_else(|e| panic!("the generated code does not parse: {e}"))
}

fn doc_strings(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(meta) if meta.path.is_ident("doc") => match &meta.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn module<'a>(items: &'a [syn::Item], name: &str) -> &'a syn::ItemMod {
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => Some(m),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no module {name}"))
}

fn items(m: &syn::ItemMod) -> &[syn::Item] {
    &m.content.as_ref().expect("an inline module").1
}

/// The THB region's extra response struct.
fn thb_extra(file: &syn::File) -> &syn::ItemStruct {
    let thb = module(items(module(&file.items, "regions")), "thb");
    let endpoint = module(items(thb), "inquiry_balance");
    items(endpoint)
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == "InquiryBalanceResponseExtra" => Some(s),
            _ => None,
        })
        .expect("THB has an extra response struct")
}

/// The `rename` of a field's `#[serde(...)]`.
fn serde_rename(field: &syn::Field) -> Option<String> {
    let mut rename = None;
    for attr in &field.attrs {
        if attr.path().is_ident("serde") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                } else if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            })
            .expect("a serde attribute");
        }
    }
    rename
}

/// Undoes the emitter's Markdown escapes (a backslash before `[]<>\`*_#`).
fn unescape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && matches!(next, '[' | ']' | '<' | '>' | '\\' | '`' | '*' | '_' | '#')
        {
            out.push(next);
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

/// A description as its doc comment must say it: lines as written (a carriage return is a
/// line break), trailing spaces trimmed, text-direction controls written as `\u{…}`.
fn as_documented(description: &str) -> String {
    let text = description.replace("\r\n", "\n").replace('\r', "\n");
    let text: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect();
    text.trim_end()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The characters rustc refuses in a doc comment.
fn rustc_refuses_in_a_comment(doc: &str) -> bool {
    doc.contains('\r')
        || doc.contains(
            &[
                '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
                '\u{2068}', '\u{2069}',
            ][..],
        )
}

/// Generates with `fields` and checks each: its Rust name, its wire name, and that its doc
/// comment says its description. Returns 1, the case.
fn assert_generates(fields: &[Field], expected_idents: &[&str]) -> usize {
    let spec = spec_with(fields);
    let file = generated(&spec);
    let extra = thb_extra(&file);
    let members: Vec<&syn::Field> = extra.fields.iter().collect();
    let names: Vec<String> = members
        .iter()
        .map(|m| {
            m.ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(members.len(), fields.len(), "{names:?}");
    for ((f, member), expected) in fields.iter().zip(&members).zip(expected_idents) {
        let ident = member.ident.as_ref().expect("a named field");
        assert_eq!(ident.to_string(), *expected, "{}", f.name);
        assert_eq!(serde_rename(member).as_deref(), Some(f.name), "{}", f.name);
        let docs = doc_strings(&member.attrs);
        for doc in &docs {
            assert!(!doc.contains('\n'), "one line per #[doc]: {doc:?}");
            assert!(!rustc_refuses_in_a_comment(doc), "{doc:?}");
        }
        let text = unescape_markdown(
            &docs
                .iter()
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        let wanted = as_documented(f.description);
        assert!(
            text.starts_with(&wanted),
            "the doc of `{}` does not say its description\n  wanted: {wanted:?}\n  doc:    {text:?}",
            f.name
        );
    }
    1
}

/// Loads with `fields` and expects problems, one of which mentions every needle. Returns 1,
/// the case.
fn assert_refused(fields: &[Field], needles: &[&str]) -> usize {
    let spec = spec_with(fields);
    let problems = match smilepayz_codegen::load(&spec.dir) {
        Ok(_) => panic!("{fields:?} was accepted"),
        Err(problems) => problems,
    };
    let thb = spec.dir.join("regions/thb.yaml");
    let found = problems.0.iter().any(|p| {
        let text = format!("{} {}", p.message, p.help);
        p.location.file == thb && p.location.line > 1 && needles.iter().all(|n| text.contains(n))
    });
    assert!(
        found,
        "no problem in thb.yaml mentions all of {needles:?}:\n{problems}"
    );
    1
}

#[test]
fn keywords_become_raw_identifiers() {
    let mut n = 0;
    n += assert_generates(
        &[
            field("type", "The `type` of the thing."),
            field("match", "Whether it matches."),
            field("fn", "A function."),
            field("async", "Async."),
            field("gen", "Reserved in edition 2024."),
            field("dyn", "Dyn."),
            field("union", "A weak keyword."),
            field("macro_rules", "Not a keyword."),
        ],
        &[
            "r#type",
            "r#match",
            "r#fn",
            "r#async",
            "r#gen",
            "r#dyn",
            "r#union",
            "macro_rules",
        ],
    );
    // A rust_name may be a keyword too; it is written raw.
    n += assert_generates(
        &[renamed("kind", "type", "Renamed to a keyword.")],
        &["r#type"],
    );
    println!("keywords: {n} cases, 9 fields, raw identifiers where needed");
}

#[test]
fn words_that_cannot_be_identifiers_are_refused_with_the_rust_name_fix() {
    let mut n = 0;
    for word in ["self", "Self", "super", "crate"] {
        n += assert_refused(
            &[field(word, "x")],
            &[&format!("field name `{word}`"), "rust_name"],
        );
    }
    // The fix the problem suggests works.
    n += assert_generates(&[renamed("self", "self_", "Its own.")], &["self_"]);
    // A rust_name that is itself no identifier is refused, naming it.
    n += assert_refused(
        &[renamed("kind", "r#type", "x")],
        &["rust_name `r#type` is not a valid Rust identifier"],
    );
    n += assert_refused(&[renamed("kind", "self", "x")], &["rust_name `self`"]);
    println!("reserved words: {n} cases");
}

#[test]
fn names_that_collide_in_rust_are_refused_and_rust_name_resolves_them() {
    let mut n = 0;
    // Two extra fields that become the same Rust name.
    n += assert_refused(
        &[field("payerNo", "x"), field("payer_no", "y")],
        &[
            "`payerNo`",
            "`payer_no`",
            "both become `payer_no`",
            "rust_name",
        ],
    );
    n += assert_generates(
        &[
            field("payerNo", "camel"),
            renamed("payer_no", "payer_no_snake", "snake"),
        ],
        &["payer_no", "payer_no_snake"],
    );
    // A rust_name that collides with another field's name.
    n += assert_refused(
        &[field("payerNo", "x"), renamed("payerId", "payer_no", "y")],
        &["both become `payer_no`"],
    );
    // Extra fields that collide with the shared `accountNo`, by wire name or in Rust.
    n += assert_refused(
        &[field("accountNo", "x")],
        &["extra field `accountNo` clashes with the shared field `accountNo`"],
    );
    n += assert_refused(
        &[field("account_no", "x")],
        &["extra field `account_no` clashes with the shared field `accountNo`"],
    );
    n += assert_refused(
        &[field("accountNo", "x"), field("account_no", "y")],
        &["both become `account_no`"],
    );
    // The same wire name twice.
    n += assert_refused(
        &[field("memo", "x"), field("memo", "y")],
        &["field `memo` is listed twice"],
    );
    println!("collisions: {n} cases");
}

#[test]
fn non_ascii_names_need_a_rust_name() {
    let mut n = 0;
    n += assert_refused(
        &[field("señal", "x")],
        &[
            "field name `señal` is not a valid Rust identifier",
            "add `rust_name: <snake_case_name>`",
            "the wire name stays `señal`",
        ],
    );
    n += assert_refused(&[field("中文", "x")], &["field name `中文`", "rust_name"]);
    n += assert_refused(
        &[field("9lives", "x")],
        &["field name `9lives`", "rust_name"],
    );
    n += assert_refused(&[field("", "x")], &["field name ``", "rust_name"]);
    n += assert_refused(
        &[renamed("señal", "señal", "x")],
        &["rust_name `señal` is not a valid Rust identifier"],
    );
    n += assert_generates(
        &[renamed("señal", "senal", "Una señal, ünïcödé 中文 🦀.")],
        &["senal"],
    );
    n += assert_generates(&[renamed("9lives", "nine_lives", "Cat.")], &["nine_lives"]);
    println!("non-ASCII and odd names: {n} cases");
}

/// Descriptions that have broken documentation generators.
const HOSTILE_DESCRIPTIONS: &[&str] = &[
    "ends a block comment */ and opens one /* and /** too",
    "`code`, ``double``, a lone ` and ```fenced```",
    "\"double\" and 'single' quotes, \"# and #\" raw-string ends",
    "#[doc = \"injected\"] #![allow(warnings)] #[cfg(any())]",
    "line one\nline two\n\n    indented code\n- a list",
    "carriage\rreturn and crlf\r\nline",
    "<html><script>alert(1)</script></html> <!-- comment -->",
    "[link](http://127.0.0.1/) [[Intra]] ![img](x) <http://127.0.0.1>",
    "back\\slash and \\n escapes \\u{41}",
    "/// three slashes //! and // two",
    "*emphasis* _under_ **strong** __x__ # heading",
    "| a | table |\n|---|---|",
    "\u{202E}reversed\u{202C} text and \u{2067}isolates\u{2069}",
    "zero\u{0}byte, bell\u{7}, escape\u{1b}[31m",
    "trailing spaces   \n  leading spaces",
    "",
    "   ",
    "/ starts with a slash",
];

#[test]
fn hostile_descriptions_are_documented_as_written() {
    let names = [
        "noteA", "noteB", "noteC", "noteD", "noteE", "noteF", "noteG", "noteH", "noteI", "noteJ",
        "noteK", "noteL", "noteM", "noteN", "noteO", "noteP", "noteQ", "noteR",
    ];
    assert_eq!(names.len(), HOSTILE_DESCRIPTIONS.len());
    let fields: Vec<Field> = names
        .iter()
        .zip(HOSTILE_DESCRIPTIONS)
        .map(|(name, description)| field(name, description))
        .collect();
    let idents: Vec<String> = names
        .iter()
        .map(|n| format!("note_{}", n[4..].to_lowercase()))
        .collect();
    let idents: Vec<&str> = idents.iter().map(String::as_str).collect();
    let mut n = assert_generates(&fields, &idents);
    // One at a time too, so that no description is only valid next to another.
    for (name, description) in names.iter().zip(HOSTILE_DESCRIPTIONS) {
        n += assert_generates(
            &[field(name, description)],
            &[&format!("note_{}", name[4..].to_lowercase())],
        );
    }
    // A very long description.
    let long: &'static str = "x*/`<>[]\"#\r".repeat(2000).leak();
    n += assert_generates(&[field("long", long)], &["long"]);
    println!(
        "hostile descriptions: {n} cases ({} descriptions together, each alone, and one of 22,000 characters)",
        HOSTILE_DESCRIPTIONS.len()
    );
}

#[test]
fn hostile_text_in_region_facts_and_notes_gives_clean_docs() {
    // The region's name and summary reach module, type and variant docs (a field note goes
    // to the reference page only, but must not break anything either).
    let spec = SpecCopy::new();
    let hostile = quoted("Thai*/land\r`x` \u{202E}rtl\u{202C} <b>#[x]</b>\nsecond line");
    spec.edit(
        "regions/thb.yaml",
        "name: Thailand",
        &format!("name: {hostile}"),
    );
    spec.edit(
        "regions/thb.yaml",
        "summary: Thailand region (THB) pay-in, pay-out, status and balance inquiry API.",
        &format!("summary: {hostile}"),
    );
    spec.edit(
        "regions/thb.yaml",
        "      request.balanceTypes: e.g. [\"BALANCE\"]; types to return.",
        &format!("      request.balanceTypes: {hostile}"),
    );
    let file = generated(&spec);
    let mut docs = Vec::new();
    fn walk(items: &[syn::Item], docs: &mut Vec<String>) {
        for item in items {
            match item {
                syn::Item::Mod(m) => {
                    docs.extend(doc_strings(&m.attrs));
                    walk(items_of(m), docs);
                }
                syn::Item::Struct(s) => docs.extend(doc_strings(&s.attrs)),
                syn::Item::Enum(e) => {
                    docs.extend(doc_strings(&e.attrs));
                    for v in &e.variants {
                        docs.extend(doc_strings(&v.attrs));
                    }
                }
                syn::Item::Type(t) => docs.extend(doc_strings(&t.attrs)),
                syn::Item::Const(c) => docs.extend(doc_strings(&c.attrs)),
                _ => {}
            }
        }
    }
    fn items_of(m: &syn::ItemMod) -> &[syn::Item] {
        m.content.as_ref().map_or(&[], |(_, items)| items)
    }
    walk(&file.items, &mut docs);
    for doc in &docs {
        assert!(!rustc_refuses_in_a_comment(doc), "{doc:?}");
    }
    let all = docs.join("\n");
    for needle in ["Thai", "land", "rtl", "second line", "\\u{202e}"] {
        assert!(all.contains(needle), "{needle:?} is not documented");
    }
    println!("region facts and notes: {} doc lines checked", docs.len());
}
