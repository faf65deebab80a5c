//! Embeds the examples `explain` prints: every scenario whose `expect.yaml` says
//! `example: MCPDnnnn` is that code's broken and fixed example, so the examples are the ones the
//! scenario tests prove and adding a code touches no table of examples.

use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::var("CARGO_MANIFEST_DIR")?;
    let scenarios = Path::new(&root).join("tests/scenarios");
    println!("cargo:rerun-if-changed={}", scenarios.display());
    let mut examples = Vec::new();
    for entry in std::fs::read_dir(&scenarios)? {
        let dir = entry?.path();
        let Ok(expect) = std::fs::read_to_string(dir.join("expect.yaml")) else { continue };
        println!("cargo:rerun-if-changed={}", dir.join("expect.yaml").display());
        let id = expect.lines().find_map(|l| l.strip_prefix("example:")).map(str::trim);
        if let Some(id) = id {
            let id = id.trim_matches(['"', '\'']);
            let digits = id.strip_prefix("MCPD").unwrap_or_default();
            if !(digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!("{}/expect.yaml: example: {id:?} is not a code", dir.display()).into());
            }
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            examples.push((id.to_string(), name, dir));
        }
    }
    examples.sort();
    for pair in examples.windows(2) {
        if let [(a, first, _), (b, second, _)] = pair
            && a == b
        {
            return Err(format!("{a} is the example of two scenarios: {first} and {second}").into());
        }
    }
    let mut out = String::from("/// `(code id, its scenario's files)`, ordered by code.\n");
    out.push_str("pub static EXAMPLES: &[(&str, ScenarioFiles)] = &[\n");
    for (id, name, dir) in &examples {
        let [broken, fixed, expect] =
            ["broken", "fixed", "expect"].map(|f| dir.join(f).with_extension("yaml"));
        writeln!(
            out,
            "    ({id:?}, ScenarioFiles {{ scenario: {name:?}, broken: include_str!({broken:?}), fixed: include_str!({fixed:?}), expect: include_str!({expect:?}) }}),"
        )?;
    }
    out.push_str("];\n");
    std::fs::write(Path::new(&std::env::var("OUT_DIR")?).join("examples.rs"), out)?;
    Ok(())
}
