//! What a proof prints when it finds a failure, in the lesson's words: the channel's log (written
//! by the facade's channel under loom, `sync::channel::log`) as a timeline, and a deadlock, which
//! loom reports as a bare `deadlock; threads = [...]`, as who waits for what and who holds a
//! `Sender`. Used by `tests/proofs.rs`; here in the library, built in both builds, so that a
//! normal test can check the words the chapter quotes (`tests/transcript.rs`).

use std::fmt::Write as _;

use crate::LEDGER;
use crate::sync::channel::log::{Entry, Event, MAIN};

/// The `Sender`s still alive at the end of `entries`, each with the thread that holds it: the
/// last thread that used it (made it, or sent on it). A move into another thread is invisible to
/// the log, so a `Sender` made in one thread and moved to another shows up there only once it is
/// used.
pub fn live_senders(entries: &[Entry]) -> Vec<(usize, String, bool)> {
    let mut live: Vec<(usize, String, bool)> = Vec::new();
    for entry in entries {
        match entry.event {
            Event::Made { sender } => {
                live.push((sender, entry.thread.clone(), false))
            }
            Event::Sent { sender, .. } | Event::WaitsForRoom { sender } => {
                if let Some(live) =
                    live.iter_mut().find(|(number, ..)| *number == sender)
                {
                    live.1 = entry.thread.clone();
                    live.2 = true;
                }
            }
            Event::Dropped { sender } => {
                live.retain(|(number, ..)| *number != sender)
            }
            _ => {}
        }
    }
    live
}

/// Loom found every thread blocked: what the ledger waits for, and who holds the `Sender`s that
/// keep it waiting; in lines of at most 80 columns.
pub fn deadlock(entries: &[Entry]) -> String {
    let ledger_waits = entries
        .iter()
        .rev()
        .find(|entry| entry.thread == LEDGER)
        .is_some_and(|entry| entry.event == Event::WaitsForMessage);
    let count = |wanted: fn(&Event) -> bool| {
        entries.iter().filter(|e| wanted(&e.event)).count()
    };
    let sent = count(|event| matches!(event, Event::Sent { .. }));
    let received = count(|event| matches!(event, Event::Received { .. }));
    let live = live_senders(entries);
    let mut lines = vec![if ledger_waits {
        "the program hangs: the ledger waits for an amount that can never come."
            .to_string()
    } else {
        "the program hangs: every thread is blocked.".to_string()
    }];
    let mut why = String::from(
        "The ledger's loop (for amount in receiver) ends only when every Sender is gone",
    );
    for (number, holder, used) in &live {
        let how = if *used {
            format!("{holder} was the last to send on it")
        } else {
            format!("{holder} made it, and never sent on it nor dropped it")
        };
        let _ = write!(why, ", and Sender {number} is still alive: {how}");
    }
    let _ = write!(
        why,
        ". The ledger has received {received} of the {sent} amounts sent, and nothing more \
         will be sent."
    );
    if live.iter().any(|(_, holder, _)| holder == MAIN) {
        why.push_str(
            " The thread that holds the Sender is blocked too: main waits in join for the \
             ledger, and the ledger waits for main's Sender.",
        );
    }
    lines.push(why);
    lines.push(
        "(Loom found every thread blocked: a deadlock. With std's channel the program hangs \
         silently, forever.)"
            .to_string(),
    );
    if live.iter().any(|(_, holder, _)| holder == MAIN) {
        lines.push(
            "The fix: drop the main thread's own Sender (drop(sender)) once each teller has its \
             clone."
                .to_string(),
        );
    }
    lines
        .iter()
        .map(|line| wrap(line, 80))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Greedy word wrap at `width` columns.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut column = 0;
    for word in text.split_whitespace() {
        if column > 0 && column + 1 + word.len() > width {
            out.push('\n');
            column = 0;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += word.len();
    }
    out
}

/// The log as one row per step: who did what to the channel, what the queue holds after it, and
/// the ledger's balance after each amount it received.
pub fn timeline(entries: &[Entry]) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut queue: Vec<i64> = Vec::new();
    let mut balance = 0;
    for entry in entries {
        let mut shown_balance = String::new();
        let does = match entry.event {
            Event::Made { sender: 1 } => {
                "makes the channel and Sender 1".to_string()
            }
            Event::Made { sender } => format!("clones Sender {sender}"),
            Event::Sent { sender, amount } => {
                queue.push(amount);
                format!("sends {amount} (Sender {sender})")
            }
            Event::Refused { sender, amount } => {
                format!("cannot send {amount} (Sender {sender}): ledger gone")
            }
            Event::WaitsForRoom { sender } => {
                format!("waits for room (Sender {sender})")
            }
            Event::Dropped { sender } => format!("drops Sender {sender}"),
            Event::Received { amount } => {
                if !queue.is_empty() {
                    queue.remove(0);
                }
                balance += amount;
                shown_balance = balance.to_string();
                format!("receives {amount}")
            }
            Event::WaitsForMessage => "waits: the queue is empty".to_string(),
            Event::FoundEmpty => "try_recv: the queue is empty".to_string(),
            Event::Disconnected => {
                "recv: Err, every Sender is gone".to_string()
            }
            Event::ReceiverDropped => {
                queue.clear();
                "drops the Receiver".to_string()
            }
        };
        let queued: Vec<String> = queue.iter().map(i64::to_string).collect();
        rows.push([
            entry.thread.clone(),
            does,
            format!("[{}]", queued.join(", ")),
            shown_balance,
        ]);
    }
    let width = |column: usize, heading: &str| {
        rows.iter()
            .map(|row| row[column].len())
            .chain([heading.len()])
            .max()
            .unwrap_or(0)
    };
    let (thread, does, queue) =
        (width(0, "thread"), width(1, "does"), width(2, "queue"));
    let mut out = format!(
        "step  {:<thread$}  {:<does$}  {:<queue$}  balance",
        "thread", "does", "queue"
    );
    for (step, [who, what, queued, balance]) in rows.iter().enumerate() {
        let row = format!(
            "{:>4}  {who:<thread$}  {what:<does$}  {queued:<queue$}  {balance}",
            step + 1
        );
        let _ = write!(out, "\n{}", row.trim_end());
    }
    out
}
