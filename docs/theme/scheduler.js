// "Be the scheduler": the panels of docs/lock-balance.md, docs/lock-order.md and
// docs/channel-ledger.md, where the reader picks which thread takes its next step.
//
// A chapter marks a panel with `<div class="scheduler" data-scheduler="LESSON">`, around a
// `<div class="scheduler-fallback">` that holds what a reader without JavaScript sees (the
// picture the panel replaces) and a line with the figures loom reported at the panel's size.
// This script (mdBook's `additional-js`, so on every page) does nothing on a page without such
// a div; on one with it, it builds the panel before the fallback and hides the fallback on
// screen (print shows the fallback, not the buttons).
//
// Each thread below is the lesson's own lines, in order, one step a row: a line that reads
// shared state and then writes it (`balance = balance + n`) is two rows, its read and its write.
// The Rust lines are those of crates/LESSON/src/lib.rs and the Python lines those of the
// lesson's .py file or chapter, word for word: xtask/book-test/panels.test.mjs fails when one is
// not there. That test also walks every path each panel allows and compares the endings with the
// ones loom reported for the lesson's code at the same size (the generated figures in the
// chapter): the panel is a model of the lesson that the proofs check, not a second story.

(function () {
  'use strict';

  // ---------------------------------------------------------------------------------------
  // The lessons' threads, step by step.
  //
  // A step: `rust` (the line), `py` (its Python twin, or lines), `part` ('read' or 'write' for
  // the halves of a compound line, with `marks`, the part of the line that half is, underlined),
  // `blocked(state, me)` (why it cannot go now, or null),
  // `run(state, me)` (does it, and returns what it did in words; it may set me.pc itself, else
  // the thread goes on to the next row). `state.shared` is what the threads share, `me` the
  // thread's own state ({pc, ...locals}). A thread past its last row is done.

  /** lock-balance, `unlocked::change_it`: each line a load, then a store. */
  function unlockedLine(sign) {
    const rust = `balance.store(balance.load(SeqCst) ${sign} n, SeqCst);`;
    const py = `balance = balance ${sign} n`;
    return [
      {
        rust, py, part: 'read', marks: { text: 'balance.load(SeqCst)' },
        run: (s, me) => { me.read = s.shared.balance; return `reads ${me.read}`; },
      },
      {
        rust, py, part: 'write', marks: { text: 'balance.store(' },
        run: (s, me, t) => {
          const value = sign === '+' ? me.read + t.n : me.read - t.n;
          const lost = s.shared.balance !== me.read;
          const old = s.shared.balance;
          s.shared.balance = value;
          if (lost) s.shared.lost = (s.shared.lost || 0) + 1;
          return `writes ${me.read} ${sign} ${t.n} = ${value}` +
            (lost ? ` (overwrites ${old}: an update is lost)` : '');
        },
      },
    ];
  }

  /** lock-balance, `locked::change_it`, the guard's `*balance` in place of the atomic. */
  function lockedLine(sign) {
    const rust = `*balance = *balance ${sign} n;`;
    const py = `balance = balance ${sign} n`;
    return [
      {
        rust, py, part: 'read', marks: { text: `*balance ${sign} n`, last: true },
        run: (s, me) => { me.read = s.shared.balance; return `reads ${me.read}`; },
      },
      {
        rust, py, part: 'write', marks: { text: '*balance =' },
        run: (s, me, t) => {
          const value = sign === '+' ? me.read + t.n : me.read - t.n;
          s.shared.balance = value;
          return `writes ${me.read} ${sign} ${t.n} = ${value}`;
        },
      },
    ];
  }

  const lockBalanceThreads = [
    { name: 'Thread-1', n: 5, about: 'n=5' },
    { name: 'Thread-2', n: 8, about: 'n=8' },
  ];

  /**
   * lock-order: a thread's `lock(accounts, k, who, board)`, two steps as the lesson's `lock` is:
   * it asks for the lock (`board.waits(who, account)`), then takes it (`.lock()`), waiting there
   * while the other thread holds it. The chapter's deadlock is told in these steps: "Thread-1
   * locks A and asks for B; before it gets B, Thread-2 locks B, then asks for A".
   */
  function takeLock(rust, py, which) {
    return [
      {
        rust, py, part: 'ask', label: 'asks for the lock (board.waits)', marks: { text: 'lock(' },
        run: (s, me, t) => {
          me.asks = ACCOUNTS[which(t)];
          return `asks for account ${me.asks}`;
        },
      },
      {
        rust, py, part: 'take', label: 'takes it, or waits (.lock())', marks: { text: 'lock(' },
        blocked: (s, me, t) => {
          const k = which(t);
          const holder = s.shared.holder[k];
          return holder === null ? null :
            `waits for account ${ACCOUNTS[k]}, which ${holder} holds`;
        },
        run: (s, me, t) => {
          const k = which(t);
          s.shared.holder[k] = t.name;
          delete me.asks;
          return `locks account ${ACCOUNTS[k]}`;
        },
      },
    ];
  }

  /** lock-order: `*from -= n;` or `*to += n;`, split into its read and its write. */
  function moveMoney(rust, py, sign, which) {
    return [
      {
        rust, py, part: 'read',
        run: (s, me, t) => {
          me.read = s.shared.balance[which(t)];
          return `reads ${ACCOUNTS[which(t)]}: ${fmt(me.read)}`;
        },
      },
      {
        rust, py, part: 'write',
        run: (s, me, t) => {
          const k = which(t);
          s.shared.balance[k] = sign === '-' ? me.read - t.n : me.read + t.n;
          return `writes ${ACCOUNTS[k]} = ${fmt(me.read)} ${sign} ${t.n} = ${fmt(s.shared.balance[k])}`;
        },
      },
    ];
  }

  function releaseBoth(rust, py, order) {
    return {
      rust, py,
      run: (s, me, t) => {
        const held = order(t).filter((k) => s.shared.holder[k] === t.name);
        for (const k of held) s.shared.holder[k] = null;
        return `releases ${held.map((k) => ACCOUNTS[k]).join(', then ')}`;
      },
    };
  }

  const ACCOUNTS = ['A', 'B'];
  const OPENING = 1000000;
  const lockOrderThreads = [
    { name: 'Thread-1', n: 5, source: 0, target: 1, about: 'A to B, n=5' },
    { name: 'Thread-2', n: 8, source: 1, target: 0, about: 'B to A, n=8' },
  ];
  const lowerFirst = (t) => Math.min(t.source, t.target);
  const higherSecond = (t) => Math.max(t.source, t.target);

  /** A number as the book writes it: 2 000 000 (the gaps no-break, so it never wraps). */
  function fmt(n) {
    return Math.abs(n) < 10000 ? String(n) : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  }

  function lockOrderEnding(s) {
    const [a, b] = s.shared.balance;
    return `A: ${a}, B: ${b}, total: ${a + b}`;
  }

  function lockOrderState(s) {
    return [
      ...ACCOUNTS.map((name, k) => [`account ${name}`,
        `${fmt(s.shared.balance[k])}, ${s.shared.holder[k] === null ? 'unlocked' : `locked by ${s.shared.holder[k]}`}`]),
    ];
  }

  // channel-ledger: the main thread, the ledger and the two tellers, Senders numbered as the
  // proofs' log numbers them (1 is main's, made with the channel; 2 and 3 its clones).
  const SENDER_OF = { main: 1, 'Thread-1': 2, 'Thread-2': 3 };

  function join(rust, py, whom) {
    return {
      rust, py,
      blocked: (s) => (s.done[whom] ? null : `waits in join for ${whom} to end`),
      run: () => `joins ${whom}`,
    };
  }

  function put(rust, py, sign) {
    return {
      rust, py,
      run: (s, me, t) => {
        const amount = sign * t.n;
        s.shared.queue.push(amount);
        return `sends ${amount} (Sender ${SENDER_OF[t.name]})`;
      },
    };
  }

  function dropSender(rust, py, holder) {
    return {
      rust, py,
      run: (s) => {
        s.shared.senders = s.shared.senders.filter((n) => n !== SENDER_OF[holder]);
        return `drops Sender ${SENDER_OF[holder]}`;
      },
    };
  }

  function ledgerThread(forgotten) {
    return {
      name: 'Ledger', about: 'owns the balance',
      steps: [
        {
          rust: 'for amount in receiver {', py: 'n = q.get()',
          blocked: (s) => {
            if (s.shared.queue.length || !s.shared.senders.length) return null;
            // Only Sender 1 is main's, and only it is never dropped (when main forgets to).
            const never = forgotten && s.shared.senders.includes(1);
            const alive = s.shared.senders.map((n) => `Sender ${n} (${holderOf(n)}'s` +
              (never && n === 1 && s.shared.senders.length > 1 ? ', never dropped)' : ')'));
            return `waits in recv: the queue is empty and ${listed(alive)} ` +
              `${alive.length > 1 ? 'live' : 'lives'}` +
              (never && alive.length === 1 ? ', which main never drops' : '');
          },
          run: (s, me) => {
            if (!s.shared.queue.length) {
              me.pc = 2;
              return 'recv returns Err: the queue is empty and every Sender is gone; the loop ends';
            }
            me.amount = s.shared.queue.shift();
            return `receives ${me.amount}`;
          },
        },
        {
          rust: 'balance = balance + amount;', py: 'balance = balance + n',
          run: (s, me) => {
            const old = s.shared.ledger;
            s.shared.ledger = old + me.amount;
            me.pc = 0;
            return `balance = ${old} + ${me.amount} = ${s.shared.ledger}`;
          },
        },
        {
          rust: 'balance', py: [],
          run: (s) => { s.shared.returned = s.shared.ledger; return `returns ${s.shared.ledger}`; },
        },
      ],
    };
  }

  /** `a`, `a and b`, `a, b and c`. */
  function listed(items) {
    return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  }

  function holderOf(sender) {
    return Object.keys(SENDER_OF).find((name) => SENDER_OF[name] === sender);
  }

  function tellerThread(name, n) {
    return {
      name, n, about: `n=${n}`,
      steps: [
        put('queue.put(n)?;', 'q.put(n)', 1),
        put('queue.put(-n)?;', 'q.put(-n)', -1),
        dropSender("} // <- q.put(None): `queue`, this teller's Sender, is dropped here",
          'q.put(None)', name),
      ],
    };
  }

  function channelLedger(forgotten) {
    const main = {
      name: 'main', about: 'joins them',
      note: forgotten ? 'drop(sender); is missing here: main keeps Sender 1' : null,
      steps: [
        ...(forgotten ? [] : [dropSender('drop(sender);', [], 'main')]),
        join('let failure = match handle.join() {', 't1.join()', 'Thread-1'),
        join('let failure = match handle.join() {', 't2.join()', 'Thread-2'),
        join('match ledger.join() {', 't0.join()', 'Ledger'),
      ],
    };
    return [main, ledgerThread(forgotten), tellerThread('Thread-1', 5), tellerThread('Thread-2', 8)];
  }

  const PANELS = {
    'lock-balance': {
      title: 'Be the scheduler: two threads, one balance',
      says: (end) => `the balance is ${end}`,
      endsAt: (end) => `the balance at ${end}`,
      intro: 'The race of the timeline above, to play: pick which thread reads or writes next.',
      size: '1 iteration per thread',
      variants: [
        {
          id: 'no-lock', label: 'Without the lock',
          code: 'unlocked::change_it (--no-lock)',
          goal: 'Lose an update: end with the balance anything but 0.',
          // The order of the chapter's timeline, just above the panel (the book's test reads it
          // from there): Thread-1's withdrawal overwrites Thread-2's deposit.
          show: [0, 0, 0, 1, 1, 1, 0, 1],
          shared: () => ({ balance: 0 }),
          threads: lockBalanceThreads.map((t) => ({
            ...t, steps: [...unlockedLine('+'), ...unlockedLine('-')],
          })),
          ending: (s) => String(s.shared.balance),
          bad: (ending) => ending !== '0',
          state: (s) => [['balance', String(s.shared.balance)]],
        },
        {
          id: 'lock', label: 'With the lock',
          code: 'locked::run_thread and change_it',
          goal: 'Lose an update: end with the balance anything but 0.',
          safe: 'No order can lose an update with the lock.',
          shared: () => ({ balance: 0, holder: null }),
          threads: lockBalanceThreads.map((t) => ({
            ...t,
            steps: [
              {
                rust: 'let mut guard = balance.lock().map_err(|_| LockPoisoned)?;',
                py: 'lock.acquire()',
                blocked: (s) => (s.shared.holder ? `waits for the lock, which ${s.shared.holder} holds` : null),
                run: (s, me, th) => { s.shared.holder = th.name; return 'takes the lock'; },
              },
              ...lockedLine('+'),
              ...lockedLine('-'),
              {
                rust: '} // <- the guard is dropped here (while unwinding, if change_it panics)',
                py: 'lock.release()',
                run: (s) => { s.shared.holder = null; return 'releases the lock'; },
              },
            ],
          })),
          ending: (s) => String(s.shared.balance),
          bad: (ending) => ending !== '0',
          state: (s) => [
            ['balance', String(s.shared.balance)],
            ['the lock', s.shared.holder ? `held by ${s.shared.holder}` : 'free'],
          ],
        },
      ],
    },
    'lock-order': {
      title: 'Be the scheduler: two transfers, two locks',
      says: (end) => end.replace(/\d+/g, (n) => fmt(Number(n))),
      endsAt: (end) => end.replace(/\d+/g, (n) => fmt(Number(n))),
      intro: 'The two transfers, to play: pick which thread asks for a lock, takes it, reads or ' +
        'writes next. Each lock is two steps here, asking (the lesson\'s board.waits) and getting ' +
        'it, so the chapter\'s four steps on the locks are six clicks here.',
      size: '1 transfer per thread',
      variants: [
        {
          id: 'opposite', label: 'Opposite orders',
          code: 'opposite_order::transfer (--opposite-order)',
          goal: 'Make both threads wait forever.',
          // The chapter's timeline: Thread-1 locks A and asks for B; Thread-2 locks B, asks for A.
          show: [0, 0, 0, 1, 1, 1],
          shared: () => ({ balance: [OPENING, OPENING], holder: [null, null] }),
          threads: lockOrderThreads.map((t) => ({
            ...t,
            note: `here source = ${ACCOUNTS[t.source]}, target = ${ACCOUNTS[t.target]}`,
            steps: [
              ...takeLock('let mut from = lock(accounts, source, who, board)?;', 'source.lock.acquire()', (th) => th.source),
              ...takeLock('let mut to = lock(accounts, target, who, board)?;', 'target.lock.acquire()', (th) => th.target),
              ...moveMoney('*from -= n;', 'source.balance = source.balance - n', '-', (th) => th.source),
              ...moveMoney('*to += n;', 'target.balance = target.balance + n', '+', (th) => th.target),
              releaseBoth('} // target.lock.release(), then source.lock.release()',
                ['target.lock.release()', 'source.lock.release()'], (th) => [th.target, th.source]),
            ],
          })),
          ending: lockOrderEnding,
          bad: (ending) => ending === 'deadlock',
          state: lockOrderState,
        },
        {
          id: 'lower-first', label: 'Lower first',
          code: 'lower_first::transfer (the fix)',
          goal: 'Make both threads wait forever.',
          safe: 'No order can deadlock with the lower-numbered account first.',
          shared: () => ({ balance: [OPENING, OPENING], holder: [null, null] }),
          threads: lockOrderThreads.map((t) => ({
            ...t,
            // Both threads' lines read `first` and `second`: say which account each is.
            note: `here first = ${ACCOUNTS[lowerFirst(t)]}, second = ${ACCOUNTS[higherSecond(t)]}` +
              ` (source = ${ACCOUNTS[t.source]}, target = ${ACCOUNTS[t.target]})`,
            steps: [
              ...takeLock('let mut first = lock(accounts, first, who, board)?;', 'first.lock.acquire()', lowerFirst),
              ...takeLock('let mut second = lock(accounts, second, who, board)?;', 'second.lock.acquire()', higherSecond),
              ...moveMoney('*from -= n;', 'source.balance = source.balance - n', '-', (th) => th.source),
              ...moveMoney('*to += n;', 'target.balance = target.balance + n', '+', (th) => th.target),
              // The comment goes on to its next line in lib.rs: both lines, not one ending in ':'.
              releaseBoth('} // second.lock.release(), then first.lock.release():\n' +
                '// the guards are dropped in reverse order',
                ['second.lock.release()', 'first.lock.release()'], (th) => [higherSecond(th), lowerFirst(th)]),
            ],
          })),
          ending: lockOrderEnding,
          bad: (ending) => ending === 'deadlock',
          state: lockOrderState,
        },
      ],
    },
    'channel-ledger': {
      title: 'Be the scheduler: the ledger, the tellers, and the Senders',
      says: (end) => `the ledger returned ${end}, and main prints it`,
      endsAt: (end) => `the ledger returning ${end}`,
      intro: 'main, the ledger and the two tellers, each a column of the lesson\'s own lines: ' +
        'pick which thread takes its next step.',
      size: '1 pair per teller',
      variants: [
        {
          id: 'forgotten', label: 'The forgotten Sender',
          code: 'main without drop(sender) (mistakes/forgotten-sender)',
          goal: 'Make the program hang. Here it hangs whatever the order: main never drops ' +
            'Sender 1. Step the threads and see where each one ends up.',
          // The order of the timeline above (loom's), then main's joins.
          show: [2, 2, 2, 1, 1, 1, 1, 3, 3, 3, 1, 1, 1, 1, 0, 0],
          shared: () => ({ queue: [], senders: [1, 2, 3], ledger: 0, returned: null }),
          threads: channelLedger(true),
          ending: (s) => String(s.shared.returned),
          bad: (ending) => ending === 'deadlock',
          state: channelState,
        },
        {
          id: 'dropped', label: 'As written',
          code: 'three_threads, with drop(sender)',
          goal: 'Make the program hang: every thread still running waits forever.',
          safe: 'No order can hang once main drops its Sender.',
          shared: () => ({ queue: [], senders: [1, 2, 3], ledger: 0, returned: null }),
          threads: channelLedger(false),
          ending: (s) => String(s.shared.returned),
          bad: (ending) => ending === 'deadlock',
          state: channelState,
        },
      ],
    },
  };

  function channelState(s) {
    return [
      ['queue', `[${s.shared.queue.join(', ')}]`],
      ['Senders alive', s.shared.senders.length ?
        s.shared.senders.map((n) => `${n} (${holderOf(n)})`).join(', ') : 'none'],
      ["the ledger's balance", String(s.shared.ledger)],
    ];
  }

  // ---------------------------------------------------------------------------------------
  // The model: states, steps, endings.

  function initial(variant) {
    return {
      shared: variant.shared(),
      threads: variant.threads.map(() => ({ pc: 0 })),
      done: {},
    };
  }

  function clone(state) {
    return JSON.parse(JSON.stringify(state));
  }

  /** What thread i can do now: {step} if it can go, {blocked: why}, or {done: true}. */
  function next(variant, state, i) {
    const thread = variant.threads[i];
    const me = state.threads[i];
    if (me.pc >= thread.steps.length) return { done: true };
    const step = thread.steps[me.pc];
    const why = step.blocked ? step.blocked(state, me, thread) : null;
    return why ? { step, blocked: why } : { step };
  }

  /** The state after thread i's next step, and what it did. */
  function advance(variant, state, i) {
    const after = clone(state);
    const thread = variant.threads[i];
    const me = after.threads[i];
    const step = thread.steps[me.pc];
    const pc = me.pc;
    const did = step.run(after, me, thread);
    if (me.pc === pc) me.pc += 1;
    if (me.pc >= thread.steps.length) after.done[thread.name] = true;
    return { state: after, did };
  }

  /** 'running', or the ending: the variant's own words for it, or 'deadlock'. */
  function ending(variant, state) {
    const all = variant.threads.map((_, i) => next(variant, state, i));
    if (all.every((n) => n.done)) return variant.ending(state);
    if (all.every((n) => n.done || n.blocked)) return 'deadlock';
    return null;
  }

  /** Every state reachable, breadth first: the endings, and a shortest path to each. */
  function explore(variant) {
    const start = initial(variant);
    const seen = new Map([[JSON.stringify(start), null]]);
    const queue = [start];
    const endings = new Map();
    let states = 0;
    while (queue.length) {
      const state = queue.shift();
      states += 1;
      const key = JSON.stringify(state);
      const end = ending(variant, state);
      if (end !== null) {
        if (!endings.has(end)) endings.set(end, key);
        continue;
      }
      variant.threads.forEach((_, i) => {
        const n = next(variant, state, i);
        if (n.done || n.blocked) return;
        const after = advance(variant, state, i).state;
        const afterKey = JSON.stringify(after);
        if (!seen.has(afterKey)) {
          seen.set(afterKey, { from: key, thread: i });
          queue.push(after);
        }
      });
    }
    // How many orders of the steps there are from the start to an ending: the state graph has
    // no cycle (every step moves a thread on, or empties the queue), so count by memo.
    const counted = new Map();
    const paths = (state) => {
      const key = JSON.stringify(state);
      if (counted.has(key)) return counted.get(key);
      let total = 0;
      if (ending(variant, state) !== null) total = 1;
      else {
        variant.threads.forEach((_, i) => {
          const n = next(variant, state, i);
          if (!n.done && !n.blocked) total += paths(advance(variant, state, i).state);
        });
      }
      counted.set(key, total);
      return total;
    };
    const orders = paths(start);
    const pathTo = (key) => {
      const path = [];
      for (let link = seen.get(key); link; link = seen.get(link.from)) path.unshift(link.thread);
      return path;
    };
    return { endings, pathTo, states, orders };
  }

  /**
   * The path "Show me" plays: the variant's `show` (the order the chapter's timeline tells) when
   * it is a shortest path to a bad ending, else the first shortest one found. A `show` that is
   * not is reported on the console (the book's test fails on it) and not played.
   */
  function showPath(variant, endings, pathTo) {
    const bad = [...endings.keys()].filter((e) => variant.bad(e));
    if (!bad.length) return null;
    const shortest = pathTo(endings.get(bad[0]));
    if (!variant.show) return { path: shortest, told: false };
    let state = initial(variant);
    for (const i of variant.show) {
      const n = next(variant, state, i);
      if (n.done || n.blocked || ending(variant, state) !== null) { state = null; break; }
      state = advance(variant, state, i).state;
    }
    const end = state && ending(variant, state);
    if (end !== null && end !== undefined && variant.bad(end) && variant.show.length === shortest.length) {
      return { path: variant.show, told: true };
    }
    console.error(`scheduler: ${variant.id}'s "show" order is not a shortest path to the goal`);
    return { path: shortest, told: false };
  }

  // ---------------------------------------------------------------------------------------
  // The panel.

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  };

  /** A step's Rust line, the part it reads or writes underlined (where the step names it). */
  function rustLine(stepSpec) {
    const code = el('code', { class: 'scheduler-rust' });
    const { rust, marks } = stepSpec;
    const at = marks ? (marks.last ? rust.lastIndexOf(marks.text) : rust.indexOf(marks.text)) : -1;
    if (at < 0) {
      code.textContent = rust;
      return code;
    }
    code.append(rust.slice(0, at), el('span', { class: 'scheduler-hl', text: marks.text }),
      rust.slice(at + marks.text.length));
    return code;
  }

  let panelCount = 0;

  /** `1, 2` or `1 to 4`: the number keys of a panel's threads. */
  function variantKeys(spec) {
    const most = Math.max(...spec.variants.map((v) => v.threads.length));
    return most === 2 ? '1, 2' : `1 to ${most}`;
  }

  /** The panels of the page and how to hand one a key pressed while nothing has the focus. */
  const panels = [];

  function build(root) {
    const lesson = root.dataset.scheduler;
    const spec = PANELS[lesson];
    if (!spec) return;
    panelCount += 1;
    const id = `scheduler-${panelCount}`;
    const panel = el('section', {
      class: 'scheduler-panel', 'aria-labelledby': `${id}-title`, tabindex: '-1',
    });
    const title = el('h4', { id: `${id}-title`, class: 'scheduler-title', text: spec.title });
    const help = el('p', {
      class: 'scheduler-help',
      text: `You are the scheduler (${spec.size}). ${spec.intro} ` +
        `Keys: ${variantKeys(spec)} step that thread while the panel is in view; once you have ` +
        'clicked in the panel or tabbed into it, U undoes, R resets, S shows me (a shortest way to the goal).',
    });
    const tabs = el('div', { class: 'scheduler-variants', role: 'group', 'aria-label': 'Which code' });
    const goal = el('p', { class: 'scheduler-goal' });
    const columns = el('div', { class: 'scheduler-threads' });
    // The step buttons, the shared state and the controls together: on a phone, where the
    // threads stack, this dock stays at the bottom of the window while the panel is in view.
    const stepBar = el('div', { class: 'scheduler-stepbar', role: 'group', 'aria-label': 'Step a thread' });
    const shared = el('dl', { class: 'scheduler-shared', 'aria-label': 'Shared state' });
    const controls = el('div', { class: 'scheduler-controls', role: 'group', 'aria-label': 'Controls' });
    const undo = el('button', { type: 'button', 'data-action': 'undo', text: 'Undo' });
    const reset = el('button', { type: 'button', 'data-action': 'reset', text: 'Reset' });
    const show = el('button', { type: 'button', 'data-action': 'show', text: 'Show me' });
    controls.append(undo, reset, show);
    const status = el('p', { class: 'scheduler-status', role: 'status', 'aria-live': 'polite' });
    const banner = el('p', { class: 'scheduler-banner', 'aria-live': 'assertive', hidden: '' });
    const history = el('ol', { class: 'scheduler-history', 'aria-label': 'Steps taken' });
    // The banner is in the dock too: on a phone, the end of a run is said where the reader is.
    const dock = el('div', { class: 'scheduler-dock' }, stepBar, shared, controls, status, banner);
    panel.append(title, help, tabs, goal, columns, dock,
      el('details', { class: 'scheduler-log' }, el('summary', { text: 'Steps taken' }), history));

    let variant = spec.variants[0];
    let states = [];
    let log = [];
    let playing = null;
    let explored = new Map();
    // While "Show me" plays, what its steps' status lines begin with.
    let playNote = '';

    const analysis = () => {
      if (!explored.has(variant.id)) explored.set(variant.id, explore(variant));
      return explored.get(variant.id);
    };

    function setVariant(v) {
      variant = v;
      states = [initial(v)];
      log = [];
      for (const button of tabs.children) {
        button.setAttribute('aria-pressed', String(button.dataset.variant === v.id));
      }
      goal.textContent = `Goal: ${v.goal} (The code: ${v.code}.)`;
      banner.hidden = true;
      banner.textContent = '';
      render('');
    }

    for (const v of spec.variants) {
      const button = el('button', { type: 'button', 'data-variant': v.id, text: v.label });
      button.addEventListener('click', () => { stop(); setVariant(v); });
      tabs.append(button);
    }

    function stop() {
      if (playing !== null) clearTimeout(playing);
      playing = null;
      playNote = '';
      panel.removeAttribute('data-playing');
    }

    function step(i) {
      const state = states[states.length - 1];
      const n = next(variant, state, i);
      if (n.done || n.blocked || ending(variant, state) !== null) return false;
      const { state: after, did } = advance(variant, state, i);
      states.push(after);
      const name = variant.threads[i].name;
      log.push(`${name} ${did}`);
      render(`${playNote}${name} ${did}.`);
      return true;
    }

    function undoStep() {
      if (states.length <= 1) return;
      states.pop();
      log.pop();
      banner.hidden = true;
      banner.textContent = '';
      render('Undone: back one step.');
    }

    function showMe() {
      stop();
      const { endings, pathTo, orders } = analysis();
      const shown = showPath(variant, endings, pathTo);
      if (!shown) {
        const all = listed([...endings.keys()].map((e) => spec.endsAt(e)));
        banner.hidden = false;
        banner.dataset.kind = 'safe';
        banner.textContent = `Every order ends well: all ${fmt(orders)} orders the steps can run in ` +
          `end with ${all}. ${variant.safe}`;
        render('');
        return;
      }
      const { path, told } = shown;
      const taken = states.length - 1;
      states = [initial(variant)];
      log = [];
      banner.hidden = true;
      // Both kinds are a shortest way to the goal (showPath checks a told one is).
      playNote = `Show me, ${told ? "the chapter's order" : 'a shortest order'} from the start` +
        `${taken ? ` (your ${taken} step${taken > 1 ? 's' : ''} set aside)` : ''}: `;
      render(playNote.replace(/: $/, '.'));
      panel.setAttribute('data-playing', '');
      const delay = matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 450;
      const play = (k) => {
        if (k >= path.length) { stop(); return; }
        step(path[k]);
        playing = setTimeout(() => play(k + 1), delay);
      };
      play(0);
    }

    undo.addEventListener('click', () => { stop(); undoStep(); });
    reset.addEventListener('click', () => { stop(); setVariant(variant); });
    show.addEventListener('click', showMe);

    // mdBook moves to the previous or next chapter on the arrow keys, and searches on S: keys
    // pressed inside the panel are the panel's.
    panel.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      event.stopPropagation();
      handleKey(event);
    });
    // A number key pressed while nothing has the focus goes to the panel in view (see start).
    panels.push({ panel, threads: columns, handleKey });

    function handleKey(event) {
      const key = event.key.toLowerCase();
      const number = Number.parseInt(key, 10);
      if (number >= 1 && number <= variant.threads.length) {
        stop();
        step(number - 1);
        event.preventDefault();
      } else if (key === 'u' || key === 'backspace') {
        stop(); undoStep(); event.preventDefault();
      } else if (key === 'r') {
        stop(); setVariant(variant); event.preventDefault();
      } else if (key === 's') {
        showMe(); event.preventDefault();
      }
    }

    function render(said) {
      // The step buttons are drawn anew: keep the keyboard focus on the one that had it (or on
      // the panel, if that one is now disabled), so that a keyboard user is not sent back to
      // the top of the page.
      const active = document.activeElement;
      const hadFocus = panel.contains(active);
      const focusedThread = hadFocus ? active.dataset.thread : undefined;
      const state = states[states.length - 1];
      const end = ending(variant, state);
      columns.replaceChildren();
      stepBar.replaceChildren();
      variant.threads.forEach((thread, i) => {
        const n = next(variant, state, i);
        const column = el('section', {
          class: 'scheduler-thread', 'aria-label': `${thread.name} (${thread.about})`,
        });
        column.append(el('h5', { text: `${i + 1}. ${thread.name}` },
          el('span', { class: 'scheduler-about', text: ` (${thread.about})` })));
        const list = el('ol', { class: 'scheduler-steps' });
        if (thread.note) list.append(el('li', { class: 'scheduler-note', text: thread.note }));
        thread.steps.forEach((stepSpec, k) => {
          const pc = state.threads[i].pc;
          const row = el('li', { class: 'scheduler-row' });
          let mark = '';
          if (k === pc && !n.done) {
            row.classList.add(n.blocked ? 'scheduler-blocked-row' : 'scheduler-next');
            row.setAttribute('aria-current', 'step');
            mark = n.blocked ? '■ waits' : '▶ next';
          } else if (k < pc) {
            row.classList.add('scheduler-done-row');
            mark = '✓';
          }
          // On a phone only the shape shows (scheduler.css): the word stays for screen readers.
          const [shape, ...word] = mark.split(' ');
          row.append(el('span', { class: 'scheduler-mark' }, shape,
            word.length ? el('span', { class: 'scheduler-mark-word', text: ` ${word.join(' ')}` }) : null));
          row.append(rustLine(stepSpec));
          const meta = el('span', { class: 'scheduler-meta' });
          if (stepSpec.part) {
            meta.append(el('span', {
              class: `scheduler-part scheduler-${stepSpec.part}`, text: stepSpec.label ?? `its ${stepSpec.part}`,
            }));
          }
          const py = [].concat(stepSpec.py);
          if (py.length) meta.append(el('code', { class: 'scheduler-py', text: `Python: ${py.join('; ')}` }));
          if (meta.childNodes.length) row.append(meta);
          list.append(row);
        });
        column.append(list);
        let what;
        if (n.done) what = 'done';
        else if (n.blocked) what = `blocked: ${n.blocked}`;
        else what = 'ready';
        // What the thread has read and not yet written back: the race turns on it.
        const mine = state.threads[i];
        if (!n.done && n.step?.part === 'write' && mine.read !== undefined) {
          what += `; holds ${fmt(mine.read)}, the value it read`;
        }
        const stateId = `${id}-thread-${i}`;
        column.append(el('p', {
          id: stateId, class: `scheduler-thread-state${n.blocked ? ' scheduler-blocked' : ''}`,
          text: what,
        }));
        const button = el('button', {
          type: 'button', class: 'scheduler-step-button', 'data-thread': String(i),
          text: `Step ${thread.name}`, 'aria-keyshortcuts': String(i + 1),
          'aria-describedby': stateId,
        });
        if (n.done || n.blocked || end !== null) button.disabled = true;
        button.addEventListener('click', () => { stop(); step(i); });
        stepBar.append(button);
        columns.append(column);
      });
      shared.replaceChildren();
      for (const [name, value] of variant.state(state)) {
        shared.append(el('div', {}, el('dt', { text: name }), el('dd', { text: value })));
      }
      undo.disabled = states.length <= 1;
      if (hadFocus) {
        const again = focusedThread === undefined ? active
          : stepBar.querySelector(`.scheduler-step-button[data-thread="${focusedThread}"]`);
        if (again && !again.disabled && again.isConnected) again.focus();
        else panel.focus();
      }
      history.replaceChildren(...log.map((line) => el('li', { text: line })));
      panel.dataset.state = JSON.stringify(state);
      panel.dataset.variant = variant.id;
      if (end === null) {
        panel.removeAttribute('data-ending');
        status.textContent = said;
        return;
      }
      panel.dataset.ending = end;
      // The banner says how it ended; the status line only what the last step did.
      status.textContent = said;
      let words;
      if (end === 'deadlock') {
        const waiting = [];
        const done = [];
        variant.threads.forEach((t, i) => {
          const why = next(variant, state, i).blocked;
          if (why) waiting.push(`${t.name} ${why}`);
          else done.push(t.name);
        });
        words = done.length
          ? `The program hangs: ${waiting.length === 1 ? 'a thread waits' : 'threads wait'} forever. ` +
            `${waiting.join('; ')}. ${listed(done)} ${done.length > 1 ? 'are' : 'is'} done.`
          : `Every thread waits forever: a deadlock. ${waiting.join('; ')}.`;
      } else {
        words = `The program ended: ${spec.says(end)}.`;
        const lost = state.shared.lost || 0;
        if (lost && !variant.bad(end)) {
          words += ` ${lost === 2 ? 'Two' : lost} updates were lost on the way, and cancelled out: ` +
            'the balance is right by luck, not by design.';
        }
      }
      banner.hidden = false;
      if (variant.bad(end)) {
        banner.dataset.kind = 'goal';
        banner.textContent = `Goal reached: ${words}`;
      } else if (variant.safe) {
        banner.dataset.kind = 'ended';
        banner.textContent = `${words} ${variant.safe} Show me tells how every order ends.`;
      } else {
        banner.dataset.kind = 'ended';
        banner.textContent = `${words} Not the goal this time: undo, or reset and try another order.`;
      }
    }

    root.prepend(panel);
    root.classList.add('scheduler-live');
    // mdBook's `.content` is `overflow-y: auto`, which makes it the box the dock sticks in, and
    // it never scrolls (the page does): scheduler.css lets it overflow on a page with a panel.
    root.closest('.content')?.classList.add('scheduler-host');
    setVariant(variant);
  }

  function start() {
    document.querySelectorAll('div.scheduler[data-scheduler]').forEach(build);
    if (!panels.length) return;
    // A number key pressed while nothing has the focus (the reader scrolled to a panel and did
    // not click) steps a thread of the panel most in view, and gives that panel the focus, so
    // that its other keys work from then on. mdBook has no number keys of its own.
    document.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || !/^[1-9]$/.test(event.key)) return;
      const active = document.activeElement;
      if (active && active !== document.body && active !== document.documentElement) return;
      let best = null;
      let most = 0;
      for (const candidate of panels) {
        const box = candidate.threads.getBoundingClientRect();
        const seen = Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0);
        if (seen > most) { most = seen; best = candidate; }
      }
      if (!best) return;
      best.panel.focus({ preventScroll: true });
      best.handleKey(event);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
