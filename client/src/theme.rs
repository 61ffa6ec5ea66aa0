//! The brand colour a portal sets, made safe to put white text on: the widget's header, the
//! visitor's bubbles and its buttons use it, and the console's preview shows the same.

/// White text needs this contrast on the brand colour (WCAG 2 AA for normal text).
pub const AA_CONTRAST: f64 = 4.5;

/// `#rrggbb` itself when white text on it reaches [`AA_CONTRAST`], otherwise the lightest
/// darker shade of it that does; `None` when `hex` is not `#rrggbb`.
pub fn readable_shade(hex: &str) -> Option<String> {
    let mut rgb = parse(hex)?;
    // Each step keeps the hue and darkens by 4 %; black is always enough, so this ends.
    while contrast_with_white(rgb) < AA_CONTRAST {
        rgb = rgb.map(|c| (c * 0.96).floor());
    }
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut shade = String::with_capacity(7);
    shade.push('#');
    for channel in rgb.map(|c| c as u8) {
        shade.push(char::from(DIGITS[usize::from(channel >> 4)]));
        shade.push(char::from(DIGITS[usize::from(channel & 0xf)]));
    }
    Some(shade)
}

fn parse(hex: &str) -> Option<[f64; 3]> {
    let hex = hex.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok().map(f64::from);
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// The WCAG contrast ratio of white on `rgb`.
pub fn contrast_with_white(rgb: [f64; 3]) -> f64 {
    let linear = |c: f64| {
        let c = c / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            pow((c + 0.055) / 1.055, 2.4)
        }
    };
    let luminance = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
    1.05 / (luminance + 0.05)
}

/// `base` to the power `exponent`: the browser's `Math.pow` in the wasm, which spares it
/// Rust's own `powf` (1.4 KB of code for this one call).
#[cfg(target_arch = "wasm32")]
fn pow(base: f64, exponent: f64) -> f64 {
    js_sys::Math::pow(base, exponent)
}

#[cfg(not(target_arch = "wasm32"))]
fn pow(base: f64, exponent: f64) -> f64 {
    base.powf(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_enough_colours_stay_and_light_ones_darken_until_white_text_reads() {
        assert_eq!(readable_shade("#2563EB").as_deref(), Some("#2563eb"));
        assert_eq!(readable_shade("#0a0B0c").as_deref(), Some("#0a0b0c"));
        // The same shades as the browser computes (client/tests/theme.rs).
        assert_eq!(readable_shade("#ffff00").as_deref(), Some("#797900"));
        assert_eq!(readable_shade("#7dd3fc").as_deref(), Some("#487c95"));
        for light in ["#ffff00", "#7dd3fc", "#ffffff", "#22c55e"] {
            let shade = readable_shade(light).unwrap();
            let rgb = parse(&shade).unwrap();
            assert!(contrast_with_white(rgb) >= AA_CONTRAST, "{light} → {shade}");
            assert_ne!(shade, light);
        }
        assert_eq!(readable_shade("blue"), None);
        assert_eq!(readable_shade("#12345"), None);
    }
}
