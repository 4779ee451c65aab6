//! Request bodies written as JSON directly, without going through serde.
//!
//! The generator writes a [`WriteJson`] impl for each request type and each object type a
//! request can hold (and `ExtraFields::write_fields` for a region's extra fields), with each
//! field's key as a byte string escaped once, at generation time. What it writes is, byte for
//! byte, what `serde_json::to_vec` writes for the same value: compact, fields in declaration
//! order, the region's extra fields after them, unset optional fields left out. The property
//! test in `rules::agreement` holds the two to that on mutated requests of every region and
//! endpoint, and the tests below hold each hand-written writer to it.
//!
//! Why: serde_json escapes every key again for each request and writes a body in many small
//! pieces; for a pay-in that was about 5,400 instructions, most of the cost of the body
//! (BENCHMARKS.md §7).

/// A value that writes itself as JSON.
pub(crate) trait WriteJson {
    /// Appends the value's JSON to `out`.
    fn write_json(&self, out: &mut Vec<u8>);
}

/// Ends an object whose fields were written from `start` on, each as `,"key":value`: the
/// first field's comma becomes the opening brace (an object with no field is `{}`).
#[inline]
pub(crate) fn close_object(out: &mut Vec<u8>, start: usize) {
    if out.len() == start {
        out.extend_from_slice(b"{}");
    } else {
        out[start] = b'{';
        out.push(b'}');
    }
}

/// What each byte becomes in a JSON string, as serde_json escapes it: 0 for itself, `u` for
/// `\u00XX`, otherwise the letter after the backslash.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// `text` as a JSON string, escaped as serde_json escapes it (quotes, backslashes and
/// control characters; nothing else, not even `/` or non-ASCII).
#[inline]
pub(crate) fn write_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A whole number.
#[inline]
pub(crate) fn write_i64(out: &mut Vec<u8>, n: i64) {
    let mut buffer = [0u8; 20];
    let mut at = buffer.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        buffer[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buffer[at..]);
}

/// `true` or `false`.
#[inline]
pub(crate) fn write_bool(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// An integer enum's value: a number when its text is one, else the text as a string (as the
/// generated `Serialize` of integer enums writes it).
#[inline]
pub(crate) fn write_integer_text(out: &mut Vec<u8>, text: &str) {
    match text.parse::<i64>() {
        Ok(n) => write_i64(out, n),
        Err(_) => write_str(out, text),
    }
}

/// A list of values, each written by `item`.
#[inline]
pub(crate) fn write_list<T>(out: &mut Vec<u8>, items: &[T], item: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, value) in items.iter().enumerate() {
        if i != 0 {
            out.push(b',');
        }
        item(out, value);
    }
    out.push(b']');
}

impl<T: WriteJson> WriteJson for Vec<T> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) {
        write_list(out, self, |out, value| value.write_json(out));
    }
}

/// Any JSON value, as serde_json writes it (a number by its `Display`, which serde_json
/// writes the same way it serializes one).
pub(crate) fn write_value(out: &mut Vec<u8>, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => write_bool(out, *b),
        Value::Number(n) => {
            use std::io::Write as _;
            // Writing into a Vec cannot fail.
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str(out, s),
        Value::Array(items) => write_list(out, items, write_value),
        Value::Object(map) => write_map(out, map),
    }
}

/// A JSON object, its keys in the map's order.
pub(crate) fn write_map(out: &mut Vec<u8>, map: &serde_json::Map<String, serde_json::Value>) {
    let start = out.len();
    for (key, value) in map {
        out.push(b',');
        write_str(out, key);
        out.push(b':');
        write_value(out, value);
    }
    close_object(out, start);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::{pen::Pen, thb::Thb, usdt::Usdt};
    use crate::{Amount, Decimal, JsonObjectOrString, Money, OneOrMany, TransactionMoney};
    use serde::Serialize;

    fn same<T: WriteJson + Serialize>(value: &T) {
        let mut fast = Vec::new();
        value.write_json(&mut fast);
        let serde = serde_json::to_vec(value).expect("serializes");
        assert_eq!(
            String::from_utf8_lossy(&fast),
            String::from_utf8_lossy(&serde)
        );
    }

    struct Text(String);
    impl WriteJson for Text {
        fn write_json(&self, out: &mut Vec<u8>) {
            write_str(out, &self.0);
        }
    }
    impl Serialize for Text {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&self.0)
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let every_byte: String = (0u8..=0x7f).map(char::from).collect();
        for text in [
            "",
            "plain",
            "quote \" and backslash \\",
            "slash / stays",
            "tab\tnewline\nreturn\rback\u{8}feed\u{c}",
            "\u{0}\u{1}\u{1f}\u{7f}",
            "é, 中文, 😀",
            every_byte.as_str(),
        ] {
            same(&Text(text.to_owned()));
        }
    }

    #[test]
    fn numbers_lists_and_values_are_written_as_serde_json_writes_them() {
        struct Number(i64);
        impl WriteJson for Number {
            fn write_json(&self, out: &mut Vec<u8>) {
                write_i64(out, self.0);
            }
        }
        impl Serialize for Number {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.0)
            }
        }
        for n in [0, 1, -1, 9, 10, 11, 86_400, i64::MAX, i64::MIN] {
            same(&Number(n));
        }
        same(&Vec::<Number>::new());
        same(&vec![Number(1), Number(-2)]);
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"a":null,"b":[true,false,1,-2,1.5,1e300,0.1],"c":{"d":"e\"f"},"":{},"g":[]}"#,
        )
        .expect("JSON");
        same(&JsonObjectOrString::Object(object));
        same(&JsonObjectOrString::String("{\"a\":1}".to_owned()));
    }

    #[test]
    fn money_is_written_from_its_digits_as_serde_json_writes_it() {
        for text in [
            "0",
            "-0",
            "100.50",
            "0.0001",
            "007.10",
            "-12.345",
            "12345678901234567890",
        ] {
            let amount: Amount = text.parse().expect("an amount");
            same(&Money::<Thb>::new(amount));
            same(&Money::<Pen>::new(amount));
            same(&TransactionMoney::<Usdt>::unchecked(amount));
            same(&TransactionMoney::<Thb>::unchecked(amount));
            same(&Decimal(amount));
            same(&OneOrMany::One(Decimal(amount)));
            same(&OneOrMany::Many(vec![Decimal(amount), Decimal(amount)]));
        }
    }
}
