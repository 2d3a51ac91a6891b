//! `--serve`: the site over HTTP on 127.0.0.1 only, for local browsing. A plain file server:
//! GET and HEAD of files under the site's folder, nothing outside it.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use crate::output::{Failure, Output};

/// Serves `root` on 127.0.0.1:`port` (0: any free port) until the process is stopped. The first
/// line printed names the address, so a script (or a test) can read it.
///
/// # Errors
/// The port cannot be bound.
pub fn serve(root: &Path, port: u16, stdout: &mut Output) -> Result<(), Failure> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}; choose another with --port"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    stdout.line(format_args!("serving {} at http://{address}/ (Ctrl-C to stop)", root.display()))?;
    stdout.flush()?;
    let root = root.to_path_buf();
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.clone();
        std::thread::spawn(move || {
            // A client that goes away mid-answer is its business; the server goes on.
            let _ = answer(stream, &root);
        });
    }
    Ok(())
}

fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut request_line = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut request_line)?;
    // The headers are read and ignored: every answer closes the connection.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, "405 Method Not Allowed", "text/plain", b"only GET and HEAD\n", true);
    }
    let Some(path) = resolve(root, target) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method == "GET");
    };
    match fs::read(&path) {
        Ok(body) => respond(&mut stream, "200 OK", content_type(&path), &body, method == "GET"),
        Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method == "GET"),
    }
}

/// The file a request target names: `/` is `index.html`; a query or fragment is dropped; `..`,
/// absolute parts and anything else leaving `root` name nothing.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let path = percent_decode(path.strip_prefix('/')?)?;
    let mut file = root.to_path_buf();
    for component in Path::new(&path).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("avsc" | "json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8], with_body: bool) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-cache\r\n\r\n",
        body.len()
    )?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn requests_never_leave_the_site() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("index.html"), "x").unwrap();
        assert_eq!(resolve(site.path(), "/"), Some(site.path().join("index.html")));
        assert_eq!(resolve(site.path(), "/index.html?q=a#top"), Some(site.path().join("index.html")));
        assert_eq!(resolve(site.path(), "/../etc/passwd"), None);
        assert_eq!(resolve(site.path(), "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(site.path(), "//etc/passwd"), None);
    }
}
