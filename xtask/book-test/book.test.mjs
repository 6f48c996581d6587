// The built book, checked in headless Chromium: `cargo xtask book --test` builds the book into
// target/book/docs/ (the linked sources beside it, in target/book/crates/), copies this file into
// target/book-test/ with its package files, installs playwright-core there (`npm ci`), and runs
// `node --test book.test.mjs` with BOOK_ROOT (target/book) and CHROMIUM (the browser) set.
//
// The book is served over HTTP on 127.0.0.1 by the server below; every page is visited, and each
// check lists every page and element that fails it, not only the first.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = process.env.BOOK_ROOT;
const CHROMIUM = process.env.CHROMIUM;
assert.ok(ROOT && CHROMIUM, 'run me through `cargo xtask book --test` (BOOK_ROOT, CHROMIUM)');

// The flags Chromium needs to run headless as root in a container, with a fresh profile.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// The one request a page may make outside the book: mdBook's book.js asks the Rust Playground
// which crates it has, to decide which Run buttons to show. CI has no internet, so the test
// answers for the Playground with no crates (a std-only program needs none).
const PLAYGROUND_CRATES = 'https://play.rust-lang.org/meta/crates';
// How wide a picture may be drawn, at least, against its own size, to be read: the pictures'
// smallest text is 11 px, so about 9 px.
const LEGIBLE = 0.8;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.ico': 'image/x-icon',
};

/** The file an URL path names under ROOT, or null (a folder means its index.html). */
function fileOf(urlPath) {
  const decoded = decodeURIComponent(urlPath);
  let file = path.normalize(path.join(ROOT, decoded));
  if (!file.startsWith(path.normalize(ROOT))) return null;
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  return fs.existsSync(file) ? file : null;
}

let server;
let origin;
let browser;
let profile;
/** Every HTML page of the book, as a path from the server's root: /docs/..., sorted. */
let pages = [];
/** What each page gave at 1000 px: its ids, links, images, errors, code blocks, Run buttons. */
const seen = new Map();

function htmlPages(dir, prefix) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return htmlPages(full, `${prefix}${entry.name}/`);
    return entry.name.endsWith('.html') ? [`${prefix}${entry.name}`] : [];
  });
}

/** A new page at `width` px whose errors (and requests outside the book) land in `errors`. */
async function openPage(width, errors) {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height: 900 });
  page.on('pageerror', (error) => errors.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
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
  return page;
}

before(async () => {
  server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const file = fileOf(url.pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    const type = TYPES[path.extname(file)] ?? 'text/plain; charset=utf-8';
    response.writeHead(200, { 'content-type': type });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  pages = htmlPages(path.join(ROOT, 'docs'), '/docs/').sort();
  assert.ok(pages.length > 5, `only ${pages.length} pages in ${ROOT}/docs`);

  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'book-test-profile-'));
  // A fresh profile; Playwright passes its own --user-data-dir to a persistent context.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: FLAGS,
    headless: true,
    chromiumSandbox: false,
  });
  browser = context;

  for (const pagePath of pages) {
    const errors = [];
    const page = await openPage(1000, errors);
    await page.goto(origin + pagePath, { waitUntil: 'load', timeout: 30_000 });
    // book.js fills the sidebar and asks for the crate list after load: let it settle.
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
    const facts = await page.evaluate(async () => {
      const images = await Promise.all([...document.images].map(async (img) => {
        let decoded = true;
        try { await img.decode(); } catch { decoded = false; }
        return { src: img.getAttribute('src'), decoded, width: img.naturalWidth };
      }));
      const visible = (el) => el.getClientRects().length > 0;
      const code = [...document.querySelectorAll('pre, pre > code')]
        .filter(visible)
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => {
          const longest = el.innerText.split('\n').reduce((a, b) => (b.length > a.length ? b : a), '');
          return `${el.scrollWidth} px in ${el.clientWidth} px, its longest line ` +
            `${longest.length} columns: ${longest.slice(0, 60)}...`;
        });
      const runnable = [...document.querySelectorAll('pre')]
        .filter((pre) => {
          const button = pre.querySelector('.play-button');
          return button && !button.classList.contains('hidden') && visible(button);
        })
        .map((pre) => pre.querySelector('code').innerText);
      return {
        ids: [...document.querySelectorAll('[id], a[name]')].map((el) => el.id || el.name),
        links: [...document.querySelectorAll('a[href]')].map((a) => ({
          href: a.href, text: a.textContent.trim().slice(0, 40),
        })),
        images,
        code,
        runnable,
      };
    });
    seen.set(pagePath, { ...facts, errors });
    await page.close();
  }
});

after(async () => {
  await browser?.close();
  server?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

/** Fails with every line of `problems`, if there is one. */
function none(problems, what) {
  assert.ok(problems.length === 0, `${problems.length} ${what}:\n  ${problems.join('\n  ')}`);
}

test('every page loads without a script error or a failed request', () => {
  const problems = [];
  // A failed image is asked for twice (mdBook shows each image twice): say each error once.
  for (const [page, facts] of seen) {
    for (const error of new Set(facts.errors)) problems.push(`${page}: ${error}`);
  }
  none(problems, 'errors');
});

test('every image decodes', () => {
  const problems = [];
  let count = 0;
  for (const [page, facts] of seen) {
    // mdBook shows each image twice (the second when clicked, to zoom it): name each one once.
    const broken = new Set();
    for (const image of facts.images) {
      count += 1;
      if (!image.decoded || image.width === 0) broken.add(image.src);
    }
    for (const src of broken) problems.push(`${page}: ${src} does not decode`);
  }
  assert.ok(count > 0, 'no image in the book at all');
  none(problems, 'images that do not decode');
});

test('every internal link and #anchor resolves', () => {
  const problems = [];
  let count = 0;
  for (const [page, facts] of seen) {
    for (const { href, text } of facts.links) {
      const url = new URL(href);
      if (url.origin !== origin) continue;
      count += 1;
      const file = fileOf(url.pathname);
      if (!file) {
        problems.push(`${page}: "${text}" links to ${url.pathname}, which does not exist`);
        continue;
      }
      if (!url.hash || url.hash === '#') continue;
      const anchor = decodeURIComponent(url.hash.slice(1));
      const targetPath = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
      const target = seen.get(targetPath);
      if (!target) {
        problems.push(`${page}: "${text}" links to ${url.pathname}#${anchor}, not a page of the book`);
      } else if (!target.ids.includes(anchor)) {
        problems.push(`${page}: "${text}" links to ${targetPath}#${anchor}: no such anchor there`);
      }
    }
  }
  assert.ok(count > 50, `only ${count} internal links found`);
  none(problems, 'broken links');
});

test('a Run button only on a whole program that needs nothing but std', () => {
  const problems = [];
  let count = 0;
  for (const [page, facts] of seen) {
    if (page.endsWith('/print.html')) continue; // the same blocks again
    for (const code of facts.runnable) {
      count += 1;
      const uses = code.split('\n').filter((line) => /^\s*(pub )?use /.test(line));
      if (!/^fn main\(/m.test(code) || uses.some((line) => !line.includes('use std::'))) {
        problems.push(`${page}: a Run button on a block the Playground cannot run: ${code.slice(0, 80)}`);
      }
    }
  }
  assert.ok(count > 0, 'no Run button at all: the whole programs should have one');
  none(problems, 'wrong Run buttons');
});

test('at a 1000 px window no code block scrolls sideways', () => {
  const problems = [];
  for (const [page, facts] of seen) for (const block of facts.code) problems.push(`${page}: ${block}`);
  none(problems, 'code blocks wider than the page');
});

test('at a 390 px window every picture is legible, every schedule whole, the chart scrolls by itself', async () => {
  const problems = [];
  let count = 0;
  for (const pagePath of pages) {
    if (!seen.get(pagePath).images.length) continue;
    const errors = [];
    const page = await openPage(390, errors);
    await page.goto(origin + pagePath, { waitUntil: 'load', timeout: 30_000 });
    // Only what is shown: mdBook keeps a hidden copy of each image, shown when it is clicked.
    const pictures = await page.evaluate((legible) => [...document.querySelectorAll('main img')]
      .filter((img) => img.getClientRects().length > 0)
      .map((img) => {
        const box = img.getBoundingClientRect();
        const scale = box.width / img.naturalWidth;
        let scroller = img.parentElement;
        while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) {
          scroller = scroller.parentElement;
        }
        const fits = box.left >= 0 && box.right <= window.innerWidth;
        const scrolls = scroller !== null && scroller.scrollWidth > scroller.clientWidth &&
          scroller.getBoundingClientRect().right <= window.innerWidth;
        // A schedule's lanes are its point: it must show them all at once, not scroll to them.
        const schedule = img.closest('.schedule') !== null;
        const ok = scale >= legible && (fits || (scrolls && !schedule));
        return { src: img.currentSrc.replace(/^.*\//, ''), scale, fits, scrolls, schedule, ok };
      }), LEGIBLE);
    for (const picture of pictures) {
      count += 1;
      if (!picture.ok) {
        problems.push(`${pagePath}: ${picture.src} drawn at ${(picture.scale * 100).toFixed(0)} % ` +
          `of its size, ${picture.fits ? 'inside the window' : picture.scrolls ? 'in a box that scrolls' : 'cut off by the window'}` +
          `${picture.schedule ? ': a schedule must show all its lanes at once' : ''}`);
      }
    }
    await page.close();
  }
  assert.ok(count > 0, 'no picture looked at');
  none(problems, 'pictures too small to read or cut off');
});

test('at a 390 px window no inline code runs off the page or breaks inside a word, no table cell runs past it, and the page does not scroll sideways', async () => {
  const problems = [];
  let count = 0;
  for (const pagePath of pages) {
    if (pagePath.endsWith('/print.html')) continue; // the same text again
    const errors = [];
    const page = await openPage(390, errors);
    await page.goto(origin + pagePath, { waitUntil: 'load', timeout: 30_000 });
    const found = await page.evaluate(() => {
      // Inside a box within the text that scrolls by itself (a table's wrapper, a picture's),
      // running past is that box's. (The page's own column scrolls too, so the search stops
      // at <main>.)
      const inScroller = (el) => {
        for (let up = el.parentElement; up && up.tagName !== 'MAIN'; up = up.parentElement) {
          if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return true;
        }
        return false;
      };
      const inline = [...document.querySelectorAll('main :not(pre) > code')]
        .filter((el) => el.getClientRects().length > 0 && !inScroller(el));
      const off = inline
        .filter((el) => [...el.getClientRects()].some((r) => r.right > window.innerWidth + 1))
        .map((el) => el.textContent.slice(0, 60));
      // A word of code that fits the column keeps to one line: `--opposite-order` never breaks
      // at its hyphens (theme/book.css).
      const lines = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      };
      const ctx = document.createElement('canvas').getContext('2d');
      const fits = (el) => {
        ctx.font = getComputedStyle(el).font;
        return ctx.measureText(el.textContent).width + 16 < el.parentElement.clientWidth;
      };
      const split = inline
        .filter((el) => !/\s/.test(el.textContent) && fits(el) && lines(el) > 1)
        .map((el) => el.textContent.slice(0, 60));
      // A table's cells stay within the window (drawn one under the other, theme/tables.js).
      const cells = [...document.querySelectorAll('main table td')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .map((el) => el.textContent.slice(0, 60));
      // The column the text is in must not scroll sideways either.
      const wide = [];
      for (let up = document.querySelector('main'); up; up = up.parentElement) {
        if (up.scrollWidth > up.clientWidth + 1 &&
            ['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) {
          wide.push(`${up.tagName.toLowerCase()}${up.id ? `#${up.id}` : ''} is ` +
            `${up.scrollWidth} px wide in ${up.clientWidth} px`);
        }
      }
      if (document.documentElement.scrollWidth > window.innerWidth + 1) {
        wide.push(`the page is ${document.documentElement.scrollWidth} px wide`);
      }
      return { count: inline.length, off, wide, split, cells };
    });
    count += found.count;
    for (const code of found.off) problems.push(`${pagePath}: \`${code}\` runs past the window`);
    for (const code of found.split) problems.push(`${pagePath}: \`${code}\` is broken across lines`);
    for (const cell of found.cells) problems.push(`${pagePath}: a table cell runs past the window: ${cell}`);
    for (const wide of found.wide) problems.push(`${pagePath}: ${wide}`);
    await page.close();
  }
  assert.ok(count > 100, `only ${count} inline code elements looked at`);
  none(problems, 'inline code or pages wider than a 390 px window');
});

for (const [word, chapter] of [
  ['poisoned', 'lock-balance.html'],
  ['LoopThread', 'thread-basics.html'],
  ['thread_local', 'thread-local.html'],
]) {
  test(`search finds "${word}" in ${chapter}`, async () => {
    const errors = [];
    const page = await openPage(1000, errors);
    await page.goto(`${origin}/docs/index.html`, { waitUntil: 'load' });
    await page.keyboard.press('s');
    const bar = page.locator('#mdbook-searchbar, #searchbar').first();
    await bar.waitFor({ state: 'visible', timeout: 10_000 });
    await bar.pressSequentially(word); // mdBook searches on each key
    const results = page.locator('#mdbook-searchresults a, #searchresults a');
    await results.first().waitFor({ timeout: 10_000 }).catch(() => {});
    const hrefs = await results.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    await page.close();
    // A result links to `<page>?highlight=<word>#<section>`.
    assert.ok(
      hrefs.some((href) => href.split(/[?#]/)[0] === chapter),
      `searching "${word}" found ${hrefs.length} results, none in ${chapter}: ${hrefs.join(', ')}`,
    );
    none(errors, 'errors while searching');
  });
}
