//! The agent console's entry point: mounts the app on the page body.

fn main() {
    parlor_console::start();
}
