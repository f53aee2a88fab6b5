//! Faults on demand and the request log.

use std::{collections::VecDeque, sync::Mutex, time::Duration};

/// What the sandbox does instead of answering normally.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer this status with a DRF `detail` body, and `Retry-After` when given (seconds).
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After` in seconds.
        retry_after: Option<u64>,
    },
    /// Close the connection without an answer.
    Drop,
    /// Answer 200 with a truncated JSON body.
    Malformed,
    /// Answer 200 and the start of a body, then break the connection (a reset mid-transfer).
    BrokenBody,
}

/// One request as the sandbox saw it, with credentials removed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The protocol: `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string (empty when none).
    pub query: String,
    /// Headers, except the API key's, `authorization` and `cookie`.
    pub headers: Vec<(String, String)>,
    /// The body as text, with CAQH credentials masked.
    pub body: String,
}

/// Requests the log keeps (the oldest go first): a long-running sandbox
/// must not grow by every request it has ever served.
const LOG_CAPACITY: usize = 100_000;
/// Bytes of bodies, queries and headers the log keeps in all: 100 000 entries of up to 256 KiB
/// each would be 25 GiB, no bound at all.
const LOG_BYTES: usize = 64 * 1024 * 1024;

fn weight(r: &LoggedRequest) -> usize {
    r.body.len()
        + r.query.len()
        + r.path.len()
        + r.headers
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
}

/// A route's faults in order, with how many requests each has left: a
/// count, not copies, so any count costs the same.
type Planned = VecDeque<(Fault, usize)>;

#[derive(Default)]
pub(crate) struct Faults {
    latency: Mutex<Duration>,
    /// Up to this much more, at random, so answers overtake each other.
    jitter: Mutex<Duration>,
    planned: Mutex<Vec<(String, Planned)>>,
    log: Mutex<(VecDeque<LoggedRequest>, usize)>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Faults {
    pub(crate) fn set_latency(&self, latency: Duration) {
        *lock(&self.latency) = latency;
    }

    pub(crate) fn set_jitter(&self, jitter: Duration) {
        *lock(&self.jitter) = jitter;
    }

    pub(crate) fn latency(&self) -> Duration {
        let jitter = *lock(&self.jitter);
        let extra = match u64::try_from(jitter.as_micros()) {
            Ok(0) | Err(_) => 0,
            Ok(max) => fastrand::u64(..=max),
        };
        lock(&self.latency).saturating_add(Duration::from_micros(extra))
    }

    pub(crate) fn plan(&self, route: &str, times: usize, fault: Fault) {
        let mut planned = lock(&self.planned);
        let queue = match planned.iter_mut().find(|(r, _)| r == route) {
            Some((_, queue)) => queue,
            None => {
                planned.push((route.to_string(), VecDeque::new()));
                &mut planned.last_mut().expect("just pushed").1
            }
        };
        if times > 0 {
            queue.push_back((fault, times));
        }
    }

    /// The next planned fault for a request to `path`, if any.
    pub(crate) fn take(&self, path: &str) -> Option<Fault> {
        let mut planned = lock(&self.planned);
        planned
            .iter_mut()
            .filter(|(route, _)| path.starts_with(route.as_str()))
            .find_map(|(_, queue)| {
                let (fault, left) = queue.front_mut()?;
                let fault = fault.clone();
                *left -= 1;
                if *left == 0 {
                    queue.pop_front();
                }
                Some(fault)
            })
    }

    pub(crate) fn record(&self, request: LoggedRequest) {
        let mut guard = lock(&self.log);
        let (log, bytes) = &mut *guard;
        *bytes += weight(&request);
        log.push_back(request);
        while log.len() > LOG_CAPACITY || (*bytes > LOG_BYTES && log.len() > 1) {
            let Some(old) = log.pop_front() else { break };
            *bytes -= weight(&old);
        }
    }

    pub(crate) fn log(&self) -> Vec<LoggedRequest> {
        lock(&self.log).0.iter().cloned().collect()
    }

    pub(crate) fn clear_log(&self) {
        *lock(&self.log) = (VecDeque::new(), 0);
    }
}

/// `route:times:status[:retry_after]`, `route:times:drop`, `route:times:malformed` or
/// `route:times:broken-body`, as the binary's `--fault` flag takes it.
pub fn parse_fault_spec(spec: &str) -> Result<(String, usize, Fault), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let usage = || {
        format!("bad fault {spec:?}: want ROUTE:TIMES:STATUS[:RETRY_AFTER] or ROUTE:TIMES:drop|malformed|broken-body")
    };
    if parts.len() < 3 || parts.len() > 4 {
        return Err(usage());
    }
    let route = parts[0].to_string();
    let times = parts[1].parse().map_err(|_| usage())?;
    let fault = match parts[2] {
        "drop" if parts.len() == 3 => Fault::Drop,
        "malformed" if parts.len() == 3 => Fault::Malformed,
        "broken-body" if parts.len() == 3 => Fault::BrokenBody,
        status => Fault::Status {
            status: status
                .parse()
                .ok()
                .filter(|s| (100..600).contains(s))
                .ok_or_else(usage)?,
            retry_after: match parts.get(3) {
                Some(v) => Some(v.parse().map_err(|_| usage())?),
                None => None,
            },
        },
    };
    Ok((route, times, fault))
}

#[cfg(test)]
#[path = "../../tests/unit/sandbox_faults.rs"]
mod tests;
