//! JSON text in and out through the browser's own `JSON.parse` and `JSON.stringify`, to and
//! from `serde_json::Value`. serde_json's parser and serializer, with the error formatting they
//! bring, then stay out of the wasm, with serde's generated decoders: the widget's bundle is
//! some 40 KB (gzip) lighter (see `docs/performance.md`, "Widget size"). Typed values are read
//! from a `Value` by hand ([`parlor_protocol::read`]) and written as `Value`s ([`object`]).

use js_sys::{Array, JSON, Object, Reflect};
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// Largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// The value `text` holds, `None` when it is not JSON.
pub fn parse(text: &str) -> Option<Value> {
    JSON::parse(text).ok().map(|js| from_js(&js))
}

/// `value` as JSON text.
pub fn stringify(value: &Value) -> String {
    JSON::stringify(&to_js(value))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// An object of `fields`, in their order. For fields holding a `Value`: `json!` would pass
/// them through serde's serializer, whose code the widget does without.
pub fn object(fields: Vec<(&str, Value)>) -> Value {
    // Inserted one by one: collecting would sort them first, bringing a sort into the wasm.
    let mut map = Map::new();
    for (key, value) in fields {
        map.insert(key.to_string(), value);
    }
    Value::Object(map)
}

/// A JavaScript value (as `JSON.parse` makes them) as a `Value`. A whole number stays an
/// integer (so `as_i64` reads it); functions and `undefined` read as null.
pub fn from_js(js: &JsValue) -> Value {
    if let Some(text) = js.as_string() {
        Value::String(text)
    } else if let Some(n) = js.as_f64() {
        if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
            Value::from(n as i64)
        } else {
            Number::from_f64(n).map_or(Value::Null, Value::Number)
        }
    } else if let Some(b) = js.as_bool() {
        Value::Bool(b)
    } else if Array::is_array(js) {
        Value::Array(
            js.unchecked_ref::<Array>()
                .iter()
                .map(|item| from_js(&item))
                .collect(),
        )
    } else if js.is_object() {
        let mut map = Map::new();
        for entry in Object::entries(js.unchecked_ref::<Object>()).iter() {
            let pair = entry.unchecked_into::<Array>();
            if let Some(key) = pair.get(0).as_string() {
                map.insert(key, from_js(&pair.get(1)));
            }
        }
        Value::Object(map)
    } else {
        Value::Null
    }
}

/// A `Value` as a JavaScript value.
pub fn to_js(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or(0.0)),
        Value::String(text) => JsValue::from_str(text),
        Value::Array(items) => items.iter().map(to_js).collect::<Array>().into(),
        Value::Object(map) => {
            let object = Object::new();
            for (key, item) in map {
                let _ = Reflect::set(&object, &JsValue::from_str(key), &to_js(item));
            }
            object.into()
        }
    }
}
