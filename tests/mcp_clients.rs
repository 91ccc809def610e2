//! Third-party MCP clients against `jtp mcp serve`: the official Python SDK over stdio and
//! Streamable HTTP (tests/mcp/python_client.py holds the checks). The client's Python comes
//! from JTP_TEST_PYTHON, which scripts/test sets after installing the SDK.

mod common;

use common::jtp;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn python() -> String {
    std::env::var("JTP_TEST_PYTHON").unwrap_or_else(|_| {
        panic!(
            "JTP_TEST_PYTHON is not set: it must name a Python with the `mcp` SDK installed.\n\
             scripts/test installs one (target/test-peers/python); or: python3 -m venv V && \
             V/bin/pip install mcp==2.3.0 && JTP_TEST_PYTHON=V/bin/python cargo test"
        )
    })
}

fn client_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/python_client.py")
}

fn assert_all_passed(output: std::process::Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(" passed, 0 failed"),
        "the Python MCP client reported failures:\n{stdout}\n{stderr}"
    );
}

#[test]
fn python_sdk_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(python())
        .arg(client_script())
        .args(["stdio", env!("CARGO_BIN_EXE_jtp")])
        .arg(dir.path().join("data"))
        .arg("alice")
        .output()
        .expect("run the Python MCP client");
    assert_all_passed(output);
}

#[test]
fn python_sdk_over_http_with_a_bearer_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = jtp(dir.path(), None)
        .env("JTP_MCP__TOKEN", "test-token-123")
        .args(["mcp", "serve", "--http", "127.0.0.1:0", "--user", "bob"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start jtp mcp serve --http");
    let stderr = server.stderr.take().expect("piped stderr");
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = loop {
        assert!(
            Instant::now() < deadline,
            "the server did not report its address"
        );
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(at) = line.find("http://") {
                    break line[at..].trim().to_owned();
                }
            }
            _ => panic!("the server exited before listening"),
        }
    };
    let output = Command::new(python())
        .arg(client_script())
        .args(["http", &url, "test-token-123"])
        .output()
        .expect("run the Python MCP client");
    let _ = server.kill();
    let _ = server.wait();
    assert_all_passed(output);
}

#[test]
fn http_without_a_configured_token_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = jtp(dir.path(), None)
        .args(["mcp", "serve", "--http", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no bearer token is configured"));
}
