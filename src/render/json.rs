//! `-o json` and `-o yaml`: the Report contract, one document, written straight to its
//! destination (a scan's report is not rendered into a string first).

use crate::diagnose::Report;
use std::io::Write;

/// Pretty JSON with a trailing newline.
pub fn write_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// YAML.
pub fn write_yaml(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_saphyr::to_io_writer(&mut &mut *out, report).map_err(std::io::Error::other)
}

/// The document as a string (for `--redact`, which rewrites the text).
pub fn to_string(report: &Report, write: fn(&Report, &mut dyn Write) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    match write(report, &mut buf) {
        Ok(()) => String::from_utf8_lossy(&buf).into_owned(),
        Err(e) => format!("error: {e}\n"),
    }
}
