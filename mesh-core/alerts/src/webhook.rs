//! Sending an alert to a webhook: one JSON `POST`, a timeout per attempt, and a bounded number of
//! retries with a short growing pause, so that a broken endpoint delays a validation by seconds,
//! never indefinitely.

use std::time::Duration;

use crate::config::Route;

/// The HTTP client of a route (its timeout per attempt), built once for all its alerts.
pub fn agent(route: &Route) -> ureq::Agent {
    ureq::Agent::config_builder().timeout_global(Some(route.timeout)).http_status_as_error(true).build().into()
}

/// Posts `body` (JSON) to `url` with `agent`, retrying as the route says; the attempts it took.
///
/// # Errors
/// Every attempt failed (timeout, connection refused, a status other than 2xx): the last reason,
/// with the endpoint's scheme and host only, since webhook URLs carry their secret in the path.
pub fn post(agent: &ureq::Agent, url: &str, route: &Route, body: &str) -> Result<u32, String> {
    let mut last = String::new();
    for attempt in 0..=route.retries {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
        }
        match agent.post(url).header("Content-Type", "application/json").send(body) {
            Ok(_) => return Ok(attempt + 1),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("the webhook at {} failed {} time(s); last: {}", endpoint(url), route.retries + 1, redact(&last, url)))
}

/// `scheme://host[:port]` of a URL: what may be printed of it.
pub fn endpoint(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    if scheme.is_empty() {
        host.to_string()
    } else {
        format!("{scheme}://{host}")
    }
}

/// An error message with the URL's secret parts replaced by its endpoint.
fn redact(message: &str, url: &str) -> String {
    message.replace(url, &endpoint(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_endpoint_of_a_webhook_is_shown() {
        assert_eq!(endpoint("https://hooks.slack.com/services/T0/B0/secret"), "https://hooks.slack.com");
        assert_eq!(endpoint("http://user:pw@127.0.0.1:9000/x?token=1"), "http://127.0.0.1:9000");
        assert_eq!(redact("error sending to http://h/secret", "http://h/secret"), "error sending to http://h");
    }
}
