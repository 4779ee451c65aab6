//! Checking a typed request while it is serialized, without building a `serde_json::Value`
//! of the whole body.
//!
//! The result is exactly what [`super::check`] gives for `serde_json::to_value(request)`:
//! objects and lists are walked here, every scalar (and money) is turned into a small `Value`
//! and checked by the same [`super::check_value`], and each object's problems are put in the
//! same order (required fields, groups, then by key, as a `serde_json::Map` iterates). One path
//! buffer is shared by the whole walk, and keys are the rules' own `&'static str`s, so a valid
//! request costs few allocations. Any shape this walker does not expect makes it give up, and
//! the caller checks the `Value` way: the fast path can only ever be faster, never different.

use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::Value;

use super::{Field, Kind, Object, check_str, check_value, join, problem};
use crate::{FieldProblem, RegionInfo};

/// The `Serializer` methods for values a walker does not expect: give up.
macro_rules! give_up_on {
    ($ok:ty) => {
        fn serialize_bool(self, _: bool) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_i64(self, _: i64) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_u64(self, _: u64) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        give_up_on_rest!($ok);
    };
}

/// The same, but for booleans and 64-bit integers, which [`ScalarCheck`] checks.
macro_rules! give_up_on_rest {
    ($ok:ty) => {
        fn serialize_i8(self, _: i8) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_i16(self, _: i16) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_i32(self, _: i32) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_u8(self, _: u8) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_u16(self, _: u16) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_u32(self, _: u32) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_f32(self, _: f32) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_f64(self, _: f64) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_char(self, _: char) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, GiveUp> {
            Err(GiveUp)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, GiveUp> {
            Err(GiveUp)
        }
    };
}

/// The walker met a shape it does not handle: check the `Value` way instead.
#[derive(Debug)]
pub(super) struct GiveUp;

impl std::fmt::Display for GiveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not checked while serializing")
    }
}

impl std::error::Error for GiveUp {}

impl ser::Error for GiveUp {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

/// The problems of `value` against `rules`, or `None` to check the `Value` way.
pub(super) fn check<T: Serialize + ?Sized>(
    value: &T,
    rules: &Object,
    region: &RegionInfo,
) -> Option<Vec<FieldProblem>> {
    let mut out = Vec::new();
    let mut path = String::with_capacity(64);
    let walker = ObjectWalker {
        fields: rules.fields,
        groups: rules.at_least_one_of,
        one_or_many: false,
        region,
        path: &mut path,
        out: &mut out,
    };
    match value.serialize(walker) {
        Ok(Seen::Value) => Some(out),
        // A body that is null or not an object: let the Value way word it.
        _ => None,
    }
}

/// What a field's value turned out to be, for the required and at-least-one-of checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// `null` (or `None` serialized).
    Null,
    /// The empty string.
    Empty,
    /// Anything else.
    Value,
}

/// A member's key: the rule's own name, or (for a key no rule has) a copy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Known(&'static str),
    Other(String),
}

impl Key {
    fn as_str(&self) -> &str {
        match self {
            Key::Known(k) => k,
            Key::Other(k) => k,
        }
    }
}

/// Checks one field's value, of `kind`, at `path` (restored on return).
fn field<T: Serialize + ?Sized>(
    kind: &Kind,
    required: bool,
    value: &T,
    region: &RegionInfo,
    path: &mut String,
    out: &mut Vec<FieldProblem>,
) -> Result<Seen, GiveUp> {
    match kind {
        Kind::Object {
            fields,
            one_or_many,
        } => {
            let seen = value.serialize(ObjectWalker {
                fields,
                groups: &[],
                one_or_many: *one_or_many,
                region,
                path: &mut *path,
                out: &mut *out,
            })?;
            if seen == Seen::Null && required {
                check_value(kind, &Value::Null, region, path, out);
            }
            Ok(seen)
        }
        Kind::List { .. } => {
            let seen = value.serialize(ListWalker {
                kind,
                region,
                path: &mut *path,
                out: &mut *out,
            })?;
            if seen == Seen::Null && required {
                check_value(kind, &Value::Null, region, path, out);
            }
            Ok(seen)
        }
        _ => {
            // A string, a whole number, a boolean or nothing is checked where it is; anything
            // else (money, a JSON object) through a small `Value`.
            if let Ok(seen) = value.serialize(ScalarCheck {
                kind,
                required,
                region,
                path: &mut *path,
                out: &mut *out,
            }) {
                return Ok(seen);
            }
            let json = serde_json::to_value(value).map_err(|_| GiveUp)?;
            let seen = match &json {
                Value::Null => Seen::Null,
                Value::String(s) if s.is_empty() => Seen::Empty,
                _ => Seen::Value,
            };
            if seen != Seen::Null || required {
                check_value(kind, &json, region, path, out);
            }
            Ok(seen)
        }
    }
}

/// Checks a scalar field as it is serialized. It writes problems only from the one method
/// that handles the value, so giving up (for any other shape) leaves nothing behind.
struct ScalarCheck<'a> {
    kind: &'a Kind,
    required: bool,
    region: &'a RegionInfo,
    path: &'a mut String,
    out: &'a mut Vec<FieldProblem>,
}

impl ScalarCheck<'_> {
    /// What `field` does with the `Value` of a non-null, non-string scalar.
    fn value(self, json: Value) -> Result<Seen, GiveUp> {
        check_value(self.kind, &json, self.region, self.path, self.out);
        Ok(Seen::Value)
    }
}

impl ser::Serializer for ScalarCheck<'_> {
    type Ok = Seen;
    type Error = GiveUp;
    type SerializeSeq = Impossible<Seen, GiveUp>;
    type SerializeTuple = Impossible<Seen, GiveUp>;
    type SerializeTupleStruct = Impossible<Seen, GiveUp>;
    type SerializeTupleVariant = Impossible<Seen, GiveUp>;
    type SerializeMap = Impossible<Seen, GiveUp>;
    type SerializeStruct = Impossible<Seen, GiveUp>;
    type SerializeStructVariant = Impossible<Seen, GiveUp>;

    fn serialize_str(self, text: &str) -> Result<Seen, GiveUp> {
        check_str(self.kind, text, self.region, self.path, self.out);
        Ok(if text.is_empty() {
            Seen::Empty
        } else {
            Seen::Value
        })
    }

    fn serialize_i64(self, v: i64) -> Result<Seen, GiveUp> {
        self.value(Value::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Seen, GiveUp> {
        self.value(Value::from(v))
    }

    fn serialize_bool(self, v: bool) -> Result<Seen, GiveUp> {
        self.value(Value::from(v))
    }

    fn serialize_none(self) -> Result<Seen, GiveUp> {
        if self.required {
            check_value(self.kind, &Value::Null, self.region, self.path, self.out);
        }
        Ok(Seen::Null)
    }

    fn serialize_unit(self) -> Result<Seen, GiveUp> {
        self.serialize_none()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Seen, GiveUp> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Seen, GiveUp> {
        value.serialize(self)
    }

    give_up_on_rest!(Seen);

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, GiveUp> {
        Err(GiveUp)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, GiveUp> {
        Err(GiveUp)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, GiveUp> {
        Err(GiveUp)
    }
}

/// Walks a value that must be an object (or, with `one_or_many`, a list of them).
struct ObjectWalker<'a> {
    fields: &'static [Field],
    groups: &'static [&'static [&'static str]],
    one_or_many: bool,
    region: &'a RegionInfo,
    path: &'a mut String,
    out: &'a mut Vec<FieldProblem>,
}

/// The members of one object being walked.
struct ObjectFrame<'a> {
    fields: &'static [Field],
    groups: &'static [&'static [&'static str]],
    region: &'a RegionInfo,
    path: &'a mut String,
    out: &'a mut Vec<FieldProblem>,
    /// Each member's key, what it held, and its problems (empty, so unallocated, when fine).
    members: Vec<(Key, Seen, Vec<FieldProblem>)>,
    /// The key of a map entry whose value comes next.
    key: Option<Key>,
}

impl ObjectFrame<'_> {
    fn member<T: Serialize + ?Sized>(&mut self, key: Key, value: &T) -> Result<(), GiveUp> {
        let mut problems = Vec::new();
        let len = self.path.len();
        if len > 0 {
            self.path.push('.');
        }
        self.path.push_str(key.as_str());
        let rule = self.fields.iter().find(|f| f.name == key.as_str());
        let seen = match rule {
            None => {
                let known: Vec<&str> = self.fields.iter().map(|f| f.name).collect();
                problem(
                    &mut problems,
                    self.path,
                    format!(
                        "is not a field of this message in {}; its fields are {}",
                        self.region.code,
                        known.join(", ")
                    ),
                );
                // Whether it is null does not matter: no rule names it.
                Ok(Seen::Value)
            }
            Some(f) => field(
                &f.kind,
                f.required,
                value,
                self.region,
                self.path,
                &mut problems,
            ),
        };
        self.path.truncate(len);
        self.members.push((key, seen?, problems));
        Ok(())
    }

    /// Writes the object's problems in the order `check` gives them.
    fn finish(mut self) -> Result<Seen, GiveUp> {
        let present = |name: &str, members: &[(Key, Seen, Vec<FieldProblem>)]| {
            members
                .iter()
                .find(|(k, ..)| k.as_str() == name)
                .map(|(_, seen, _)| *seen)
        };
        for f in self.fields {
            if f.required && present(f.name, &self.members).is_none_or(|s| s == Seen::Null) {
                problem(
                    self.out,
                    &join(self.path, f.name),
                    format!("required in {}", self.region.code),
                );
            }
        }
        for group in self.groups {
            let any = group
                .iter()
                .any(|name| present(name, &self.members) == Some(Seen::Value));
            if !any {
                problem(
                    self.out,
                    self.path,
                    format!(
                        "needs at least one of {} in {}",
                        group.join(", "),
                        self.region.code
                    ),
                );
            }
        }
        // A JSON object keeps one value per key, in key order.
        self.members.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        if self
            .members
            .windows(2)
            .any(|w| w[0].0.as_str() == w[1].0.as_str())
        {
            return Err(GiveUp);
        }
        for (_, _, problems) in self.members {
            self.out.extend(problems);
        }
        Ok(Seen::Value)
    }
}

impl<'a> ser::Serializer for ObjectWalker<'a> {
    type Ok = Seen;
    type Error = GiveUp;
    type SerializeSeq = ListFrame<'a>;
    type SerializeTuple = Impossible<Seen, GiveUp>;
    type SerializeTupleStruct = Impossible<Seen, GiveUp>;
    type SerializeTupleVariant = Impossible<Seen, GiveUp>;
    type SerializeMap = ObjectFrame<'a>;
    type SerializeStruct = ObjectFrame<'a>;
    type SerializeStructVariant = Impossible<Seen, GiveUp>;

    fn serialize_map(self, len: Option<usize>) -> Result<ObjectFrame<'a>, GiveUp> {
        Ok(ObjectFrame {
            fields: self.fields,
            groups: self.groups,
            region: self.region,
            path: self.path,
            out: self.out,
            members: Vec::with_capacity(len.unwrap_or(self.fields.len())),
            key: None,
        })
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<ObjectFrame<'a>, GiveUp> {
        if name.starts_with("$serde_json") {
            return Err(GiveUp);
        }
        self.serialize_map(Some(len))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<ListFrame<'a>, GiveUp> {
        if !self.one_or_many {
            return Err(GiveUp);
        }
        Ok(ListFrame {
            item: Item::Object(self.fields),
            min_items: None,
            max_items: None,
            one_or_many: true,
            region: self.region,
            path: self.path,
            out: self.out,
            count: 0,
            problems: Vec::new(),
        })
    }

    fn serialize_none(self) -> Result<Seen, GiveUp> {
        Ok(Seen::Null)
    }

    fn serialize_unit(self) -> Result<Seen, GiveUp> {
        Ok(Seen::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Seen, GiveUp> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Seen, GiveUp> {
        value.serialize(self)
    }

    fn serialize_str(self, _: &str) -> Result<Seen, GiveUp> {
        Err(GiveUp)
    }

    give_up_on!(Seen);
}

impl ser::SerializeStruct for ObjectFrame<'_> {
    type Ok = Seen;
    type Error = GiveUp;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), GiveUp> {
        self.member(Key::Known(key), value)
    }

    fn end(self) -> Result<Seen, GiveUp> {
        self.finish()
    }
}

impl ser::SerializeMap for ObjectFrame<'_> {
    type Ok = Seen;
    type Error = GiveUp;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), GiveUp> {
        self.key = Some(key.serialize(KeyCapture {
            fields: self.fields,
        })?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), GiveUp> {
        let key = self.key.take().ok_or(GiveUp)?;
        self.member(key, value)
    }

    fn end(self) -> Result<Seen, GiveUp> {
        self.finish()
    }
}

/// Reads a map key, as the rule's own name when a rule has it.
struct KeyCapture {
    fields: &'static [Field],
}

impl ser::Serializer for KeyCapture {
    type Ok = Key;
    type Error = GiveUp;
    type SerializeSeq = Impossible<Key, GiveUp>;
    type SerializeTuple = Impossible<Key, GiveUp>;
    type SerializeTupleStruct = Impossible<Key, GiveUp>;
    type SerializeTupleVariant = Impossible<Key, GiveUp>;
    type SerializeMap = Impossible<Key, GiveUp>;
    type SerializeStruct = Impossible<Key, GiveUp>;
    type SerializeStructVariant = Impossible<Key, GiveUp>;

    fn serialize_str(self, key: &str) -> Result<Key, GiveUp> {
        Ok(match self.fields.iter().find(|f| f.name == key) {
            Some(f) => Key::Known(f.name),
            None => Key::Other(key.to_owned()),
        })
    }

    fn serialize_none(self) -> Result<Key, GiveUp> {
        Err(GiveUp)
    }

    fn serialize_unit(self) -> Result<Key, GiveUp> {
        Err(GiveUp)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Key, GiveUp> {
        Err(GiveUp)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Key, GiveUp> {
        value.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, GiveUp> {
        Err(GiveUp)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, GiveUp> {
        Err(GiveUp)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, GiveUp> {
        Err(GiveUp)
    }

    give_up_on!(Key);
}

/// What a list holds.
#[derive(Clone, Copy)]
enum Item {
    /// Items of this kind.
    Kind(&'static Kind),
    /// Objects with these fields (a one-or-many object sent as a list).
    Object(&'static [Field]),
}

/// Walks a value that must be a list.
struct ListWalker<'a> {
    kind: &'a Kind,
    region: &'a RegionInfo,
    path: &'a mut String,
    out: &'a mut Vec<FieldProblem>,
}

/// The items of one list being walked.
struct ListFrame<'a> {
    item: Item,
    min_items: Option<u32>,
    max_items: Option<u32>,
    one_or_many: bool,
    region: &'a RegionInfo,
    path: &'a mut String,
    out: &'a mut Vec<FieldProblem>,
    count: usize,
    problems: Vec<FieldProblem>,
}

impl<'a> ser::Serializer for ListWalker<'a> {
    type Ok = Seen;
    type Error = GiveUp;
    type SerializeSeq = ListFrame<'a>;
    type SerializeTuple = Impossible<Seen, GiveUp>;
    type SerializeTupleStruct = Impossible<Seen, GiveUp>;
    type SerializeTupleVariant = Impossible<Seen, GiveUp>;
    type SerializeMap = Impossible<Seen, GiveUp>;
    type SerializeStruct = Impossible<Seen, GiveUp>;
    type SerializeStructVariant = Impossible<Seen, GiveUp>;

    fn serialize_seq(self, _: Option<usize>) -> Result<ListFrame<'a>, GiveUp> {
        let Kind::List {
            item,
            min_items,
            max_items,
        } = self.kind
        else {
            return Err(GiveUp);
        };
        Ok(ListFrame {
            item: Item::Kind(item),
            min_items: *min_items,
            max_items: *max_items,
            one_or_many: false,
            region: self.region,
            path: self.path,
            out: self.out,
            count: 0,
            problems: Vec::new(),
        })
    }

    fn serialize_none(self) -> Result<Seen, GiveUp> {
        Ok(Seen::Null)
    }

    fn serialize_unit(self) -> Result<Seen, GiveUp> {
        Ok(Seen::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Seen, GiveUp> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Seen, GiveUp> {
        value.serialize(self)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, GiveUp> {
        Err(GiveUp)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, GiveUp> {
        Err(GiveUp)
    }

    fn serialize_str(self, _: &str) -> Result<Seen, GiveUp> {
        Err(GiveUp)
    }

    give_up_on!(Seen);
}

impl ser::SerializeSeq for ListFrame<'_> {
    type Ok = Seen;
    type Error = GiveUp;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), GiveUp> {
        let len = self.path.len();
        let _ = write!(self.path, "[{}]", self.count);
        self.count += 1;
        let result = match self.item {
            // An item is checked whatever it is, null included, as `check` does.
            Item::Kind(kind) => field(
                kind,
                true,
                value,
                self.region,
                self.path,
                &mut self.problems,
            )
            .map(|_| ()),
            Item::Object(fields) => value
                .serialize(ObjectWalker {
                    fields,
                    groups: &[],
                    one_or_many: false,
                    region: self.region,
                    path: &mut *self.path,
                    out: &mut self.problems,
                })
                .and_then(|seen| {
                    if seen == Seen::Null {
                        Err(GiveUp)
                    } else {
                        Ok(())
                    }
                }),
        };
        self.path.truncate(len);
        result
    }

    fn end(self) -> Result<Seen, GiveUp> {
        if self.one_or_many {
            if self.count == 0 {
                problem(
                    self.out,
                    self.path,
                    "must hold at least one entry".to_owned(),
                );
            }
        } else {
            if let Some(min) = self.min_items
                && self.count < min as usize
            {
                problem(
                    self.out,
                    self.path,
                    format!("has {} items; at least {min} are needed", self.count),
                );
            }
            if let Some(max) = self.max_items
                && self.count > max as usize
            {
                problem(
                    self.out,
                    self.path,
                    format!("has {} items; at most {max} are allowed", self.count),
                );
            }
        }
        self.out.extend(self.problems);
        Ok(Seen::Value)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRunner};
    use serde_json::{Value, json};

    use crate::endpoints::{inquiry_balance, inquiry_status, pay_in, pay_out};
    use crate::regions::{pen::Pen, thb::Thb, usdt::Usdt};
    use crate::{Example, RegionSpec};

    fn odd() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            Just(json!("")),
            Just(json!("ab")),
            Just(json!("x".repeat(40))),
            Just(json!("12345678901234567890")),
            Just(json!("S20001A1B2C3")),
            Just(json!("2024-06-11T13:12:00+07:00")),
            Just(json!(0)),
            Just(json!(2)),
            Just(json!(99_999)),
            Just(json!(100.505)),
            Just(json!(true)),
            Just(json!([])),
            Just(json!(["BALANCE", "AVAILABLE"])),
            Just(json!({})),
            Just(json!({"currency": "USD", "amount": 1})),
            Just(json!({"currency": "THB", "amount": 1.001})),
            Just(json!({"name": "n"})),
            "[A-Z]{3,8}".prop_map(Value::String),
        ]
    }

    fn keys(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if let Value::Object(map) = value {
            for (k, v) in map {
                at.push(k.clone());
                out.push(at.clone());
                keys(v, at, out);
                at.pop();
            }
        }
    }

    /// Mutates example requests, reads them as the typed request where they still read, and
    /// compares the two ways of checking. Returns how many requests with problems took the
    /// fast path.
    fn agree<Q: crate::ApiRequest>(
        examples: &[Example],
        rules: &super::Object,
        info: &crate::RegionInfo,
    ) -> usize {
        let starts: Vec<Value> = examples
            .iter()
            .filter_map(|e| e.request.and_then(|m| m.body))
            .filter_map(|b| serde_json::from_str(b).ok())
            .collect();
        if starts.is_empty() {
            return 0;
        }
        let fast_paths = std::cell::Cell::new(0usize);
        let mut runner = TestRunner::new(Config {
            cases: 256,
            failure_persistence: None,
            rng_algorithm: RngAlgorithm::ChaCha,
            ..Config::default()
        });
        let strategy = (
            prop::sample::select(starts),
            prop::collection::vec((any::<prop::sample::Index>(), odd(), any::<bool>()), 0..4),
        );
        runner
            .run(&strategy, |(mut body, changes)| {
                for (at, value, remove) in changes {
                    let mut paths = Vec::new();
                    keys(&body, &mut Vec::new(), &mut paths);
                    if paths.is_empty() {
                        continue;
                    }
                    let path = &paths[at.index(paths.len())];
                    let (last, parent) = path.split_last().expect("a key");
                    let mut node = &mut body;
                    for k in parent {
                        node = &mut node[k.as_str()];
                    }
                    if let Value::Object(map) = node {
                        if remove {
                            map.remove(last);
                        } else {
                            map.insert(last.clone(), value);
                        }
                    }
                }
                let Ok(typed) = serde_json::from_value::<Q>(body) else {
                    return Ok(());
                };
                let as_value = serde_json::to_value(&typed).expect("serializes");
                let slow = super::super::check(rules, &as_value, info)
                    .err()
                    .map(|e| e.problems().to_vec())
                    .unwrap_or_default();
                // The generated check of the region (what `validate` runs) agrees too.
                let generated = typed
                    .validate()
                    .err()
                    .map(|e| e.problems().to_vec())
                    .unwrap_or_default();
                prop_assert_eq!(
                    &generated,
                    &slow,
                    "{} generated check disagrees on {}",
                    info.code,
                    as_value
                );
                if let Some(fast) = super::check(&typed, rules, info) {
                    // Counted only when there is something to agree on.
                    if !slow.is_empty() {
                        fast_paths.set(fast_paths.get() + 1);
                    }
                    prop_assert_eq!(fast, slow, "{} disagree on {}", info.code, as_value);
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        fast_paths.get()
    }

    fn region<R>() -> usize
    where
        R: RegionSpec
            + inquiry_balance::InquiryBalanceVariant
            + inquiry_status::InquiryStatusVariant
            + pay_in::PayInVariant
            + pay_out::PayOutVariant,
    {
        let info = &R::INFO;
        agree::<inquiry_balance::InquiryBalanceRequest<R>>(
            <R as inquiry_balance::InquiryBalanceVariant>::EXAMPLES,
            &<R as inquiry_balance::InquiryBalanceVariant>::REQUEST_RULES,
            info,
        ) + agree::<inquiry_status::InquiryStatusRequest<R>>(
            <R as inquiry_status::InquiryStatusVariant>::EXAMPLES,
            &<R as inquiry_status::InquiryStatusVariant>::REQUEST_RULES,
            info,
        ) + agree::<pay_in::PayInRequest<R>>(
            <R as pay_in::PayInVariant>::EXAMPLES,
            &<R as pay_in::PayInVariant>::REQUEST_RULES,
            info,
        ) + agree::<pay_out::PayOutRequest<R>>(
            <R as pay_out::PayOutVariant>::EXAMPLES,
            &<R as pay_out::PayOutVariant>::REQUEST_RULES,
            info,
        )
    }

    /// The generated checks take typed money's word for amounts a float carries exactly; at
    /// the edges of that range they must still agree with the `Value` a request becomes.
    #[test]
    fn typed_money_is_checked_as_its_value_would_be() {
        use crate::rules::{Kind, MoneyShape};
        use crate::{Amount, FieldProblem, Money, TransactionMoney};

        fn compare<R: RegionSpec, M: crate::money::TypedMoney>(
            shape: MoneyShape,
            money: &M,
            text: &str,
        ) {
            let kind = Kind::Money { shape };
            let mut path = String::from("money");
            let mut fast: Vec<FieldProblem> = Vec::new();
            super::super::check_typed_money(&kind, money, &R::INFO, &mut path, &mut fast);
            let json = serde_json::to_value(money).expect("JSON");
            let mut slow: Vec<FieldProblem> = Vec::new();
            super::super::check_value(&kind, &json, &R::INFO, &mut path, &mut slow);
            assert_eq!(fast, slow, "{} {text} as {shape:?}", R::INFO.code);
        }
        fn both<R: RegionSpec>(text: &str) {
            let amount: Amount = text.parse().expect("an amount");
            compare::<R, _>(
                MoneyShape::AmountNumber,
                &TransactionMoney::<R>::new(amount),
                text,
            );
            compare::<R, _>(MoneyShape::ValueString, &Money::<R>::new(amount), text);
        }
        for text in [
            "0",
            "-0",
            "-0.00",
            "0.0001",
            "0.001",
            "0.01",
            "0.1",
            "0.5",
            "1",
            "100.50",
            "100.505",
            "1.0001",
            "-0.0001",
            "99999999999.9999",
            "999999999999999",
            "100000000000000",
            "1000000000000000",
            "123456789012345.6",
            "0.00001",
            "12345678901234567890.12",
            "4503599627370497.5",
        ] {
            both::<Thb>(text);
            both::<Pen>(text);
            both::<Usdt>(text);
        }
    }

    #[test]
    fn checking_while_serializing_gives_what_checking_a_value_gives() {
        let fast = region::<Thb>() + region::<Pen>() + region::<Usdt>();
        assert!(
            fast > 100,
            "the fast path should meet many requests that break rules: {fast}"
        );
    }
}
