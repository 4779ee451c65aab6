//! The rules as data: what each field of a body must be, in tables the generator writes as
//! `const` items (`Object::new(&[Field::required("orderNo", Kind::TEXT.max_length(32))])`) and
//! builds at run time from the spec for its examples check. `'a` is `'static` in the SDK.

use crate::pattern::Pattern;

/// The rules of one JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Object<'a> {
    /// Its fields.
    pub fields: &'a [Field<'a>],
    /// Groups of fields of which at least one must be present.
    pub at_least_one_of: &'a [&'a [&'a str]],
    /// Fields that must be present when a top-level field has one of some values.
    pub required_when: &'a [RequiredWhen<'a>],
}

impl<'a> Object<'a> {
    /// A body's or an object's rules from its fields, with no groups and no conditions: the
    /// generated tables are written with it, `Object::new(&[ORDER_NO, …])`.
    #[must_use]
    pub const fn new(fields: &'a [Field<'a>]) -> Object<'a> {
        Object {
            fields,
            at_least_one_of: &[],
            required_when: &[],
        }
    }

    /// These rules with groups of fields of which at least one must be present.
    #[must_use]
    pub const fn at_least_one_of(mut self, groups: &'a [&'a [&'a str]]) -> Object<'a> {
        self.at_least_one_of = groups;
        self
    }

    /// These rules with fields that are mandatory when a top-level field has some values.
    #[must_use]
    pub const fn required_when(mut self, conditions: &'a [RequiredWhen<'a>]) -> Object<'a> {
        self.required_when = conditions;
        self
    }
}

/// A field that is mandatory when a top-level field of the body has one of some values
/// (Indonesia's `payer.phone` when `paymentMethod` is `W_OVO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequiredWhen<'a> {
    /// The field's JSON path, e.g. `payer.phone`.
    pub path: &'a str,
    /// The top-level field that decides, e.g. `paymentMethod`.
    pub field: &'a str,
    /// Its values (as text) that make the field mandatory.
    pub values: &'a [&'a str],
}

/// The rules of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Field<'a> {
    /// Its JSON key.
    pub name: &'a str,
    /// Whether it must be present (and not null).
    pub required: bool,
    /// What it holds.
    pub kind: Kind<'a>,
}

/// The characters a string may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chars {
    /// ASCII letters and digits.
    Alphanumeric,
    /// ASCII digits.
    Digits,
    /// Printable ASCII.
    Ascii,
}

/// The two shapes of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoneyShape {
    /// `{"currency", "value": "decimal string"}`.
    ValueString,
    /// `{"currency", "amount": number}`.
    AmountNumber,
}

/// What a field holds, with its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind<'a> {
    /// A string.
    String {
        /// Least length in characters.
        min_length: Option<u32>,
        /// Greatest length in characters.
        max_length: Option<u32>,
        /// Allowed characters.
        chars: Option<Chars>,
        /// The shape the whole value must have.
        pattern: Option<&'a Pattern<'a>>,
    },
    /// A whole number.
    Integer {
        /// Least value.
        minimum: Option<i64>,
        /// Greatest value.
        maximum: Option<i64>,
    },
    /// An exact decimal number.
    Decimal {
        /// Least value.
        minimum: Option<&'a str>,
        /// Greatest value.
        maximum: Option<&'a str>,
    },
    /// `true` or `false`.
    Boolean,
    /// A timestamp string.
    Timestamp {
        /// Whether it carries `±HH:MM`.
        offset: bool,
    },
    /// One of a set of values.
    Enum {
        /// The allowed values, as text.
        values: &'a [&'a str],
        /// Whether they are whole numbers.
        integer: bool,
        /// Whether any value of the right type is allowed (an open enum no region restricts).
        any: bool,
    },
    /// A list.
    List {
        /// The items.
        item: &'a Kind<'a>,
        /// Least number of items.
        min_items: Option<u32>,
        /// Greatest number of items.
        max_items: Option<u32>,
    },
    /// An object.
    Object {
        /// Its fields.
        fields: &'a [Field<'a>],
        /// Groups of its fields of which at least one must be present.
        at_least_one_of: &'a [&'a [&'a str]],
        /// Whether a list of such objects is accepted too.
        one_or_many: bool,
    },
    /// Money in the region's currency. Its amount is more than 0 and at most
    /// [`MAX_REQUEST_AMOUNT`] in every request, whatever the bounds say.
    Money {
        /// Its shape.
        shape: MoneyShape,
        /// The least amount (inclusive), where the region sets one.
        minimum: Option<&'a str>,
        /// The greatest amount (inclusive), where the region sets one.
        maximum: Option<&'a str>,
    },
    /// A JSON object, or a string holding one.
    JsonObject,
    /// A string holding JSON.
    JsonString,
}

impl<'a> Field<'a> {
    /// A field that must be present (and not null): the generated rules tables are written
    /// with it, `Field::required("orderNo", Kind::TEXT.min_length(6).max_length(32))`.
    #[must_use]
    pub const fn required(name: &'a str, kind: Kind<'a>) -> Field<'a> {
        Field {
            name,
            required: true,
            kind,
        }
    }

    /// A field that may be left out.
    #[must_use]
    pub const fn optional(name: &'a str, kind: Kind<'a>) -> Field<'a> {
        Field {
            name,
            required: false,
            kind,
        }
    }
}

impl<'a> Kind<'a> {
    /// Text of any length and characters; [`Kind::min_length`], [`Kind::max_length`],
    /// [`Kind::chars`] and [`Kind::pattern`] narrow it.
    pub const TEXT: Kind<'a> = Kind::String {
        min_length: None,
        max_length: None,
        chars: None,
        pattern: None,
    };

    /// This string rule with a least length in characters (other kinds are unchanged).
    #[must_use]
    pub const fn min_length(self, n: u32) -> Kind<'a> {
        match self {
            Kind::String {
                max_length,
                chars,
                pattern,
                ..
            } => Kind::String {
                min_length: Some(n),
                max_length,
                chars,
                pattern,
            },
            other => other,
        }
    }

    /// This string rule with a greatest length in characters (other kinds are unchanged).
    #[must_use]
    pub const fn max_length(self, n: u32) -> Kind<'a> {
        match self {
            Kind::String {
                min_length,
                chars,
                pattern,
                ..
            } => Kind::String {
                min_length,
                max_length: Some(n),
                chars,
                pattern,
            },
            other => other,
        }
    }

    /// This string rule with only these characters allowed (other kinds are unchanged).
    #[must_use]
    pub const fn chars(self, chars: Chars) -> Kind<'a> {
        match self {
            Kind::String {
                min_length,
                max_length,
                pattern,
                ..
            } => Kind::String {
                min_length,
                max_length,
                chars: Some(chars),
                pattern,
            },
            other => other,
        }
    }

    /// This string rule with the shape the whole value must have (other kinds are
    /// unchanged).
    #[must_use]
    pub const fn pattern(self, pattern: &'a Pattern<'a>) -> Kind<'a> {
        match self {
            Kind::String {
                min_length,
                max_length,
                chars,
                ..
            } => Kind::String {
                min_length,
                max_length,
                chars,
                pattern: Some(pattern),
            },
            other => other,
        }
    }

    /// A whole number of any value; [`Kind::at_least`] and [`Kind::at_most`] bound it.
    pub const INTEGER: Kind<'a> = Kind::Integer {
        minimum: None,
        maximum: None,
    };

    /// This whole-number rule with a least value (other kinds are unchanged).
    #[must_use]
    pub const fn at_least(self, n: i64) -> Kind<'a> {
        match self {
            Kind::Integer { maximum, .. } => Kind::Integer {
                minimum: Some(n),
                maximum,
            },
            other => other,
        }
    }

    /// This whole-number rule with a greatest value (other kinds are unchanged).
    #[must_use]
    pub const fn at_most(self, n: i64) -> Kind<'a> {
        match self {
            Kind::Integer { minimum, .. } => Kind::Integer {
                minimum,
                maximum: Some(n),
            },
            other => other,
        }
    }

    /// Text that must be one of `values`; [`Kind::whole_numbers`] makes them numbers and
    /// [`Kind::or_any`] lets any other value through too.
    #[must_use]
    pub const fn one_of(values: &'a [&'a str]) -> Kind<'a> {
        Kind::Enum {
            values,
            integer: false,
            any: false,
        }
    }

    /// This enum rule with its values whole numbers (other kinds are unchanged).
    #[must_use]
    pub const fn whole_numbers(self) -> Kind<'a> {
        match self {
            Kind::Enum { values, any, .. } => Kind::Enum {
                values,
                integer: true,
                any,
            },
            other => other,
        }
    }

    /// This enum rule open to any value of its type (other kinds are unchanged).
    #[must_use]
    pub const fn or_any(self) -> Kind<'a> {
        match self {
            Kind::Enum {
                values, integer, ..
            } => Kind::Enum {
                values,
                integer,
                any: true,
            },
            other => other,
        }
    }

    /// A list of any length whose items follow `item`; [`Kind::min_items`] and
    /// [`Kind::max_items`] bound its length.
    #[must_use]
    pub const fn list(item: &'a Kind<'a>) -> Kind<'a> {
        Kind::List {
            item,
            min_items: None,
            max_items: None,
        }
    }

    /// This list rule with a least number of items (other kinds are unchanged).
    #[must_use]
    pub const fn min_items(self, n: u32) -> Kind<'a> {
        match self {
            Kind::List {
                item, max_items, ..
            } => Kind::List {
                item,
                min_items: Some(n),
                max_items,
            },
            other => other,
        }
    }

    /// This list rule with a greatest number of items (other kinds are unchanged).
    #[must_use]
    pub const fn max_items(self, n: u32) -> Kind<'a> {
        match self {
            Kind::List {
                item, min_items, ..
            } => Kind::List {
                item,
                min_items,
                max_items: Some(n),
            },
            other => other,
        }
    }

    /// An object with these fields; [`Kind::at_least_one_of`] and [`Kind::one_or_many`]
    /// add to it.
    #[must_use]
    pub const fn object(fields: &'a [Field<'a>]) -> Kind<'a> {
        Kind::Object {
            fields,
            at_least_one_of: &[],
            one_or_many: false,
        }
    }

    /// This object rule with groups of fields of which at least one must be present (other
    /// kinds are unchanged).
    #[must_use]
    pub const fn at_least_one_of(self, groups: &'a [&'a [&'a str]]) -> Kind<'a> {
        match self {
            Kind::Object {
                fields,
                one_or_many,
                ..
            } => Kind::Object {
                fields,
                at_least_one_of: groups,
                one_or_many,
            },
            other => other,
        }
    }

    /// This object rule accepting a list of such objects too (other kinds are unchanged).
    #[must_use]
    pub const fn one_or_many(self) -> Kind<'a> {
        match self {
            Kind::Object {
                fields,
                at_least_one_of,
                ..
            } => Kind::Object {
                fields,
                at_least_one_of,
                one_or_many: true,
            },
            other => other,
        }
    }

    /// Money of this shape with no bounds of the region's own; [`Kind::min_amount`] and
    /// [`Kind::max_amount`] add them.
    #[must_use]
    pub const fn money(shape: MoneyShape) -> Kind<'a> {
        Kind::Money {
            shape,
            minimum: None,
            maximum: None,
        }
    }

    /// This money rule with a least amount (other kinds are unchanged).
    #[must_use]
    pub const fn min_amount(self, amount: &'a str) -> Kind<'a> {
        match self {
            Kind::Money { shape, maximum, .. } => Kind::Money {
                shape,
                minimum: Some(amount),
                maximum,
            },
            other => other,
        }
    }

    /// This money rule with a greatest amount (other kinds are unchanged).
    #[must_use]
    pub const fn max_amount(self, amount: &'a str) -> Kind<'a> {
        match self {
            Kind::Money { shape, minimum, .. } => Kind::Money {
                shape,
                minimum,
                maximum: Some(amount),
            },
            other => other,
        }
    }

    /// An object's field rules (none for any other kind). Generated request checks name a
    /// nested field's rules in the region's table with it, at compile time, instead of
    /// writing them out a second time.
    #[must_use]
    pub const fn object_fields(&self) -> &'a [Field<'a>] {
        match self {
            Kind::Object { fields, .. } => fields,
            _ => &[],
        }
    }

    /// A list's item rules (the kind itself for any other kind); for the same use.
    #[must_use]
    pub const fn list_item(&'a self) -> &'a Kind<'a> {
        match self {
            Kind::List { item, .. } => item,
            _ => self,
        }
    }
}

/// The largest amount any request may carry: 15 digits before the decimal point. No region's
/// gateway takes more, and up to it a JSON number keeps its whole part exactly. The spec
/// language's `minimum` and `maximum` on money narrow it and the floor (more than 0) per
/// region.
pub const MAX_REQUEST_AMOUNT: &str = "999999999999999";
