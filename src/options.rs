//! The widget's configuration, as the loader passes it (from the script tag's `data-*`).

use serde::Deserialize;

/// Which bottom corner the launcher sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    /// Not set on the script tag: the portal's setting (bottom right unless it says left).
    #[default]
    #[serde(rename = "")]
    Portal,
    /// Bottom right.
    Right,
    /// Bottom left.
    Left,
}

/// Options from the embedding script tag.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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
}
