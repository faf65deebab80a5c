//! `kubectl mcp-doctor`: walks an MCP server registration of the Kuadrant mcp-gateway through its
//! HTTPRoute, Gateway listeners, extension, Services, endpoints, ReferenceGrants and Secrets, and
//! names the broken link with a fix.
//!
//! Pipeline: `source` (I/O) → `Snapshot` → `Graph` → `diagnose` (pure analyzers) → `Report` →
//! `render`. Only `source` touches the file system.

pub mod cli;
pub mod diagnose;
pub mod graph;
pub mod model;
pub mod render;
pub mod snapshot;
pub mod source;

use cli::{Cli, Command, FailOn, Output};
use diagnose::{Code, Scope, Severity, SourceInfo};
use std::io::Read;
use thiserror::Error;

/// Why the tool could not do its job (exit code 2).
#[derive(Debug, Error)]
pub enum Error {
    /// Input could not be read.
    #[error(transparent)]
    Input(#[from] source::InputError),
    /// Bad usage.
    #[error("{0}")]
    Usage(String),
    /// The cluster could not be used.
    #[error(transparent)]
    Cluster(#[from] source::cluster::ClusterError),
}

/// What a run produced: text for stdout and the exit code.
#[derive(Debug)]
pub struct Outcome {
    /// Everything for stdout.
    pub stdout: String,
    /// Exit code (0, 1 or 3; 2 is an `Error`).
    pub code: u8,
}

/// Runs the command line.
pub fn run(cli: Cli, stdin: &mut dyn Read) -> Result<Outcome, Error> {
    if let Some(Command::Explain(args)) = cli.command {
        if args.markdown {
            return Ok(Outcome { stdout: render::explain::findings_markdown(), code: 0 });
        }
        if args.list {
            return Ok(Outcome { stdout: render::explain::list(), code: 0 });
        }
        let query = args.code.unwrap_or_default();
        return match Code::find(&query) {
            Some(info) => Ok(Outcome { stdout: render::explain::explain(info), code: 0 }),
            None => Err(Error::Usage(format!(
                "unknown finding code {query:?}; `kubectl mcp-doctor explain --list` lists them"
            ))),
        };
    }
    let args = cli.diagnose;
    let report =
        if args.filename.is_empty() { diagnose_cluster(&args)? } else { diagnose_files(&args, stdin)? };
    let fail_on = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    let stdout = match args.output {
        Output::Text => render::tree::render(&report),
        Output::Json => render::json::json(&report),
        Output::Yaml => render::json::yaml(&report),
    };
    Ok(Outcome { stdout, code: report.exit_code(fail_on) })
}

fn diagnose_files(args: &cli::DiagnoseArgs, stdin: &mut dyn Read) -> Result<diagnose::Report, Error> {
    let loaded = source::files::load(&args.filename, stdin)?;
    let default_ns = args.namespace.clone().unwrap_or_else(|| "default".into());
    let snap = snapshot::Snapshot::build(loaded.objects, &default_ns);
    // Files mode: without -n every registration is diagnosed, as `kubectl apply -f` applies all.
    let scope = Scope {
        name: args.name.clone(),
        namespace: if args.all_namespaces { None } else { args.namespace.clone() },
    };
    Ok(diagnose::diagnose(&snap, &scope, SourceInfo::Files(loaded.files)))
}

fn diagnose_cluster(args: &cli::DiagnoseArgs) -> Result<diagnose::Report, Error> {
    let opts = source::cluster::Options {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        cluster: args.cluster.clone(),
        user: args.user.clone(),
        namespace: args.namespace.clone(),
        all_namespaces: args.all_namespaces,
        name: args.name.clone(),
        request_timeout: args.request_timeout,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    let read = runtime.block_on(source::cluster::read(&opts))?;
    let mut snap = snapshot::Snapshot::build(read.objects, read.namespace.as_deref().unwrap_or("default"));
    snap.kinds_present.extend(read.read_kinds);
    snap.blocked = read.blocked;
    let scope = Scope { name: args.name.clone(), namespace: read.namespace.clone() };
    let source = SourceInfo::Cluster { context: read.context, server: read.server, apis: read.apis };
    Ok(diagnose::diagnose(&snap, &scope, source))
}
