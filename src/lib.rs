//! `kubectl mcp-doctor`: walks an MCP server registration of the Kuadrant mcp-gateway through its
//! HTTPRoute, Gateway listeners, extension, Services, endpoints, ReferenceGrants and Secrets, and
//! names the broken link with a fix.
//!
//! Pipeline: `source` (I/O) → `Snapshot` → `Graph` → `diagnose` (pure analyzers) → `Report` →
//! `render`. Only `source` touches the file system and the network.

pub mod cli;
pub mod diagnose;
pub mod graph;
pub mod model;
pub mod render;
pub mod snapshot;
pub mod source;
mod wait;

use cli::{Cli, Command, DiagnoseArgs, FailOn, Output, Shell};
use diagnose::{Code, Report, Scope, Severity, SourceInfo};
use render::redact::Category;
use render::style::Styles;
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
    /// Ctrl-C.
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// The exit code: 130 for Ctrl-C (as a shell reports SIGINT), 2 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Interrupted => 130,
            _ => 2,
        }
    }
}

/// What a run produced: text for stdout and stderr, and the exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Everything for stdout.
    pub stdout: String,
    /// Notes for stderr (the `--redact` mapping).
    pub stderr: String,
    /// Exit code (0, 1 or 3; 2 is an `Error`).
    pub code: u8,
    /// A report to write to stdout as JSON or YAML after `stdout`, streamed rather than rendered
    /// into a string first (large scans would hold it twice).
    pub document: Option<(Report, DocumentFormat)>,
}

/// How `Outcome::document` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    /// Pretty JSON.
    Json,
    /// YAML.
    Yaml,
}

impl Outcome {
    /// Writes stdout: the text, then the streamed document, if any.
    pub fn write_stdout(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(self.stdout.as_bytes())?;
        match &self.document {
            Some((report, DocumentFormat::Json)) => render::json::write_json(report, out)?,
            Some((report, DocumentFormat::Yaml)) => render::json::write_yaml(report, out)?,
            None => {}
        }
        out.flush()
    }
}

/// What the process knows about its surroundings, decided by `main`.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `NO_COLOR` is set and not empty, or `TERM=dumb`.
    pub no_color: bool,
    /// stdout is a terminal.
    pub stdout_is_terminal: bool,
    /// stderr is a terminal (`--wait` shows its progress there).
    pub stderr_is_terminal: bool,
    /// The locale is not UTF-8 (`LC_ALL=C`): the text output spells its symbols in ASCII.
    pub ascii: bool,
    /// Seconds since the epoch, for the markdown header (`SOURCE_DATE_EPOCH` wins).
    pub now: u64,
    /// `MCPD_TIMINGS` is set: print the time of each phase to stderr (for benchmarks).
    pub timings: bool,
}

/// Wall time per phase, for `MCPD_TIMINGS`.
#[derive(Debug, Default)]
struct Timings(Vec<(&'static str, std::time::Duration, u64)>);

/// Peak resident memory so far (Linux `VmHWM`), 0 elsewhere.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

impl Timings {
    fn lap(&mut self, phase: &'static str, since: &mut std::time::Instant) {
        let now = std::time::Instant::now();
        self.0.push((phase, now - *since, peak_rss_kib()));
        *since = now;
    }

    fn line(&self) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(p, d, hwm)| {
                format!("{p} {:.1} ms (peak RSS {} MiB)", d.as_secs_f64() * 1000.0, hwm / 1024)
            })
            .collect();
        format!("timings: {}\n", parts.join(", "))
    }
}

/// Runs the command line.
pub fn run(cli: Cli, stdin: &mut dyn Read, env: &Env) -> Result<Outcome, Error> {
    match cli.command {
        Some(Command::Explain(args)) => explain(args),
        Some(Command::Dump(args)) => dump(&args, env),
        Some(Command::Completion { shell }) => completion(shell),
        Some(Command::Complete { words }) => Ok(Outcome { stdout: complete(&words), ..Outcome::default() }),
        None => diagnose_command(&cli.diagnose, stdin, env),
    }
}

fn explain(args: cli::ExplainArgs) -> Result<Outcome, Error> {
    let stdout = if args.markdown {
        render::explain::findings_markdown()
    } else if args.list {
        render::explain::list()
    } else {
        let query = args.code.unwrap_or_default();
        match Code::find(&query) {
            Some(info) => render::explain::explain(info, render::explain::example_of(info.code).as_ref()),
            None => {
                return Err(Error::Usage(format!(
                    "unknown finding code {query:?}; `kubectl mcp-doctor explain --list` lists them"
                )));
            }
        }
    };
    Ok(Outcome { stdout, ..Outcome::default() })
}

fn completion(shell: Shell) -> Result<Outcome, Error> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Kubectl => {
            let path = source::install_kubectl_completion()
                .map_err(|e| Error::Usage(format!("cannot install kubectl_complete-mcp_doctor: {e}")))?;
            return Ok(Outcome {
                stdout: format!(
                    "installed {}\n`kubectl mcp-doctor <TAB>` now completes (kubectl 1.26+, with kubectl's own shell completion enabled)\n",
                    path.display()
                ),
                ..Outcome::default()
            });
        }
    };
    clap_complete::generate(generator, &mut cmd, "kubectl-mcp_doctor", &mut buf);
    Ok(Outcome { stdout: String::from_utf8_lossy(&buf).into_owned(), ..Outcome::default() })
}

/// Candidates for kubectl's plugin completion, cobra style: one per line, then `:4` (no files).
fn complete(words: &[String]) -> String {
    let current = words.last().map(String::as_str).unwrap_or("");
    let previous = words.len().checked_sub(2).and_then(|i| words.get(i)).map(String::as_str).unwrap_or("");
    let mut out: Vec<String> = match previous {
        "-o" | "--output" => {
            ["text", "wide", "json", "yaml", "markdown", "dot", "mermaid"].map(String::from).to_vec()
        }
        "--color" => ["auto", "always", "never"].map(String::from).to_vec(),
        "--fail-on" => ["error", "warning", "info"].map(String::from).to_vec(),
        "--suppress" | "explain" => diagnose::CATALOG.iter().map(|c| c.id.to_string()).collect(),
        "-n" | "--namespace" => source::complete::namespaces(&typed_so_far(words)),
        "-f" | "--filename" | "--kubeconfig" => return ":0\n".into(),
        _ if current.starts_with('-') => {
            use clap::CommandFactory;
            Cli::command().get_arguments().filter_map(|a| a.get_long().map(|l| format!("--{l}"))).collect()
        }
        _ => source::complete::registrations(&typed_so_far(words)),
    };
    out.retain(|c| c.starts_with(current));
    out.push(":4".into());
    out.join("\n") + "\n"
}

/// The connection flags and namespace among the words typed before the one being completed, read
/// by the command line's own parser (errors ignored: the line is unfinished); a short timeout.
fn typed_so_far(words: &[String]) -> source::cluster::Options {
    use clap::{CommandFactory, FromArgMatches};
    let typed = words.split_last().map_or(&[][..], |(_, before)| before);
    let argv = std::iter::once("kubectl-mcp_doctor".to_string()).chain(typed.iter().cloned());
    let matches = Cli::command().ignore_errors(true).try_get_matches_from(argv);
    let Some(cli) = matches.ok().and_then(|m| Cli::from_arg_matches(&m).ok()) else {
        return source::cluster::Options::default();
    };
    source::cluster::Options {
        namespace: cli.diagnose.namespace.clone(),
        request_timeout: std::time::Duration::from_secs(2),
        ..cluster_options(&cli.diagnose.connection)
    }
}

/// What a diagnosis asks besides the input, parsed once from the command line.
struct Asked {
    selector: Option<model::selector::Selector>,
    suppress: Vec<diagnose::suppress::Rule>,
    fail_on: Severity,
}

impl Asked {
    fn parse(args: &DiagnoseArgs) -> Result<Asked, Error> {
        let selector = args
            .selector
            .as_deref()
            .map(model::selector::Selector::parse)
            .transpose()
            .map_err(Error::Usage)?;
        let suppress = args
            .suppress
            .iter()
            .map(|s| diagnose::suppress::Rule::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::Usage)?;
        let fail_on = match args.fail_on {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        };
        Ok(Asked { selector, suppress, fail_on })
    }

    /// What to diagnose, in `namespace` (`None`: every namespace).
    fn scope(&self, args: &DiagnoseArgs, namespace: Option<String>) -> Scope {
        Scope {
            select: snapshot::Selection {
                name: args.name.clone(),
                namespace,
                selector: self.selector.clone(),
            },
            suppress: self.suppress.clone(),
            release: args.mcp_gateway_version,
        }
    }

    /// Diagnoses what was read.
    fn diagnose(&self, args: &DiagnoseArgs, read: &Input) -> Report {
        let scope = self.scope(args, read.namespace.clone());
        let mut report = diagnose::diagnose(&read.snap, &scope, read.source.clone());
        report.metadata.kubernetes_version = read.kubernetes_version.clone();
        report
    }
}

fn diagnose_command(args: &DiagnoseArgs, stdin: &mut dyn Read, env: &Env) -> Result<Outcome, Error> {
    let asked = Asked::parse(args)?;
    let keep_raw = args.output == Output::Markdown;
    let mut timings = Timings::default();
    let mut clock = std::time::Instant::now();
    let (read, mut report, waited) = match args.wait {
        Some(limit) => wait::until_settled(args, &asked, limit, stdin, env)?,
        None => {
            let read = if args.filename.is_empty() {
                read_cluster(args, &asked, stdin, keep_raw)?
            } else {
                read_files(args, stdin, keep_raw)?
            };
            timings.lap("read+decode", &mut clock);
            let report = asked.diagnose(args, &read);
            (read, report, wait::Waited::default())
        }
    };
    // Once, on the diagnosis printed (a wait's rounds need no lines).
    field_lines(&mut report);
    timings.lap("diagnose", &mut clock);
    let code =
        if waited.interrupted { Error::Interrupted.exit_code() } else { report.exit_code(asked.fail_on) };
    let mut outcome = present(args, env, read, report, code, (timings, clock));
    outcome.stderr.insert_str(0, &waited.note);
    Ok(outcome)
}

/// Renders a diagnosis as `-o` asks, with the exit code decided.
fn present(
    args: &DiagnoseArgs,
    env: &Env,
    read: Input,
    report: Report,
    code: u8,
    (mut timings, mut clock): (Timings, std::time::Instant),
) -> Outcome {
    let snap = read.snap;
    let namespace = read.namespace.clone();
    let colored = matches!(args.output, Output::Text | Output::Wide);
    let styles = if colored {
        Styles::decide(args.color, env.no_color, env.stdout_is_terminal)
    } else {
        Styles::plain()
    };
    let scan = args.name.is_none();
    let detail = match (args.summary, args.details) {
        (true, _) => render::tree::Detail::Summary,
        (_, true) => render::tree::Detail::Trees,
        _ => render::tree::Detail::Lines,
    };
    let names = if args.redact { render::redact::names(&snap, &report) } else { Vec::new() };
    // The objects are no longer needed (but by markdown): free them before rendering.
    let snap = if args.output == Output::Markdown { Some(snap) } else { None };
    let streamed = match args.output {
        Output::Json => Some(DocumentFormat::Json),
        Output::Yaml => Some(DocumentFormat::Yaml),
        _ => None,
    };
    if let (Some(format), false) = (streamed, args.redact) {
        timings.lap("render", &mut clock);
        let stderr = if env.timings { timings.line() } else { String::new() };
        return Outcome { stdout: String::new(), stderr, code, document: Some((report, format)) };
    }
    let quiet_scan = scan && report.servers.is_empty() && matches!(args.output, Output::Text | Output::Wide);
    let stdout = match args.output {
        _ if quiet_scan => render::tree::nothing_found(&report, &styles),
        Output::Text if scan => render::tree::scan(&report, false, detail, &styles),
        Output::Wide => render::tree::scan(&report, true, detail, &styles),
        Output::Text => render::tree::render(&report, &styles),
        Output::Json => render::json::to_string(&report, render::json::write_json),
        Output::Yaml => render::json::to_string(&report, render::json::write_yaml),
        Output::Markdown => {
            let empty = std::collections::BTreeMap::new();
            let objects = snap.as_ref().map_or(&empty, |s| &s.raw);
            render::markdown::render(
                &report,
                &render::markdown::Context { objects, generated_at: render::rfc3339(env.now) },
            )
        }
        Output::Dot => render::graph::dot(&report),
        Output::Mermaid => render::graph::mermaid(&report),
    };
    // A terminal output (text, wide) in a locale without UTF-8 spells its symbols in ASCII.
    let stdout = if env.ascii && colored { render::style::ascii(&stdout) } else { stdout };
    timings.lap("render", &mut clock);
    let mut timing_line = if env.timings { timings.line() } else { String::new() };
    if quiet_scan {
        timing_line.insert_str(0, &nothing_found_line(args, namespace.as_deref()));
    }
    if !args.redact {
        return Outcome { stdout, stderr: timing_line, code, document: None };
    }
    Outcome { code, ..redacted(stdout, &names) }
}

/// `dump`: reads from the cluster what a diagnosis of the selected registrations reads (the same
/// planner, plus the mcp-gateway CRDs) and writes it as one YAML file for offline diagnosis.
fn dump(args: &cli::DumpArgs, env: &Env) -> Result<Outcome, Error> {
    let selector =
        args.selector.as_deref().map(model::selector::Selector::parse).transpose().map_err(Error::Usage)?;
    let opts = source::cluster::Options {
        namespace: args.namespace.clone(),
        all_namespaces: args.all_namespaces,
        name: args.name.clone(),
        selector: args.selector.clone(),
        keep_raw: true,
        dump: true,
        ..cluster_options(&args.connection)
    };
    let read = read_live(&opts)?;
    let select = snapshot::Selection { name: args.name.clone(), namespace: read.namespace.clone(), selector };
    let source = SourceInfo::Cluster {
        context: read.context.clone(),
        server: read.server.clone(),
        apis: read.apis.clone(),
        what_if: Vec::new(),
    };
    let report = diagnose::diagnose(&read.snapshot, &Scope { select, ..Scope::default() }, source);
    let mut command = vec!["kubectl mcp-doctor dump".to_string()];
    command.extend(args.name.clone());
    command.extend(read.namespace.as_ref().map(|ns| format!("-n {ns}")));
    command.extend(args.all_namespaces.then(|| "-A".to_string()));
    command.extend(args.selector.as_ref().map(|s| format!("-l {s}")));
    let header = render::dump::Header {
        tool_version: env!("CARGO_PKG_VERSION"),
        generated_at: &render::rfc3339(env.now),
        context: &read.context,
        server: &read.server,
        command: &command.join(" "),
        apis: &read.apis,
        release: &report.metadata.mcp_gateway.line(),
    };
    let snap = &read.snapshot;
    let stdout = render::dump::render(&header, &read.install, &snap.raw, &snap.kinds_present);
    if !args.redact {
        return Ok(Outcome { stdout, ..Outcome::default() });
    }
    Ok(redacted(stdout, &render::redact::names(snap, &report)))
}

/// `--redact`: the output with names replaced, the mapping on stderr.
fn redacted(stdout: String, names: &[(Category, String)]) -> Outcome {
    let (stdout, mapping) = render::redact::redact(&stdout, names);
    let mut stderr =
        String::from("redacted names (this mapping is not in the output; keep it to read the answer):\n");
    for (with, name) in &mapping {
        stderr.push_str(&format!("  {with}  {name}\n"));
    }
    Outcome { stdout, stderr, ..Outcome::default() }
}

/// What a source read.
struct Input {
    snap: snapshot::Snapshot,
    /// The namespace the diagnosis is scoped to (`None`: every namespace).
    namespace: Option<String>,
    source: SourceInfo,
    kubernetes_version: Option<String>,
}

fn read_files(args: &DiagnoseArgs, stdin: &mut dyn Read, keep_raw: bool) -> Result<Input, Error> {
    let default_ns = args.namespace.clone().unwrap_or_else(|| "default".into());
    // Each object is decoded as soon as it is parsed: the input never exists twice in memory.
    let mut snap = snapshot::Snapshot::build_with(Vec::new(), &default_ns, keep_raw);
    let mut count = 0usize;
    let loaded = source::files::load(&args.filename, stdin, &mut |o| {
        count += 1;
        snap.extend(std::iter::once(o), &default_ns);
    })?;
    for (api_version, kind) in &loaded.listed_kinds {
        snap.saw_kind(api_version, kind);
    }
    count += loaded.listed_kinds.len();
    if count == 0 {
        return Err(Error::Input(source::InputError::Unreadable {
            path: args.filename.join(", "),
            message: "no Kubernetes objects in the input (the files are empty)".into(),
        }));
    }
    // Only the Services and EndpointSlices a route names can be on a chain (the rule of a cluster
    // scan): free the others before the diagnosis needs the room.
    snap.retain_services_named(&source::plan::backend_service_names(&snap));
    // Files mode: without -n every registration is diagnosed, as `kubectl apply -f` applies all.
    let namespace = if args.all_namespaces { None } else { args.namespace.clone() };
    Ok(Input { snap, namespace, source: SourceInfo::Files(loaded.files), kubernetes_version: None })
}

/// Points each finding's `at:` at the line of its field, where the file gives it (block YAML,
/// read again once per file); the object's line stays otherwise.
fn field_lines(report: &mut Report) {
    let mut texts: std::collections::HashMap<std::sync::Arc<str>, Option<String>> = Default::default();
    let findings =
        report.servers.iter_mut().flat_map(|s| s.findings.iter_mut().chain(s.suppressed.iter_mut()));
    for f in findings.chain(report.findings.iter_mut()).chain(report.suppressed.iter_mut()) {
        let (Some(origin), false) = (f.origin.as_mut(), f.field.is_empty()) else { continue };
        let text = texts.entry(origin.file.clone()).or_insert_with(|| source::lines::reread(&origin.file));
        let start = usize::try_from(origin.line).unwrap_or(0);
        if let Some(line) = text.as_deref().and_then(|t| source::lines::field_line(t, start, &f.field)) {
            origin.line = line as u64;
        }
    }
}

/// kubectl's "No resources found in NS namespace.", for registrations.
fn nothing_found_line(args: &DiagnoseArgs, namespace: Option<&str>) -> String {
    let files = !args.filename.is_empty();
    let place = match (namespace, files) {
        (Some(ns), true) => format!("in namespace {ns} of the input"),
        (None, true) => "in the input".to_string(),
        (Some(ns), false) => format!("in namespace {ns}"),
        (None, false) => "in any namespace".to_string(),
    };
    let matching = args.selector.as_ref().map_or(String::new(), |s| format!(" matching {s}"));
    format!("No MCP server registrations found {place}{matching}.\n")
}

/// The cluster read's options from kubectl's connection flags.
fn cluster_options(c: &cli::Connection) -> source::cluster::Options {
    source::cluster::Options {
        kubeconfig: c.kubeconfig.clone(),
        context: c.context.clone(),
        cluster: c.cluster.clone(),
        user: c.user.clone(),
        request_timeout: c.request_timeout,
        ..source::cluster::Options::default()
    }
}

/// `--what-if`: the objects to lay over the cluster (read before the cluster is), and their files.
fn what_if_objects(
    args: &DiagnoseArgs,
    stdin: &mut dyn Read,
) -> Result<(Vec<snapshot::RawObject>, Vec<String>), Error> {
    let mut overlay = Vec::new();
    if args.what_if.is_empty() {
        return Ok((overlay, Vec::new()));
    }
    let files = source::files::load(&args.what_if, stdin, &mut |o| overlay.push(o))?.files;
    Ok((overlay, files))
}

fn read_cluster(
    args: &DiagnoseArgs,
    asked: &Asked,
    stdin: &mut dyn Read,
    keep_raw: bool,
) -> Result<Input, Error> {
    let (overlay, what_if_files) = what_if_objects(args, stdin)?;
    let opts = source::cluster::Options { overlay, ..live_options(args, keep_raw) };
    let read = interruptible(async {
        let mut session = source::cluster::connect(&opts).await?;
        read_round(&mut session, &opts, source::cluster::Round::Full, args, asked).await
    })?;
    Ok(Input::live(read, what_if_files))
}

/// One read of the cluster and, with `--probe`, of the brokers of the registrations it diagnoses.
async fn read_round(
    session: &mut source::cluster::Session,
    opts: &source::cluster::Options,
    round: source::cluster::Round,
    args: &DiagnoseArgs,
    asked: &Asked,
) -> Result<source::cluster::ClusterRead, source::cluster::ClusterError> {
    let mut read = session.read(opts, graph::refgrant::permits, round).await?;
    if args.probe {
        let source = SourceInfo::Cluster {
            context: read.context.clone(),
            server: read.server.clone(),
            apis: read.apis.clone(),
            what_if: Vec::new(),
        };
        let report = diagnose::diagnose(&read.snapshot, &asked.scope(args, read.namespace.clone()), source);
        read.snapshot.broker = Some(session.probe(probe_targets(&report)).await);
    }
    Ok(read)
}

/// `--probe`: the registrations whose broker to ask (those an extension serves, on a release
/// whose broker answers `/status/<ns>/<name>`), and where that broker is.
fn probe_targets(report: &Report) -> Vec<source::probe::Target> {
    let candidates = report.metadata.mcp_gateway.candidates;
    let Some((service, port)) = candidates.iter().find_map(model::Release::broker_status_service) else {
        return Vec::new();
    };
    let served_by = |s: &diagnose::finding::ServerReport| {
        s.chain
            .iter()
            .find(|l| &*l.relation == "served by" && l.state == diagnose::LinkState::Ok)
            .map(|l| l.to.namespace.clone())
    };
    report
        .servers
        .iter()
        .filter_map(|s| {
            Some(source::probe::Target {
                namespace: s.reference.namespace.clone(),
                name: s.reference.name.clone(),
                service_namespace: served_by(s)?,
                service,
                port,
            })
        })
        .collect()
}

/// What a diagnosis reads from the cluster (`--what-if` objects aside).
fn live_options(args: &DiagnoseArgs, keep_raw: bool) -> source::cluster::Options {
    source::cluster::Options {
        namespace: args.namespace.clone(),
        all_namespaces: args.all_namespaces,
        name: args.name.clone(),
        selector: args.selector.clone(),
        want_version: keep_raw,
        keep_raw,
        ..cluster_options(&args.connection)
    }
}

impl Input {
    /// What a cluster read gives the diagnosis; `what_if` names the files laid over it.
    fn live(read: source::cluster::ClusterRead, what_if: Vec<String>) -> Input {
        Input {
            snap: read.snapshot,
            namespace: read.namespace,
            source: SourceInfo::Cluster {
                context: read.context,
                server: read.server,
                apis: read.apis,
                what_if,
            },
            kubernetes_version: read.kubernetes_version,
        }
    }
}

/// A current-thread runtime for the cluster reads.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))
}

/// Reads the cluster on a runtime of its own; Ctrl-C stops it.
fn read_live(opts: &source::cluster::Options) -> Result<source::cluster::ClusterRead, Error> {
    interruptible(source::cluster::read(opts, graph::refgrant::permits))
}

/// Runs a cluster read to its end on a runtime of its own, unless Ctrl-C comes first.
fn interruptible<T>(
    read: impl std::future::Future<Output = Result<T, source::cluster::ClusterError>>,
) -> Result<T, Error> {
    runtime()?.block_on(async {
        tokio::select! {
            read = read => read.map_err(Error::from),
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
        }
    })
}
