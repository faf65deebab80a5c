//! The `kubectl-mcp_doctor` binary: parse, run, print, map to an exit code.

use clap::Parser;
use mcp_doctor::cli::Cli;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match mcp_doctor::run(cli, &mut std::io::stdin()) {
        Ok(outcome) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(outcome.stdout.as_bytes()).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::from(outcome.code),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("kubectl-mcp_doctor: cannot write output: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(e) => {
            eprintln!("kubectl-mcp_doctor: {e}");
            ExitCode::from(2)
        }
    }
}
