//! `--wait`: diagnose, and diagnose again with backoff (1 s doubling to 10 s) while something at or
//! above `--fail-on` is left, until nothing is or the time is up; the last round runs at the
//! deadline. Each round re-reads, over one connection and one discovery, what a diagnosis reads.

use crate::cli::DiagnoseArgs;
use crate::diagnose::Report;
use crate::render::table::waiting_line;
use crate::source::cluster::{self, Options, Round};
use crate::{Asked, Env, Error, Input};
use std::io::Read;
use std::time::Duration;
use tokio::time::Instant;

/// How a wait ended, besides its last diagnosis.
#[derive(Debug, Default)]
pub(crate) struct Waited {
    /// Ctrl-C ended it: the last diagnosis is printed and the exit code is 130.
    pub interrupted: bool,
    /// For stderr: why the last diagnosis is older than the last round.
    pub note: String,
}

/// The first pause between rounds, doubled after each round up to `LONGEST_PAUSE`.
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(10);

/// The pause after `pause`.
fn next_pause(pause: Duration) -> Duration {
    (pause * 2).min(LONGEST_PAUSE)
}

/// Diagnoses round after round until nothing at or above `--fail-on` is left, `limit` is up, or
/// Ctrl-C; returns the last full diagnosis (an error only when the first round could not read).
/// Rounds between the first and the last are `Round::Lite`; one that looks settled is confirmed
/// by a full round at once, so what is printed is what a one-shot run prints.
pub(crate) fn until_settled(
    args: &DiagnoseArgs,
    asked: &Asked,
    limit: Duration,
    stdin: &mut dyn Read,
    env: &Env,
) -> Result<(Input, Report, Waited), Error> {
    let (overlay, what_if) = crate::what_if_objects(args, stdin)?;
    let keep_raw = args.output == crate::cli::Output::Markdown;
    let opts = Options { overlay, ..crate::live_options(args, keep_raw) };
    crate::runtime()?.block_on(async {
        let deadline = Instant::now() + limit;
        let interrupt = tokio::signal::ctrl_c();
        tokio::pin!(interrupt);
        let mut session = tokio::select! {
            session = cluster::connect(&opts) => session?,
            _ = &mut interrupt => return Err(Error::Interrupted),
        };
        let mut last: Option<(Input, Report)> = None;
        let mut waited = Waited::default();
        let (mut round, mut pause) = (Round::Full, FIRST_PAUSE);
        loop {
            let read = tokio::select! {
                read = crate::read_round(&mut session, &opts, round, args, asked) => read,
                _ = &mut interrupt => {
                    waited.interrupted = true;
                    break;
                }
            };
            let report = match read {
                Ok(read) => {
                    waited.note.clear();
                    let input = Input::live(read, what_if.clone());
                    Some((asked.diagnose(args, &input), input))
                }
                Err(e) if last.is_none() => return Err(e.into()),
                Err(e) => {
                    waited.note = format!(
                        "kubectl mcp-doctor: the last read failed ({e}); this is the diagnosis before it\n"
                    );
                    None
                }
            };
            let settled = report.as_ref().is_some_and(|(r, _)| r.exit_code(asked.fail_on) != 1);
            let now = Instant::now();
            let over = now >= deadline;
            let lite = match (round, report) {
                (Round::Full, Some((report, input))) => {
                    last = Some((input, report));
                    None
                }
                (Round::Full, None) => None,
                (Round::Lite, report) => report.map(|(r, _)| r),
            };
            match round {
                Round::Full if settled || over => break,
                // Looks settled, or the time is up: a full round now decides.
                Round::Lite if settled || over => {
                    round = Round::Full;
                    continue;
                }
                _ => {}
            }
            let wake = (now + pause).min(deadline);
            if env.stderr_is_terminal
                && let Some(report) = lite.as_ref().or(last.as_ref().map(|(_, r)| r))
            {
                let line = waiting_line(report, asked.fail_on, deadline - now, wake - now);
                eprintln!("{}", if env.ascii { crate::render::style::ascii(&line) } else { line });
            }
            tokio::select! {
                () = tokio::time::sleep_until(wake) => {}
                _ = &mut interrupt => {
                    waited.interrupted = true;
                    break;
                }
            }
            // The last round, at the deadline, is a full one.
            round = if wake >= deadline { Round::Full } else { Round::Lite };
            pause = next_pause(pause);
        }
        let (input, report) = last.ok_or(Error::Interrupted)?;
        Ok((input, report, waited))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_from_one_second_up_to_ten() {
        let mut pause = FIRST_PAUSE;
        let mut seen = vec![pause.as_secs()];
        for _ in 0..5 {
            pause = next_pause(pause);
            seen.push(pause.as_secs());
        }
        assert_eq!(seen, [1, 2, 4, 8, 10, 10]);
    }
}
