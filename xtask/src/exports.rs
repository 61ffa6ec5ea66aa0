//! What a wasm module exports that its page never calls, taken out before wasm-opt runs.
//!
//! Leptos's server functions bring wasm-streams, whose `#[wasm_bindgen]` classes
//! (`IntoUnderlyingSource`, `IntoUnderlyingByteSource`, `IntoUnderlyingSink`) are exported by
//! every app that links Leptos, whether or not it streams anything; neither Parlor app does.
//! An export is a root that no optimizer may remove, so their code and the glue's classes for
//! them stayed in the bundle. Here the classes leave the glue, then every export the glue no
//! longer names leaves the wasm's export section, and wasm-opt's dead-code elimination
//! removes what only they reached.
//!
//! Only the export section is rewritten, every other byte is copied as it is: binaryen's
//! own export remover (`wasm-metadce`) reorders the module, which cost 7 KB of gzip.

use std::fs;
use std::ops::Range;
use std::path::Path;

use crate::shell::Failure;

/// The glue's classes for wasm-streams' exports, which nothing in Parlor constructs.
const UNUSED_CLASSES: &[&str] = &[
    "IntoUnderlyingByteSource",
    "IntoUnderlyingSink",
    "IntoUnderlyingSource",
];

/// Takes the unused classes out of `glue` and the exports it does not name out of `wasm`, both
/// in place. Answers the names of the exports removed.
pub fn trim(wasm: &Path, glue: &Path) -> Result<Vec<String>, Failure> {
    let mut text = fs::read_to_string(glue).map_err(|e| io(glue, e))?;
    for class in UNUSED_CLASSES {
        text = drop_class(&text, class)?;
    }
    let named: Vec<&str> = references(&text).into_iter().map(|r| &text[r]).collect();
    let bytes = fs::read(wasm).map_err(|e| io(wasm, e))?;
    let (bytes, dropped) = keep_exports(&bytes, |name| named.contains(&name))?;
    fs::write(wasm, bytes).map_err(|e| io(wasm, e))?;
    fs::write(glue, &text).map_err(|e| io(glue, e))?;
    Ok(dropped)
}

/// Where the glue names a wasm export: the byte range of each `<name>` in `wasm.<name>`
/// (`wasm` as a whole word).
pub fn references(glue: &str) -> Vec<Range<usize>> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = glue[from..].find("wasm.").map(|at| from + at) {
        let start = at + "wasm.".len();
        let end = glue[start..]
            .find(|c: char| !word(c))
            .map_or(glue.len(), |n| start + n);
        if !glue[..at].chars().next_back().is_some_and(word) {
            found.push(start..end);
        }
        from = end;
    }
    found
}

/// The glue without wasm-bindgen's class `name`: its declaration, its `Symbol.dispose` alias
/// and its finalization registry. A glue without the class is answered as it is; one with the
/// class but not in the expected shape is an error, so that a new wasm-bindgen cannot leave
/// half a class behind.
fn drop_class(glue: &str, name: &str) -> Result<String, Failure> {
    let declaration = format!("export class {name} {{");
    let Some(start) = glue.find(&declaration) else {
        return Ok(glue.to_string());
    };
    let shape = |what: &str| Failure::new(format!("the glue's class {name}: no {what}"));
    let end = glue[start..]
        .find("\n}\n")
        .map(|n| start + n + "\n}\n".len())
        .ok_or_else(|| shape("end"))?;
    let mut text = format!("{}{}", &glue[..start], &glue[end..]);
    let dispose =
        format!("if (Symbol.dispose) {name}.prototype[Symbol.dispose] = {name}.prototype.free;\n");
    text = text.replacen(&dispose, "", 1);
    let registry = format!("const {name}Finalization = ");
    let at = text
        .find(&registry)
        .ok_or_else(|| shape("finalization registry"))?;
    let end = text[at..]
        .find(";\n")
        .map(|n| at + n + ";\n".len())
        .ok_or_else(|| shape("end of its finalization registry"))?;
    text.replace_range(at..end, "");
    if text.contains(name) {
        return Err(shape("single place: the glue still names it"));
    }
    Ok(text)
}

/// The module with only the exports `keep` accepts; every other section is copied unchanged.
/// Answers the module and the names of the exports left out.
fn keep_exports(
    module: &[u8],
    mut keep: impl FnMut(&str) -> bool,
) -> Result<(Vec<u8>, Vec<String>), Failure> {
    const EXPORTS: u8 = 7;
    let bad = |what: &str| Failure::new(format!("the wasm module: {what}"));
    if module.len() < 8 || &module[..4] != b"\0asm" {
        return Err(bad("no wasm header"));
    }
    let mut out = module[..8].to_vec();
    let mut dropped = Vec::new();
    let mut at = 8;
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb(module, &mut at)? as usize;
        let payload = module
            .get(at..at + size)
            .ok_or_else(|| bad("a section runs past the end"))?;
        at += size;
        out.push(id);
        if id != EXPORTS {
            write_leb(&mut out, size as u32);
            out.extend_from_slice(payload);
            continue;
        }
        let mut cursor = 0;
        let count = leb(payload, &mut cursor)?;
        let mut kept: u32 = 0;
        let mut entries = Vec::new();
        for _ in 0..count {
            let entry = cursor;
            let length = leb(payload, &mut cursor)? as usize;
            let name = payload
                .get(cursor..cursor + length)
                .and_then(|n| std::str::from_utf8(n).ok())
                .ok_or_else(|| bad("an export's name"))?;
            cursor += length + 1; // the name, then the kind of what is exported
            leb(payload, &mut cursor)?; // its index
            if keep(name) {
                kept += 1;
                entries.extend_from_slice(&payload[entry..cursor]);
            } else {
                dropped.push(name.to_string());
            }
        }
        let mut section = Vec::new();
        write_leb(&mut section, kept);
        section.extend_from_slice(&entries);
        write_leb(&mut out, section.len() as u32);
        out.extend_from_slice(&section);
    }
    Ok((out, dropped))
}

/// Reads an unsigned LEB128 number at `at`, moving past it.
fn leb(bytes: &[u8], at: &mut usize) -> Result<u32, Failure> {
    let mut value: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes
            .get(*at)
            .ok_or_else(|| Failure::new("the wasm module ends inside a number"))?;
        *at += 1;
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(Failure::new("the wasm module has a number over 32 bits"))
}

fn write_leb(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn io(path: &Path, e: std::io::Error) -> Failure {
    Failure::new(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module exporting a memory `memory` and functions `a` and `drop_me`, with a custom
    /// section after the exports (hand-assembled: header, type, function, memory, export,
    /// code, custom).
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]); // type: () -> ()
        m.extend([3, 3, 2, 0, 0]); // two functions of type 0
        m.extend([5, 3, 1, 0, 1]); // one memory, at least a page
        let mut exports = vec![3];
        for (name, kind, index) in [("memory", 2u8, 0u8), ("a", 0, 0), ("drop_me", 0, 1)] {
            exports.push(name.len() as u8);
            exports.extend(name.bytes());
            exports.extend([kind, index]);
        }
        m.push(7);
        m.push(exports.len() as u8);
        m.extend(exports);
        m.extend([10, 7, 2, 2, 0, 0x0b, 2, 0, 0x0b]); // two empty bodies
        m.extend([0, 4, 3, b'x', b'y', b'z']); // a custom section "xyz", empty
        m
    }

    fn export_names(module: &[u8]) -> Vec<String> {
        let mut names = Vec::new();
        keep_exports(module, |name| {
            names.push(name.to_string());
            true
        })
        .unwrap();
        names
    }

    #[test]
    fn only_the_exports_kept_remain_and_the_rest_is_copied() {
        let before = module();
        let (after, dropped) = keep_exports(&before, |name| name != "drop_me").unwrap();
        assert_eq!(dropped, ["drop_me"]);
        assert_eq!(export_names(&after), ["memory", "a"]);
        assert_eq!(after.len(), before.len() - "drop_me".len() - 3);
        assert!(after.ends_with(&[0, 4, 3, b'x', b'y', b'z']));
        let (same, none) = keep_exports(&before, |_| true).unwrap();
        assert_eq!(same, before);
        assert!(none.is_empty());
    }

    #[test]
    fn a_truncated_module_is_an_error() {
        let whole = module();
        assert!(keep_exports(&whole[..whole.len() - 2], |_| true).is_err());
        assert!(keep_exports(b"not wasm", |_| true).is_err());
    }

    #[test]
    fn numbers_of_several_bytes_read_and_write_back() {
        for value in [0, 1, 127, 128, 300, 16_384, u32::MAX] {
            let mut bytes = Vec::new();
            write_leb(&mut bytes, value);
            let mut at = 0;
            assert_eq!(leb(&bytes, &mut at).unwrap(), value);
            assert_eq!(at, bytes.len());
        }
    }

    const GLUE: &str = "export class Keep {\n    go() { wasm.keep_go(this.__wbg_ptr); }\n}\n\
        export class Gone {\n    free() {\n        wasm.__wbg_gone_free(ptr, 0);\n    }\n}\n\
        if (Symbol.dispose) Gone.prototype[Symbol.dispose] = Gone.prototype.free;\n\
        const x = notwasm.thing;\n\
        const GoneFinalization = (typeof FinalizationRegistry === 'undefined')\n\
        \x20   ? { register: () => {}, unregister: () => {} }\n\
        \x20   : new FinalizationRegistry(ptr => wasm.__wbg_gone_free(ptr, 1));\n\
        wasm.memory.buffer;\n";

    #[test]
    fn a_class_leaves_the_glue_whole() {
        let text = drop_class(GLUE, "Gone").unwrap();
        assert!(!text.contains("Gone"), "{text}");
        assert!(text.contains("export class Keep {") && text.contains("wasm.memory.buffer;"));
        let named: Vec<&str> = references(&text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(named, ["keep_go", "memory"]);
        assert_eq!(drop_class(&text, "Gone").unwrap(), text);
    }

    #[test]
    fn a_class_in_another_shape_is_an_error() {
        let no_registry = GLUE.replace("const GoneFinalization", "const Registry");
        assert!(drop_class(&no_registry, "Gone").is_err());
    }
}
