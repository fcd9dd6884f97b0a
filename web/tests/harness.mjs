// What the browser tests stand on: a demo registry with one user per role,
// `wam serve` on an ephemeral port of 127.0.0.1, Debian's Chromium driven by
// playwright-core, and full-page screenshots of what each test saw.
//
// Environment: WAM (the wam binary; default ../../build/wam), CHROMIUM
// (default /usr/bin/chromium), WAM_SCREENSHOTS (default meson-logs/screenshots
// beside the wam binary, i.e. in its build directory).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WAM = process.env.WAM || join(repo, 'build', 'wam');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = process.env.WAM_SCREENSHOTS || join(dirname(WAM), 'meson-logs', 'screenshots');

// How long a page may take to show what a test waits for. The server is
// local and the registry small: anything slower is a page that never comes.
export const WAIT_MS = 7000;

// Users made for the tests: name → [role, password] (passwords ≥ 10 characters).
export const USERS = {
  admin: ['admin', 'admin: a long enough password'],
  registrar: ['registrar', 'registrar: a long enough password'],
  viewer: ['viewer', 'viewer: a long enough password'],
};

// How a person misreads the characters of a stamped serial.
export const MISREADS = { 0: 'O', 1: 'l', 5: 'S', 8: 'B', 2: 'Z', 6: 'G' };

/** Runs wam on the registry in `dir`; returns its standard output. */
export function wam(dir, args, input) {
  return execFileSync(WAM, ['--db', join(dir, 'r.db'), ...args], {
    cwd: dir,
    input,
    encoding: 'utf-8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A temporary directory holding a 3000-weapon demo registry and the users of USERS. */
export function makeRegistry() {
  const dir = mkdtempSync(join(tmpdir(), 'wam-browser-'));
  try {
    wam(dir, ['demo', '--items', '3000', '--seed', '1']);
    for (const [name, [role, password]] of Object.entries(USERS)) {
      wam(dir, ['user', 'add', name, '--role', role, '--password-stdin'], password + '\n');
    }
  } catch (err) {
    removeRegistry(dir);
    throw new Error(`${WAM}: ${err.message}${err.stderr ? `\n${err.stderr}` : ''}`);
  }
  return dir;
}

/**
 * A real weapon to look for, and its serial as a person might misread it:
 * the first of the registry's first 200 weapons with a plain serial of at
 * least 6 characters, two of which can be misread; those two are.
 */
export function pickMisreadWeapon(dir) {
  const { items } = JSON.parse(wam(dir, ['--json', 'item', 'list', '--limit', '200']));
  for (const item of items) {
    const serial = item.serial || '';
    if (!/^[A-Z0-9-]{6,}$/.test(serial)) continue;
    let misread = 0;
    const typed = [...serial].map((c) => (c in MISREADS && misread < 2 ? (misread++, MISREADS[c]) : c)).join('');
    if (misread === 2) return { id: item.id, serial, typed };
  }
  throw new Error('no weapon among the first 200 has a serial with two misreadable characters');
}

/** Starts `wam serve` on the registry; resolves to { url, stop() } once it listens. */
export async function startServer(dir) {
  const ready = join(dir, 'serve.ready');
  const errPath = join(dir, 'serve.err');
  const proc = spawn(WAM, ['--db', join(dir, 'r.db'), 'serve', '--listen', '127.0.0.1:0', '--ready-file', ready,
    '--access-log', 'none'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let exited = null;
  const exit = new Promise((res) => proc.on('exit', (code, signal) => { exited = { code, signal }; res(exited); }));
  // a test runner that dies must not leave the server behind
  const onExit = () => { if (!exited) proc.kill('SIGKILL'); };
  process.on('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    if (!exited) proc.kill('SIGTERM');
    const timer = setTimeout(() => { if (!exited) proc.kill('SIGKILL'); }, 5000);
    const result = await exit;
    clearTimeout(timer);
    return result;
  };
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline && !exited) {
    if (existsSync(ready)) {
      const text = readFileSync(ready, 'utf-8');
      if (text.endsWith('\n')) return { url: text.trim(), stop, stderr: () => stderr };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await stop();
  throw new Error(`wam serve did not start: ${stderr || errPath}`);
}

/** Debian's Chromium, headless. */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/**
 * A fresh page (its own cookies and storage) on the server, with the
 * console's unexpected errors kept in page.errors. Calls fn(page); if fn
 * throws, saves a screenshot FAILED-<name>.png first. The context is closed
 * either way.
 */
export async function withPage(browser, name, fn) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  trackRequests(page);
  try {
    await fn(page);
  } catch (err) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    err.message = err.message.replace(/\x1b\[[0-9;]*m/g, ''); // playwright's call log is coloured
    if (page.errors.length) err.message += `\nerrors in the page: ${page.errors.join('\n')}`;
    throw err;
  } finally {
    await context.close();
  }
}

// Keeps the page's requests in flight, for settle(). A new document in the
// main frame cancels what the one before had in flight, and Chromium reports
// neither an end nor a failure for those: they are forgotten then, or every
// settle() after would wait its whole WAIT_MS for them.
function trackRequests(page) {
  page.inflight = new Set();
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) page.inflight.clear();
    page.inflight.add(r);
  });
  page.on('requestfinished', (r) => page.inflight.delete(r));
  page.on('requestfailed', (r) => page.inflight.delete(r));
}

/** Waits until the page has had no request in flight for 300 ms (charts and lists drawn). */
export async function settle(page) {
  if (!page.inflight) trackRequests(page); // a page not opened by withPage()
  const deadline = Date.now() + WAIT_MS;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (page.inflight.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 300) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes the screenshots of an earlier run, so that the directory shows only this one's. */
export function clearScreenshots() {
  if (!existsSync(SCREENSHOTS)) return;
  for (const f of readdirSync(SCREENSHOTS)) {
    if (/^(\d\d-|FAILED-).*\.png$/.test(f)) rmSync(join(SCREENSHOTS, f));
  }
}

/** Saves a full-page screenshot SCREENSHOTS/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await settle(page);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Fails if `locator` matches anything visible during the next `ms`
 * milliseconds (what must not be shown must also not appear late).
 */
export async function assertAbsent(locator, what, ms = 1000) {
  const deadline = Date.now() + ms;
  do {
    const n = await locator.count();
    for (let i = 0; i < n; i++) {
      if (await locator.nth(i).isVisible()) throw new Error(`${what} is shown`);
    }
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
}

/** Sets a form field by its label: chooses an option of a select, fills anything else. */
export async function setField(page, label, value) {
  const field = page.getByLabel(label, { exact: true });
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

/** Removes a registry directory made by makeRegistry. */
export function removeRegistry(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Closes the browser, stops the server (which must exit 0) and removes the registry. */
export async function tearDown(browser, server, dir) {
  await browser?.close();
  const stopped = await server?.stop();
  removeRegistry(dir);
  if (stopped) assert.equal(stopped.code, 0, `wam serve stopped with ${JSON.stringify(stopped)}: ${server.stderr()}`);
}

// ---- signing in in any language, the menu's pages, axe-core ----

/**
 * Signs in as `name` on the sign-in form, whatever the console's language
 * (the fields by their ids, not their labels); resolves once the menu shows.
 */
export async function signInAs(page, url, name, password = USERS[name]?.[1]) {
  if (!page.url().startsWith(url)) await page.goto(`${url}/`);
  await page.locator('#name').fill(name);
  await page.locator('#password').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.locator('nav.nav, nav[aria-label]').first().waitFor();
}

/**
 * Opens the console with `lang` remembered as the user's choice (when
 * given) and signs in as `name` (a USERS name, or one with `password`).
 */
export async function signInWith(page, url, name, { lang, password } = {}) {
  await page.goto(`${url}/`);
  if (lang) {
    await page.evaluate((l) => localStorage.setItem('wam.lang', l), lang);
    await page.reload();
  }
  await signInAs(page, url, name, password);
}

/** Shows the console's page for `route` ('#/findings/…') without reloading. */
export const goTo = (page, route) => page.evaluate((r) => { window.location.hash = r; }, route);

/**
 * Shows `route` and waits for its heading and its data; resolves to the
 * text of <main> as a person reads it, less what is marked translate="no"
 * (what people typed) and the options of lists.
 */
export async function openedText(page, route) {
  await goTo(page, route);
  await page.locator('main h1').waitFor();
  await page.locator('main .loading').first().waitFor({ state: 'detached' }).catch(() => {});
  await settle(page);
  return page.locator('main').evaluate((m) => {
    const copy = m.cloneNode(true);
    for (const el of copy.querySelectorAll('[translate="no"], option')) el.remove();
    return copy.innerText;
  });
}

/** GET /api/v1<path> with the page's session: {status, body}. */
export const apiGet = (page, path) =>
  page.evaluate((p) => fetch('/api/v1' + p).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) })), path);

/** Chooses a language in the header's selector; resolves once the page is in it. */
export async function chooseLanguage(page, code) {
  await page.locator('#lang').selectOption(code);
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
  await settle(page);
}

/**
 * The routes of the signed-in user's menu, in menu order: every group of the
 * navigation that is closed behind a disclosure button is opened first, then
 * the hash of each link in it is read ('#/dashboard', '#/reports/sdg', ...).
 */
export async function menuRoutes(page) {
  const nav = page.locator('nav').first();
  await nav.waitFor();
  const hrefs = [];
  const collect = async () => {
    for (const h of await page.locator('nav a[href^="#/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      if (!hrefs.includes(h)) hrefs.push(h);
    }
  };
  await collect();
  // a phone's menu button and the groups' buttons, one at a time (opening
  // one group may close another): each closed one opened once
  const opened = new Set();
  for (let round = 0; round < 40; round++) {
    const closed = page.locator('nav button[aria-expanded="false"], header button[aria-expanded="false"]');
    const n = await closed.count();
    let next = -1;
    for (let i = 0; i < n && next < 0; i++) {
      const key = await closed.nth(i).evaluate((b) => b.getAttribute('aria-controls') || b.textContent.trim());
      if (!opened.has(key)) { opened.add(key); next = i; }
    }
    if (next < 0) break;
    await closed.nth(next).click().catch(() => {});
    await collect();
  }
  return hrefs;
}

/**
 * Runs axe-core (web/node_modules/axe-core) on the page as it is; resolves
 * to its violations, each as "rule: target (summary)" lines, [] when none.
 */
let axeSource = null;
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // the console's Content-Security-Policy refuses an inline <script>
    // (page.addScriptTag); evaluating the source through the driver is not a page script
    axeSource ??= readFileSync(join(repo, 'web', 'node_modules', 'axe-core', 'axe.min.js'), 'utf-8');
    await page.evaluate(axeSource);
  }
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary?.split('\n').slice(1).join(' ').trim()})`));
}
