//! The brand colour's readable shade, computed in the browser: there the contrast's power
//! function is the browser's `Math.pow`, not Rust's, and the shades must come out the same.
#![cfg(target_arch = "wasm32")]

use parlor_client::theme::readable_shade;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn light_brand_colours_darken_to_the_same_shades_as_natively() {
    assert_eq!(readable_shade("#2563EB").as_deref(), Some("#2563eb"));
    assert_eq!(readable_shade("#ffff00").as_deref(), Some("#797900"));
    assert_eq!(readable_shade("#7dd3fc").as_deref(), Some("#487c95"));
    assert_eq!(readable_shade("#22c55e").as_deref(), Some("#14853e"));
}
