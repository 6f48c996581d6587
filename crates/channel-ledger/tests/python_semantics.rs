//! What each Python construct the lesson ports does, beside what its Rust twin does: `queue.Queue`
//! and `mpsc::channel`, `Queue(maxsize=k)` and `mpsc::sync_channel(k)`, `put` and `send`, `get`
//! and `recv`, the `None` sentinel and the last `Sender`'s drop, `threading.Thread` and
//! `thread::Builder`, `join` and `join`. Each test runs a few lines of Python (where `python3` is
//! on the PATH; it says so on stderr where it is not) and their Rust twin, on std's channel (what
//! the lesson runs), and checks that each prints what the test expects: the same lines where the
//! two agree, and where Rust differs, each its own, so that the difference is checked too.
//!
//! No sleeps, no timeouts in the Python: what blocks is made to block by the order of the steps,
//! and every step that can block runs under `cli_checks`' deadline.
#![cfg(not(loom))]

use std::process::{Command, Stdio};
use std::sync::mpsc::{self, TryRecvError, TrySendError};
use std::thread;

use cli_checks::{DEADLINE, output_within, within};
use pretty_assertions::assert_eq;

/// Runs `code` with `python3` and checks that it prints `expected`; where there is no `python3`,
/// says so on stderr.
fn python_prints(code: &str, expected: &str) {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("not run: python3 is not on the PATH; the Rust side was checked");
        return;
    }
    let output = output_within(
        Command::new("python3")
            .args(["-c", code])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        DEADLINE,
    );
    assert!(
        output.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected, "{code}");
}

/// `queue.Queue()`: first in, first out; `put` never waits. `mpsc::channel()`: the same.
#[test]
fn a_queue_and_a_channel_are_first_in_first_out() {
    python_prints(
        "import queue\n\
         q = queue.Queue()\n\
         for n in [5, -5, 8, -8]: q.put(n)\n\
         print([q.get() for _ in range(4)])\n",
        "[5, -5, 8, -8]\n",
    );
    let (sender, receiver) = mpsc::channel::<i64>();
    for n in [5, -5, 8, -8] {
        sender.send(n).unwrap();
    }
    let got: Vec<i64> = (0..4).map(|_| receiver.try_recv().unwrap()).collect();
    assert_eq!(format!("{got:?}\n"), "[5, -5, 8, -8]\n");
}

/// `Queue(maxsize=2)` holds 2: a third `put_nowait` raises `Full`. `sync_channel(2)` holds 2:
/// a third `try_send` returns `Full`, with the message back.
#[test]
fn maxsize_k_and_sync_channel_k_hold_k() {
    python_prints(
        "import queue\n\
         q = queue.Queue(maxsize=2)\n\
         q.put_nowait(1); q.put_nowait(2)\n\
         try: q.put_nowait(3)\n\
         except queue.Full: print('full at', q.qsize())\n",
        "full at 2\n",
    );
    let (sender, _receiver) = mpsc::sync_channel::<i64>(2);
    sender.try_send(1).unwrap();
    sender.try_send(2).unwrap();
    assert_eq!(sender.try_send(3), Err(TrySendError::Full(3)));
}

/// A `put` on a full queue waits until a `get` makes room, then goes on: a producer of 100 on
/// `Queue(maxsize=1)` delivers all of them, in order. `send` on a full `sync_channel(1)` waits
/// the same way.
#[test]
fn put_and_send_on_a_full_queue_wait_for_room() {
    python_prints(
        "import queue, threading\n\
         q = queue.Queue(maxsize=1)\n\
         t = threading.Thread(target=lambda: [q.put(i) for i in range(100)])\n\
         t.start()\n\
         got = [q.get() for _ in range(100)]\n\
         t.join()\n\
         print(got == list(range(100)))\n",
        "True\n",
    );
    let got = within(DEADLINE, "a sender of 100 on sync_channel(1)", || {
        let (sender, receiver) = mpsc::sync_channel::<i64>(1);
        let t = thread::spawn(move || (0..100).for_each(|i| sender.send(i).unwrap()));
        let got: Vec<i64> = (0..100).map(|_| receiver.recv().unwrap()).collect();
        t.join().unwrap();
        got
    });
    assert_eq!(got, (0..100).collect::<Vec<_>>());
}

/// A `get` on an empty queue waits until a `put`; a `recv`, until a `send`. The getter starts
/// first; what it returns is what was put after it started.
#[test]
fn get_and_recv_wait_for_an_item() {
    python_prints(
        "import queue, threading\n\
         q = queue.Queue(); got = []\n\
         t = threading.Thread(target=lambda: got.append(q.get()))\n\
         t.start(); q.put(42); t.join()\n\
         print(got)\n",
        "[42]\n",
    );
    let got = within(
        DEADLINE,
        "a recv that waits for a send, and its join",
        || {
            let (sender, receiver) = mpsc::channel::<i64>();
            let t = thread::spawn(move || receiver.recv());
            sender.send(42).unwrap();
            t.join().unwrap()
        },
    );
    assert_eq!(got, Ok(42));
}

/// Where Rust differs: nobody reading. Python's queue knows no reader: with the reading thread
/// gone, `put` on a `Queue()` still succeeds (the item will never be read), and a `put` on a full
/// one would wait forever (here `put_nowait` shows the `Full` it would wait on). Rust's `send`
/// returns `Err` once the `Receiver` is dropped, with the message back, full queue or not.
#[test]
fn with_nobody_reading_put_still_puts_and_send_fails() {
    python_prints(
        "import queue, threading\n\
         q = queue.Queue(); full = queue.Queue(maxsize=1)\n\
         reader = threading.Thread(target=lambda: None); reader.start(); reader.join()\n\
         q.put(7); print('put: ok, size', q.qsize())\n\
         full.put(0)\n\
         try: full.put_nowait(7)\n\
         except queue.Full: print('put on a full queue: Full, it would wait forever')\n",
        "put: ok, size 1\nput on a full queue: Full, it would wait forever\n",
    );
    let (sender, receiver) = mpsc::channel::<i64>();
    let reader = thread::spawn(move || drop(receiver));
    within(DEADLINE, "the reader's join", move || {
        reader.join().unwrap()
    });
    assert_eq!(sender.send(7), Err(mpsc::SendError(7)));
    let (full, receiver) = mpsc::sync_channel::<i64>(1);
    full.send(0).unwrap();
    drop(receiver);
    assert_eq!(full.try_send(7), Err(TrySendError::Disconnected(7)));
    assert_eq!(
        full.send(7),
        Err(mpsc::SendError(7)),
        "no wait: Err at once"
    );
}

/// The end of the stream. Python: each producer puts `None`, and the consumer counts them
/// (`while done < 2`); after the last, the queue is empty and a `get_nowait` raises `Empty` (a
/// `get` would wait forever: nothing says no more will come). Rust: each producer's `Sender` is
/// dropped, `for amount in receiver` ends after the last, and `try_recv` then says
/// `Disconnected`, not `Empty`: the channel knows no more can come.
#[test]
fn none_as_a_sentinel_and_the_last_senders_drop_both_end_the_consumer() {
    python_prints(
        "import queue, threading\n\
         q = queue.Queue()\n\
         def producer(n): q.put(n); q.put(-n); q.put(None)\n\
         ts = [threading.Thread(target=producer, args=(n,)) for n in (5, 8)]\n\
         [t.start() for t in ts]\n\
         done, total = 0, 0\n\
         while done < 2:\n\
         \x20   n = q.get()\n\
         \x20   if n is None: done = done + 1\n\
         \x20   else: total = total + n\n\
         [t.join() for t in ts]\n\
         print(total)\n\
         try: q.get_nowait()\n\
         except queue.Empty: print('then: Empty')\n",
        "0\nthen: Empty\n",
    );
    let (total, then) = within(DEADLINE, "the consumer's loop to end", || {
        let (sender, receiver) = mpsc::channel::<i64>();
        let producers: Vec<_> = [5, 8]
            .map(|n| {
                let sender = sender.clone();
                thread::spawn(move || {
                    sender.send(n).unwrap();
                    sender.send(-n).unwrap();
                })
            })
            .into();
        drop(sender);
        let total: i64 = receiver.iter().sum();
        producers.into_iter().for_each(|t| t.join().unwrap());
        (total, receiver.try_recv())
    });
    assert_eq!((total, then), (0, Err(TryRecvError::Disconnected)));
}

/// `threading.Thread(target=f, name='Ledger')`, `start`, `join`: the thread runs under its name,
/// and `join` waits for its end; what it computes comes back through a variable it writes
/// (Python's `join` returns `None`). Rust's `thread::Builder::new().name(...)`, `spawn` and `join`:
/// the same name, and `join` hands back the closure's value.
#[test]
fn a_named_thread_runs_and_join_waits_for_it() {
    python_prints(
        "import threading\n\
         result = []\n\
         def ledger(): result.append(threading.current_thread().name)\n\
         t = threading.Thread(target=ledger, name='Ledger')\n\
         t.start(); returned = t.join()\n\
         print(result[0], returned, t.is_alive())\n",
        "Ledger None False\n",
    );
    let name = within(DEADLINE, "the Ledger thread's join", || {
        thread::Builder::new()
            .name("Ledger".to_string())
            .spawn(|| thread::current().name().map(str::to_string))
            .unwrap()
            .join()
    });
    assert_eq!(name.unwrap().as_deref(), Some("Ledger"));
}

/// Where Rust differs: a thread that fails. An exception in a Python thread is printed (by
/// `threading.excepthook`) and its `join` returns as usual; a panic in a Rust thread makes its
/// `join` return `Err`, with the panic's message, which the lesson reports by the thread's name.
#[test]
fn a_failed_thread_join_returns_normally_in_python_and_err_in_rust() {
    python_prints(
        "import threading\n\
         threading.excepthook = lambda args: print('raised:', args.exc_value)\n\
         t = threading.Thread(target=lambda: 1 // 0)\n\
         t.start(); print('join returned', t.join())\n",
        "raised: integer division or modulo by zero\njoin returned None\n",
    );
    let joined = within(DEADLINE, "a panicking thread's join", || {
        thread::Builder::new()
            .name("Ledger".to_string())
            .spawn(|| -> i64 { panic!("attempt to add with overflow") })
            .unwrap()
            .join()
            .map_err(|panic| panic.downcast_ref::<&str>().map(|s| s.to_string()))
    });
    assert_eq!(
        joined,
        Err(Some("attempt to add with overflow".to_string()))
    );
}
