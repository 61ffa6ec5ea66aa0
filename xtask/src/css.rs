//! A small CSS minifier for the bundles: comments out, whitespace collapsed, and no space
//! around `{`, `}`, `;`, `,` or after a declaration's `:`; the last `;` of a block dropped.
//! Quoted strings are kept as they are. Enough for our own style sheets, whose gzip it trims.

/// `css`, minified.
pub fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    // Nesting: inside a block, `prop: value` (no space needed after the colon); outside, a
    // selector, where ` :` may be a descendant's pseudo-class and must stay.
    let mut depth = 0usize;
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                pending_space = true;
            }
            '"' | '\'' => {
                flush_space(&mut out, &mut pending_space);
                out.push(c);
                for s in chars.by_ref() {
                    out.push(s);
                    if s == c {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => pending_space = true,
            '{' | '}' | ';' | ',' => {
                pending_space = false;
                if c == '}' {
                    if out.ends_with(';') {
                        out.pop();
                    }
                    depth = depth.saturating_sub(1);
                }
                if c == '{' {
                    depth += 1;
                }
                out.push(c);
            }
            ':' if depth > 0 && declaring(&out) => {
                pending_space = false;
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            c => {
                flush_space(&mut out, &mut pending_space);
                out.push(c);
            }
        }
    }
    out.trim().to_string()
}

/// Writes a pending space unless it would follow a character that needs none.
fn flush_space(out: &mut String, pending: &mut bool) {
    if *pending && !out.is_empty() && !out.ends_with(['{', '}', ';', ',', ':']) {
        out.push(' ');
    }
    *pending = false;
}

/// Whether the text since the last `{` or `;` is a property name (then `:` starts a value),
/// rather than a nested rule's selector such as `&:hover` or `a:focus`.
fn declaring(out: &str) -> bool {
    let start = out.rfind(['{', ';']).map_or(0, |i| i + 1);
    let name = &out[start..];
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn comments_and_spaces_go_and_meaning_stays() {
        let css = r#"/* header */
:host {
  all: initial;
  --font: system-ui, "Segoe  UI", sans-serif;
}
.a  > .b,
.c :focus-visible { color: red ;  margin: 0 auto; }
@media (prefers-color-scheme: dark) {
  .a { color: #fff; }
}
.x::after { content: "a ; b { }"; }
"#;
        assert_eq!(
            minify(css),
            ":host{all:initial;--font:system-ui,\"Segoe  UI\",sans-serif}.a > .b,.c :focus-visible{color:red;margin:0 auto}@media (prefers-color-scheme:dark){.a{color:#fff}}.x::after{content:\"a ; b { }\"}"
        );
    }
}
