//! A chime for something that wants attention (a message while the widget is closed, a chat
//! request in the console): a short tone made with Web Audio (no sound file to download),
//! played by one tab only when the page is open in several.

/// Plays the chime for event `id` (a message id, a conversation id), unless another tab of
/// this browser already did.
///
/// Every tab receives the same push; the first to record its id in `localStorage` plays, the
/// others see the id there and stay quiet.
pub fn chime_once(id: &str) {
    const KEY: &str = "parlor.chime";
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    if storage.get_item(KEY).ok().flatten().as_deref() == Some(id) {
        return;
    }
    let _ = storage.set_item(KEY, id);
    let _ = play();
}

fn play() -> Result<(), wasm_bindgen::JsValue> {
    let context = web_sys::AudioContext::new()?;
    let oscillator = context.create_oscillator()?;
    let gain = context.create_gain()?;
    let now = context.current_time();
    oscillator.frequency().set_value(880.0);
    gain.gain().set_value_at_time(0.0001, now)?;
    gain.gain()
        .exponential_ramp_to_value_at_time(0.2, now + 0.02)?;
    gain.gain()
        .exponential_ramp_to_value_at_time(0.0001, now + 0.35)?;
    oscillator.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&context.destination())?;
    oscillator.start()?;
    oscillator.stop_with_when(now + 0.4)?;
    Ok(())
}
