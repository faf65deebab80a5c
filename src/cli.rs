//! Command-line interface, kubectl style: `kubectl mcp-doctor [NAME] [-n NS | -A] -f PATH ...`.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Diagnose why an MCP server registered with the Kuadrant mcp-gateway does not show up.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl mcp-doctor",
    bin_name = "kubectl mcp-doctor",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  kubectl mcp-doctor weather -n team-a\n  kubectl mcp-doctor -A -f examples/\n  kubectl mcp-doctor dump weather -n team-a > dump.yaml   # for a ticket: no Secret values\n  kubectl mcp-doctor weather -n team-a -f dump.yaml\n  kubectl mcp-doctor explain MCPD0601\n\nExit codes: 0 healthy, 1 a finding at or above --fail-on, 2 the tool could not do its job,\n3 nothing broken but some links could not be verified."
)]
pub struct Cli {
    /// Subcommand; without one, diagnose.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Diagnosis options.
    #[command(flatten)]
    pub diagnose: DiagnoseArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain a finding code (e.g. MCPD0601 or backend-ref-not-permitted).
    Explain(ExplainArgs),
    /// Write what a diagnosis reads from the cluster as one YAML file, for a ticket: Secrets as
    /// names, labels and key names only. `kubectl mcp-doctor -f dump.yaml` diagnoses it offline.
    Dump(DumpArgs),
    /// Print a shell completion script (bash, zsh, fish), or install kubectl's plugin completion
    /// helper `kubectl_complete-mcp_doctor` next to this binary (kubectl).
    Completion {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Completion candidates for kubectl's plugin completion (called by kubectl_complete-mcp_doctor).
    #[command(name = "__complete", hide = true)]
    Complete {
        /// The words typed so far; the last one is being completed.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        words: Vec<String>,
    },
}

/// `completion` targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// bash.
    Bash,
    /// zsh.
    Zsh,
    /// fish.
    Fish,
    /// Install `kubectl_complete-mcp_doctor` for `kubectl mcp-doctor <TAB>` (kubectl 1.26+).
    Kubectl,
}

/// `explain` arguments.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code or name to explain.
    #[arg(required_unless_present_any = ["list", "markdown"])]
    pub code: Option<String>,
    /// List every code.
    #[arg(long)]
    pub list: bool,
    /// Print the whole catalog as Markdown (docs/findings.md).
    #[arg(long, hide = true)]
    pub markdown: bool,
}

/// `dump` arguments.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Name of the registration whose chain to dump; all in the namespace when omitted.
    pub name: Option<String>,
    /// Namespace of the registrations (default: the context's).
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Dump the chains of registrations in every namespace.
    #[arg(short = 'A', long = "all-namespaces", conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// Only registrations whose labels match (kubectl selector syntax).
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connection: Connection,
    /// Replace namespace, object and host names with stable short hashes; the mapping goes to stderr.
    #[arg(long)]
    pub redact: bool,
}

/// kubectl's connection flags.
#[derive(Debug, Args, Clone)]
pub struct Connection {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<std::path::PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long)]
    pub context: Option<String>,
    /// The kubeconfig cluster to use.
    #[arg(long)]
    pub cluster: Option<String>,
    /// The kubeconfig user to use.
    #[arg(long)]
    pub user: Option<String>,
    /// Bound on every request to the API server (kubectl syntax: 10s, 1m, 500ms; 0 = 10s).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub request_timeout: std::time::Duration,
}

/// Diagnosis arguments.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// Name of the registration (MCPServerRegistration or MCPServer) to diagnose; all when omitted.
    pub name: Option<String>,
    /// Namespace of the registrations (default: the context's; with -f, every namespace of the
    /// files). With -f, objects without a namespace get it ("default" when not given).
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Diagnose registrations in every namespace.
    #[arg(short = 'A', long = "all-namespaces", conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// File, folder (recursive .yaml/.yml/.json) or - for stdin; repeatable.
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filename: Vec<String>,
    /// Read the cluster, then lay these objects over it as `kubectl apply` would (file, folder or
    /// -; repeatable) and diagnose the result. Nothing is written to the cluster.
    #[arg(long = "what-if", value_name = "PATH", conflicts_with = "filename")]
    pub what_if: Vec<String>,
    /// Diagnose again (backoff 1s doubling to 10s) while something at or above --fail-on is left,
    /// up to DURATION (30s, 2m); then print the last diagnosis. 0 = diagnose once.
    #[arg(long, value_name = "DURATION", value_parser = parse_wait, conflicts_with = "filename")]
    pub wait: Option<std::time::Duration>,
    /// Also ask the mcp-gateway broker, through the API server's service proxy, whether it serves
    /// each server's tools (needs get on services/proxy; mcp-gateway v0.5.1+).
    #[arg(long, conflicts_with_all = ["filename", "what_if"])]
    pub probe: bool,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connection: Connection,
    /// Only registrations whose labels match (kubectl selector syntax).
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// In a scan, print the table only (no finding lines).
    #[arg(long, conflicts_with = "details")]
    pub summary: bool,
    /// In a scan, print the full chain and fixes of every server that is not healthy, instead of
    /// one line per finding.
    #[arg(long)]
    pub details: bool,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Silence a known finding: CODE or name, optionally =namespace/name; `*` wildcards. Repeatable.
    #[arg(long, value_name = "CODE[=NS/NAME]")]
    pub suppress: Vec<String>,
    /// The mcp-gateway release the cluster runs (v0.1 … v0.9.0, main), when detection cannot tell.
    #[arg(long, value_name = "vX.Y.Z", value_parser = parse_release)]
    pub mcp_gateway_version: Option<crate::model::Release>,
    /// Replace namespace, object and host names with stable short hashes; the mapping goes to stderr.
    #[arg(long)]
    pub redact: bool,
    /// Colour the text output.
    #[arg(long, value_enum, default_value_t = crate::render::style::ColorChoice::Auto)]
    pub color: crate::render::style::ColorChoice,
}

/// `-o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// One server: the chain as a tree, then findings with fixes; a scan: a table, then the broken.
    Text,
    /// Like text, with more table columns.
    Wide,
    /// For tickets: header, chains, findings with fixes, and the objects.
    Markdown,
    /// The chains as a Graphviz graph.
    Dot,
    /// The chains as a Mermaid flowchart.
    Mermaid,
    /// The Report as JSON.
    Json,
    /// The Report as YAML.
    Yaml,
}

/// `--fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
}

/// Parses a kubectl duration: a number with an optional unit (`ms`, `s`, `m`, `h`); bare numbers
/// are seconds; `0` means the default.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let span = parse_wait(text)?;
    Ok(if span.is_zero() { std::time::Duration::from_secs(10) } else { span })
}

/// Parses a kubectl duration as `parse_duration` does, where `0` means no time at all.
fn parse_wait(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("invalid duration {text:?} (use e.g. 10s, 1m, 500ms)"))?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("invalid duration unit in {text:?} (use ms, s, m or h)")),
    };
    std::time::Duration::try_from_secs_f64(secs).map_err(|_| format!("invalid duration {text:?}"))
}

fn parse_release(s: &str) -> Result<crate::model::Release, String> {
    crate::model::Release::parse(s).ok_or_else(|| {
        let tags: Vec<&str> = crate::model::release::RELEASES.iter().map(|r| r.tag()).collect();
        format!("unknown mcp-gateway release {s:?}; known: {}", tags.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn kubectl_durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("0"), Ok(Duration::from_secs(10)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5d").is_err());
        assert_eq!(super::parse_wait("0"), Ok(Duration::ZERO));
        assert_eq!(super::parse_wait("2m"), Ok(Duration::from_secs(120)));
    }
}
