//! The mistake the lesson avoids, run for real: the main thread never joins `LoopThread`.
//!
//! `cargo run -q -p thread-basics --example no_join`: `LoopThread` ticks every 100 ms, the main
//! thread waits 150 ms (a sleep, not a join), says it ended and returns; the process exits with
//! `LoopThread` still counting. Not part of the lesson's transcript: its output depends on timing.

use std::io;
use std::time::Duration;

use thread_basics::{Sink, say_ended, say_running, start, sync::Arc};

// A failed line ends `main` with `Err`: the example is about `join`, not about reporting it.
fn main() -> io::Result<()> {
    let out = Arc::new(Sink::new(io::stdout()));
    // print('thread %s is running...' % threading.current_thread().name)
    say_running(&out)?;
    // t = threading.Thread(target=loop, name='LoopThread')
    // t.start()
    let t = start(&out, 5, Duration::from_millis(100));
    // No t.join(): dropping the handle detaches the thread, it does not wait
    // for it.
    drop(t);
    std::thread::sleep(Duration::from_millis(150));
    // print('thread %s ended.' % threading.current_thread().name)
    say_ended(&out)?;
    // Returning from main ends the process, LoopThread included.
    Ok(())
}
