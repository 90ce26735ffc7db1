//! Pretty JSON for `release.json` and `relnotes context`: the same bytes as
//! `serde_json::to_writer_pretty` (two-space indent, `": "`, `[]` and `{}`
//! for empty containers, the same escapes), written faster.
//!
//! `build --all` writes a release.json per release, half of everything it
//! writes; serde_json escapes strings one byte at a time and writes each
//! indentation level with its own call. This writer checks eight bytes at a
//! time for a character that needs escaping and writes an indentation in one
//! go. It only writes: reading JSON stays with serde_json. A test compares it
//! with serde_json on generated values and the fixtures compare every
//! release.json byte for byte.

use std::fmt::{self, Display};

use serde::ser::{self, Serialize};

/// Appends `value` as pretty JSON to `out`.
pub fn write_pretty<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut Writer { out, depth: 0 })
}

/// `value` as pretty JSON.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut out = Vec::with_capacity(4096);
    write_pretty(&mut out, value)?;
    // Every byte written is ASCII punctuation, digits, or a copy of a
    // Rust string (escaped only at ASCII bytes): the output is UTF-8.
    Ok(String::from_utf8(out).expect("JSON is written from UTF-8 strings"))
}

/// Why a value could not be written (a map key that is not a string or a
/// number, or a `Serialize` implementation that reported an error).
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    depth: usize,
}

const INDENT: &[u8] = b"\n                                                                ";

impl Writer<'_> {
    /// A line break and the indentation of the current depth.
    fn newline(&mut self) {
        let mut n = self.depth * 2;
        self.out
            .extend_from_slice(&INDENT[..1 + n.min(INDENT.len() - 1)]);
        n = n.saturating_sub(INDENT.len() - 1);
        self.out.resize(self.out.len() + n, b' ');
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.depth += 1;
    }

    /// Before an element or key: a comma after the previous one, then the
    /// element's own line.
    fn element(&mut self, first: bool) {
        if !first {
            self.out.push(b',');
        }
        self.newline();
    }

    fn close(&mut self, any: bool, bracket: u8) {
        self.depth -= 1;
        if any {
            self.newline();
        }
        self.out.push(bracket);
    }

    /// `{"variant": ` around an enum variant's value.
    fn open_variant(&mut self, variant: &str) {
        self.open(b'{');
        self.element(true);
        self.string(variant);
        self.out.extend_from_slice(b": ");
    }

    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        escape_into(self.out, s.as_bytes());
        self.out.push(b'"');
    }
}

/// True for a byte JSON strings must escape: a control character, `"`, `\`.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// A mask whose lowest set bit is the high bit of the first of the eight
/// bytes of `w` (little-endian) that needs escaping; zero if none does.
/// (Bits above the lowest may be false alarms: only the lowest is used.)
#[inline]
fn escape_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    control | zero_byte(w ^ (ONES * b'"' as u64)) | zero_byte(w ^ (ONES * b'\\' as u64))
}

fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    let mut i = 0;
    let len = bytes.len();
    // Eight bytes at a time, jumping straight to the next byte to escape.
    while i + 8 <= len {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
        let mask = escape_mask(w);
        if mask == 0 {
            i += 8;
            continue;
        }
        let j = i + (mask.trailing_zeros() / 8) as usize;
        out.extend_from_slice(&bytes[start..j]);
        write_escape(out, bytes[j]);
        start = j + 1;
        i = j + 1;
    }
    while i < len {
        if needs_escape(bytes[i]) {
            out.extend_from_slice(&bytes[start..i]);
            write_escape(out, bytes[i]);
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

fn write_escape(out: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        }
    }
}

fn float(out: &mut Vec<u8>, v: f64, f32: bool) {
    // serde_json writes the shortest representation that reads back to
    // the same value, and `null` for NaN and infinities.
    let text = if f32 {
        serde_json::to_string(&(v as f32))
    } else {
        serde_json::to_string(&v)
    };
    out.extend_from_slice(text.expect("a number serializes").as_bytes());
}

macro_rules! integer {
    ($name:ident, $t:ty) => {
        fn $name(self, v: $t) -> Result<(), Error> {
            self.out
                .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        }
    };
}

impl<'a, 'b> ser::Serializer for &'a mut Writer<'b> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'b>;
    type SerializeTuple = Compound<'a, 'b>;
    type SerializeTupleStruct = Compound<'a, 'b>;
    type SerializeTupleVariant = Compound<'a, 'b>;
    type SerializeMap = Compound<'a, 'b>;
    type SerializeStruct = Compound<'a, 'b>;
    type SerializeStructVariant = Compound<'a, 'b>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    integer!(serialize_i8, i8);
    integer!(serialize_i16, i16);
    integer!(serialize_i32, i32);
    integer!(serialize_i64, i64);
    integer!(serialize_i128, i128);
    integer!(serialize_u8, u8);
    integer!(serialize_u16, u16);
    integer!(serialize_u32, u32);
    integer!(serialize_u64, u64);
    integer!(serialize_u128, u128);

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        float(self.out, v as f64, true);
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        float(self.out, v, false);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.close(true, b'}');
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 'b>, Error> {
        Ok(Compound::new(self, b'[', b']', false))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'b>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'b>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'b>, Error> {
        self.open_variant(variant);
        Ok(Compound::new(self, b'[', b']', true))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'b>, Error> {
        Ok(Compound::new(self, b'{', b'}', false))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a, 'b>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'b>, Error> {
        self.open_variant(variant);
        Ok(Compound::new(self, b'{', b'}', true))
    }
}

/// An array or object being written.
pub struct Compound<'a, 'b> {
    w: &'a mut Writer<'b>,
    /// Nothing written inside yet.
    first: bool,
    close: u8,
    /// Wrapped in `{"Variant": ...}`, which is closed too.
    variant: bool,
}

impl<'a, 'b> Compound<'a, 'b> {
    /// Opens an array or object (inside an already opened variant wrapper
    /// if `variant`).
    fn new(w: &'a mut Writer<'b>, open: u8, close: u8, variant: bool) -> Self {
        w.open(open);
        Compound {
            w,
            first: true,
            close,
            variant,
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.w.element(self.first);
        self.first = false;
        value.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        self.w.element(self.first);
        self.first = false;
        self.w.string(key);
        self.w.out.extend_from_slice(b": ");
        value.serialize(&mut *self.w)
    }

    fn finish(self) -> Result<(), Error> {
        self.w.close(!self.first, self.close);
        if self.variant {
            self.w.close(true, b'}');
        }
        Ok(())
    }
}

/// The four sequence-like compounds write their elements the same way.
macro_rules! sequence {
    ($trait:ident, $method:ident) => {
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.value(value)
            }
            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        }
    };
}

sequence!(SerializeSeq, serialize_element);
sequence!(SerializeTuple, serialize_element);
sequence!(SerializeTupleStruct, serialize_field);
sequence!(SerializeTupleVariant, serialize_field);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.w.element(self.first);
        self.first = false;
        key.serialize(KeyWriter(&mut *self.w))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.w.out.extend_from_slice(b": ");
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// Structs and struct variants write their fields the same way.
macro_rules! object {
    ($trait:ident) => {
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        }
    };
}

object!(SerializeStruct);
object!(SerializeStructVariant);

/// A map key: a string, or a number or bool written as a string (as
/// serde_json does); anything else is an error.
struct KeyWriter<'a, 'b>(&'a mut Writer<'b>);

fn key_error() -> Error {
    Error("a JSON object key must be a string, a number or a bool".into())
}

macro_rules! key_as_string {
    ($name:ident, $t:ty) => {
        fn $name(self, v: $t) -> Result<(), Error> {
            self.0.string(&v.to_string());
            Ok(())
        }
    };
}

impl ser::Serializer for KeyWriter<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.string(v);
        Ok(())
    }
    key_as_string!(serialize_bool, bool);
    key_as_string!(serialize_i8, i8);
    key_as_string!(serialize_i16, i16);
    key_as_string!(serialize_i32, i32);
    key_as_string!(serialize_i64, i64);
    key_as_string!(serialize_i128, i128);
    key_as_string!(serialize_u8, u8);
    key_as_string!(serialize_u16, u16);
    key_as_string!(serialize_u32, u32);
    key_as_string!(serialize_u64, u64);
    key_as_string!(serialize_u128, u128);
    key_as_string!(serialize_char, char);
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn same_as_serde_json(v: &Value) {
        let ours = to_string_pretty(v).unwrap();
        let theirs = serde_json::to_string_pretty(v).unwrap();
        assert_eq!(ours, theirs, "for {v:?}");
    }

    #[test]
    fn writes_what_serde_json_writes() {
        for v in [
            json!(null),
            json!(true),
            json!(0),
            json!(-17),
            json!(u64::MAX),
            json!(1.5),
            json!(0.1),
            json!(1e300),
            json!(""),
            json!([]),
            json!({}),
            json!([[]]),
            json!({"a": {}}),
            json!({"a": [], "b": [1, [2, {"c": null}]], "d": {"e": "f"}}),
            json!(["quote \" backslash \\ slash / tab \t newline \n cr \r"]),
            json!("\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f} é ✓ 🎉 \u{2028}"),
            json!("exactly8"),
            json!("sixteen bytes!!!"),
            json!("\"x\\ at chunk edges: 1234567\"\\"),
        ] {
            same_as_serde_json(&v);
        }
        // Strings of every length around the eight-byte chunks, with a
        // character to escape at every position.
        for len in 0..40 {
            for pos in 0..len {
                for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', ' ', '~', 'é'] {
                    let mut s: String = "a".repeat(len);
                    s.replace_range(pos..pos + 1, special.encode_utf8(&mut [0; 4]));
                    same_as_serde_json(&json!({ "k": s, "list": [s.clone()] }));
                }
            }
        }
    }

    #[test]
    fn writes_structs_enums_and_maps_like_serde_json() {
        #[derive(serde::Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, String),
            Struct { a: Option<u8>, b: Vec<u8> },
        }
        #[derive(serde::Serialize)]
        struct S {
            e: Vec<E>,
            m: std::collections::BTreeMap<u32, bool>,
            t: (i8, f32, char),
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
            empty: std::collections::BTreeMap<String, u8>,
            #[serde(flatten)]
            flat: std::collections::BTreeMap<String, String>,
        }
        let s = S {
            e: vec![
                E::Unit,
                E::New(3),
                E::Tuple(1, "x".into()),
                E::Struct { a: None, b: vec![] },
                E::Struct {
                    a: Some(2),
                    b: vec![1, 2],
                },
            ],
            m: [(1, true), (20, false)].into(),
            t: (-1, 2.5, 'q'),
            skipped: None,
            empty: Default::default(),
            flat: [("k".to_string(), "v".to_string())].into(),
        };
        assert_eq!(
            to_string_pretty(&s).unwrap(),
            serde_json::to_string_pretty(&s).unwrap()
        );
    }
}
