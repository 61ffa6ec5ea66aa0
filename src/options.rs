//! The widget's configuration, as the loader passes it (from the script tag's `data-*`).

use wasm_bindgen::JsValue;

/// Which bottom corner the launcher sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Position {
    /// Not set on the script tag: the portal's setting (bottom right unless it says left).
    #[default]
    Portal,
    /// Bottom right.
    Right,
    /// Bottom left.
    Left,
}

/// Options from the embedding script tag.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WidgetOptions {
    /// The portal's widget key (`data-widget-key`).
    pub widget_key: String,
    /// Base URL of the Parlor server (`data-server`); empty for the page's own origin.
    pub server: String,
    /// Preferred language (`data-locale`), e.g. `en` or `vi-VN`; empty for the portal's.
    pub locale: String,
    /// Launcher side (`data-position`); unset for the portal's.
    pub position: Position,
    /// Brand colour (`data-color`); empty for the portal's.
    pub color: String,
    /// Whether a message that arrives while the panel is closed plays a short chime
    /// (`data-sound="off"` turns it off).
    pub sound: bool,
    /// Whether the panel opens at once (the chat module taking over an open front).
    pub open: bool,
    /// Where the chat module goes on from, when the front handed over (see `handoff`; the
    /// front itself is never handed anything).
    #[cfg(feature = "chat")]
    pub handoff: crate::handoff::Handoff,
}

impl WidgetOptions {
    /// Reads the loader's options object (`widgetKey`, `server`, `locale`, `position`, `color`,
    /// `sound`, `open`, `handoff`); a field missing or of another type keeps its default.
    pub fn from_js(options: &JsValue) -> Self {
        Self {
            widget_key: text(options, "widgetKey"),
            server: text(options, "server"),
            locale: text(options, "locale"),
            position: match text(options, "position").as_str() {
                "left" => Position::Left,
                "right" => Position::Right,
                _ => Position::Portal,
            },
            color: text(options, "color"),
            sound: flag(options, "sound"),
            open: flag(options, "open"),
            #[cfg(feature = "chat")]
            handoff: crate::handoff::Handoff::from_js(options),
        }
    }
}

/// The boolean field `name` of a JS object; false when missing or not a boolean.
fn flag(object: &JsValue, name: &str) -> bool {
    js_sys::Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// The string field `name` of a JS object; empty when missing or not a string.
pub fn text(object: &JsValue, name: &str) -> String {
    js_sys::Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}
