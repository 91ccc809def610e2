//! The MCP Inspector CLI (npm @modelcontextprotocol/inspector 0.15) as a third-party client
//! of `jtp mcp serve --stdio`. Its CLI cannot send request headers, so it cannot reach the
//! token-protected HTTP endpoint; the Python SDK test covers HTTP.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn inspector() -> PathBuf {
    let peers = std::env::var("JTP_TEST_PEERS").unwrap_or_else(|_| {
        panic!(
            "JTP_TEST_PEERS is not set: scripts/test installs the MCP Inspector into \
             target/test-peers/node and sets it"
        )
    });
    PathBuf::from(peers).join("node/node_modules/.bin/mcp-inspector")
}

fn run(data: &Path, method_args: &[&str]) -> Output {
    Command::new(inspector())
        .arg("--cli")
        .arg("-e")
        .arg(format!("JTP_DATA_DIR={}", data.display()))
        .arg(env!("CARGO_BIN_EXE_jtp"))
        .args(["mcp", "serve", "--stdio", "--user", "ivy"])
        .args(method_args)
        .output()
        .expect("run the MCP Inspector CLI")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "inspector failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the inspector prints JSON")
}

#[test]
fn the_inspector_lists_calls_and_reads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let listed = run(&data, &["--method", "tools/list"]);
    let all_output = format!(
        "{}{}",
        String::from_utf8_lossy(&listed.stdout),
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(
        !all_output.contains("unknown format"),
        "schemas use only standard formats: {all_output}"
    );
    let tools = json(&listed);
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for expected in [
        "track_application",
        "update_status",
        "list_applications",
        "get_application",
        "add_note",
        "remove_application",
        "create_reminder",
        "list_reminders",
        "snooze_reminder",
        "complete_reminder",
        "cancel_reminder",
        "get_nudge_settings",
        "set_nudge_settings",
        "set_application_nudges",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }

    let created = json(&run(
        &data,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "track_application",
            "--tool-arg",
            "company=Spotify",
            "role=designer",
        ],
    ));
    assert_eq!(
        created["structuredContent"]["outcome"], "created",
        "{created}"
    );

    let pipeline = json(&run(
        &data,
        &["--method", "resources/read", "--uri", "tracker://pipeline"],
    ));
    assert_eq!(pipeline["contents"][0]["mimeType"], "text/markdown");
    assert!(
        pipeline["contents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Spotify"),
        "{pipeline}"
    );

    let unknown = run(
        &data,
        &["--method", "tools/call", "--tool-name", "no_such_tool"],
    );
    assert!(!unknown.status.success(), "an unknown tool is an error");
    let wrong = run(
        &data,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "get_application",
            "--tool-arg",
            "application_id=abc",
        ],
    );
    let wrong_text = format!(
        "{}{}",
        String::from_utf8_lossy(&wrong.stdout),
        String::from_utf8_lossy(&wrong.stderr)
    );
    assert!(
        !wrong.status.success() || wrong_text.contains("\"isError\": true"),
        "a wrong argument type is an error: {wrong_text}"
    );
}
