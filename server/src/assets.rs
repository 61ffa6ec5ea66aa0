//! The files browsers load from Parlor: the widget bundle and the agent console, either embedded
//! in the binary at build time (the default: one file to deploy) or read from a folder
//! (`--widget-dir`, `--console-dir`: for development, or to serve another build).
//!
//! Either way they go out precompressed when the browser accepts it (brotli, else gzip; the
//! forms `cargo xtask` writes beside each file), with `Vary: Accept-Encoding`.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One embedded file.
pub struct Asset {
    /// The file's name in its bundle (`parlor.js`, `parlor-widget.<hash>_bg.wasm`).
    pub name: &'static str,
    pub raw: &'static [u8],
    pub gzip: Option<&'static [u8]>,
    pub brotli: Option<&'static [u8]>,
    /// A strong validator: the content's hash, quoted.
    pub etag: &'static str,
}

mod embedded {
    use super::Asset;
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// How this binary was built: profile and the hashes of the bundles it embeds.
pub const BUILD: &str = env!("PARLOR_BUILD");

/// Where a bundle's files come from.
#[derive(Debug, Clone)]
pub enum Bundle {
    /// Built into the binary.
    Embedded(&'static [Asset]),
    /// Read from a folder at each request.
    Dir(PathBuf),
}

impl std::fmt::Debug for Asset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl Bundle {
    /// The widget bundle in this binary.
    pub fn widget() -> Self {
        Self::Embedded(embedded::WIDGET)
    }

    /// The agent console in this binary.
    pub fn console() -> Self {
        Self::Embedded(embedded::CONSOLE)
    }

    /// `dir` if given, else the embedded bundle.
    pub fn or_embedded(dir: Option<PathBuf>, embedded: Self) -> Self {
        dir.map_or(embedded, Self::Dir)
    }
}

/// The content encoding to send, given the request's `Accept-Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// Brotli if accepted, else gzip, else none. A coding listed with `q=0` is refused.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let accepted = |coding: &str| {
            headers
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .any(|item| {
                    let mut parts = item.split(';').map(str::trim);
                    parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding))
                        && !parts.any(|p| {
                            p.strip_prefix("q=")
                                .and_then(|q| q.parse::<f32>().ok())
                                .is_some_and(|q| q <= 0.0)
                        })
                })
        };
        if accepted("br") {
            Self::Brotli
        } else if accepted("gzip") {
            Self::Gzip
        } else {
            Self::Identity
        }
    }
}

/// The embedded file `name` as a response: precompressed if the client accepts it, `304` if
/// the client's copy is current; `None` if there is no such file.
pub fn respond(files: &'static [Asset], name: &str, headers: &HeaderMap) -> Option<Response> {
    let asset = files.iter().find(|asset| asset.name == name)?;
    let etag = HeaderValue::from_static(asset.etag);
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tags| tags.as_bytes() == asset.etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, encoding) = match Encoding::negotiate(headers) {
            Encoding::Brotli if asset.brotli.is_some() => (asset.brotli, Some("br")),
            Encoding::Brotli | Encoding::Gzip if asset.gzip.is_some() => (asset.gzip, Some("gzip")),
            _ => (None, None),
        };
        let mut response = Response::new(Body::from(body.unwrap_or(asset.raw)));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(name)),
        );
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Some(response)
}

/// The media type of a bundle file, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn brotli_is_preferred_then_gzip_and_q_zero_refuses() {
        assert_eq!(
            Encoding::negotiate(&accepting("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::negotiate(&accepting("gzip")), Encoding::Gzip);
        assert_eq!(
            Encoding::negotiate(&accepting("br;q=0, gzip;q=0.5")),
            Encoding::Gzip
        );
        assert_eq!(
            Encoding::negotiate(&accepting("identity")),
            Encoding::Identity
        );
        assert_eq!(Encoding::negotiate(&HeaderMap::new()), Encoding::Identity);
    }

    static FILES: &[Asset] = &[Asset {
        name: "a.0123456789abcdef.js",
        raw: b"raw",
        gzip: Some(b"gz"),
        brotli: None,
        etag: "\"1\"",
    }];

    #[tokio::test]
    async fn an_embedded_file_goes_out_in_the_best_form_it_has() {
        let body = |r: Response| async move {
            axum::body::to_bytes(r.into_body(), 100)
                .await
                .unwrap()
                .to_vec()
        };
        let br = respond(FILES, "a.0123456789abcdef.js", &accepting("br, gzip")).unwrap();
        assert_eq!(br.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(br.headers()[header::VARY], "accept-encoding");
        assert_eq!(body(br).await, b"gz");
        let plain = respond(FILES, "a.0123456789abcdef.js", &HeaderMap::new()).unwrap();
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(
            plain.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(body(plain).await, b"raw");
        let mut current = HeaderMap::new();
        current.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"1\""));
        let not_modified = respond(FILES, "a.0123456789abcdef.js", &current).unwrap();
        assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
        assert!(respond(FILES, "missing.js", &HeaderMap::new()).is_none());
    }
}
