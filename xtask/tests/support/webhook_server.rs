//! A webhook receiver on loopback for the alert tests: it answers each `POST` with the next status
//! of its script (then 200), and keeps the bodies it accepted with 2xx. Stopped when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The receiver.
pub struct WebhookServer {
    /// `http://127.0.0.1:<port>/hooks/<secret>`.
    pub url: String,
    accepted: Arc<Mutex<Vec<String>>>,
    requests: Arc<Mutex<usize>>,
    stop: Arc<AtomicBool>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

impl WebhookServer {
    /// Starts it; the first requests get `statuses` in order, later ones 200.
    pub fn start(statuses: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let requests = Arc::new(Mutex::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let script = statuses.to_vec();
        let (accepted_in, requests_in, stop_in) = (accepted.clone(), requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_in.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let index = {
                    let mut count = requests_in.lock().unwrap();
                    *count += 1;
                    *count - 1
                };
                let status = script.get(index).copied().unwrap_or(200);
                if let Some(body) = serve(stream, status) {
                    if (200..300).contains(&status) {
                        accepted_in.lock().unwrap().push(body);
                    }
                }
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/hooks/secret-token"),
            accepted,
            requests,
            stop,
            port,
            thread: Some(thread),
        }
    }

    /// The bodies answered with 2xx, in arrival order.
    pub fn accepted(&self) -> Vec<String> {
        self.accepted.lock().unwrap().clone()
    }

    /// Every request received.
    pub fn requests(&self) -> usize {
        *self.requests.lock().unwrap()
    }
}

impl Drop for WebhookServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request and answers `status`; its body.
fn serve(stream: TcpStream, status: u16) -> Option<String> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = stream;
    let _ = write!(stream, "HTTP/1.1 {status} Status\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    String::from_utf8(body).ok()
}
