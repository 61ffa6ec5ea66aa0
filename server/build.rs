//! Embeds the built widget bundle (`pkg/`) and agent console (`console/dist/`) in the binary, so
//! that a `parlor` file copied alone serves them, and names the build for `parlor --version`.
//!
//! It writes `$OUT_DIR/assets.rs`: one table per bundle of `(name, bytes, gzip, brotli, etag)`,
//! the compressed forms being the `.gz`/`.br` files that `cargo xtask` writes beside each file.
//! A bundle not built yet embeds as an empty table (the server then says how to build it);
//! the folders are made if missing so that cargo can watch them and rebuild when they fill.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest
        .parent()
        .expect("the server lives in the workspace");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));

    let mut code = String::new();
    let mut hashes = Vec::new();
    for (name, dir) in [
        ("WIDGET", root.join("pkg")),
        ("CONSOLE", root.join("console/dist")),
    ] {
        let _ = std::fs::create_dir_all(&dir);
        println!("cargo::rerun-if-changed={}", dir.display());
        let files = bundle_files(&dir);
        hashes.push(fingerprint(&files));
        writeln!(code, "pub static {name}: &[Asset] = &[").unwrap();
        for (file, bytes) in &files {
            let name = file.file_name().unwrap().to_string_lossy();
            let sibling = |ext: &str| {
                let path = file.with_file_name(format!("{name}.{ext}"));
                if path.is_file() {
                    format!("Some(include_bytes!({:?}))", path.display().to_string())
                } else {
                    "None".to_string()
                }
            };
            writeln!(
                code,
                "    Asset {{ name: {name:?}, raw: include_bytes!({:?}), gzip: {}, brotli: {}, \
                 etag: \"\\\"{:016x}\\\"\" }},",
                file.display().to_string(),
                sibling("gz"),
                sibling("br"),
                fnv1a64(bytes),
            )
            .unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    std::fs::write(out.join("assets.rs"), code).expect("OUT_DIR is writable");

    let embedded = |hash: Option<u64>| hash.map_or("none".to_string(), |h| format!("{h:016x}"));
    println!(
        "cargo::rustc-env=PARLOR_BUILD={} build, widget {}, console {}",
        std::env::var("PROFILE").unwrap_or_default(),
        embedded(hashes[0]),
        embedded(hashes[1]),
    );
}

/// The bundle's files, by name, without their compressed forms.
fn bundle_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && !matches!(path.extension().and_then(|e| e.to_str()), Some("gz" | "br"))
        })
        .filter_map(|path| std::fs::read(&path).ok().map(|bytes| (path, bytes)))
        .collect();
    files.sort();
    files
}

/// One hash over a bundle's files, or none for an empty bundle.
fn fingerprint(files: &[(PathBuf, Vec<u8>)]) -> Option<u64> {
    if files.is_empty() {
        return None;
    }
    let all: Vec<u8> = files
        .iter()
        .flat_map(|(_, bytes)| bytes.iter().copied())
        .collect();
    Some(fnv1a64(&all))
}

/// FNV-1a, 64 bits: a content fingerprint for ETags, not a security measure.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
