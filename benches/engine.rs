//! The offline engine, phase by phase, on synthetic dumps: parse (YAML → objects), build (decode
//! into the snapshot), diagnose (graph and analyzers over every registration). Run by hand:
//! `cargo bench --bench engine`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

// The generator is shared with the test suite, which uses the parts this benchmark does not.
#[allow(dead_code)]
#[path = "../tests/it/support/synthetic.rs"]
mod synthetic;

use mcp_doctor::diagnose::{Scope, SourceInfo, diagnose};
use mcp_doctor::snapshot::Snapshot;
use mcp_doctor::source::files;

fn main() {
    divan::main();
}

fn dump(n: usize) -> String {
    let objects = synthetic::cluster(synthetic::Size::objects(n));
    objects.iter().map(|o| format!("---\n{}", serde_saphyr::to_string(o).unwrap())).collect()
}

#[divan::bench(args = [4_000, 16_000], sample_count = 5)]
fn parse(bencher: divan::Bencher, n: usize) {
    let text = dump(n);
    bencher.bench(|| files::parse("dump.yaml", text.as_bytes()).unwrap().objects.len());
}

#[divan::bench(args = [4_000, 16_000], sample_count = 5)]
fn build(bencher: divan::Bencher, n: usize) {
    let objects = files::parse("dump.yaml", dump(n).as_bytes()).unwrap().objects;
    bencher.with_inputs(|| objects.clone()).bench_values(|o| Snapshot::build(o, "default").services.len());
}

#[divan::bench(args = [4_000, 16_000], sample_count = 5)]
fn analyze(bencher: divan::Bencher, n: usize) {
    let snap = Snapshot::build(files::parse("dump.yaml", dump(n).as_bytes()).unwrap().objects, "default");
    bencher.bench(|| diagnose(&snap, &Scope::default(), SourceInfo::Files(Vec::new())).summary.servers);
}
