//! Parlor's agent console: where agents sign in and answer chats.
//!
//! Leptos (client-side rendering) on `parlor-client`; served by `parlor serve` at `/console/`.

pub mod account;
pub mod app;
pub mod canned;
pub mod invite;
pub mod marks;
pub mod reports;
pub mod search;
pub mod settings;
pub mod transcript;
pub mod visitors;
pub mod workspace;

/// Mounts the console on `<body>`.
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
