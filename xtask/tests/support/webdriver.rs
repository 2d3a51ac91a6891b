//! A small blocking client of the W3C WebDriver protocol (HTTP + JSON) over `std::net`: the few
//! commands the catalog's browser test needs, without an async runtime.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};

/// The W3C key for an element reference in responses.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One HTTP exchange with the driver at `port`; the response's JSON `value`, or the driver's
/// error message.
pub fn request(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("cannot reach the driver on {port}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).map_err(|e| e.to_string())?;
    let mut length = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut raw = Vec::new();
    match length {
        Some(n) => {
            raw.resize(n, 0);
            reader.read_exact(&mut raw).map_err(|e| e.to_string())?;
        }
        None => {
            reader.read_to_end(&mut raw).map_err(|e| e.to_string())?;
        }
    }
    let reply: Value = serde_json::from_slice(&raw).map_err(|e| format!("{method} {path}: not JSON: {e}"))?;
    let value = reply.get("value").cloned().unwrap_or(Value::Null);
    if !status.contains(" 200 ") {
        return Err(format!("{method} {path}: {} {}", status.trim(), value.get("message").unwrap_or(&value)));
    }
    Ok(value)
}

/// A browser session.
pub struct Session {
    port: u16,
    id: String,
}

impl Session {
    /// A new headless Chromium session through the chromedriver on `port`.
    pub fn chromium(port: u16) -> Result<Session, String> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                // As root in CI Chromium's sandbox cannot start.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1100"]
            }
        }}});
        let value = request(port, "POST", "/session", Some(&capabilities))?;
        let id = value["sessionId"].as_str().ok_or("no session id in the driver's answer")?.to_string();
        Ok(Session { port, id })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        request(self.port, method, &format!("/session/{}{path}", self.id), body.as_ref())
    }

    /// Opens `url`.
    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", Some(json!({ "url": url }))).map(drop)
    }

    /// The current URL.
    pub fn url(&self) -> Result<String, String> {
        Ok(self.call("GET", "/url", None)?.as_str().unwrap_or_default().to_string())
    }

    /// The first element matching the CSS selector.
    pub fn find(&self, css: &str) -> Result<String, String> {
        let value = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})))?;
        value[ELEMENT_KEY].as_str().map(str::to_string).ok_or_else(|| format!("no element `{css}`: {value}"))
    }

    /// Every element matching the CSS selector.
    pub fn find_all(&self, css: &str) -> Result<Vec<String>, String> {
        let value = self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})))?;
        Ok(value.as_array().into_iter().flatten().filter_map(|e| e[ELEMENT_KEY].as_str().map(str::to_string)).collect())
    }

    /// Types `text` into the element, one key event per character.
    pub fn type_into(&self, element: &str, text: &str) -> Result<(), String> {
        self.call("POST", &format!("/element/{element}/value"), Some(json!({ "text": text }))).map(drop)
    }

    /// Sends a key press to whatever has focus (e.g. `\u{E007}`, Enter).
    pub fn press(&self, key: &str) -> Result<(), String> {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
        ]}]});
        self.call("POST", "/actions", Some(actions)).map(drop)
    }

    /// Clicks the element.
    pub fn click(&self, element: &str) -> Result<(), String> {
        self.call("POST", &format!("/element/{element}/click"), Some(json!({}))).map(drop)
    }

    /// The element's rendered text.
    pub fn text(&self, element: &str) -> Result<String, String> {
        Ok(self.call("GET", &format!("/element/{element}/text"), None)?.as_str().unwrap_or_default().to_string())
    }

    /// The id of the focused element.
    pub fn active_element(&self) -> Result<String, String> {
        let value = self.call("GET", "/element/active", None)?;
        value[ELEMENT_KEY].as_str().map(str::to_string).ok_or_else(|| "nothing has focus".into())
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let encoded = self.call("GET", "/screenshot", None)?;
        base64_decode(encoded.as_str().unwrap_or_default())
    }

    /// Ends the session (the browser quits).
    pub fn quit(&self) -> Result<(), String> {
        request(self.port, "DELETE", &format!("/session/{}", self.id), None).map(drop)
    }
}

/// Standard base64 (the screenshot's encoding).
fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(format!("not base64: byte {c}")),
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(out)
}
