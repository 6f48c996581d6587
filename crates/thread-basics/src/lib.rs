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
//! - Without a `join`, Rust does not wait: when `main` returns the process exits and a still
//!   running `LoopThread` dies mid-count. Python waits for every non-daemon thread at exit.
//!
//! Lines go to a [`Sink`]: the binary's sink is stdout, a test's is a buffer. Threads and locks
//! come from [`sync`], which the proofs switch to loom.

pub mod sync;

use std::any::Any;
use std::fmt;
use std::io::Write;
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
    /// # Panics
    /// If the write fails (say, stdout is a closed pipe), as `println!` does.
    pub fn print(&self, line: &str) {
        let written = {
            // Poisoned only if a holder panicked, and the panic below comes after the release.
            let mut out = self.out.lock().unwrap();
            out.write_all(format!("{line}\n").as_bytes())
                .and_then(|()| out.flush())
        };
        if let Err(error) = written {
            panic!("failed printing a line: {error}");
        }
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
pub fn say_running<W: Write>(out: &Sink<W>) {
    out.print(&format!("thread {} is running...", current_name()));
}

/// `print('thread %s ended.' % threading.current_thread().name)`: both threads say it.
pub fn say_ended<W: Write>(out: &Sink<W>) {
    out.print(&format!("thread {} ended.", current_name()));
}

/// `def loop():` the new thread's code. `ticks` is the Python's 5; `interval` its one second.
pub fn loop_<W: Write>(out: &Sink<W>, ticks: u64, interval: Duration) {
    // print('thread %s is running...' % threading.current_thread().name)
    say_running(out);
    // n = 0
    let mut n = 0;
    // while n < 5:
    while n < ticks {
        // n = n + 1
        n += 1;
        // print('thread %s >>> %s' % (threading.current_thread().name, n))
        out.print(&format!("thread {} >>> {n}", current_name()));
        // time.sleep(1)
        sync::sleep(interval);
    }
    // print('thread %s ended.' % threading.current_thread().name)
    say_ended(out);
}

/// `t = threading.Thread(target=loop, name='LoopThread')` then `t.start()`: in Rust one step.
///
/// `thread::spawn` cannot name a thread; `thread::Builder` can. The thread gets its own handle on
/// the sink, since it may outlive this call.
///
/// # Panics
/// If the OS refuses a new thread, as `thread::spawn` does (and Python's `start()` raises).
pub fn start<W: Write + Send + 'static>(
    out: &Arc<Sink<W>>,
    ticks: u64,
    interval: Duration,
) -> thread::JoinHandle<()> {
    let out = Arc::clone(out);
    thread::Builder::new()
        .name(LOOP_THREAD.to_owned())
        .spawn(move || loop_(&out, ticks, interval))
        .expect("failed to spawn thread")
}

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
/// [`Panicked`] if `LoopThread` panicked; the main thread then does not claim it ended.
pub fn run<W: Write + Send + 'static>(
    out: &Arc<Sink<W>>,
    ticks: u64,
    interval: Duration,
) -> Result<(), Panicked> {
    // print('thread %s is running...' % threading.current_thread().name)
    say_running(out);
    // t = threading.Thread(target=loop, name='LoopThread')
    // t.start()
    let t = start(out, ticks, interval);
    // t.join(): before the last line, which is the point of the lesson.
    join(t)?;
    // print('thread %s ended.' % threading.current_thread().name)
    say_ended(out);
    Ok(())
}

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
