// The "Be the scheduler" panels (docs/theme/scheduler.js), checked in headless Chromium: run by
// `cargo xtask book --test` after book.test.mjs, with BOOK_ROOT (target/book), CHROMIUM and
// REPO_ROOT (the workspace, for the lessons' sources) set.
//
// What makes a panel honest is checked here: every line it shows is the lesson's own; and a walk
// of every path its buttons allow (each step button of each state, undone after) ends in exactly
// the endings loom reported for the lesson's code at the same size, read from the generated
// figures that `cargo xtask prove` wrote into the chapter. A change to the lesson that changes
// what loom finds changes those figures, and this test fails until the panel agrees.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = process.env.BOOK_ROOT;
const CHROMIUM = process.env.CHROMIUM;
const REPO = process.env.REPO_ROOT;
assert.ok(ROOT && CHROMIUM && REPO, 'run me through `cargo xtask book --test` (BOOK_ROOT, CHROMIUM, REPO_ROOT)');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const PLAYGROUND_CRATES = 'https://play.rust-lang.org/meta/crates';
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.ico': 'image/x-icon',
};

// Each panel, its chapter, its lesson's sources, and for each of its variants the figure loom
// reported for the same code at the same size: `proof <lesson> <model> <key>`, as the chapter's
// generated block names it. The figure's value is read from the built chapter, never from here.
const PANELS = [
  {
    lesson: 'lock-balance', page: '/docs/lock-balance.html', python: 'lock_balance.py',
    variants: {
      'no-lock': 'without_the_lock_the_reachable_balances_are_exactly_the_oracles_1_iteration reachable',
      lock: 'with_the_lock_every_explored_interleaving_ends_at_zero_1_iteration reachable',
    },
  },
  {
    lesson: 'lock-order', page: '/docs/lock-order.html', python: 'lock_order.py',
    variants: {
      opposite: 'with_opposite_orders_loom_finds_the_deadlock endings',
      'lower-first': 'with_the_lower_first_no_execution_deadlocks_1_transfer endings',
    },
  },
  {
    lesson: 'channel-ledger', page: '/docs/channel-ledger.html', python: 'channel_ledger.py',
    variants: {
      forgotten: 'contrast_with_mains_sender_kept_the_ledger_waits_forever endings',
      dropped: 'the_ledger_ends_once_every_sender_is_gone endings',
    },
  },
];

function fileOf(urlPath) {
  let file = path.normalize(path.join(ROOT, decodeURIComponent(urlPath)));
  if (!file.startsWith(path.normalize(ROOT))) return null;
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  return fs.existsSync(file) ? file : null;
}

let server;
let origin;
let browser;

before(async () => {
  server = http.createServer((request, response) => {
    const file = fileOf(new URL(request.url, 'http://127.0.0.1').pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'text/plain; charset=utf-8' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM, args: FLAGS, headless: true, chromiumSandbox: false,
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A page at `width` px (JavaScript on unless told), its errors collected in `errors`. */
async function open(pagePath, width, errors, { javaScript = true, height = 900 } = {}) {
  const context = await browser.newContext({
    viewport: { width, height }, javaScriptEnabled: javaScript,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    if (url === PLAYGROUND_CRATES) {
      return route.fulfill({ contentType: 'application/json', body: '{"crates":[]}' });
    }
    errors.push(`a request outside the book: ${url}`);
    return route.abort();
  });
  await page.goto(origin + pagePath, { waitUntil: 'load', timeout: 30_000 });
  page.closeAll = () => context.close();
  return page;
}

/** The generated figure `proof <lesson> <source>` of a built page, as its text. */
function figure(pagePath, lesson, source) {
  const html = fs.readFileSync(fileOf(pagePath), 'utf8');
  const begin = `<!-- generated: proof ${lesson} ${source} -->`;
  const at = html.indexOf(begin);
  assert.ok(at >= 0, `${pagePath} has no generated figure \`proof ${lesson} ${source}\``);
  const end = html.indexOf('<!-- end generated -->', at);
  return html.slice(at + begin.length, end)
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')
    .trim();
}

/** A figure's endings as a sorted list: `{a, b}` (a set of balances) or `a; b` (endings). */
function endingsOf(text) {
  const items = text.startsWith('{') ? text.slice(1, -1).split(', ') : text.split('; ');
  return items.map((item) => item.trim()).filter(Boolean).sort();
}

/**
 * Walks every state the panel's buttons reach, in the page: in each state, clicks each step
 * button that is enabled, walks on from there, then clicks Undo and checks that it is back.
 * Returns the endings reached, the number of states and of complete paths (schedules), and the
 * fewest steps to a bad ending (from the goal banner) if any.
 */
function walkInPage(panel) {
  const stepButton = (t) => panel.querySelector(`.scheduler-step-button[data-thread="${t}"]`);
  const undo = () => panel.querySelector('[data-action="undo"]');
  const memo = new Map();
  const endings = new Set();
  let clicks = 0;
  // For a state: [paths to an ending from it, fewest steps to the goal (Infinity if none)].
  function visit() {
    const key = panel.dataset.state;
    if (memo.has(key)) return memo.get(key);
    let result;
    if (panel.dataset.ending !== undefined) {
      endings.add(panel.dataset.ending);
      const banner = panel.querySelector('.scheduler-banner');
      const goal = !banner.hidden && banner.dataset.kind === 'goal';
      result = [1, goal ? 0 : Infinity];
    } else {
      const enabled = [...panel.querySelectorAll('.scheduler-step-button')]
        .filter((b) => !b.disabled).map((b) => b.dataset.thread);
      if (!enabled.length) throw new Error(`no step possible and no ending, in state ${key}`);
      let paths = 0;
      let fewest = Infinity;
      for (const t of enabled) {
        stepButton(t).click();
        clicks += 1;
        if (panel.dataset.state === key) throw new Error(`thread ${t}'s step changed nothing`);
        const [p, f] = visit();
        paths += p;
        fewest = Math.min(fewest, f + 1);
        undo().click();
        if (panel.dataset.state !== key) throw new Error('Undo did not go back one step');
      }
      result = [paths, fewest];
    }
    memo.set(key, result);
    return result;
  }
  const [paths, fewest] = visit();
  return {
    endings: [...endings].sort(), states: memo.size, paths, clicks,
    fewest: fewest === Infinity ? null : fewest,
  };
}

/** Clicks a panel's variant button. */
async function choose(page, panel, variant) {
  await panel.locator(`.scheduler-variants button[data-variant="${variant}"]`).click();
  assert.equal(await panel.getAttribute('data-variant'), variant);
}

test('every line a panel shows is the lesson\'s own: Rust from src/lib.rs, Python from its program', async () => {
  const problems = [];
  let count = 0;
  for (const { lesson, page: pagePath, python, variants } of PANELS) {
    const rust = fs.readFileSync(path.join(REPO, 'crates', lesson, 'src', 'lib.rs'), 'utf8')
      .split('\n').map((line) => line.trim());
    // A row may be a line, or consecutive lines (a comment that goes on), joined by newlines.
    const rustText = `\n${rust.join('\n')}\n`;
    // The Python: the lesson's program, the Python lines quoted beside the Rust in lib.rs, and
    // the chapter's Python (where the variant the program does not ship, opposite orders, is).
    const pythonText = [
      fs.readFileSync(path.join(REPO, 'crates', lesson, python), 'utf8'),
      rust.join('\n'),
      fs.readFileSync(path.join(REPO, 'docs', `${lesson}.md`), 'utf8'),
    ].join('\n');
    const errors = [];
    const page = await open(pagePath, 1000, errors);
    const panel = page.locator('.scheduler-panel');
    for (const variant of Object.keys(variants)) {
      await choose(page, panel, variant);
      const rows = await panel.locator('.scheduler-row').evaluateAll((items) => items.map((row) => ({
        rust: row.querySelector('.scheduler-rust').textContent,
        py: row.querySelector('.scheduler-py')?.textContent.replace(/^Python: /, '') ?? '',
      })));
      assert.ok(rows.length > 4, `${lesson} ${variant}: only ${rows.length} rows`);
      for (const row of rows) {
        count += 1;
        if (!rustText.includes(`\n${row.rust}\n`)) {
          problems.push(`${lesson} (${variant}): \`${row.rust}\` is no line of crates/${lesson}/src/lib.rs`);
        }
        for (const line of row.py.split('; ').filter(Boolean)) {
          if (!pythonText.includes(line)) {
            problems.push(`${lesson} (${variant}): Python \`${line}\` is not in ${python}, lib.rs or the chapter`);
          }
        }
      }
    }
    problems.push(...errors.map((error) => `${pagePath}: ${error}`));
    await page.closeAll();
  }
  assert.ok(count > 40, `only ${count} rows checked`);
  assert.ok(problems.length === 0, `${problems.length} lines not the lesson's:\n  ${problems.join('\n  ')}`);
});

for (const { lesson, page: pagePath, variants } of PANELS) {
  test(`${lesson}: every path the panel allows ends as loom found at the same size`, async () => {
    const errors = [];
    const page = await open(pagePath, 1000, errors);
    const panel = page.locator('.scheduler-panel');
    const report = [];
    for (const [variant, source] of Object.entries(variants)) {
      const loom = endingsOf(figure(pagePath, lesson, source));
      await choose(page, panel, variant);
      const walked = await panel.evaluate(walkInPage);
      report.push(`${variant}: ${walked.paths} paths, ${walked.states} states, endings ${walked.endings.join(' | ')}`);
      assert.deepEqual(
        walked.endings, loom,
        `${lesson}, ${variant}: the panel's ${walked.paths} paths end at\n  ${walked.endings.join(' | ')}\n` +
        `but loom, for the lesson's code (proof ${lesson} ${source}), found\n  ${loom.join(' | ')}`,
      );
      // The goal is reachable exactly where loom found a bad ending, and "Show me" plays a
      // shortest path to it (or says that there is none).
      await panel.locator('[data-action="reset"]').click();
      await panel.locator('[data-action="show"]').click();
      const banner = panel.locator('.scheduler-banner');
      if (walked.fewest === null) {
        await banner.waitFor({ state: 'visible', timeout: 5_000 });
        assert.equal(await banner.getAttribute('data-kind'), 'safe');
        // Big numbers are written as the book writes them (2 000 000, no-break gaps).
        const text = (await banner.textContent()).replace(/(\d)\u00a0(?=\d)/g, '$1');
        for (const ending of loom) assert.ok(text.includes(ending), `the banner does not name ${ending}: ${text}`);
        assert.ok(text.includes(`all ${walked.paths} orders the steps can run in end with`),
          `the banner miscounts the paths: ${text}`);
      } else {
        await page.waitForFunction(
          (p) => p.dataset.ending !== undefined && !p.hasAttribute('data-playing'),
          await panel.elementHandle(), { timeout: 30_000 },
        );
        assert.equal(await banner.getAttribute('data-kind'), 'goal', `${variant}: Show me did not reach the goal`);
        const steps = await panel.locator('.scheduler-history li').count();
        assert.equal(steps, walked.fewest, `${variant}: Show me took ${steps} steps, the fewest is ${walked.fewest}`);
      }
    }
    // The lock-balance panel without the lock has the oracle's four steps per thread: its paths
    // are the oracle's interleavings, one for one.
    if (lesson === 'lock-balance') {
      const oracle = figure(pagePath, lesson,
        'without_the_lock_the_reachable_balances_are_exactly_the_oracles_1_iteration oracle');
      const walked = report[0].match(/^no-lock: (\d+) paths/)[1];
      assert.match(oracle, new RegExp(` over ${walked} interleavings`), `panel paths ${walked}, oracle: ${oracle}`);
    }
    console.log(`  ${lesson}:\n    ${report.join('\n    ')}`);
    assert.deepEqual(errors, []);
    await page.closeAll();
  });
}

test('lock-balance: the lost update is reached by clicks, and Undo and Reset go back', async () => {
  const errors = [];
  const page = await open('/docs/lock-balance.html', 1000, errors);
  const panel = page.locator('.scheduler-panel');
  await choose(page, panel, 'no-lock');
  const step = (name) => panel.getByRole('button', { name: `Step ${name}` }).click();
  // Both read 0; Thread-2 writes 8; Thread-1 writes 5 over it: Thread-2's deposit is lost.
  await step('Thread-1');
  await step('Thread-2');
  await step('Thread-2');
  await step('Thread-1');
  assert.match(await panel.locator('.scheduler-status').textContent(), /overwrites 8: an update is lost/);
  await step('Thread-1');
  await step('Thread-1');
  await step('Thread-2');
  await step('Thread-2');
  assert.equal(await panel.getAttribute('data-ending'), '-8');
  const banner = panel.locator('.scheduler-banner');
  assert.equal(await banner.getAttribute('data-kind'), 'goal');
  assert.match(await banner.textContent(), /Goal reached: The program ended: the balance is -8/);
  assert.equal(await panel.locator('.scheduler-shared dd').first().textContent(), '-8');
  // Both step buttons are now disabled: each thread is done.
  assert.equal(await panel.locator('.scheduler-step-button:disabled').count(), 2);
  await panel.getByRole('button', { name: 'Undo' }).click();
  assert.equal(await panel.getAttribute('data-ending'), null);
  assert.equal(await banner.isHidden(), true);
  await panel.getByRole('button', { name: 'Reset' }).click();
  assert.equal(await panel.locator('.scheduler-history li').count(), 0);
  assert.equal(await panel.locator('.scheduler-shared dd').first().textContent(), '0');
  // With the lock, a thread that asks for it while the other holds it says why it waits.
  await choose(page, panel, 'lock');
  await step('Thread-1');
  const waiting = panel.locator('.scheduler-thread').nth(1).locator('.scheduler-thread-state');
  assert.equal(await waiting.textContent(), 'blocked: waits for the lock, which Thread-1 holds');
  assert.equal(await panel.getByRole('button', { name: 'Step Thread-2' }).isDisabled(), true);
  assert.deepEqual(errors, []);
  await page.closeAll();
});

test('the panels say why a deadlocked thread waits', async () => {
  const errors = [];
  const page = await open('/docs/channel-ledger.html', 1000, errors);
  const panel = page.locator('.scheduler-panel');
  await choose(page, panel, 'forgotten');
  await panel.getByRole('button', { name: 'Show me' }).click();
  await page.waitForFunction((p) => p.dataset.ending === 'deadlock' && !p.hasAttribute('data-playing'),
    await panel.elementHandle(), { timeout: 30_000 });
  const ledger = await panel.locator('.scheduler-thread').nth(1).locator('.scheduler-thread-state').textContent();
  assert.match(ledger, /^blocked: waits in recv: the queue is empty and Sender 1 \(main's\) lives, which main never drops$/);
  const main = await panel.locator('.scheduler-thread').nth(0).locator('.scheduler-thread-state').textContent();
  assert.equal(main, 'blocked: waits in join for Ledger to end');
  const page2 = await open('/docs/lock-order.html', 1000, errors);
  const orders = page2.locator('.scheduler-panel');
  // Opposite orders, as the chapter tells it: Thread-1 locks A and asks for B; Thread-2 locks B
  // and asks for A; each then waits for the other. Asking and taking are a step each.
  for (const name of ['Thread-1', 'Thread-1', 'Thread-1', 'Thread-2', 'Thread-2']) {
    await orders.getByRole('button', { name: `Step ${name}` }).click();
    assert.equal(await orders.getAttribute('data-ending'), null, 'Thread-2 can still take its step');
  }
  assert.deepEqual(await orders.locator('.scheduler-history li').allTextContents(), [
    'Thread-1 asks for account A', 'Thread-1 locks account A', 'Thread-1 asks for account B',
    'Thread-2 asks for account B', 'Thread-2 locks account B',
  ]);
  await orders.getByRole('button', { name: 'Step Thread-2' }).click();
  assert.equal(await orders.getAttribute('data-ending'), 'deadlock');
  assert.equal(await orders.locator('.scheduler-banner').getAttribute('data-kind'), 'goal');
  const states = await orders.locator('.scheduler-thread-state').allTextContents();
  assert.deepEqual(states, [
    'blocked: waits for account B, which Thread-2 holds',
    'blocked: waits for account A, which Thread-1 holds',
  ]);
  assert.deepEqual(errors, []);
  await page.closeAll();
  await page2.closeAll();
});

test('a panel works from the keyboard, and its keys are not mdBook\'s', async () => {
  const errors = [];
  const page = await open('/docs/lock-balance.html', 1000, errors);
  const panel = page.locator('.scheduler-panel');
  const before = page.url();
  // Tab reaches the panel's buttons; Enter presses one.
  await panel.locator('.scheduler-variants button[data-variant="no-lock"]').focus();
  let tabs = 0;
  while (!(await page.evaluate(() => document.activeElement?.textContent === 'Step Thread-1')) && tabs < 20) {
    await page.keyboard.press('Tab');
    tabs += 1;
  }
  assert.ok(tabs < 20, 'Tab never reached the button Step Thread-1');
  await page.keyboard.press('Enter');
  assert.equal(await panel.locator('.scheduler-history li').count(), 1);
  // The number keys step a thread; U undoes; the arrow keys and S do not reach mdBook.
  await page.keyboard.press('2');
  assert.deepEqual(await panel.locator('.scheduler-history li').allTextContents(),
    ['Thread-1 reads 0', 'Thread-2 reads 0']);
  await page.keyboard.press('u');
  assert.equal(await panel.locator('.scheduler-history li').count(), 1);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  assert.equal(page.url(), before, 'an arrow key in the panel turned the page');
  await page.keyboard.press('r');
  assert.equal(await panel.locator('.scheduler-history li').count(), 0);
  await page.keyboard.press('s');
  await page.waitForFunction((p) => p.dataset.ending !== undefined && !p.hasAttribute('data-playing'),
    await panel.elementHandle(), { timeout: 30_000 });
  assert.equal(await panel.locator('.scheduler-banner').getAttribute('data-kind'), 'goal');
  assert.equal(await page.locator('#mdbook-searchbar, #searchbar').first().isVisible(), false,
    'S in the panel opened mdBook\'s search');
  // Outside the panel, mdBook's arrow key still turns the page: the check above can fail.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('ArrowRight');
  await page.waitForURL((url) => url.href !== before, { timeout: 10_000 });
  assert.deepEqual(errors, []);
  await page.closeAll();
});

test('the panels are labelled for screen readers, and not by colour alone', async () => {
  const errors = [];
  for (const { page: pagePath } of PANELS) {
    const page = await open(pagePath, 1000, errors);
    const facts = await page.locator('.scheduler-panel').evaluate((panel) => ({
      label: document.getElementById(panel.getAttribute('aria-labelledby'))?.textContent,
      live: [...panel.querySelectorAll('[aria-live]')].map((el) => el.getAttribute('aria-live')),
      threads: [...panel.querySelectorAll('.scheduler-thread')].map((el) => el.getAttribute('aria-label')),
      current: [...panel.querySelectorAll('[aria-current="step"] .scheduler-mark')].map((el) => el.textContent),
      pressed: [...panel.querySelectorAll('.scheduler-variants button')].map((el) => el.getAttribute('aria-pressed')),
    }));
    assert.match(facts.label ?? '', /^Be the scheduler/, `${pagePath}: the panel has no name`);
    assert.deepEqual(facts.live.sort(), ['assertive', 'polite'], `${pagePath}: live regions`);
    assert.ok(facts.threads.every((label) => /^(Thread-\d|main|Ledger) \(/.test(label)), facts.threads.join());
    // At the start each thread's first row is marked: "▶ next", or "■ waits" (the channel's
    // ledger, on an empty queue), in words and shapes, not only in colour.
    assert.ok(facts.current.length === facts.threads.length && facts.current.includes('▶ next') &&
      facts.current.every((mark) => mark === '▶ next' || mark === '■ waits'),
    `${pagePath}: the next steps are not marked in words: ${facts.current}`);
    assert.deepEqual(facts.pressed, ['true', 'false']);
    await page.closeAll();
  }
  assert.deepEqual(errors, []);
});

test('at a 390 px window each panel fits, every button in reach', async () => {
  const problems = [];
  const errors = [];
  for (const { page: pagePath, variants } of PANELS) {
    const page = await open(pagePath, 390, errors);
    const panel = page.locator('.scheduler-panel');
    for (const variant of Object.keys(variants)) {
      await choose(page, panel, variant);
      const facts = await panel.evaluate((p) => {
        const box = p.getBoundingClientRect();
        const out = [...p.querySelectorAll('*')].filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5);
        }).map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.slice(0, 40)}`);
        const small = [...p.querySelectorAll('button')].filter((b) => {
          const r = b.getBoundingClientRect();
          return r.height < 24 || r.width < 24;
        }).map((b) => b.textContent);
        return {
          right: box.right, width: window.innerWidth, out, small,
          page: document.documentElement.scrollWidth,
        };
      });
      if (facts.right > facts.width) problems.push(`${pagePath} ${variant}: the panel ends at ${facts.right} px`);
      for (const el of facts.out) problems.push(`${pagePath} ${variant}: outside the window: ${el}`);
      for (const b of facts.small) problems.push(`${pagePath} ${variant}: button too small to tap: ${b}`);
      if (facts.page > facts.width) problems.push(`${pagePath} ${variant}: the page scrolls sideways (${facts.page} px)`);
    }
    await page.closeAll();
  }
  problems.push(...errors);
  assert.ok(problems.length === 0, `${problems.length} problems:\n  ${problems.join('\n  ')}`);
});

test('print.html has the three panels; printed, and without JavaScript, the fallback shows', async () => {
  const errors = [];
  const page = await open('/docs/print.html', 1000, errors);
  const lessons = await page.locator('.scheduler-panel').evaluateAll((panels) => panels.map(
    (p) => p.closest('[data-scheduler]').dataset.scheduler));
  assert.deepEqual(lessons.sort(), ['channel-ledger', 'lock-balance', 'lock-order']);
  // One panel of the print page at work: its ids do not clash with the others'.
  const first = page.locator('.scheduler-panel').first();
  await first.getByRole('button', { name: 'Step Thread-1' }).click();
  assert.equal(await first.locator('.scheduler-history li').count(), 1);
  const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((el) => el.id)
    .filter((id) => id.startsWith('scheduler-')));
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids}`);
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => ({
    panels: [...document.querySelectorAll('.scheduler-panel')].filter((p) => p.getClientRects().length).length,
    pictures: [...document.querySelectorAll('.scheduler-fallback img')].filter((i) => i.getClientRects().length).length,
  }));
  assert.deepEqual(printed, { panels: 0, pictures: 2 }, 'printed: the pictures, not the buttons');
  await page.closeAll();

  for (const { page: pagePath } of PANELS) {
    const bare = await open(pagePath, 1000, errors, { javaScript: false });
    const facts = await bare.evaluate(() => ({
      panels: document.querySelectorAll('.scheduler-panel').length,
      fallback: [...document.querySelectorAll('.scheduler-fallback')].filter((f) => f.getClientRects().length
        && f.textContent.trim().length + f.querySelectorAll('img').length > 0).length,
      figures: document.querySelector('[data-scheduler]').textContent.includes('What loom found at this size'),
    }));
    assert.deepEqual(facts, { panels: 0, fallback: 1, figures: true }, `${pagePath} without JavaScript`);
    await bare.closeAll();
  }
  // A page without a panel is left as it is.
  const plain = await open('/docs/thread-basics.html', 1000, errors);
  assert.equal(await plain.locator('.scheduler-panel').count(), 0);
  await plain.closeAll();
  assert.deepEqual(errors, []);
});

test('on a phone (390 x 844) the step bar stays in the window while the threads are on screen', async () => {
  const problems = [];
  const errors = [];
  for (const { page: pagePath, variants } of PANELS) {
    const page = await open(pagePath, 390, errors, { height: 844 });
    const panel = page.locator('.scheduler-panel');
    for (const variant of Object.keys(variants)) {
      await choose(page, panel, variant);
      // The top of the threads at the top of the window, then half way down them: the dock's
      // bottom edge must be in the window both times (mdBook's `.content` once kept it at the
      // panel's foot, 1243 px down an 844 px window).
      for (const at of [0, 0.5]) {
        const facts = await panel.evaluate((p, fraction) => {
          const threads = p.querySelector('.scheduler-threads');
          const box = threads.getBoundingClientRect();
          window.scrollBy(0, box.top + fraction * Math.max(0, box.height - window.innerHeight / 2));
          const after = threads.getBoundingClientRect();
          const dock = p.querySelector('.scheduler-dock').getBoundingClientRect();
          return {
            threadsTop: after.top, threadsBottom: after.bottom, dockTop: dock.top, dockBottom: dock.bottom,
            height: window.innerHeight, panel: p.getBoundingClientRect().height,
          };
        }, at);
        const where = `${pagePath} ${variant}, threads scrolled ${at * 100}%`;
        if (facts.threadsBottom <= 0 || facts.threadsTop >= facts.height) {
          problems.push(`${where}: the threads are not on screen (${facts.threadsTop} to ${facts.threadsBottom})`);
        }
        if (facts.dockBottom > facts.height + 1 || facts.dockTop < 0) {
          problems.push(`${where}: the step bar is at ${Math.round(facts.dockTop)} to ` +
            `${Math.round(facts.dockBottom)} px, in a ${facts.height} px window`);
        }
        if (at === 0) console.log(`  ${pagePath} ${variant}: panel ${Math.round(facts.panel)} px tall at 390 px`);
      }
    }
    // At the end of a run the banner that says how it ended is in the window too.
    await panel.locator('[data-action="show"]').click();
    await page.waitForFunction((p) => p.querySelector('.scheduler-banner').hidden === false &&
      !p.hasAttribute('data-playing'), await panel.elementHandle(), { timeout: 30_000 });
    const end = await panel.evaluate((p) => {
      window.scrollBy(0, p.querySelector('.scheduler-threads').getBoundingClientRect().top);
      const box = p.querySelector('.scheduler-banner').getBoundingClientRect();
      return { top: box.top, bottom: box.bottom, height: window.innerHeight };
    });
    if (end.top < 0 || end.bottom > end.height + 1) {
      problems.push(`${pagePath}: the end banner is at ${Math.round(end.top)} to ${Math.round(end.bottom)} px`);
    }
    // The page still does not scroll sideways, and mdBook's sidebar still opens over it.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 390) problems.push(`${pagePath}: the page scrolls sideways (${wide} px)`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#mdbook-sidebar-toggle, #sidebar-toggle').first().click();
    await page.waitForFunction(() => {
      const sidebar = document.querySelector('#mdbook-sidebar, #sidebar');
      const box = sidebar.getBoundingClientRect();
      return box.right > 100 && box.left >= -1;
    }, null, { timeout: 5_000 });
    await page.closeAll();
  }
  problems.push(...errors);
  assert.ok(problems.length === 0, `${problems.length} problems:\n  ${problems.join('\n  ')}`);
});

test('a number key steps the panel in view before anything has the focus, and the panel says how its keys work', async () => {
  const errors = [];
  const page = await open('/docs/lock-balance.html', 1000, errors);
  const panel = page.locator('.scheduler-panel');
  assert.match(await panel.locator('.scheduler-help').textContent(),
    /1, 2 step that thread while the panel is in view; once you have clicked in the panel or tabbed into it, U undoes/);
  await panel.evaluate((p) => {
    p.querySelector('.scheduler-threads').scrollIntoView();
    document.activeElement?.blur();
  });
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  await page.keyboard.press('1');
  assert.deepEqual(await panel.locator('.scheduler-history li').allTextContents(), ['Thread-1 reads 0']);
  // The panel now has the focus: its other keys work.
  assert.equal(await panel.evaluate((p) => p.contains(document.activeElement)), true);
  await page.keyboard.press('u');
  assert.equal(await panel.locator('.scheduler-history li').count(), 0);
  // Scrolled away from the panel, a number key does nothing to it.
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.keyboard.press('1');
  assert.equal(await panel.locator('.scheduler-history li').count(), 0);
  assert.deepEqual(errors, []);
  await page.closeAll();
});

test('the banners say how a run ended, and the status line does not repeat them', async () => {
  const errors = [];
  const page = await open('/docs/lock-balance.html', 1000, errors);
  const panel = page.locator('.scheduler-panel');
  const banner = panel.locator('.scheduler-banner');
  const status = panel.locator('.scheduler-status');
  const press = async (keys) => { for (const key of keys) await page.keyboard.press(key); };
  await choose(page, panel, 'no-lock');
  await panel.locator('.scheduler-threads').click();
  // Thread-1 reads: its card shows what it holds, the value the race turns on.
  await press(['1']);
  assert.equal(await panel.locator('.scheduler-thread-state').first().textContent(),
    'ready; holds 0, the value it read');
  // 1 2 1 2 1 2 1 2: two updates lost, and they cancel out at 0.
  await press(['2', '1', '2', '1', '2', '1', '2']);
  assert.equal(await panel.getAttribute('data-ending'), '0');
  assert.equal(await banner.getAttribute('data-kind'), 'ended');
  assert.match(await banner.textContent(),
    /^The program ended: the balance is 0\. Two updates were lost on the way, and cancelled out: the balance is right by luck/);
  assert.equal(await status.textContent(), 'Thread-2 writes 8 - 8 = 0 (overwrites 3: an update is lost).');
  // "Show me" sets the reader's steps aside, says so, and plays the chapter's timeline.
  await press(['u', 'u']);
  await panel.getByRole('button', { name: 'Show me' }).click();
  assert.match(await status.textContent(), /^Show me, the chapter's order from the start \(your 6 steps set aside\)/);
  await page.waitForFunction((p) => p.dataset.ending !== undefined && !p.hasAttribute('data-playing'),
    await panel.elementHandle(), { timeout: 30_000 });
  const timeline = figure('/docs/lock-balance.html', 'lock-balance', 'without_the_lock_an_update_can_be_lost timeline')
    .split('\n');
  const second = timeline[0].indexOf('Thread-2');
  const told = timeline.filter((line) => /^\s*\d+\s/.test(line)).map((line) => {
    const at = line.search(/\S/) + line.trim().match(/^\d+\s+/)[0].length;
    return at < second ? 'Thread-1' : 'Thread-2';
  });
  assert.ok(told.length >= 4, `no steps read from the timeline:\n${timeline.join('\n')}`);
  const played = (await panel.locator('.scheduler-history li').allTextContents()).map((line) => line.split(' ')[0]);
  assert.deepEqual(played, told, 'Show me did not play the order of the chapter\'s timeline');
  assert.match(await banner.textContent(), /^Goal reached: The program ended: the balance is 5\.$/);
  // With the lock no order loses an update: the end says so, not "try another order".
  await choose(page, panel, 'lock');
  await panel.locator('.scheduler-threads').click();
  await press(['1', '1', '1', '1', '1', '1', '2', '2', '2', '2', '2', '2']);
  assert.equal(await panel.getAttribute('data-ending'), '0');
  assert.equal(await banner.textContent(), 'The program ended: the balance is 0. No order can lose an update ' +
    'with the lock. Show me tells how every order ends.');
  assert.equal(await status.textContent(), 'Thread-2 releases the lock.');
  await page.closeAll();

  // The forgotten Sender: it hangs whatever the order, and the end says who waits and who is done.
  const ledgerPage = await open('/docs/channel-ledger.html', 1000, errors);
  const ledger = ledgerPage.locator('.scheduler-panel');
  await choose(ledgerPage, ledger, 'forgotten');
  assert.match(await ledger.locator('.scheduler-goal').textContent(), /hangs whatever the order/);
  assert.equal(await ledger.locator('.scheduler-thread-state').nth(1).textContent(),
    'blocked: waits in recv: the queue is empty and Sender 1 (main\'s, never dropped), ' +
    'Sender 2 (Thread-1\'s) and Sender 3 (Thread-2\'s) live');
  await ledger.getByRole('button', { name: 'Show me' }).click();
  await ledgerPage.waitForFunction((p) => p.dataset.ending === 'deadlock' && !p.hasAttribute('data-playing'),
    await ledger.elementHandle(), { timeout: 30_000 });
  assert.equal(await ledger.locator('.scheduler-banner').textContent(),
    'Goal reached: The program hangs: threads wait forever. main waits in join for Ledger to end; ' +
    'Ledger waits in recv: the queue is empty and Sender 1 (main\'s) lives, which main never drops. ' +
    'Thread-1 and Thread-2 are done.');
  await choose(ledgerPage, ledger, 'dropped');
  await ledger.getByRole('button', { name: 'Show me' }).click();
  assert.match(await ledger.locator('.scheduler-banner').textContent(),
    /^Every order ends well: all [\d\u00a0]+ orders the steps can run in end with the ledger returning 0\. No order can hang once main drops its Sender\.$/);
  await ledgerPage.closeAll();
  assert.deepEqual(errors, []);
});
