//! Benchmark helper: serves a synthetic cluster through the test suite's fake API server, or
//! writes it as a `kubectl get -o yaml`-style dump.
//!
//!     cargo run --release --example fake-apiserver -- serve [--objects N]   # prints KUBECONFIG=...
//!     cargo run --release --example fake-apiserver -- dump N FILE

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]
// The server module is shared with the test suite, which uses the parts this helper does not.
#![allow(dead_code)]

#[path = "../tests/it/support/fake_apiserver.rs"]
mod fake_apiserver;
#[path = "../tests/it/support/synthetic.rs"]
mod synthetic;

use serde_json::json;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dump") => {
            let n: usize = args.get(1).and_then(|a| a.parse().ok()).expect("dump N FILE");
            let file = args.get(2).expect("dump N FILE");
            let objects = synthetic::cluster(synthetic::Size::objects(n));
            let count = objects.len();
            let list = json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": objects});
            let yaml = serde_saphyr::to_string(&list).unwrap();
            std::fs::write(file, &yaml).unwrap();
            println!("{count} objects, {} bytes -> {file}", yaml.len());
        }
        Some("serve") => {
            let size = match args.iter().position(|a| a == "--objects").and_then(|i| args.get(i + 1)) {
                Some(n) => synthetic::Size::objects(n.parse().unwrap()),
                None => synthetic::Size::platform(),
            };
            let objects = synthetic::cluster(size);
            let count = objects.len();
            let tls = !args.iter().any(|a| a == "--http");
            let server = fake_apiserver::FakeApiServer::start(
                objects,
                fake_apiserver::Options { tls, ..fake_apiserver::Options::default() },
            );
            println!("KUBECONFIG={}", server.kubeconfig.display());
            println!("URL={}", server.url);
            println!("OBJECTS={count}");
            std::io::stdout().flush().unwrap();
            loop {
                std::thread::park();
            }
        }
        _ => {
            eprintln!("usage: fake-apiserver serve [--objects N] | dump N FILE");
            std::process::exit(2);
        }
    }
}
