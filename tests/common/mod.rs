//! Running the built `jtp` binary the way a person or a script would.

#![allow(dead_code)]

pub mod seed;
#[cfg(feature = "telegram")]
pub mod telegram;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `jtp` with a clean environment: no inherited JTP_* or DATABASE_URL, run from `dir` (so no
/// stray jtp.toml is read), data in `dir/data`.
pub fn jtp(dir: &Path, database_url: Option<&str>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jtp"));
    for (key, _) in std::env::vars() {
        if key.starts_with("JTP_") || key == "DATABASE_URL" {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(dir).env("JTP_DATA_DIR", dir.join("data"));
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd
}

/// Run `jtp chat --user USER` with `input` on stdin; returns its output.
pub fn chat(dir: &Path, database_url: Option<&str>, user: &str, input: &[u8]) -> Output {
    let mut child = jtp(dir, database_url)
        .args(["chat", "--user", user])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jtp");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("jtp runs");
    writer.join().expect("stdin writer");
    output
}

/// stdout as text; panics with stderr if the process failed.
pub fn ok_stdout(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "jtp failed with {}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The block printed for a list of applications: from "Your applications" to the end of
/// the list (the first line that is neither a heading, a bullet nor blank).
pub fn list_block(stdout: &str, nth: usize) -> String {
    let starts: Vec<usize> = stdout
        .match_indices("Your applications (")
        .map(|(i, _)| i)
        .collect();
    let start = *starts
        .get(nth)
        .unwrap_or_else(|| panic!("list #{nth} not printed in:\n{stdout}"));
    let mut block = Vec::new();
    for (i, line) in stdout[start..].lines().enumerate() {
        let listy = i == 0 || line.is_empty() || line.starts_with("- ") || !line.contains(' ');
        if !listy {
            break;
        }
        block.push(line);
    }
    block.join("\n").trim_end().to_owned()
}
