//! The `kubectl-mcp_doctor` binary: parse, run, print, map to an exit code.

use clap::Parser;
use mcp_doctor::Env;
use mcp_doctor::cli::Cli;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Whether the locale says the terminal shows no UTF-8: the first of `LC_ALL`, `LC_CTYPE`, `LANG`
/// that is set names no UTF-8 charset (`C`, `POSIX`, `en_US.ISO-8859-1`). Unset says nothing.
fn locale_is_not_utf8() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .is_some_and(|l| !l.to_ascii_lowercase().replace('-', "").contains("utf8"))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let now = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
    });
    let env = Env {
        // `NO_COLOR`, or a terminal that says it cannot show colour (`TERM=dumb`).
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
        stdout_is_terminal: std::io::stdout().is_terminal(),
        stderr_is_terminal: std::io::stderr().is_terminal(),
        ascii: locale_is_not_utf8(),
        now,
        timings: std::env::var_os("MCPD_TIMINGS").is_some(),
    };
    match mcp_doctor::run(cli, &mut std::io::stdin(), &env) {
        Ok(outcome) => {
            if !outcome.stderr.is_empty() {
                eprint!("{}", outcome.stderr);
            }
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match outcome.write_stdout(&mut stdout) {
                Ok(()) => ExitCode::from(outcome.code),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("kubectl mcp-doctor: cannot write output: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(e) => {
            eprintln!("kubectl mcp-doctor: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
