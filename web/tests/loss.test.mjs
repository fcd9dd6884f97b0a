// One loss, one record, in the console, in Debian's Chromium against a real
// `wam serve` on a demo registry: the weapons the dashboard counts lost or
// stolen are the open loss reports of weapons (one of ammunition alone
// names none); a weapon marked stolen through its
// status form (behind its button) gets its loss report, shown on its page
// with its other records; a weapon reported lost from its own page gets one
// report with the details given; the list's form picks the weapon by serial;
// a stock check's missing weapons show make and model. axe-core finds no
// violation on the pages changed, in English and in Arabic.
//
// run: node --test --test-reporter=tap web/tests/loss.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import {
  USERS, assertAbsent, launchBrowser, makeRegistry, screenshot, setField, settle, startServer, tearDown, wam, withPage,
} from './harness.mjs';

// axe-core's source, run in the page as the test's own script (the
// console's Content-Security-Policy rightly refuses an inline <script>)
const AXE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let dir, server, browser, url;
const json = (args, input) => JSON.parse(wam(dir, ['--json', ...args], input));
const inStore = [];

before(async () => {
  dir = makeRegistry();
  const { items } = json(['item', 'list', '--status', 'in_store', '--limit', '50']);
  inStore.push(...items.filter((i) => /^[A-Z0-9-]{5,}$/.test(i.serial || '')));
  assert.ok(inStore.length >= 2, 'the demo has weapons in store with plain serials');
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

async function signIn(page, name, lang) {
  await page.goto(`${url}/`);
  if (lang) {
    await page.evaluate((l) => localStorage.setItem('wam.lang', l), lang);
    await page.reload();
  }
  await page.locator('#root input[type="password"]').waitFor();
  await page.locator('#root input:not([type="password"])').first().fill(name);
  await page.locator('#root input[type="password"]').fill(USERS[name][1]);
  await page.locator('#root form button[type="submit"]').click();
  await page.locator('nav.nav').waitFor();
}

const go = (page, route) => page.evaluate((r) => { window.location.hash = r; }, route);
const get = (page, path) => page.evaluate((p) => fetch('/api/v1' + p).then((r) => r.json()), path);

async function noViolations(page, what) {
  await settle(page);
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(`${AXE}\n;true`);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `axe-core on ${what}`);
}

const lostOrStolen = (summary) => (summary.by_status.lost || 0) + (summary.by_status.stolen || 0);
// the reports about a weapon (a report of ammunition alone names none)
const ofWeapons = (reports) => reports.filter((r) => r.item_id);

test('the dashboard counts as many lost and stolen weapons as the list has open reports', async () => {
  await withPage(browser, 'loss-counts', async (page) => {
    await signIn(page, 'registrar');
    const summary = await get(page, '/summary');
    const open = await get(page, '/losses?open=1');
    assert.ok(lostOrStolen(summary) > 0, 'the demo has lost and stolen weapons');
    assert.equal(ofWeapons(open).length, lostOrStolen(summary));
    await go(page, '#/losses');
    const rows = page.locator('table.list tbody tr');
    await rows.first().waitFor();
    // a page of the list, and its total: every open report
    const shown = await page.getByTestId('list-total').innerText();
    assert.ok(shown.replace(/[^\d]+/g, ' ').trim().endsWith(' ' + String(open.length)), `the list's total is ${open.length}: ${shown}`);
    assert.equal(await rows.count(), Math.min(open.length, 50), 'a page of the list shows its first 50 reports');
    assert.ok(!(await page.locator('main').innerText()).includes('docs/'), 'no documentation path on the page');
    await noViolations(page, 'the lost and stolen page');
  });
});

test('a weapon marked stolen through its status form gets its loss report, shown on its page', async () => {
  const item = inStore[0];
  await withPage(browser, 'loss-status', async (page) => {
    await signIn(page, 'registrar');
    const before = (await get(page, '/losses?open=1')).length;
    await go(page, `#/items/${item.id}`);
    await page.getByTestId('item-links').waitFor();
    // the status form is behind its button
    await assertAbsent(page.getByTestId('status-form'), 'the status form before its button', 300);
    await page.getByTestId('status-open').click();
    await setField(page, 'New status', 'stolen');
    await page.getByTestId('status-loss-note').waitFor();
    await page.getByTestId('status-form').getByLabel('Reason', { exact: true }).fill('taken from the rack during the night shift');
    await page.getByRole('button', { name: 'Record status change', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Recorded' }).waitFor();
    const losses = page.getByTestId('links-losses');
    await losses.waitFor();
    assert.match(await losses.innerText(), /Stolen/);
    assert.match(await losses.innerText(), /taken from the rack during the night shift/);
    assert.match(await losses.innerText(), /still missing/);
    const after = await get(page, '/losses?open=1');
    assert.equal(after.length, before + 1, 'exactly one more open report');
    assert.equal(after.filter((r) => r.item_id === item.id).length, 1);
    assert.equal(lostOrStolen(await get(page, '/summary')), ofWeapons(after).length, 'the dashboard still agrees');
    await noViolations(page, 'the weapon page');
    await screenshot(page, '61-loss-item-stolen');
  });
});

test('a weapon reported lost from its own page gets one report with what was given', async () => {
  const item = inStore[1];
  await withPage(browser, 'loss-report', async (page) => {
    await signIn(page, 'registrar');
    await go(page, `#/items/${item.id}`);
    await page.getByTestId('report-loss-open').click();
    const form = page.getByTestId('loss-form');
    await form.waitFor();
    await form.getByLabel('Lost or stolen', { exact: true }).selectOption('lost');
    await form.getByLabel('Reported by', { exact: true }).fill('Sgt. Petit');
    await form.getByLabel('Police reference', { exact: true }).fill('PNH-2026-0907');
    await form.getByLabel('Circumstances', { exact: true }).fill('fell from a vehicle on the coast road');
    await form.getByRole('button', { name: 'Report', exact: true }).click();
    await page.getByTestId('report-loss').getByRole('status').filter({ hasText: 'Reported' }).waitFor();
    const losses = page.getByTestId('links-losses');
    await losses.filter({ hasText: 'PNH-2026-0907' }).waitFor();
    const all = await get(page, '/losses?open=0');
    assert.equal(all.filter((r) => r.item_id === item.id).length, 1, 'one report, not two');
    assert.equal((await get(page, `/items/${item.id}`)).status, 'lost');
    await screenshot(page, '62-loss-item-reported');
  });
});

test('the list\'s form picks the weapon by its serial', async () => {
  const item = inStore[2] || inStore[0];
  await withPage(browser, 'loss-picker', async (page) => {
    await signIn(page, 'registrar');
    await go(page, '#/losses');
    await setField(page, 'Weapon (serial)', item.serial.slice(0, 6));
    const choice = page.getByTestId('weapon-choices').getByRole('button').filter({ hasText: item.serial });
    await choice.first().waitFor();
    await noViolations(page, 'the weapon picker');
    await choice.first().click();
    await page.getByTestId('weapon-picked').filter({ hasText: item.serial }).waitFor();
    assert.equal(await page.locator('input[id="loss-item_id"]').count(), 0, 'no record id field');
  });
});

test('a stock check\'s missing weapons show make and model beside the serial', async () => {
  const [check] = json(['stock', 'list']);
  assert.ok(check, 'the demo has a stock check');
  const missing = json(['stock', 'show', check.id]).reconciliation?.missing || [];
  assert.ok(missing.length > 0 && missing[0].make, 'its reconciliation names the make');
  await withPage(browser, 'loss-check', async (page) => {
    await signIn(page, 'registrar');
    await go(page, `#/checks/${check.id}`);
    const row = page.locator('tr').filter({ hasText: missing[0].serial });
    await row.first().waitFor();
    assert.ok((await row.first().innerText()).includes(missing[0].make), 'the make is shown');
  });
});

test('in Arabic, the weapon page and the lost and stolen page have no axe-core violation', async () => {
  await withPage(browser, 'loss-ar', async (page) => {
    await signIn(page, 'registrar', 'ar');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    const [stolen] = ofWeapons(await get(page, '/losses?open=1'));
    await go(page, `#/items/${stolen.item_id}`);
    await page.getByTestId('links-losses').waitFor();
    await noViolations(page, 'the weapon page in Arabic');
    await screenshot(page, '63-loss-item-ar');
    await go(page, '#/losses');
    await page.locator('table.list').waitFor();
    await noViolations(page, 'the lost and stolen page in Arabic');
  });
});
