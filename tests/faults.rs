//! The fault suite: a scripted server that misbehaves on purpose. Each case
//! asserts the outcome, the attempts the server saw, and that a POST that
//! reached the server was sent exactly once.

mod common;

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use assured::{models::InviteProvider, Client, Error, ListProvidersParams, RetryPolicy};
use common::{fast_retries, KEY};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// What the server does with one request.
#[derive(Clone, Debug)]
enum Act {
    /// Answer with this status, extra headers and body.
    Reply(u16, Vec<(&'static str, String)>, String),
    /// Close the connection without answering (a reset).
    Drop,
    /// Send the status line and headers, then stall the body.
    StallBody(u16),
    /// Send a 200's status line, headers and the start of its body, then close the connection.
    BreakBody,
    /// Stall before sending anything.
    StallHeaders,
}

struct Scripted {
    base_url: String,
    requests: Arc<AtomicUsize>,
    keys_seen: Arc<Mutex<Vec<String>>>,
}

fn ok_page() -> Act {
    Act::Reply(
        200,
        vec![],
        json!({"count": 0, "next": null, "previous": null, "results": []}).to_string(),
    )
}

/// Serves `script` in order, one act per request; the last act repeats.
async fn scripted(script: Vec<Act>) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let keys_seen = Arc::new(Mutex::new(Vec::new()));
    let (count, keys) = (requests.clone(), keys_seen.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let (count, keys, script) = (count.clone(), keys.clone(), script.clone());
            tokio::spawn(async move {
                loop {
                    let Some(head) = read_request(&mut socket).await else {
                        return;
                    };
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    if let Some(key) = head
                        .lines()
                        .find_map(|l| l.strip_prefix("x-api-key: ").map(str::to_string))
                    {
                        keys.lock().unwrap().push(key);
                    }
                    let act = script[n.min(script.len() - 1)].clone();
                    match act {
                        Act::Reply(status, headers, body) => {
                            let mut out = format!(
                                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\n",
                                body.len()
                            );
                            for (k, v) in headers {
                                out.push_str(&format!("{k}: {v}\r\n"));
                            }
                            out.push_str("\r\n");
                            out.push_str(&body);
                            if socket.write_all(out.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                        Act::Drop => return,
                        Act::StallBody(status) => {
                            let out = format!(
                                "HTTP/1.1 {status} X\r\ncontent-length: 100\r\n\r\n{{\"count\""
                            );
                            let _ = socket.write_all(out.as_bytes()).await;
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                        Act::BreakBody => {
                            let out = "HTTP/1.1 200 X\r\ncontent-length: 100\r\n\r\n{\"count\"";
                            let _ = socket.write_all(out.as_bytes()).await;
                            return;
                        }
                        Act::StallHeaders => {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                    }
                }
            });
        }
    });
    Scripted {
        base_url,
        requests,
        keys_seen,
    }
}

/// Reads one request (head and body); `None` when the peer closed.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length: ")
                        .and_then(|v| v.trim().parse().ok())
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = socket.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(head);
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn client_for(server: &Scripted, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .api_key(KEY)
        .timeout(Duration::from_millis(300))
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn invite() -> Vec<InviteProvider> {
    vec![InviteProvider::builder()
        .email("jane.doe@example.com")
        .try_into()
        .unwrap()]
}

fn invited() -> Act {
    Act::Reply(
        200,
        vec![],
        json!([{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "email": "jane.doe@example.com"}])
            .to_string(),
    )
}

#[tokio::test]
async fn get_retries_a_reset_connection_then_succeeds() {
    let server = scripted(vec![Act::Drop, ok_page()]).await;
    let page = client_for(&server, fast_retries())
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    assert_eq!(page.count, 0);
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn get_retries_stalled_headers() {
    let server = scripted(vec![Act::StallHeaders, ok_page()]).await;
    let page = client_for(&server, fast_retries())
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    assert_eq!(page.count, 0);
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        2,
        "timed out, then retried"
    );
}

/// A success body that stalls or breaks off after its headers is read again as the retry policy
/// allows: the next answer arrives whole. One that fails every time is a transport error after
/// 1 + 3 requests (1 with `RetryPolicy::none()`); an error answer whose body stalls is still
/// that answer, its status judged by the retries already.
#[tokio::test]
async fn a_body_that_stalls_or_breaks_off_is_read_again() {
    let read = |server: &Scripted, policy: RetryPolicy| {
        let client = client_for(server, policy);
        async move {
            let params = ListProvidersParams::new();
            client.providers().list_providers(&params).await
        }
    };
    for broken in [Act::StallBody(200), Act::BreakBody] {
        let server = scripted(vec![broken.clone(), broken.clone(), ok_page()]).await;
        assert_eq!(read(&server, fast_retries()).await.unwrap().count, 0);
        assert_eq!(server.requests.load(Ordering::SeqCst), 3, "{broken:?}");
        for (policy, sent) in [(fast_retries(), 4), (RetryPolicy::none(), 1)] {
            let server = scripted(vec![broken.clone()]).await;
            let err = read(&server, policy).await.unwrap_err();
            assert!(
                matches!(&err, Error::Transport { source, .. } if source.is_timeout() || source.is_body()),
                "{err:?}"
            );
            assert_eq!(server.requests.load(Ordering::SeqCst), sent, "{broken:?}");
        }
    }
    let server = scripted(vec![Act::StallBody(500)]).await;
    let err = read(&server, RetryPolicy::none()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err:?}");

    // Retries before the headers and re-reads after them share one count (and one deadline):
    // two 503s and a broken body leave one more try, not three.
    let busy = || Act::Reply(503, vec![], "busy".into());
    let script = vec![busy(), busy(), Act::BreakBody, Act::BreakBody, ok_page()];
    let server = scripted(script).await;
    let err = read(&server, fast_retries()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport { source, .. } if source.is_body()),
        "{err:?}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 4);
    let server = scripted(vec![busy(), Act::BreakBody, ok_page()]).await;
    assert_eq!(read(&server, fast_retries()).await.unwrap().count, 0);
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);

    // A body that does not decompress would fail the same way again: it is read once.
    let gzip = vec![("content-encoding", "gzip".to_string())];
    let server = scripted(vec![Act::Reply(200, gzip, "not gzip".into())]).await;
    let err = read(&server, fast_retries()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport { source, .. } if source.is_body()),
        "{err:?}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn truncated_json_and_html_with_200_are_decode_errors_not_retried() {
    for body in ["{\"count\": 3, \"results\": [", "<html>ok</html>"] {
        let server = scripted(vec![Act::Reply(200, vec![], body.to_string())]).await;
        let err = client_for(&server, fast_retries())
            .providers()
            .list_providers(&ListProvidersParams::new())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert_eq!(server.requests.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn get_503_then_200_succeeds_after_one_retry() {
    let server = scripted(vec![Act::Reply(503, vec![], "busy".into()), ok_page()]).await;
    let client = client_for(&server, fast_retries());
    assert_eq!(client.concurrency().limit(), 4);
    client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    // A 503 is push-back, like a 429: the limit halved at once (the answer
    // after it came from a request sent before the cut, so it grew nothing).
    assert_eq!(client.concurrency().limit(), 2);
}

#[tokio::test]
async fn get_gives_up_after_max_retries() {
    let server = scripted(vec![Act::Reply(503, vec![], "busy".into())]).await;
    let err = client_for(&server, fast_retries())
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        4,
        "1 attempt + 3 retries"
    );
    let server = scripted(vec![Act::Reply(503, vec![], "busy".into())]).await;
    client_for(&server, RetryPolicy::none())
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "0 disables retries"
    );
}

#[tokio::test]
async fn post_500_is_sent_exactly_once() {
    let server = scripted(vec![
        Act::Reply(500, vec![], "{\"detail\": \"boom\"}".into()),
        invited(),
    ])
    .await;
    let err = client_for(&server, fast_retries())
        .providers()
        .invite_providers(invite())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status == 500), "{err:?}");
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "no duplicate invite"
    );
}

#[tokio::test]
async fn post_reset_after_sending_is_not_retried() {
    let server = scripted(vec![Act::Drop, invited()]).await;
    let err = client_for(&server, fast_retries())
        .providers()
        .invite_providers(invite())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "the server may have acted"
    );
}

#[tokio::test]
async fn post_timeout_after_sending_is_not_retried() {
    let server = scripted(vec![Act::StallHeaders, invited()]).await;
    let err = client_for(&server, fast_retries())
        .providers()
        .invite_providers(invite())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport { source, .. } if source.is_timeout()),
        "{err:?}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn post_opt_in_retries_server_errors() {
    let server = scripted(vec![Act::Reply(503, vec![], String::new()), invited()]).await;
    let policy = fast_retries().retry_writes_on_server_errors(true);
    client_for(&server, policy)
        .providers()
        .invite_providers(invite())
        .await
        .unwrap();
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn post_connection_refused_is_retried_and_never_reaches_a_server() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(KEY)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .providers()
        .invite_providers(invite())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport { source, .. } if source.is_connect()),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_a_date_is_honoured_for_post() {
    // An HTTP date has one-second resolution: three seconds ahead is well
    // over the half second asserted, far above the 4 ms backoff. It is taken
    // when its case starts, not before the first case's one-second wait.
    let date = || httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3));
    for dated in [false, true] {
        let value = if dated { date() } else { "1".to_string() };
        let server = scripted(vec![
            Act::Reply(429, vec![("retry-after", value.clone())], String::new()),
            invited(),
        ])
        .await;
        let started = Instant::now();
        client_for(&server, fast_retries())
            .providers()
            .invite_providers(invite())
            .await
            .unwrap();
        assert_eq!(server.requests.load(Ordering::SeqCst), 2, "{value}");
        assert!(
            started.elapsed() >= Duration::from_millis(500),
            "{value}: waited {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn a_retry_after_beyond_the_maximum_is_returned_not_waited() {
    let server = scripted(vec![Act::Reply(
        429,
        vec![("retry-after", "3600".into())],
        String::new(),
    )])
    .await;
    let started = Instant::now();
    let err = client_for(&server, fast_retries())
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3600)),
        "{err:?}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// A `Retry-After` as long as u64 seconds allows, under a policy that
/// waits for any: nothing overflows (the deadline check, the controller's
/// hold), and the call ends with the server's answer instead of a panic or
/// a wait past the deadline.
#[tokio::test]
async fn the_longest_retry_after_neither_overflows_nor_waits() {
    let server = scripted(vec![Act::Reply(
        429,
        vec![("retry-after", u64::MAX.to_string())],
        String::new(),
    )])
    .await;
    let started = Instant::now();
    let client = client_for(&server, fast_retries().max_retry_after(Duration::MAX));
    let err = client
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    // The controller was told, and holds nothing it cannot represent.
    assert!(client.concurrency().limit() >= 1);
}

#[tokio::test]
async fn the_deadline_bounds_retries_and_waits() {
    let server = scripted(vec![Act::Reply(503, vec![], String::new())]).await;
    let policy = RetryPolicy::default()
        .max_retries(100)
        .base_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(50))
        .deadline(Duration::from_millis(400));
    let started = Instant::now();
    client_for(&server, policy)
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert!(server.requests.load(Ordering::SeqCst) < 100);
}

#[tokio::test]
async fn every_attempt_carries_the_key_to_the_same_origin_only() {
    let server = scripted(vec![Act::Reply(503, vec![], String::new()), ok_page()]).await;
    client_for(&server, fast_retries())
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap();
    assert_eq!(
        *server.keys_seen.lock().unwrap(),
        vec![KEY.to_lowercase(), KEY.to_lowercase()]
    );
}

#[tokio::test]
async fn a_redirect_to_another_origin_never_receives_the_key() {
    let other = scripted(vec![ok_page()]).await;
    let location = format!("{}/api/v1/users/providers-list/", other.base_url);
    let server = scripted(vec![Act::Reply(
        302,
        vec![("location", location)],
        String::new(),
    )])
    .await;
    let err = client_for(&server, fast_retries())
        .providers()
        .list_providers(&ListProvidersParams::new())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err:?}");
    assert_eq!(
        other.requests.load(Ordering::SeqCst),
        0,
        "the other origin saw nothing"
    );
    assert!(other.keys_seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_per_call_opt_in_retries_that_write_only() {
    let server = scripted(vec![
        Act::Reply(503, vec![], String::new()),
        invited(),
        Act::Reply(503, vec![], String::new()),
    ])
    .await;
    let client = client_for(&server, fast_retries());
    let patient = client.with_retry_policy(fast_retries().retry_writes_on_server_errors(true));
    patient
        .providers()
        .invite_providers(invite())
        .await
        .unwrap();
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        2,
        "opted in: retried once"
    );
    // The original client keeps its policy.
    client
        .providers()
        .invite_providers(invite())
        .await
        .unwrap_err();
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        3,
        "not opted in: sent once"
    );
}

/// The README's defaults: connect 10 s, per attempt 30 s, a call's
/// deadline 120 s, 3 retries from 0.5 s capped at 8 s, `Retry-After` up to
/// 60 s. (The stalled-server tests above prove the attempt timeout and the
/// deadline are applied; waiting out the defaults would cost minutes.)
#[test]
fn the_documented_timeouts_are_the_defaults() {
    // The builder's own settings, its retry policy included.
    let builder = format!("{:?}", Client::builder());
    for setting in [
        "connect_timeout: 10s,",
        " timeout: 30s,",
        "page_size: 100,",
        "concurrency: None,",
        "npi_cache_ttl: 300s,",
        "npi_cache_capacity: 10000,",
        "retry: RetryPolicy { max_retries: 3, base_delay: 500ms, max_delay: 8s, \
         max_retry_after: 60s, deadline: 120s, retry_writes_on_server_errors: false }",
    ] {
        assert!(builder.contains(setting), "{setting} not in {builder}");
    }
}
