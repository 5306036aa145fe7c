//! A local stand-in for an OpenAI-compatible chat-completions endpoint,
//! for tests of the vision model adapter: each request's JSON body goes to
//! `reply`, which returns the whole HTTP response to send (after `delay`).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves on a free local port; returns the API base URL (`…/v1`).
pub async fn serve(
    reply: impl Fn(&serde_json::Value) -> String + Send + Sync + 'static,
    delay: Duration,
) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let reply = Arc::new(reply);
    let task = tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 65536];
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if buf.len() < end + 4 + len {
                        continue;
                    }
                    let request: serde_json::Value =
                        serde_json::from_slice(&buf[end + 4..end + 4 + len]).unwrap_or_default();
                    let answer = reply(&request);
                    tokio::time::sleep(delay).await;
                    let _ = sock.write_all(answer.as_bytes()).await;
                    return;
                }
            });
        }
    });
    (url, task)
}

/// A whole HTTP response with a JSON body.
pub fn http(status: u16, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A successful completion whose message is `content`.
pub fn completion(content: &str) -> String {
    http(
        200,
        &serde_json::json!({"choices": [{"message": {"role": "assistant", "content": content}}]})
            .to_string(),
    )
}

/// The schema name a request asks its answer in (`menu`,
/// `starter_recipes`).
pub fn schema_name(request: &serde_json::Value) -> &str {
    request["response_format"]["json_schema"]["name"]
        .as_str()
        .unwrap_or("")
}
