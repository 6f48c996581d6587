//! # A named thread, started and joined
//!
//! The first program of the Python tutorial, line for line: the main thread says it is running,
//! starts a thread named `LoopThread` that counts `>>> 1` to `>>> 5` with a pause after each tick,
//! waits for it with `join`, and says it ended. Every name printed is read from the running
//! thread, as the Python reads `threading.current_thread().name`.
//!
//! Where Rust differs from Python:
//! - Rust's main thread is called `main`, not `MainThread`.
//! - A thread has a name only if it is given one, through [`thread::Builder`]: `thread::spawn`
//!   makes an unnamed thread, where Python makes one up (`Thread-1 (loop)` for
//!   `threading.Thread(target=loop)`, since Python 3.10). The lesson prints a nameless thread as
//!   [`UNNAMED`], the word std itself uses for one in its panic messages.
//! - There is no separate `start()`: spawning starts the thread.
//! - `join` returns a `Result`: `Err` carries the panic of the thread joined (see [`Panicked`]).
//!   Python's `join()` returns `None` whether the thread raised or not.
//! - A failed `print` (stdout a closed pipe, a full disk) is an `io::Error` each thread must
//!   handle, where Python raises: the main thread returns it from [`run`] as [`RunError::Print`],
//!   `LoopThread` panics with it, and that panic reaches `join` (see [`start`]).
//! - Without a `join`, Rust does not wait: when `main` returns the process exits and a still
//!   running `LoopThread` dies mid-count. Python waits for every non-daemon thread at exit.
//!
//! Lines go to a [`Sink`]: the binary's sink is stdout, a test's is a buffer. Threads and locks
//! come from [`sync`], which the proofs switch to loom.

pub mod sync;

use std::any::Any;
use std::fmt;
use std::io::{self, Write};
use std::time::Duration;

use sync::{Arc, Mutex, thread};

/// The name the lesson gives its thread: Python's `name='LoopThread'`.
pub const LOOP_THREAD: &str = "LoopThread";

/// How the lesson prints a thread that has no name: as std's panic messages do.
pub const UNNAMED: &str = "<unnamed>";

/// Where the lesson's lines go: one whole line at a time, flushed as soon as it is written.
///
/// Both threads print into the same sink, so it sits behind a lock (from [`sync`]: under loom it
/// is loom's, and each line is a step loom can put in any order the program allows).
pub struct Sink<W> {
    out: Mutex<W>,
}

impl<W: Write> Sink<W> {
    /// A sink writing to `out`: `std::io::stdout()` in the binary, a `Vec<u8>` in tests.
    pub fn new(out: W) -> Self {
        Sink {
            out: Mutex::new(out),
        }
    }

    /// Python's `print(line)`: writes `line` and a newline, and flushes, so a learner sees each
    /// tick arrive when it happens.
    ///
    /// # Errors
    /// If the write or the flush fails (say, stdout is a closed pipe, or `/dev/full`). Not a panic,
    /// as `println!` would make it: each thread decides what a failed line means for it.
    pub fn print(&self, line: &str) -> io::Result<()> {
        // Poisoned only if a holder panicked, and nothing here panics while holding it.
        let mut out = self.out.lock().unwrap();
        out.write_all(format!("{line}\n").as_bytes())?;
        out.flush()
    }
}

impl Sink<Vec<u8>> {
    /// The lines printed so far, for a test to read back.
    pub fn lines(&self) -> Vec<String> {
        let out = self.out.lock().unwrap();
        String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// A thread's name as the lesson prints it: `thread.name`, or [`UNNAMED`].
pub fn name_of(thread: &thread::Thread) -> &str {
    thread.name().unwrap_or(UNNAMED)
}

/// `threading.current_thread().name`
fn current_name() -> String {
    name_of(&thread::current()).to_owned()
}

/// `print('thread %s is running...' % threading.current_thread().name)`: both threads say it.
///
/// # Errors
/// If the line cannot be written: see [`Sink::print`].
pub fn say_running<W: Write>(out: &Sink<W>) -> io::Result<()> {
    out.print(&format!("thread {} is running...", current_name()))
}

/// `print('thread %s ended.' % threading.current_thread().name)`: both threads say it.
///
/// # Errors
/// If the line cannot be written: see [`Sink::print`].
pub fn say_ended<W: Write>(out: &Sink<W>) -> io::Result<()> {
    out.print(&format!("thread {} ended.", current_name()))
}

/// `def loop():` the new thread's code. `ticks` is the Python's 5; `interval` its one second.
///
/// # Errors
/// The first line that cannot be written ends the loop, as the exception from a failed `print`
/// ends Python's.
pub fn loop_<W: Write>(
    out: &Sink<W>,
    ticks: u64,
    interval: Duration,
) -> io::Result<()> {
    // print('thread %s is running...' % threading.current_thread().name)
    say_running(out)?;
    // n = 0
    let mut n = 0;
    // while n < 5:
    while n < ticks {
        // n = n + 1
        n += 1;
        // print('thread %s >>> %s' % (threading.current_thread().name, n))
        out.print(&format!("thread {} >>> {n}", current_name()))?;
        // time.sleep(1)
        sync::sleep(interval);
    }
    // print('thread %s ended.' % threading.current_thread().name)
    say_ended(out)
}

/// `t = threading.Thread(target=loop, name='LoopThread')` then `t.start()`: in Rust one step.
///
/// `thread::spawn` cannot name a thread; `thread::Builder` can. The thread gets its own handle on
/// the sink, since it may outlive this call.
///
/// A line `LoopThread` cannot write ends it with a panic, `failed printing a line: <why>`: the
/// thread's counterpart of the Python exception that ends a thread, and what [`join`] is there to
/// catch. (The thread could return the error instead; the panic keeps `loop`'s shape, a target
/// that returns nothing, and shows what `join` does with a thread that died.)
///
/// # Panics
/// If the OS refuses a new thread, as `thread::spawn` does (and Python's `start()` raises).
pub fn start<W: Write + Send + 'static>(
    out: &Arc<Sink<W>>,
    ticks: u64,
    interval: Duration,
) -> thread::JoinHandle<()> {
    let out = Arc::clone(out);
    // threading.Thread(target=loop, name='LoopThread').start()
    thread::Builder::new()
        .name(LOOP_THREAD.to_owned())
        .spawn(move || {
            loop_(&out, ticks, interval)
                .unwrap_or_else(|error| panic!("{FAILED_PRINTING}: {error}"))
        })
        .expect("failed to spawn thread")
}

/// How a thread's failed line is reported, by `LoopThread`'s panic and by [`RunError::Print`].
const FAILED_PRINTING: &str = "failed printing a line";

/// `t.join()`: waits for the thread, and unlike Python says how it ended.
///
/// # Errors
/// [`Panicked`] if the thread panicked; `JoinHandle::join` hands back the panic's payload.
pub fn join(t: thread::JoinHandle<()>) -> Result<(), Panicked> {
    let thread = name_of(t.thread()).to_owned();
    t.join().map_err(|payload| Panicked {
        thread,
        message: panic_message(payload.as_ref()),
    })
}

/// The whole program: the main thread's four lines of Python.
///
/// # Errors
/// [`RunError::Print`] if one of the main thread's own lines cannot be written (the first: then
/// `LoopThread` is never started); [`RunError::Panicked`] if `LoopThread` panicked, and the main
/// thread then does not claim it ended.
pub fn run<W: Write + Send + 'static>(
    out: &Arc<Sink<W>>,
    ticks: u64,
    interval: Duration,
) -> Result<(), RunError> {
    // print('thread %s is running...' % threading.current_thread().name)
    say_running(out)?;
    // t = threading.Thread(target=loop, name='LoopThread')
    // t.start()
    let t = start(out, ticks, interval);
    // t.join(): before the last line, which is the point of the lesson.
    join(t)?;
    // print('thread %s ended.' % threading.current_thread().name)
    say_ended(out)?;
    Ok(())
}

/// Why [`run`] stopped before its last line.
#[derive(Debug)]
pub enum RunError {
    /// The main thread could not write one of its own lines.
    Print {
        /// The main thread's name, as [`name_of`] prints it.
        thread: String,
        /// Why the write failed.
        source: io::Error,
    },
    /// `LoopThread` panicked: `join` returned `Err`.
    Panicked(Panicked),
}

/// Lets `run` write `say_running(out)?`, as Python lets the exception of a failed `print` go up.
impl From<io::Error> for RunError {
    fn from(source: io::Error) -> Self {
        RunError::Print {
            thread: current_name(),
            source,
        }
    }
}

impl From<Panicked> for RunError {
    fn from(panicked: Panicked) -> Self {
        RunError::Panicked(panicked)
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Worded like the panic's own message, so both failures read alike on stderr.
            RunError::Print { thread, source } => {
                write!(f, "thread '{thread}' {FAILED_PRINTING}: {source}")
            }
            RunError::Panicked(panicked) => panicked.fmt(f),
        }
    }
}

/// No `source()`: the message already ends with the cause, and a report that walks the chain
/// would print it twice.
impl std::error::Error for RunError {}

/// A joined thread panicked: which thread, and its panic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    /// The thread's name, as [`name_of`] prints it.
    pub thread: String,
    /// The panic's message, when it was a string (it almost always is).
    pub message: String,
}

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "thread '{}' panicked: {}", self.thread, self.message)
    }
}

impl std::error::Error for Panicked {}

/// `panic!` with a literal carries a `&str`, with formatting a `String`; anything else is opaque.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "(a panic payload that is not a string)".to_owned()
    }
}
