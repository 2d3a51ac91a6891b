//! The catalog in a real browser: the real binary builds and serves the site of the example mesh
//! (with a lakehouse built by `generate` and `run`), headless Chromium finds `customer_360` by a
//! field name, opens it, follows a lineage node; screenshots land in the target folder. A crawl
//! fetches every link of the served site.

mod support;

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use support::webdriver::{request, Session};

/// A started process, stopped (and waited for) when dropped, also when the test fails.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn xtask(args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().unwrap();
    assert!(output.status.success(), "xtask {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// Builds a small lakehouse, then the catalog, and serves it: the server and its address.
fn served_catalog(work: &Path) -> (Stopped, String) {
    let landing = work.join("landing");
    let lakehouse = work.join("lakehouse");
    let site = work.join("site");
    xtask(&["generate", "--landing", path(&landing), "--days", "1", "--orders-per-day", "40", "--customers", "30"]);
    xtask(&["run", "--landing", path(&landing), "--lakehouse", path(&lakehouse)]);
    let mut server = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["catalog", "--out", path(&site), "--lakehouse", path(&lakehouse), "--serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout: ChildStdout = server.stdout.take().unwrap();
    let server = Stopped(server);
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines.next().expect("the server stopped before printing its address").unwrap();
        if let Some(rest) = line.strip_prefix("serving ") {
            let url = rest.split(" at ").nth(1).unwrap().split_whitespace().next().unwrap();
            break url.trim_end_matches('/').to_string();
        }
    };
    assert!(address.starts_with("http://127.0.0.1:"), "the server must listen on loopback only: {address}");
    (server, address)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A free loopback port (the driver is told which to use).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn chromedriver() -> (Stopped, u16) {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is missing: `cargo xtask test` installs Debian's chromium and chromium-driver");
    let driver = Stopped(driver);
    let started = Instant::now();
    while request(port, "GET", "/status", None).map_or(true, |v| v["ready"] != true) {
        assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not get ready on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    (driver, port)
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("catalog-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn save(session: &Session, name: &str) {
    let png = session.screenshot().unwrap();
    assert!(png.starts_with(b"\x89PNG"), "the screenshot {name} is not a PNG");
    let file = screenshots().join(name);
    std::fs::write(&file, png).unwrap();
    eprintln!("screenshot: {}", file.display());
}

/// Waits until `check` holds (the page's script runs after the command returns).
fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_consumer_finds_customer_360_by_a_field_and_follows_its_lineage() {
    let work = tempfile::tempdir().unwrap();
    let (_server, site) = served_catalog(work.path());
    let (_driver, port) = chromedriver();
    let session = Session::chromium(port).unwrap();
    let result = (|| -> Result<(), String> {
        session.goto(&format!("{site}/index.html"))?;
        // The search box has focus on load: a person types straight away.
        let search = session.find("#q")?;
        assert_eq!(session.active_element()?, search, "the search box must have focus on load");
        // Three keystrokes of a field only customer_360 has (lifetime_value_eur).
        session.type_into(&search, "lif")?;
        let first = eventually("the search results", || {
            let links = session.find_all("#results li a").ok()?;
            (links.len() == 1).then(|| links[0].clone())
        });
        assert_eq!(session.text(&first)?, "customer.customer_360");
        let why = session.text(&session.find("#results li .why")?)?;
        assert!(why.contains("field lifetime_value_eur"), "the result says why it matched: {why}");
        assert_eq!(session.text(&session.find("#count")?)?, "1 product");
        save(&session, "1-search-results.png");

        // Keyboard only: Enter in the search box opens the first result.
        session.press("\u{E007}")?;
        eventually("the product page", || {
            session.url().ok().filter(|u| u.ends_with("/products/customer.customer_360.html"))
        });
        let main = session.text(&session.find("main")?)?;
        for shown in [
            "customer-insights@company.com",
            "Freshness",
            "1 day",
            "Availability",
            "99.5%",
            "Consumers",
            "lifetime_value_eur",
        ] {
            assert!(main.contains(shown), "the product page must show `{shown}`");
        }
        // Built by `run` from data of 2026-11-01, a day of freshness is long gone.
        assert!(main.contains("SLA breached") || main.contains("SLA met"), "the page shows the measured SLA status");
        save(&session, "2-product-page.png");

        // A node of the product's lineage graph: its input sales.sales_cleaned.
        let node = session.find("svg.lineage a[href='sales.sales_cleaned.html']")?;
        session.click(&node)?;
        eventually("the input's page", || {
            session.url().ok().filter(|u| u.ends_with("/products/sales.sales_cleaned.html"))
        });
        let consumers: Vec<String> =
            session.find_all("#consumers a")?.iter().map(|c| session.text(c)).collect::<Result<_, _>>()?;
        assert!(
            consumers.contains(&"customer.customer_360".to_string()),
            "sales_cleaned lists its consumer: {consumers:?}"
        );
        save(&session, "3-input-page.png");

        session.goto(&format!("{site}/lineage.html"))?;
        let nodes = session.find_all("svg.lineage a")?;
        assert_eq!(nodes.len(), 10, "the lineage graph draws every product of the example mesh");
        save(&session, "4-lineage.png");
        Ok(())
    })();
    let quit = session.quit();
    result.unwrap();
    quit.unwrap();
}

/// Fetches a path of the served site: status and body.
fn get(site: &str, target: &str) -> (u16, String) {
    let host = site.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, body.to_string())
}

/// `href` and `src` values of a page, unescaped.
fn links(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" href=\"", " src=\""] {
        for (start, _) in page.match_indices(attribute) {
            let rest = &page[start + attribute.len()..];
            let value = &rest[..rest.find('"').unwrap()];
            found.push(value.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'"));
        }
    }
    found
}

/// `target` relative to the page at `base` (both absolute paths), `..` resolved.
fn resolve(base: &str, target: &str) -> String {
    let target = target.split('#').next().unwrap();
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[test]
fn every_link_of_the_site_resolves() {
    let work = tempfile::tempdir().unwrap();
    let (_server, site) = served_catalog(work.path());
    let mut seen = BTreeSet::from(["/index.html".to_string()]);
    let mut queue = VecDeque::from(["/index.html".to_string()]);
    let mut broken = Vec::new();
    while let Some(page) = queue.pop_front() {
        let (status, body) = get(&site, &page);
        if status != 200 {
            broken.push(format!("{page}: HTTP {status}"));
            continue;
        }
        if !page.ends_with(".html") {
            continue;
        }
        for link in links(&body) {
            if link.starts_with("mailto:") || link.starts_with('#') {
                continue;
            }
            assert!(!link.contains("://"), "{page} links outside the site ({link}): the catalog must work offline");
            let target = resolve(&page, &link);
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    // Every product page and schema was reached from the index.
    let pages = seen.iter().filter(|p| p.starts_with("/products/")).count();
    let schemas = seen.iter().filter(|p| p.starts_with("/schemas/")).count();
    assert_eq!((pages, schemas), (10, 10), "crawled: {seen:#?}");
    assert_eq!(get(&site, "/../Cargo.toml").0, 404, "the server serves nothing outside the site");
}
