//! Building what browsers load: the embeddable widget bundle (`pkg/`) and the agent console
//! (`console/dist/`).
//!
//! Each is: `cargo build` for wasm32 with the size-tuned `wasm-release` profile, `wasm-bindgen
//! --target web`, the exports nothing calls removed (`exports.rs`), `wasm-opt -Os -Oz` with
//! short import and export names (`names.rs`), the JavaScript minified (terser), then
//! content-hashed file names so that the server can let browsers cache them forever. Only the
//! widget's loader (`parlor.js`) and the console's `index.html` keep fixed names: they are the
//! entry points, and they name the hashed files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::root;
use crate::shell::{self, Failure, cargo_command, command, output};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// How to build a wasm app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Size-tuned (`wasm-release` profile, then `wasm-opt -Os -Oz`): what is shipped.
    Release,
    /// Unoptimised and quick to build, for `trunk serve`'s edit-reload loop.
    Dev,
}

impl Profile {
    fn cargo_profile(self) -> &'static str {
        match self {
            Profile::Release => "wasm-release",
            Profile::Dev => "dev",
        }
    }

    fn target_dir(self) -> &'static str {
        match self {
            Profile::Release => "wasm-release",
            Profile::Dev => "debug",
        }
    }
}

/// Features the Rust wasm32 target enables by default; wasm-opt must be told to keep them.
pub const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The design's budget for everything a visitor's browser downloads to open the widget and
/// reach the pre-chat form (loader, the front's glue and wasm, CSS), in bytes of `gzip -9`.
/// The lint tier fails a bundle over it. Met since the widget became two modules; until then
/// the check held a ceiling lowered as cuts landed, from 301 KB down to 108 KB
/// (docs/performance.md, "Widget size", has every step and today's figure).
pub const BUDGET_GZIP: u64 = 100_000;

/// A file written into a bundle folder.
pub struct Written {
    pub path: PathBuf,
}

/// A bundle's total size.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Builds the widget bundle into `pkg/`, prints each file's sizes and the total against the
/// budget, and answers the total.
///
/// The widget is two modules of one crate: the front (`parlor-widget.*`, without the crate's
/// `chat` feature: launcher, queue picker, pre-chat form), which is what a visitor's browser
/// loads to open the widget and reach the form, and the chat module (`parlor-chat.*`, the
/// whole widget), which the loader fetches once the panel opens and hands the visitor over to
/// (`src/handoff.rs`). The budget is the front's: loader, its glue and wasm, and the CSS.
pub fn widget(profile: Profile) -> Result<Sizes, Failure> {
    let root = root();
    let out = root.join("pkg");
    let front = wasm_app(
        "parlor-widget",
        "parlor_widget",
        &["--lib", "--no-default-features"],
        profile,
        "parlor-widget",
    )?;
    let chat = wasm_app(
        "parlor-widget",
        "parlor_widget",
        &["--lib"],
        profile,
        "parlor-chat",
    )?;
    reset_dir(&out)?;
    let (glue, wasm) = write_module(&out, &front, "parlor-widget")?;
    let (chat_glue, chat_wasm) = write_module(&out, &chat, "parlor-chat")?;
    let css = write_css(&out, "parlor", "style/widget.css")?;
    let chat_css = write_css(&out, "parlor-chat", "style/chat.css")?;
    let loader = fs::read_to_string(root.join("loader/parlor.js"))
        .map_err(io)?
        .replace("__PARLOR_GLUE__", &file_name(&glue))
        .replace("__PARLOR_WASM__", &file_name(&wasm))
        .replace("__PARLOR_CHAT_GLUE__", &file_name(&chat_glue))
        .replace("__PARLOR_CHAT_WASM__", &file_name(&chat_wasm))
        .replace("__PARLOR_CHAT_CSS__", &file_name(&chat_css))
        .replace("__PARLOR_CSS__", &file_name(&css));
    let loader = write(&out.join("parlor.js"), loader.as_bytes())?;
    if profile == Profile::Release {
        minify(&loader.path, Script::Classic)?;
    }
    let files = vec![loader, glue, wasm, css];
    let total = compress_and_print(
        "widget bundle (pkg/): what opens the widget and shows the pre-chat form",
        &files,
    );
    if profile == Profile::Release {
        println!("  {}", against_budget(total));
    }
    compress_and_print(
        "widget's chat module (pkg/), fetched once the panel opens",
        &[chat_glue, chat_wasm, chat_css],
    );
    Ok(total)
}

/// `total` against the budget, in words.
fn against_budget(total: Sizes) -> String {
    let kb = |bytes: u64| format!("{:.1} KB", bytes as f64 / 1000.0);
    if total.gzip <= BUDGET_GZIP {
        format!(
            "budget {} gzip: {} ({} to spare)",
            kb(BUDGET_GZIP),
            kb(total.gzip),
            kb(BUDGET_GZIP - total.gzip)
        )
    } else {
        format!(
            "budget {} gzip: {} is {} over",
            kb(BUDGET_GZIP),
            kb(total.gzip),
            kb(total.gzip - BUDGET_GZIP)
        )
    }
}

/// Fails when the release bundle is heavier than the budget.
pub fn check_budget(total: Sizes) -> Result<(), Failure> {
    if total.gzip <= BUDGET_GZIP {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "the widget bundle is {} bytes gzip, over the {BUDGET_GZIP} bytes allowed ({})",
            total.gzip,
            against_budget(total)
        )))
    }
}

/// Builds the agent console into `console/dist/`.
pub fn console() -> Result<(), Failure> {
    let root = root();
    let out = root.join("console/dist");
    let staged = wasm_app(
        "parlor-console",
        "parlor-console",
        &["--bin", "parlor-console"],
        Profile::Release,
        "parlor-console",
    )?;
    reset_dir(&out)?;
    let (glue, wasm) = write_module(&out, &staged, "parlor-console")?;
    let css = write_css(&out, "console", "console/style/console.css")?;
    let boot = format!(
        "import init from \"./{}\";\ninit({{ module_or_path: new URL(\"./{}\", import.meta.url) }});\n",
        file_name(&glue),
        file_name(&wasm)
    );
    let boot = write_hashed(&out, "boot", "js", boot.as_bytes())?;
    let page = fs::read_to_string(root.join("console/index.html"))
        .map_err(io)?
        .replace("__CONSOLE_BOOT__", &file_name(&boot))
        .replace("__CONSOLE_CSS__", &file_name(&css));
    let index = write(&out.join("index.html"), page.as_bytes())?;
    compress_and_print(
        "agent console (console/dist/)",
        &[index, boot, glue, wasm, css],
    );
    Ok(())
}

/// Compiles `package` for wasm32, runs wasm-bindgen and wasm-opt; returns the folder holding
/// `<name>.js` and `<name>_bg.wasm`.
fn wasm_app(
    package: &str,
    artifact: &str,
    target_args: &[&str],
    profile: Profile,
    name: &str,
) -> Result<PathBuf, Failure> {
    let root = root();
    let mut build = cargo_command();
    build.args(["build", "--package", package, "--target", WASM_TARGET]);
    build.args(["--profile", profile.cargo_profile()]);
    build.args(target_args);
    if profile == Profile::Release {
        lean_std(&mut build);
    }
    shell::run(&mut build)?;
    let wasm = root.join(format!(
        "target/{WASM_TARGET}/{}/{artifact}.wasm",
        profile.target_dir()
    ));
    let staged = root.join("target/xtask").join(name);
    reset_dir(&staged)?;
    shell::run(
        command("wasm-bindgen")
            .arg("--target")
            .arg("web")
            .arg("--no-typescript")
            .arg("--out-dir")
            .arg(&staged)
            .arg("--out-name")
            .arg(name)
            .arg(&wasm),
    )?;
    if profile == Profile::Release {
        let bg = staged.join(format!("{name}_bg.wasm"));
        let glue = staged.join(format!("{name}.js"));
        let dropped = crate::exports::trim(&bg, &glue)?;
        eprintln!(
            "xtask: exports the glue never calls, removed: {}",
            dropped.join(" ")
        );
        let map = shell::capture(
            // -Os then -Oz: about 1 KB of gzip smaller than -Oz alone (docs/performance.md).
            // The compiler's version and the features list are for tools, not browsers.
            // `--low-memory-unused` lets a constant added to an address become the access's
            // offset (which, unlike the addition, does not wrap at 4 GB): the two differ only
            // for an address that wraps around, which Rust never makes (an access to a field
            // or an element is within its allocation). The low 1 KB of memory it names is the
            // far end of the 1 MB stack, which Rust's wasm32 places first: reaching it is a
            // stack overflow anyway. About 1 KB of gzip of the widget's front.
            command("wasm-opt")
                .args(["-Os", "-Oz", "--low-memory-unused", crate::names::PASS])
                .args(["--strip-producers", "--strip-target-features"])
                .args(WASM_FEATURES)
                .arg(&bg)
                .arg("-o")
                .arg(&bg),
        )?;
        crate::names::apply(&map, &glue, name)?;
        minify(&glue, Script::Module)?;
    }
    Ok(staged)
}

/// Builds the standard library with the app, tuned for size, and makes a panic stop the
/// program where it happens instead of formatting a message first: the panic machinery
/// (message formatting, locations, unwinding's bookkeeping) leaves the wasm. A shipped bundle
/// that panics stops with a `RuntimeError: unreachable` in the console instead of a message;
/// the debug builds (`trunk serve`, the wasm tests) keep their messages.
///
/// These are unstable cargo and rustc flags (`-Z build-std`, `-C panic=immediate-abort`),
/// which `RUSTC_BOOTSTRAP=1` lets the stable compiler accept. Unstable flags may change with a
/// compiler release: a compiler that no longer takes them fails this build loudly, and the
/// lint tier's size check catches one that takes them but builds bigger. Measured with Rust
/// 1.95, the project's `rust-version`. Needs the `rust-src` component (`cargo xtask setup`);
/// see `docs/performance.md`.
fn lean_std(build: &mut Command) {
    build.env("RUSTC_BOOTSTRAP", "1");
    build.args([
        "-Z",
        "build-std=std,panic_abort",
        "-Z",
        "build-std-features=optimize_for_size",
        "--config",
        "target.wasm32-unknown-unknown.rustflags=[\"-Zunstable-options\", \"-Cpanic=immediate-abort\", \"-Zlocation-detail=none\"]",
    ]);
}

/// How a script is loaded, which decides what a minifier may rename.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    /// An ES module (`import`/`export`): its top level is its own.
    Module,
    /// A classic script: its top level is the page's.
    Classic,
}

/// Minifies a JavaScript file in place (terser, from the project's npm packages: compress and
/// mangle, comments dropped).
fn minify(path: &Path, kind: Script) -> Result<(), Failure> {
    let mut terser = command("terser");
    terser.arg(path);
    if kind == Script::Module {
        terser.arg("--module");
    }
    shell::run(
        terser
            .args(["--compress", "--mangle", "--output"])
            .arg(path),
    )
}

/// Writes the glue and the wasm that [`wasm_app`] staged in `staged` as `name` into `out`,
/// content-hashed under that name.
fn write_module(out: &Path, staged: &Path, name: &str) -> Result<(Written, Written), Failure> {
    let read = |file: String| fs::read(staged.join(file)).map_err(io);
    let glue = write_hashed(out, name, "js", &read(format!("{name}.js"))?)?;
    let wasm = write_hashed(out, name, "wasm", &read(format!("{name}_bg.wasm"))?)?;
    Ok((glue, wasm))
}

/// Writes the stylesheet `source` (a path in the workspace) minified into `out`,
/// content-hashed under `stem`.
fn write_css(out: &Path, stem: &str, source: &str) -> Result<Written, Failure> {
    let text = fs::read_to_string(root().join(source)).map_err(io)?;
    write_hashed(out, stem, "css", crate::css::minify(&text).as_bytes())
}

fn reset_dir(dir: &Path) -> Result<(), Failure> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(io)?;
    }
    fs::create_dir_all(dir).map_err(io)
}

/// Writes `bytes` as `<stem>.<16 hex of their hash>.<ext>` (wasm: `<stem>.<hash>_bg.wasm`).
fn write_hashed(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<Written, Failure> {
    let hash = format!("{:016x}", fnv1a64(bytes));
    let name = if ext == "wasm" {
        format!("{stem}.{hash}_bg.wasm")
    } else {
        format!("{stem}.{hash}.{ext}")
    };
    write(&dir.join(name), bytes)
}

fn write(path: &Path, bytes: &[u8]) -> Result<Written, Failure> {
    fs::write(path, bytes).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    Ok(Written {
        path: path.to_path_buf(),
    })
}

fn file_name(file: &Written) -> String {
    file.path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// FNV-1a, 64 bits: a content fingerprint for cache-busting names, not a security measure.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Writes each file's gzip (level 9, no name or time: `gzip -9 -n`) and brotli (quality 11)
/// forms beside it (`name.gz`, `name.br`), which the server sends to browsers that accept them,
/// and returns the raw, gzip and brotli sizes. Node's zlib does it, so that no other compressor
/// needs installing.
pub fn precompress(files: &[Written]) -> Vec<(u64, u64, u64)> {
    const SCRIPT: &str = "const fs=require('fs'),z=require('zlib');\
        for(const f of process.argv.slice(1)){const b=fs.readFileSync(f);\
        const g=z.gzipSync(b,{level:9}),\
        r=z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,\
        [z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}});\
        fs.writeFileSync(f+'.gz',g);fs.writeFileSync(f+'.br',r);\
        console.log(b.length,g.length,r.length)}";
    let mut node = command("node");
    node.arg("-e").arg(SCRIPT);
    for file in files {
        node.arg(&file.path);
    }
    let text = output(&mut node).unwrap_or_default();
    let parsed: Vec<(u64, u64, u64)> = text
        .lines()
        .filter_map(|line| {
            let mut n = line.split_whitespace().filter_map(|v| v.parse().ok());
            Some((n.next()?, n.next()?, n.next()?))
        })
        .collect();
    if parsed.len() == files.len() {
        parsed
    } else {
        files
            .iter()
            .map(|f| (fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0), 0, 0))
            .collect()
    }
}

/// Precompresses the files, prints their sizes and answers the total.
fn compress_and_print(title: &str, files: &[Written]) -> Sizes {
    let sizes = precompress(files);
    println!("{title}");
    println!(
        "  {:<44} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip -9", "brotli"
    );
    let mut total = Sizes::default();
    for (file, (raw, gz, br)) in files.iter().zip(&sizes) {
        println!(
            "  {:<44} {:>10} {:>10} {:>10}",
            file_name(file),
            raw,
            gz,
            br
        );
        total.raw += raw;
        total.gzip += gz;
        total.brotli += br;
    }
    println!(
        "  {:<44} {:>10} {:>10} {:>10}",
        "total", total.raw, total.gzip, total.brotli
    );
    total
}

fn io(e: std::io::Error) -> Failure {
    Failure::new(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
