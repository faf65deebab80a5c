//! Unit-test support: snapshots from YAML, and a healthy cross-namespace install to break.

use crate::snapshot::Snapshot;

/// The shared platform (GatewayClass, Gateway `gateway-system/mcp-gateway` with listeners `mcp`
/// and `mcps` on 8080, the extension in `mcp-system` and its grant).
pub const PLATFORM: &str = include_str!("../../tests/scenarios/_base/platform.yaml");

/// A healthy server on it: registration and route `team-a/weather`, Service `backends/weather`
/// with a ready endpoint, and the grant in `backends` that lets the route reach it.
pub const SERVER: &str = include_str!("../../tests/scenarios/pitfall-missing-reference-grant/fixed.yaml");

/// The snapshot of `yaml`, as files mode builds it.
pub fn snapshot(yaml: &str) -> Snapshot {
    let loaded = crate::source::files::parse("test.yaml", yaml.as_bytes()).unwrap_or_default();
    Snapshot::build(loaded.objects, "default")
}

/// The platform and the server with `edit` applied to the server's YAML.
pub fn install(edit: impl Fn(&str) -> String) -> Snapshot {
    snapshot(&format!("{PLATFORM}\n---\n{}", edit(SERVER)))
}
