// The dashboard as a home for every role, in Debian's Chromium against a real
// `wam serve` on a 3000-weapon demo registry: an admin and an armourer
// confined to one site each get a dashboard (no 403), the armourer's figures
// count that site only and the page says so; the to-do list's links lead to
// the lists that hold the work; the map of sites is drawn from the console's
// own files with every site on it, and no request leaves the server; no
// share of a chart reads 0% when it is not nothing; on a 390 px phone the
// page stays short with the work first; axe-core finds no violation in
// English and Arabic; the weapon page says what the ledger holds in words.
//
// run: node --test --test-reporter=tap web/tests/dashboard.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import {
  USERS, WAIT_MS, launchBrowser, makeRegistry, screenshot, settle, startServer, tearDown, wam, withPage,
} from './harness.mjs';

const AXE_SOURCE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const ARMOURER = ['armourer', 'armourer: a long enough password'];
// The heights a phone's dashboard stays under (it was 7,300 px with the
// charts' tables in full): the page down to its recent events (header,
// menu, work, figures, map and charts), and the whole page with them.
const PHONE_ABOVE_RECENT = 3000;
const PHONE_MAX_HEIGHT = 5000;

let dir, server, browser, url;
const data = {};
const json = (args) => JSON.parse(wam(dir, ['--json', ...args]));

before(async () => {
  dir = makeRegistry();
  data.summary = json(['summary']);
  // the armourer's site: the one holding most weapons
  data.site = [...data.summary.sites].sort((a, b) => b.items - a.items)[0];
  wam(dir, ['user', 'add', 'armourer', '--role', 'armourer', '--site', data.site.id, '--password-stdin'], ARMOURER[1] + '\n');
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

async function signIn(page, name, password = USERS[name]?.[1]) {
  if (!page.url().startsWith(url)) await page.goto(`${url}/`);
  await page.getByLabel('User name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
}

async function go(page, route) {
  await page.evaluate((r) => { window.location.hash = r; }, route);
}

// Every request the page makes, to check none leaves the server.
function watchRequests(page) {
  const seen = [];
  page.on('request', (r) => seen.push(r.url()));
  return seen;
}

async function dashboard(page) {
  await go(page, '#/dashboard');
  await page.getByTestId('todo').waitFor();
  await page.locator('ul.totals').waitFor();
  await settle(page);
}

async function axe(page, what) {
  // evaluated, not added as a script tag: the console's CSP allows no inline script
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
    .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`));
  assert.deepEqual(violations, [], `axe-core on ${what}`);
}

const totalOf = async (page, key) => {
  const li = page.locator('ul.totals li').filter({ hasText: key });
  return Number((await li.locator('.total-n').innerText()).replace(/[^\d]/g, ''));
};

test('an admin sees the whole registry, a to-do list and a map of every site, drawn offline', async () => {
  await withPage(browser, 'dashboard-admin', async (page) => {
    const requests = watchRequests(page);
    await signIn(page, 'admin');
    await dashboard(page);
    assert.equal(await page.getByText('not shown to you').count(), 0, 'no "not shown to you"');
    assert.match(await page.getByTestId('scope').innerText(), /whole registry/);
    assert.equal(await totalOf(page, 'weapons'), data.summary.totals.items, 'the weapons counted are the registry\'s');

    // the map: country shapes and one link per site placed, named by its alerts
    const map = page.getByTestId('site-map');
    await map.waitFor();
    assert.ok(await map.locator('g.land path').count() > 100, 'the countries are drawn');
    const placed = data.summary.sites.filter((s) => s.area);
    assert.equal(await map.getByTestId('map-site').count(), placed.length, 'every site with a position is on the map');
    const first = map.getByTestId('map-site').first();
    assert.match(await first.getAttribute('aria-label'), /alerts/);
    assert.match(await first.getAttribute('href'), /^#\/items\?site=/);
    // a site on the map is reached with the keyboard
    await first.focus();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'map-site');
    const foreign = requests.filter((r) => !r.startsWith(url));
    assert.deepEqual(foreign, [], 'no request leaves the server');
    assert.ok(requests.some((r) => r.endsWith('/geo/countries-110m.json')), 'the boundaries come from the console');

    // no share that is not nothing reads 0%; one under 1% reads <1%
    const rows = await page.locator('details.chart-numbers table.numbers tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    assert.ok(rows.length > 10, 'the charts keep their numbers, folded');
    for (const [count, share] of rows) {
      if (Number(count.replace(/[^\d]/g, '')) > 0) assert.doesNotMatch(share, /^0(\.0)?\s?%$/, `a count of ${count} reads ${share}`);
    }
    const small = Object.values(data.summary.by_status).some((n) => n > 0 && n / data.summary.totals.items < 0.01) ||
      Object.values(data.summary.by_category).some((n) => n > 0 && n / data.summary.totals.items < 0.01);
    if (small) assert.ok(rows.some(([, share]) => share === '<1%'), 'a share under 1% reads <1%');
    // the tables are not shown in full under the charts
    assert.equal(await page.locator('table.numbers:visible').count(), 0, 'no full table under the charts');
    await screenshot(page, '60-dashboard-admin');

    // the to-do list: each kind of work links to the list that holds it
    const items = await page.evaluate(async () => (await (await fetch('/api/v1/todo')).json()).items);
    const kinds = items.map((i) => i.kind);
    for (const k of ['hits_open', 'traces_overdue', 'lots_expiring', 'investigations_open']) {
      assert.ok(kinds.includes(k), `the demo's admin has ${k} to do: ${kinds}`);
    }
    const pages = {
      hits_open: ['#/inbox', 'inbox'],
      traces_overdue: ['#/traces?overdue=1', 'Trace requests'],
      lots_expiring: ['#/lots', 'Ammunition lots'],
      lots_suspended: ['#/lots?condition=SUSPENDED', 'Ammunition lots'],
      investigations_open: ['#/checks', 'Stock checks'],
    };
    for (const [kind, [hash, title]] of Object.entries(pages)) {
      if (!kinds.includes(kind)) continue;
      await dashboard(page);
      const item = items.find((i) => i.kind === kind);
      const link = page.locator(`[data-kind="${kind}"] a.todo-link`);
      assert.match(await link.innerText(), new RegExp(item.count.toLocaleString('en')), `${kind}: the count is shown`);
      await link.click();
      await page.waitForFunction((h) => location.hash === h, hash);
      const h1 = page.getByRole('heading', { level: 1 });
      await h1.waitFor();
      assert.match(await h1.innerText(), new RegExp(title, 'i'), `${kind} leads to ${title}`);
    }
    if (kinds.includes('traces_overdue')) {
      // the overdue filter is on: only overdue requests are listed
      await go(page, '#/traces?overdue=1');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await settle(page);
    }
  });
});

test('an armourer confined to a site sees that site\'s figures, work and map', async () => {
  await withPage(browser, 'dashboard-armourer', async (page) => {
    await signIn(page, 'armourer', ARMOURER[1]);
    await dashboard(page);
    assert.equal(await page.getByText('not shown to you').count(), 0, 'no "not shown to you"');
    assert.equal(await page.locator('.alert, [role="alert"]').count(), 0, 'no error');
    const scope = await page.getByTestId('scope').innerText();
    assert.ok(scope.includes(data.site.name), `the page names the site it covers: ${scope}`);
    assert.equal(await totalOf(page, 'weapons'), data.site.items, 'the weapons counted are the site\'s');
    assert.equal(await totalOf(page, 'sites'), 1);
    assert.equal(await page.locator('ul.totals li').filter({ hasText: 'events in the ledger' }).count(), 0,
      'the ledger\'s size is the whole registry\'s: not shown');
    const listed = json(['item', 'list', '--site', data.site.id, '--limit', '1']);
    assert.ok(listed.items.length === 1);
    // the statuses counted add up to the site's weapons
    const summary = await page.evaluate(async () => (await fetch('/api/v1/summary')).json());
    assert.equal(Object.values(summary.by_status).reduce((a, b) => a + b, 0), data.site.items);
    assert.deepEqual(summary.by_site.map((s) => s.id), [data.site.id]);

    // the work is the site's and the armourer's: lots, custody, discrepancies; no hits or traces
    const todo = await page.evaluate(async () => (await fetch('/api/v1/todo')).json());
    for (const item of todo.items) {
      assert.ok(['lots_expiring', 'lots_suspended', 'investigations_open', 'custody_overdue'].includes(item.kind), item.kind);
      assert.deepEqual(Object.keys(item.sites).filter((s) => s !== data.site.id), [], `${item.kind} elsewhere`);
    }
    const links = await page.locator('[data-testid="todo"] a.todo-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.equal(links.length, todo.items.length, 'each kind of work is a link');
    if (links.length) {
      await page.locator('[data-testid="todo"] a.todo-link').first().click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.equal(await page.getByText('not allowed', { exact: false }).count(), 0, 'the list opens');
      await dashboard(page);
    }
    const map = page.getByTestId('site-map');
    await map.waitFor();
    assert.equal(await map.getByTestId('map-site').count(), 1, 'one site on the map: the armourer\'s');
    await screenshot(page, '61-dashboard-armourer');
    await axe(page, 'the armourer\'s dashboard');
  });
});

test('on a 390 px phone the dashboard is short, the work first', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  try {
    await page.goto(`${url}/`);
    await signIn(page, 'admin');
    await dashboard(page);
    await page.getByTestId('site-map').waitFor();
    await settle(page);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const parts = await page.evaluate(() => [...document.querySelectorAll('header, nav, main > *, .panels > *')]
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().height)}`));
    assert.ok(height < PHONE_MAX_HEIGHT, `the phone dashboard is ${height} px tall: ${parts.join('; ')}`);
    const recent = page.getByRole('heading', { name: 'Recent events', exact: true });
    if (await recent.count()) {
      const above = await recent.evaluate((h) => h.getBoundingClientRect().top + window.scrollY);
      assert.ok(above < PHONE_ABOVE_RECENT, `the recent events start ${above} px down: ${parts.join('; ')}`);
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no horizontal scrolling (${width} px)`);
    const top = (sel) => page.locator(sel).first().evaluate((el) => el.getBoundingClientRect().top);
    const [todo, totals, chart] = [await top('[data-testid="todo"]'), await top('ul.totals'), await top('.panel .chart')];
    assert.ok(todo < totals && totals < chart, `the to-do list (${todo}) and figures (${totals}) come before the charts (${chart})`);
    await screenshot(page, '62-dashboard-phone');
  } finally {
    await context.close();
  }
});

test('axe-core finds nothing on the dashboard and the weapon page, in English and Arabic', async () => {
  await withPage(browser, 'dashboard-axe', async (page) => {
    await signIn(page, 'admin');
    await dashboard(page);
    await page.getByTestId('site-map').waitFor();
    await axe(page, 'the dashboard (en)');
    // the weapon page says what the ledger holds in words
    const item = json(['item', 'list', '--limit', '1']).items[0];
    await go(page, `#/items/${item.id}`);
    const words = page.getByTestId('ledger-words');
    await words.waitFor();
    assert.match(await words.innerText(), /^[\d,]+ events, (all signed|the last [\d,]+ not yet signed)/);
    assert.equal(await page.getByText('Chain head').count(), 0);
    await axe(page, 'the weapon page (en)');

    await page.getByLabel('Language', { exact: true }).selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.getByTestId('ledger-words').waitFor();
    assert.doesNotMatch(await page.getByTestId('ledger-words').innerText(), /events/);
    await axe(page, 'the weapon page (ar)');
    await go(page, '#/dashboard');
    await page.getByTestId('todo').waitFor();
    await page.getByTestId('site-map').waitFor();
    await settle(page);
    // the map keeps its geography: the westernmost site is drawn on the left
    const xs = await page.getByTestId('map-site').evaluateAll((as) => as.map((a) => {
      const c = a.querySelector('circle');
      return [Number(c.getAttribute('cx')), a.getAttribute('href')];
    }));
    const west = [...data.summary.sites].filter((s) => s.area).sort((a, b) => a.area[1] - b.area[1])[0];
    const leftmost = [...xs].sort((a, b) => a[0] - b[0])[0][1];
    assert.equal(leftmost, `#/items?site=${encodeURIComponent(west.id)}`, 'west stays left in Arabic');
    assert.doesNotMatch(await page.getByTestId('scope').innerText(), /registry/);
    await screenshot(page, '63-dashboard-arabic');
    await axe(page, 'the dashboard (ar)');
  });
});
