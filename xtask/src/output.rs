//! Where commands print: stdout through [`Output`], which turns write errors into results
//! instead of the panics of `print!`, and stderr through [`errln!`], which ignores them.
//!
//! A closed pipe (`cargo xtask graph | head -1`) means the reader wants no more: the rest of the
//! output is dropped and the command ends quietly with the exit code it has anyway, as
//! `git log | head` does. Every command but `dump` has its result before it prints, so the code
//! is the one it would have had; `dump` stops reading at the closed pipe, so its code is that of
//! the records read until then. Any other write error (a full disk, `> /dev/full`) is the one
//! line `error: cannot write to stdout: ...` and the command's failure code (1; 2 for `compat`).

use std::fmt;
use std::io::{self, ErrorKind, Write};

/// `eprintln!` without its panic: if stderr itself cannot be written there is nowhere left to
/// say so, and the exit code still tells.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The command's own error, printed as `error: ...`.
    Error(String),
    /// Stdout could not be written (not a closed pipe: that ends a command quietly).
    Stdout(io::Error),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self::Error(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Self::Error(message.to_string())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Error(message) => write!(f, "{message}"),
            Self::Stdout(e) => write!(f, "cannot write to stdout: {e}"),
        }
    }
}

/// A command's stdout: line-buffered (std's own buffer, so stdout and stderr keep their order on
/// a terminal), reporting write errors, and silent once the reader has closed the pipe.
pub struct Output {
    stdout: Box<dyn Write>,
    closed: bool,
}

impl Output {
    /// The process's stdout.
    pub fn stdout() -> Self {
        Self { stdout: Box::new(io::stdout().lock()), closed: false }
    }

    /// Writes to `sink` instead (tests).
    #[cfg(test)]
    fn to(sink: impl Write + 'static) -> Self {
        Self { stdout: Box::new(sink), closed: false }
    }

    /// Prints `text` as it is.
    ///
    /// # Errors
    /// Stdout cannot be written (not a closed pipe).
    pub fn print(&mut self, text: &str) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        let written = self.stdout.write_all(text.as_bytes());
        self.settle(written)
    }

    /// Prints `line` and a newline.
    ///
    /// # Errors
    /// Stdout cannot be written (not a closed pipe).
    pub fn line(&mut self, line: impl fmt::Display) -> Result<(), Failure> {
        self.print(&format!("{line}\n"))
    }

    /// Writes out what is buffered.
    ///
    /// # Errors
    /// Stdout cannot be written (not a closed pipe).
    pub fn flush(&mut self) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.stdout.flush();
        self.settle(flushed)
    }

    /// The outcome of a write to this output: a closed pipe is no error (and closes the output),
    /// any other error is a [`Failure::Stdout`].
    ///
    /// # Errors
    /// `result` is an error other than a closed pipe.
    pub fn settle(&mut self, result: io::Result<()>) -> Result<(), Failure> {
        match result {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Failure::Stdout(e)),
            Ok(()) => Ok(()),
        }
    }
}

/// For streaming writers (`dump`): a closed pipe is an error here too, so that the writer stops,
/// and afterwards every write fails the same way; [`Output::settle`] then tells it from a failure.
impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Err(ErrorKind::BrokenPipe.into());
        }
        let written = self.stdout.write(buf);
        if matches!(&written, Err(e) if e.kind() == ErrorKind::BrokenPipe) {
            self.closed = true;
        }
        written
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Err(ErrorKind::BrokenPipe.into());
        }
        self.stdout.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails every write with `kind`.
    struct Failing(ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_quiet_and_closes_the_output() {
        let mut out = Output::to(Failing(ErrorKind::BrokenPipe));
        assert!(out.line("x").is_ok());
        assert!(out.closed);
        assert!(out.print("more").is_ok() && out.flush().is_ok());
        assert_eq!(out.write(b"x").unwrap_err().kind(), ErrorKind::BrokenPipe, "streaming writers stop");
    }

    #[test]
    fn any_other_write_error_is_a_failure_naming_stdout() {
        let mut out = Output::to(Failing(ErrorKind::StorageFull));
        let failure = out.line("x").unwrap_err();
        assert!(matches!(failure, Failure::Stdout(_)));
        assert!(failure.to_string().starts_with("cannot write to stdout: "), "{failure}");
        assert!(!out.closed);
    }
}
