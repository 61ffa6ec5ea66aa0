//! Short names for what a wasm module imports from its JavaScript glue and exports to it.
//!
//! wasm-bindgen names each import `__wbg_<function>_<16 hex digits>` from a module called
//! `./<package>_bg.js`, and every name is written twice: in the wasm's import section and as a
//! key of the glue's import object. Hex digits hardly compress: renaming the widget's 226
//! imports and its exports saves 7.3 KB of gzip. wasm-opt renames imports, their module and
//! the exports ([`PASS`], run with the optimization passes so that the module is written
//! once) and prints what it renamed; the glue is then rewritten to match, and every rename is
//! checked to land exactly once where it belongs, so that a change in wasm-bindgen's output
//! fails the build instead of the page.

use std::fs;
use std::path::Path;

use crate::shell::Failure;

/// The wasm-opt pass that renames, printing its map on standard output.
pub const PASS: &str = "--minify-imports-and-exports-and-modules";

/// The module name wasm-opt gives every import.
const MODULE: &str = "a";

/// Rewrites `glue`, the wasm-bindgen JavaScript that loads a wasm module, to the names in
/// `map`, what [`PASS`] printed when it renamed the module's imports and exports. `package`
/// names the module the glue imports from.
pub fn apply(map: &str, glue: &Path, package: &str) -> Result<(), Failure> {
    let renames = Renames::parse(map)?;
    let text = fs::read_to_string(glue).map_err(|e| io(glue, e))?;
    let text = rewrite(&text, &renames, &format!("./{package}_bg.js"))?;
    fs::write(glue, text).map_err(|e| io(glue, e))
}

/// What wasm-opt renamed: `(old, new)` for imports and for exports.
#[derive(Debug, Default, PartialEq)]
struct Renames {
    imports: Vec<(String, String)>,
    exports: Vec<(String, String)>,
}

impl Renames {
    /// Reads wasm-opt's map: `"imports": [["module", "old", "new"], …], "exports": [["old",
    /// "new"], …]`, one entry per line.
    fn parse(map: &str) -> Result<Self, Failure> {
        let mut renames = Renames::default();
        let mut in_exports = false;
        for line in map.lines() {
            if line.contains("\"exports\"") {
                in_exports = true;
                continue;
            }
            let quoted: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
            match (in_exports, quoted.as_slice()) {
                (false, [_module, old, new]) => {
                    renames.imports.push((old.to_string(), new.to_string()));
                }
                (true, [old, new]) => renames.exports.push((old.to_string(), new.to_string())),
                (_, []) | (false, ["imports"]) => {}
                _ => return Err(Failure::new(format!("wasm-opt's map has a line `{line}`"))),
            }
        }
        if renames.imports.is_empty() || renames.exports.is_empty() {
            return Err(Failure::new("wasm-opt renamed nothing"));
        }
        Ok(renames)
    }
}

/// The glue with the new names: each import's key (found exactly once), the module name, and
/// every `wasm.<export>` access (each must name a renamed export).
fn rewrite(glue: &str, renames: &Renames, module: &str) -> Result<String, Failure> {
    let mut text = glue.to_string();
    for (old, new) in &renames.imports {
        let key = format!("{old}:");
        if text.matches(&key).count() != 1 {
            return Err(Failure::new(format!(
                "the glue does not name the import `{old}` exactly once"
            )));
        }
        text = text.replacen(&key, &format!("{new}:"), 1);
    }
    let quoted = format!("\"{module}\"");
    if text.matches(&quoted).count() != 1 {
        return Err(Failure::new(format!(
            "the glue does not name the module `{module}` exactly once"
        )));
    }
    text = text.replacen(&quoted, &format!("\"{MODULE}\""), 1);

    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for name in crate::exports::references(&text) {
        let old = &text[name.clone()];
        let (_, new) = renames
            .exports
            .iter()
            .find(|(renamed, _)| renamed == old)
            .ok_or_else(|| Failure::new(format!("the glue uses `wasm.{old}`, not exported")))?;
        out.push_str(&text[copied..name.start]);
        out.push_str(new);
        copied = name.end;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

fn io(path: &Path, e: std::io::Error) -> Failure {
    Failure::new(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = r#"{
 "imports": [
  ["./app_bg.js", "__wbg_origin_dafa41a3ee9236b1", "$"],
  ["./app_bg.js", "__wbg_call_fc92fee6137d452d", "Aa"]
 ],
"exports": [
  ["memory", "b"],
  ["__wbindgen_malloc", "c"]
 ]
}"#;

    #[test]
    fn the_map_reads_as_pairs() {
        let renames = Renames::parse(MAP).unwrap();
        assert_eq!(
            renames.imports[1],
            ("__wbg_call_fc92fee6137d452d".into(), "Aa".into())
        );
        assert_eq!(renames.exports[0], ("memory".into(), "b".into()));
    }

    #[test]
    fn the_glue_takes_the_new_names_and_nothing_else_changes() {
        let glue = r#"const import0 = { __wbg_origin_dafa41a3ee9236b1: function(a) { return a.origin; },
 __wbg_call_fc92fee6137d452d: function(a, b) { return a.call(b); } };
return { "./app_bg.js": import0 };
const p = wasm.__wbindgen_malloc(4); new Uint8Array(wasm.memory.buffer); mywasm.memory;"#;
        let out = rewrite(glue, &Renames::parse(MAP).unwrap(), "./app_bg.js").unwrap();
        assert_eq!(
            out,
            r#"const import0 = { $: function(a) { return a.origin; },
 Aa: function(a, b) { return a.call(b); } };
return { "a": import0 };
const p = wasm.c(4); new Uint8Array(wasm.b.buffer); mywasm.memory;"#
        );
    }

    #[test]
    fn a_glue_that_does_not_match_the_map_fails_the_build() {
        let renames = Renames::parse(MAP).unwrap();
        let missing = r#"{ __wbg_origin_dafa41a3ee9236b1: 1 }; "./app_bg.js""#;
        assert!(rewrite(missing, &renames, "./app_bg.js").is_err());
        let unknown = r#"{ __wbg_origin_dafa41a3ee9236b1: 1, __wbg_call_fc92fee6137d452d: 2 };
"./app_bg.js"; wasm.__wbindgen_free(1);"#;
        assert!(rewrite(unknown, &renames, "./app_bg.js").is_err());
    }
}
