//! The hand-written value types the generated request and response types are made of.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};

/// Text from any deserializer, borrowed when it can be (generated string enums read their
/// value through this, so the documented values are matched without allocating).
pub(crate) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    struct TextVisitor;
    impl<'de> Visitor<'de> for TextVisitor {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }
    deserializer.deserialize_str(TextVisitor)
}

/// A whole number read as its decimal text (generated integer enums read their value through
/// this, so an unknown value is kept exactly).
pub(crate) struct WholeNumber(pub(crate) String);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = WholeNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(WholeNumber(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(WholeNumber(v.to_string()))
            }
        }
        deserializer.deserialize_i64(NumberVisitor)
    }
}

/// One value or a list of them: the gateway documents `accountInfos` as one object, while the
/// SNAP BI inquiry it is modelled on (and a public client) uses an array. Both are read, and
/// the form read is the form written back.
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany<T> {
    /// A single object.
    One(T),
    /// An array of one or more objects.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values, one or many, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        match self {
            OneOrMany::One(item) => std::slice::from_ref(item).iter(),
            OneOrMany::Many(items) => items.iter(),
        }
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        match self {
            OneOrMany::One(_) => 1,
            OneOrMany::Many(items) => items.len(),
        }
    }

    /// Whether there are none (never true for a value read from the gateway).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first value.
    pub fn first(&self) -> Option<&T> {
        self.iter().next()
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(item) => item.serialize(serializer),
            OneOrMany::Many(items) => items.serialize(serializer),
        }
    }
}

impl<T: crate::json::WriteJson> crate::json::WriteJson for OneOrMany<T> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            OneOrMany::One(item) => item.write_json(out),
            OneOrMany::Many(items) => items.write_json(out),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or a non-empty array of objects")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                if items.is_empty() {
                    return Err(de::Error::invalid_length(0, &"at least one entry"));
                }
                Ok(OneOrMany::Many(items))
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor(std::marker::PhantomData))
    }
}

/// A JSON object the gateway may also send as a string holding one (`additionalInfo`). The
/// form read is kept and written back; [`JsonObjectOrString::object`] reads either.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonObjectOrString {
    /// Sent as an object.
    Object(serde_json::Map<String, serde_json::Value>),
    /// Sent as a string (it should hold a JSON object).
    String(String),
}

impl JsonObjectOrString {
    /// The object, parsing the string form when that is how it came.
    pub fn object(
        &self,
    ) -> Result<Cow<'_, serde_json::Map<String, serde_json::Value>>, serde_json::Error> {
        match self {
            JsonObjectOrString::Object(map) => Ok(Cow::Borrowed(map)),
            JsonObjectOrString::String(text) => serde_json::from_str(text).map(Cow::Owned),
        }
    }
}

impl Serialize for JsonObjectOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            JsonObjectOrString::Object(map) => map.serialize(serializer),
            JsonObjectOrString::String(text) => serializer.serialize_str(text),
        }
    }
}

impl crate::json::WriteJson for JsonObjectOrString {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            JsonObjectOrString::Object(map) => crate::json::write_map(out, map),
            JsonObjectOrString::String(text) => crate::json::write_str(out, text),
        }
    }
}

impl<'de> Deserialize<'de> for JsonObjectOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = JsonObjectOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object, or a string holding one")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JsonObjectOrString::String(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(JsonObjectOrString::Object)
            }
        }
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// The fields one region adds to a shared request or response. Generated per region from
/// its `extra_fields` (and checked with the region's request rules); regions without any use
/// [`NoExtraFields`].
pub trait ExtraFields:
    Serialize + DeserializeOwned + fmt::Debug + Clone + PartialEq + Send + Sync + 'static
{
    /// Appends the fields that are set to a JSON object being written, each as
    /// `,"key":value`, byte for byte as `serde_json` would write them: how a request body
    /// carries its region's extra fields ([`crate::ApiRequest::write_body`]). The generator
    /// writes it for every region's extra fields; [`NoExtraFields`] writes nothing.
    fn write_fields(&self, out: &mut Vec<u8>);
}

/// No extra fields: what a region that adds nothing to an endpoint uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct NoExtraFields {}

impl ExtraFields for NoExtraFields {
    #[inline]
    fn write_fields(&self, _out: &mut Vec<u8>) {}
}
