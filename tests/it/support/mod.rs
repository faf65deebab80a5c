//! Helpers: run the binary, locate the repository's folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file generated from the code (`docs/findings.md`, `docs/rbac.yaml`): written when
/// `MCPD_BLESS` is set, else it must equal `generated`.
pub fn generated_file(relative: &str, generated: &str) {
    let path = root().join(relative);
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk == generated {
        return;
    }
    assert!(std::env::var_os("MCPD_BLESS").is_some(), "{relative} is stale: run `MCPD_BLESS=1 cargo test`");
    std::fs::write(&path, generated).unwrap();
}

/// `tests/scenarios`.
pub fn scenarios_dir() -> PathBuf {
    root().join("tests/scenarios")
}

/// What one run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr: {}", self.stdout, self.stderr))
    }
}

/// Runs the binary with `args` in `dir`, with a clean environment and optional stdin.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_env(dir, args, stdin, &[])
}

/// Like `run_in`, with extra environment variables.
pub fn run_env(dir: &Path, args: &[&str], stdin: Option<&[u8]>, envs: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-mcp_doctor"));
    cmd.args(args).current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.envs(envs.iter().copied());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn kubectl-mcp_doctor");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input).expect("write stdin");
    }
    let Output { status, stdout, stderr } = child.wait_with_output().expect("wait");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Asserts a run that diagnosed one server whose backendRef names a missing Service (exit 1,
/// MCPD0501) and pointed at the Service of that name in `namespace`.
pub fn assert_backend_found_elsewhere(out: &Run, namespace: &str) {
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    let finding = &report["servers"][0]["findings"][0];
    assert_eq!(finding["code"], "MCPD0501", "{report:#}");
    let message = finding["message"].as_str().unwrap_or_default();
    let hint = format!("a Service of that name exists in namespace {namespace}");
    assert!(message.contains(&hint), "{message}");
}

/// Says that a test skipped part of its work, on the real stderr: the test harness captures
/// `eprintln!` of passing tests, and a skip must show in every run.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// Runs the binary in the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args, None)
}

pub mod fake_apiserver;
pub mod synthetic;

/// Runs a binary the test has just copied. Another test thread forking at the moment of the copy
/// can hold the file open for writing ("Text file busy", ETXTBSY) for a moment: retry.
pub fn output_of_copied(cmd: &mut Command) -> Output {
    for _ in 0..50 {
        match cmd.output() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            other => return other.expect("run the copied binary"),
        }
    }
    panic!("the copied binary stayed busy");
}

/// A folder next to the test binaries (same file system, so binaries can be hard-linked).
pub fn bin_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

/// Puts the doctor into `dir` under `name`: a hard link (never "text file busy", unlike a fresh
/// copy that another test thread's fork may still hold open), or a copy where links fail.
pub fn place_binary(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let source = env!("CARGO_BIN_EXE_kubectl-mcp_doctor");
    if std::fs::hard_link(source, &path).is_err() {
        std::fs::copy(source, &path).unwrap();
    }
    path
}
