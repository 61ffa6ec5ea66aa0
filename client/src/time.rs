//! Timers and randomness from the browser (no extra crates): `setTimeout` as a future.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Completes after `ms` milliseconds (on the browser's timer queue).
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let callback = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        });
        let global: web_sys::Window = js_sys::global().unchecked_into();
        let _ = global.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.unchecked_ref(),
            ms.min(i32::MAX as u32) as i32,
        );
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A number in `[0, 1)`.
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// How long to wait before reconnect attempt `attempt` (0-based): exponential from half a
/// second to 30 seconds, with "equal jitter" (half fixed, half random) so that many clients cut
/// off together do not come back together.
pub fn backoff_ms(attempt: u32, random: f64) -> u32 {
    let base = 500u32.saturating_mul(1 << attempt.min(6)).min(30_000);
    base / 2 + (f64::from(base / 2) * random.clamp(0.0, 1.0)) as u32
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_grows_to_a_ceiling_and_jitters_within_bounds() {
        assert_eq!(backoff_ms(0, 0.0), 250);
        assert_eq!(backoff_ms(0, 1.0), 500);
        assert_eq!(backoff_ms(3, 0.0), 2_000);
        assert_eq!(backoff_ms(20, 0.0), 15_000);
        assert_eq!(backoff_ms(20, 1.0), 30_000);
    }
}
