//! What a proof prints when it finds a failure, in the lesson's words: the channel's log (written
//! by the facade's channel under loom, `sync::channel::log`) as a timeline, and a deadlock, which
//! loom reports as a bare `deadlock; threads = [...]`, as who waits for what and who holds a
//! `Sender`. Used by `tests/proofs.rs`; here in the library, built in both builds, so that a
//! normal test can check the words the chapter quotes (`tests/transcript.rs`).

use std::collections::VecDeque;
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
            Event::Opened { .. } => live.push((1, entry.thread.clone(), false)),
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

/// The channel's state as the log leaves it, replayed step by step: the log is written under
/// the channel's lock, so its order is the order of the changes.
#[derive(Default)]
struct Replay {
    /// `Some(k)` for `sync_channel(k)`.
    bound: Option<usize>,
    /// What the queue holds: `(Sender, amount)`, oldest first.
    queue: VecDeque<(usize, i64)>,
    /// The step (from 1) at which the `Receiver` was dropped.
    receiver_dropped: Option<usize>,
    /// The last step at which an amount was sent, taken, or a `Sender` dropped.
    last_sent: Option<(usize, i64)>,
    last_taken: Option<usize>,
    last_drop: Option<usize>,
}

impl Replay {
    /// Replays `entries`, checking at each step what std's channel promises; `Err` says which
    /// promise the step broke.
    fn of(entries: &[Entry]) -> (Replay, Result<(), String>) {
        let mut state = Replay::default();
        let mut made = Vec::new();
        for (at, entry) in entries.iter().enumerate() {
            // Not one of std's promises, but what every other check here rests on: each `Sender`
            // has a number of its own in the log.
            if let Event::Opened { .. } | Event::Made { .. } = entry.event {
                let number = match entry.event {
                    Event::Made { sender } => sender,
                    _ => 1,
                };
                if made.contains(&number) {
                    return (
                        state,
                        Err(format!(
                            "the channel's log is wrong: at step {}, a second Sender {number} was \
                             made, and the log cannot tell the two apart",
                            at + 1
                        )),
                    );
                }
                made.push(number);
            }
            if let Err(broken) = state.step(entries, at) {
                let who = &entry.thread;
                return (
                    state,
                    Err(format!(
                        "the channel broke a promise of std's: at step {} ({who}), {broken}",
                        at + 1
                    )),
                );
            }
        }
        (state, Ok(()))
    }

    fn step(&mut self, entries: &[Entry], at: usize) -> Result<(), String> {
        let step = at + 1;
        match entries[at].event {
            Event::Opened { bound } => self.bound = bound,
            Event::Sent {
                sender,
                amount,
                queued,
            } => {
                if let Some(dropped) = self.receiver_dropped {
                    return Err(format!(
                        "Sender {sender} put {amount} in the queue after the Receiver was dropped \
                         (step {dropped}): std's send returns Err(SendError) once the Receiver \
                         is gone"
                    ));
                }
                if let Some(bound) = self.bound.filter(|bound| queued > *bound)
                {
                    return Err(format!(
                        "Sender {sender} sent {amount} and the queue then held {queued} amounts, \
                         over its bound: sync_channel({bound}) holds at most {bound}, and a send \
                         on a full queue must wait for room"
                    ));
                }
                self.queue.push_back((sender, amount));
                self.last_sent = Some((step, amount));
            }
            Event::Received { amount } => {
                let Some(at) =
                    self.queue.iter().position(|(_, a)| *a == amount)
                else {
                    return Err(format!(
                        "recv returned {amount}, which was not in the queue ({})",
                        show(&self.queue)
                    ));
                };
                let sender = self.queue[at].0;
                let oldest = self
                    .queue
                    .iter()
                    .find(|(s, _)| *s == sender)
                    .map_or(amount, |(_, a)| *a);
                if oldest != amount {
                    return Err(format!(
                        "recv returned {amount} before {oldest}, though Sender {sender} sent \
                         {oldest} first: std delivers each Sender's messages in the order it \
                         sent them"
                    ));
                }
                self.queue.remove(at);
                self.last_taken = Some(step);
            }
            Event::Disconnected => {
                let live = live_senders(&entries[..at]);
                if let Some((number, ..)) = live.first() {
                    return Err(format!(
                        "recv returned Err while Sender {number} was still alive: std's recv \
                         returns Err only once every Sender is gone"
                    ));
                }
                if !self.queue.is_empty() {
                    return Err(format!(
                        "recv returned Err while the queue still held {}: std's recv delivers \
                         what is queued before it returns Err",
                        show(&self.queue)
                    ));
                }
            }
            Event::Refused { sender, amount }
                if self.receiver_dropped.is_none() =>
            {
                return Err(format!(
                    "Sender {sender}'s send of {amount} returned Err while the Receiver was still \
                     there"
                ));
            }
            Event::Dropped { .. } => self.last_drop = Some(step),
            Event::ReceiverDropped => {
                self.receiver_dropped = Some(step);
                self.queue.clear();
            }
            _ => {}
        }
        Ok(())
    }
}

fn show(queue: &VecDeque<(usize, i64)>) -> String {
    let amounts: Vec<String> =
        queue.iter().map(|(_, a)| a.to_string()).collect();
    format!("[{}]", amounts.join(", "))
}

/// The first step of `entries` that breaks a promise of std's channel, in words: each `Sender`'s
/// amounts received in the order it sent them, none that was not sent, a `sync_channel(k)` never
/// holding more than `k` (checked at every push, with the queue's length the channel read under
/// its lock), no amount queued after the `Receiver` was dropped, `recv` returning `Err` only once
/// every `Sender` is gone and the queue is empty, `send` returning `Err` only once the `Receiver`
/// is gone. `None` when every step keeps them. (That a waiter is woken is seen when it is not:
/// every thread blocks, and [`deadlock`] says who waits for what.)
pub fn broken_promise(entries: &[Entry]) -> Option<String> {
    Replay::of(entries).1.err()
}

/// The receiving thread, as a sentence names it: "the ledger" in the lesson, "the main thread",
/// else its name.
fn receiver_name(thread: &str) -> String {
    match thread {
        LEDGER => "the ledger".to_string(),
        MAIN => "the main thread".to_string(),
        _ => thread.to_string(),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Loom found every thread blocked: who waits in `recv`, who waits in `send` for room, which
/// `Sender`s are alive, and from that the cause, in lines of at most 80 columns: a `Sender` kept
/// alive by a thread that is itself blocked (the lesson's mistake, which hangs std's channel too),
/// or a waiter that nothing woke (the facade's, which std's channel does not do).
pub fn deadlock(entries: &[Entry]) -> String {
    let (state, _) = Replay::of(entries);
    let live = live_senders(entries);
    // Each thread's last step: a thread whose last step is a wait is waiting still (a thread that
    // is woken writes what it does next: it sends, receives, or waits again).
    let mut last: Vec<(&str, usize, Event)> = Vec::new();
    for (at, entry) in entries.iter().enumerate() {
        let thread = entry.thread.as_str();
        last.retain(|(t, ..)| *t != thread);
        last.push((thread, at + 1, entry.event));
    }
    let in_recv = last
        .iter()
        .find(|(_, _, event)| *event == Event::WaitsForMessage)
        .map(|(thread, step, _)| (*thread, *step));
    let in_send: Vec<(&str, usize, usize)> = last
        .iter()
        .filter_map(|(thread, step, event)| match event {
            Event::WaitsForRoom { sender } => Some((*thread, *step, *sender)),
            _ => None,
        })
        .collect();
    let queued = state.queue.len();
    let mut headline =
        "the program hangs: every thread is blocked.".to_string();
    let mut lines = Vec::new();
    // A cause std's channel does not have: a waiter that the facade failed to wake.
    let mut facade = false;
    let mut main_holds_a_sender = false;
    if let Some((thread, step)) = in_recv {
        let who = receiver_name(thread);
        if let Some((sent_at, amount)) = state.last_sent.filter(|_| queued > 0)
        {
            facade = true;
            lines.push(format!(
                "{} waits in recv (step {step}) though the queue holds {}: nothing woke it when \
                 {amount} was sent (step {sent_at}). A send must wake the receiver that waits.",
                capitalized(&who),
                show(&state.queue)
            ));
        } else if live.is_empty() {
            facade = true;
            let dropped = state
                .last_drop
                .map_or(String::new(), |at| format!(" (step {at})"));
            lines.push(format!(
                "{} waits in recv (step {step}) though every Sender is gone and the queue is \
                 empty: the last Sender's drop{dropped} did not wake it. std's recv returns Err \
                 then.",
                capitalized(&who)
            ));
        } else if live.iter().all(|(_, holder, _)| {
            in_send.iter().any(|(thread, ..)| thread == holder)
        }) {
            let mut holders: Vec<&str> =
                live.iter().map(|(_, holder, _)| holder.as_str()).collect();
            holders.dedup();
            let wait = if holders.len() == 1 { "waits" } else { "wait" };
            lines.push(format!(
                "{} waits in recv (step {step}) on an empty queue, for an amount from {}, which \
                 {wait} in send for room (below).",
                capitalized(&who),
                holders.join(" and ")
            ));
        } else {
            headline = format!(
                "the program hangs: {who} waits for an amount that can never come."
            );
            let mut why = forgotten_senders(entries, &who, &live);
            main_holds_a_sender =
                thread == LEDGER && live.iter().any(|(_, h, _)| h == MAIN);
            if main_holds_a_sender {
                why.push_str(
                    " The thread that holds the Sender is blocked too: main waits in join for \
                     the ledger, and the ledger waits for main's Sender.",
                );
            }
            lines.push(why);
        }
    }
    for (thread, step, sender) in in_send {
        let waits = format!(
            "{thread} waits in send for room (Sender {sender}, step {step})"
        );
        let line = if let Some(dropped) = state.receiver_dropped {
            facade = true;
            format!(
                "{waits} though the Receiver was dropped (step {dropped}): the Receiver's drop \
                 did not wake it. std's send returns Err(SendError) once the Receiver is gone."
            )
        } else if let Some(bound) = state.bound.filter(|bound| queued < *bound)
        {
            facade = true;
            let taken = state
                .last_taken
                .map_or(String::new(), |at| format!(" (step {at})"));
            format!(
                "{waits} though the queue holds {queued} of the {bound} it has room for: nothing \
                 woke it when an amount was taken{taken}. Taking an amount must wake the senders \
                 that wait for room."
            )
        } else {
            let receiver = match in_recv {
                Some((thread, _)) => format!(
                    "{}, which would take one, waits itself (above)",
                    receiver_name(thread)
                ),
                None => "no thread takes one".to_string(),
            };
            format!("{waits}: the queue is full ({queued}), and {receiver}.")
        };
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(
            "No thread waits in the channel: they are blocked elsewhere (in join).".to_string(),
        );
    }
    lines.insert(0, headline);
    lines.push(if facade {
        "(Loom found every thread blocked: a deadlock. std's channel does not block here: the \
         facade's channel, src/sync/channel.rs, broke its promise.)"
            .to_string()
    } else {
        "(Loom found every thread blocked: a deadlock. With std's channel the program hangs \
         silently, forever.)"
            .to_string()
    });
    if main_holds_a_sender {
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

/// The receiver waits on an empty queue while `live` `Sender`s are held by threads that send
/// nothing more: who holds each, and how far the receiver got.
fn forgotten_senders(
    entries: &[Entry],
    who: &str,
    live: &[(usize, String, bool)],
) -> String {
    let count = |wanted: fn(&Event) -> bool| {
        entries.iter().filter(|e| wanted(&e.event)).count()
    };
    let sent = count(|event| matches!(event, Event::Sent { .. }));
    let received = count(|event| matches!(event, Event::Received { .. }));
    let mut why = if who == "the ledger" {
        String::from(
            "The ledger's loop (for amount in receiver) ends only when every Sender is gone",
        )
    } else {
        format!("{who}'s recv returns Err only when every Sender is gone")
    };
    for (number, holder, used) in live {
        let how = if *used {
            format!("{holder} was the last to send on it")
        } else {
            format!("{holder} made it, and never sent on it nor dropped it")
        };
        let _ = write!(why, ", and Sender {number} is still alive: {how}");
    }
    let _ = write!(
        why,
        ". {} has received {received} of the {sent} amounts sent, and nothing more \
         will be sent.",
        capitalized(who)
    );
    why
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
/// the ledger's balance after each amount it received (a column only where the ledger runs: the
/// facade's own models have none).
pub fn timeline(entries: &[Entry]) -> String {
    let ledger = entries.iter().any(|entry| entry.thread == LEDGER);
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut queue: Vec<i64> = Vec::new();
    let mut balance = 0;
    for entry in entries {
        let mut shown_balance = String::new();
        let does = match entry.event {
            Event::Opened { bound: None } => {
                "makes the channel and Sender 1".to_string()
            }
            Event::Opened { bound: Some(bound) } => {
                format!("makes sync_channel({bound}) and Sender 1")
            }
            Event::Made { sender } => format!("clones Sender {sender}"),
            Event::Sent { sender, amount, .. } => {
                queue.push(amount);
                format!("sends {amount} (Sender {sender})")
            }
            Event::Refused { sender, amount } => {
                format!("cannot send {amount} (Sender {sender}): Receiver gone")
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
                if ledger {
                    shown_balance = balance.to_string();
                }
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
        "step  {:<thread$}  {:<does$}  {:<queue$}  {}",
        "thread",
        "does",
        "queue",
        if ledger { "balance" } else { "" }
    );
    out.truncate(out.trim_end().len());
    for (step, [who, what, queued, balance]) in rows.iter().enumerate() {
        let row = format!(
            "{:>4}  {who:<thread$}  {what:<does$}  {queued:<queue$}  {balance}",
            step + 1
        );
        let _ = write!(out, "\n{}", row.trim_end());
    }
    out
}
