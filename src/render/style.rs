//! Colour, decided once: `--color always|never|auto`, `NO_COLOR`, and whether stdout is a terminal.
//! Renderers take `&Styles`; the default is all plain.

use owo_colors::{OwoColorize, Style};
use std::fmt::Display;

/// The styles renderers apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct Styles {
    /// A verified link, a healthy verdict.
    pub ok: Style,
    /// A broken link, an error.
    pub fail: Style,
    /// A warning.
    pub warn: Style,
    /// Unknown or skipped.
    pub dim: Style,
    /// Codes and headings.
    pub strong: Style,
}

impl Styles {
    /// Plain text.
    pub fn plain() -> Self {
        Styles::default()
    }

    /// ANSI colours.
    pub fn colored() -> Self {
        Styles {
            ok: Style::new().green(),
            fail: Style::new().red().bold(),
            warn: Style::new().yellow(),
            dim: Style::new().dimmed(),
            strong: Style::new().bold(),
        }
    }

    /// Decides from the flag, `NO_COLOR` and the terminal: `always` beats `NO_COLOR`, which beats
    /// `auto`.
    pub fn decide(choice: ColorChoice, no_color: bool, is_terminal: bool) -> Self {
        match choice {
            ColorChoice::Always => Styles::colored(),
            ColorChoice::Never => Styles::plain(),
            ColorChoice::Auto if no_color || !is_terminal => Styles::plain(),
            ColorChoice::Auto => Styles::colored(),
        }
    }

    /// Applies `style` to `text`.
    pub fn paint(style: Style, text: impl Display) -> String {
        text.style(style).to_string()
    }
}

/// The symbols of the text output and their ASCII spelling, for terminals whose locale is not
/// UTF-8 (`LC_ALL=C`).
const ASCII: &[(char, &str)] =
    &[('✓', "+"), ('✗', "x"), ('◀', "<-"), ('→', "->"), ('…', "..."), ('—', "-"), ('·', "-"), ('§', "S")];

/// `text` with the output's symbols spelled in ASCII.
pub fn ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match ASCII.iter().find(|(symbol, _)| *symbol == c) {
            Some((_, spelled)) => out.push_str(spelled),
            None => out.push(c),
        }
    }
    out
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_spells_the_symbols_and_keeps_the_rest() {
        assert_eq!(ascii("✓ a → b ◀ first broken link …"), "+ a -> b <- first broken link ...");
        assert_eq!(ascii("plain"), "plain");
    }

    #[test]
    fn always_beats_no_color_which_beats_auto() {
        let red = |s: Styles| Styles::paint(s.fail, "x") != "x";
        assert!(red(Styles::decide(ColorChoice::Always, true, false)));
        assert!(!red(Styles::decide(ColorChoice::Auto, true, true)));
        assert!(red(Styles::decide(ColorChoice::Auto, false, true)));
        assert!(!red(Styles::decide(ColorChoice::Auto, false, false)));
        assert!(!red(Styles::decide(ColorChoice::Never, false, true)));
    }
}
