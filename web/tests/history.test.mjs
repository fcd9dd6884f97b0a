// Histories in the user's language, in Debian's Chromium against a real
// `wam serve`: a weapon's history and the dashboard's recent events, in
// French and Arabic, show each event as a sentence of the catalogue — no
// event type (item.registered), no actor code (os:root, cli:unknown), no
// JSON, no English line of src/events.json, no raw status code — with the
// fields a registration set as labels and values; Arabic lays the block out
// right to left with a reason typed in Latin script kept whole; and axe-core
// finds no violation on either page in English and Arabic.
//
// run: node --test --test-reporter=tap web/tests/history.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { USERS, launchBrowser, screenshot, settle, startServer, tearDown, wam, withPage } from './harness.mjs';
import { actorText, fillTemplate, setLanguage } from '../src/i18n.js';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const AXE = join(web, 'node_modules', 'axe-core', 'axe.min.js');
const SERIAL = 'HX40917325';
const REASON = 'armoury break-in, report 2026/114';
const HOLDER = 'Armurerie Dupont';
const STATUSES = ['in_service', 'in_store', 'issued', 'lost', 'stolen', 'seized', 'found', 'surrendered', 'deactivated',
  'destroyed', 'exported'];
const catalogue = (lang) => JSON.parse(readFileSync(join(web, 'i18n', `${lang}.json`), 'utf8'));

let dir, server, browser, url, item, history, recent;

const json = (args, input) => JSON.parse(wam(dir, ['--json', ...args], input));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wam-history-'));
  wam(dir, ['demo', '--items', '300', '--seed', '1']);
  for (const [name, [role, password]] of Object.entries(USERS))
    wam(dir, ['user', 'add', name, '--role', role, '--password-stdin'], password + '\n');
  // a weapon registered and reported stolen from the command line, so its
  // events are the CLI's (actor os:<login>) and the newest of the registry
  const sites = json(['site', 'list']);
  const site = (sites.sites ?? sites.items ?? sites)[0].id;
  const holder = json(['holder', 'add', HOLDER, '--type', 'dealer']).id;
  const added = json(['item', 'add', '--category', 'SA1', '--make', 'Glock', '--model', '17', '--calibre', '9x19mm',
    '--serial', SERIAL, '--country', 'AT', '--year', '2015', '--site', site, '--holder', holder]);
  item = added.id ?? added.item?.id;
  assert.ok(item, `item add gave no id: ${JSON.stringify(added)}`);
  wam(dir, ['item', 'status', item, 'stolen', '--reason', REASON]);
  history = json(['item', 'history', item]);
  recent = json(['summary']).recent;
  assert.ok(history.length >= 2 && recent.length >= 2, 'the weapon has a history and the registry recent events');
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

async function signIn(page, lang) {
  await page.goto(`${url}/`);
  await page.getByLabel('User name', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(USERS.admin[1]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
  if (lang !== 'en') {
    await page.getByLabel('Language', { exact: true }).selectOption(lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }
}

const go = (page, route) => page.evaluate((r) => { window.location.hash = r; }, route);

// What a history block must never show, whatever the language.
function assertWorded(text, events, lang, where) {
  assert.doesNotMatch(text, /\bitem\.[a-z_]+/, `${where} (${lang}) shows an event type: ${text}`);
  assert.doesNotMatch(text, /\b(os|cli|user|token):[\w.-]+/, `${where} (${lang}) shows an actor code: ${text}`);
  assert.doesNotMatch(text, /[{}]|":/, `${where} (${lang}) shows JSON or a template: ${text}`);
  for (const e of events) {
    assert.ok(!text.includes(e.summary), `${where} (${lang}) shows the English line "${e.summary}"`);
  }
  if (lang !== 'en') {
    for (const code of STATUSES)
      assert.doesNotMatch(text, new RegExp(`(^|[^\\w])${code}([^\\w]|$)`), `${where} (${lang}) shows the code ${code}`);
  }
}

async function assertAxeClean(page, where) {
  await settle(page);
  // evaluated by the browser's debugger, not as a page script, which the console's CSP refuses
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  assert.deepEqual(violations, [], `axe-core finds violations on ${where}`);
}

test('the console fills a template as the command line does: the English of src/events.json gives each summary', () => {
  const summaries = Object.fromEntries(JSON.parse(readFileSync(join(web, '..', 'src', 'events.json'), 'utf8')).events
    .map((e) => [e.type, e.summary]));
  // values as src/ledger/events.c writes them
  const sorted = (o) => (o && typeof o === 'object' && !Array.isArray(o)
    ? Object.fromEntries(Object.keys(o).sort().map((k) => [k, sorted(o[k])])) : o);
  const cli = (v) => (v === true ? 'yes' : v === false ? 'no' : Array.isArray(v) ? v.map(cli).join(', ')
    : typeof v === 'object' ? JSON.stringify(sorted(v)) : String(v));
  const { items } = json(['item', 'list', '--limit', '60']);
  const events = [...recent, ...items.flatMap((i) => json(['item', 'history', i.id]))];
  const types = new Set();
  for (const e of events) {
    assert.ok(e.type in summaries, `${e.type} is in src/events.json`);
    assert.equal(fillTemplate(summaries[e.type], e.payload, cli).join(''), e.summary, `event #${e.seq} (${e.type})`);
    types.add(e.type);
  }
  assert.ok(types.has('item.registered') && types.has('item.status_changed'), `the events cover ${[...types]}`);
  assert.ok(events.some((e) => e.payload.reason_msg), 'some reason was written by the server, with its reason_msg');
});

test('who made an event is said in words: a user by name, the command line as such, never cli:unknown', async () => {
  // the console's catalogue, as the browser would fetch it
  const saved = { fetch: globalThis.fetch, document: globalThis.document };
  globalThis.fetch = async () => ({ ok: true, json: async () => catalogue('fr') });
  globalThis.document = { documentElement: {}, title: '' };
  try {
    await setLanguage('fr');
    const fr = catalogue('fr');
    assert.equal(actorText('user:alice'), 'alice');
    assert.equal(actorText('cli:unknown'), fr['history.actor_cli']);
    assert.equal(actorText('os:'), fr['history.actor_cli']);
    assert.equal(actorText('os:root'), fr['history.actor_os'].replace('{login}', 'root'));
    assert.equal(actorText('token:ci-export'), fr['history.actor_token'].replace('{name}', 'ci-export'));
    assert.equal(actorText('demo'), fr['history.actor_demo']);
  } finally {
    Object.assign(globalThis, saved);
  }
});

for (const lang of ['fr', 'ar']) {
  test(`${lang}: the weapon's history is worded from the catalogue, with its changed fields as labels and values`, async () => {
    const cat = catalogue(lang);
    await withPage(browser, `history-item-${lang}`, async (page) => {
      await signIn(page, lang);
      await go(page, `#/items/${item}`);
      const block = page.getByTestId('history');
      const events = block.getByTestId('event');
      await events.nth(history.length - 1).waitFor();
      assert.equal(await events.count(), history.length, 'one line per event');
      // every "changed fields" table opened, so its words are read too
      for (const d of await block.locator('details').all()) await d.locator('summary').click();
      const text = await block.innerText();
      assertWorded(text, history, lang, 'the weapon history');

      // the registration and the status change, in the language's own words
      const registered = events.nth(0);
      assert.ok((await registered.innerText()).includes(SERIAL), 'the registration names the serial');
      assert.ok((await registered.innerText()).includes(cat['status.in_store']) || (await registered.innerText()).includes(cat['status.in_service']),
        'the registration names its status by its label');
      const stolen = events.nth(history.length - 1);
      const line = await stolen.locator('.event-what').innerText();
      assert.ok(line.includes(cat['status.stolen']), `the status change says ${cat['status.stolen']}: ${line}`);
      assert.ok(line.includes(REASON), `the reason is shown as typed: ${line}`);
      assert.ok((await stolen.innerText()).includes(cat['history.actor_cli']), 'the command line is named as such');
      // the registration's fields: the catalogue's labels, values in words
      const fields = await registered.locator('table.changes th[scope="row"]').allInnerTexts();
      for (const k of ['field.make', 'field.serial', 'field.status', 'field.country', 'field.markings', 'field.site', 'field.holder'])
        assert.ok(fields.includes(cat[k]), `the changed fields name ${k} as "${cat[k]}": ${fields.join(' | ')}`);
      const row = (k) => registered.locator('table.changes tr', { has: page.getByRole('rowheader', { name: cat[k], exact: true }) });
      assert.doesNotMatch(await row('field.country').innerText(), /\bAT\b/, 'the country is named, not coded');
      await row('field.holder').getByText(HOLDER).waitFor(); // the holder by name, not its id

      // the block follows the page; the reason keeps its own direction
      const dir = await block.evaluate((el) => getComputedStyle(el).direction);
      assert.equal(dir, lang === 'ar' ? 'rtl' : 'ltr', 'the history follows the page direction');
      const reason = stolen.locator('bdi', { hasText: REASON });
      assert.equal(await reason.count(), 1, 'the reason is isolated in its own direction (bdi)');
      await screenshot(page, `history-item-${lang}`);
    });
  });

  test(`${lang}: the dashboard's recent events are worded from the catalogue`, async () => {
    const cat = catalogue(lang);
    await withPage(browser, `history-dashboard-${lang}`, async (page) => {
      await signIn(page, lang);
      await go(page, '#/');
      const list = page.locator('ol.history-list');
      await list.getByTestId('event').nth(recent.length - 1).waitFor();
      const text = await list.innerText();
      assertWorded(text, recent, lang, 'the recent events');
      // the newest is our weapon's status change, linked to its page
      const newest = list.getByTestId('event').first();
      const link = newest.locator(`a[href="#/items/${item}"]`);
      assert.ok((await link.innerText()).includes(cat['status.stolen']), 'the newest event is the weapon stolen, in words');
      const dir = await list.evaluate((el) => getComputedStyle(el).direction);
      assert.equal(dir, lang === 'ar' ? 'rtl' : 'ltr', 'the recent events follow the page direction');
      // the line starts where the page's text starts: at the right in Arabic, at the left in French
      const gap = await newest.locator('.event-what').evaluate((p) => {
        const range = document.createRange();
        range.selectNodeContents(p);
        const text = range.getBoundingClientRect();
        const box = p.getBoundingClientRect();
        return { start: document.documentElement.dir === 'rtl' ? box.right - text.right : text.left - box.left,
          end: document.documentElement.dir === 'rtl' ? text.left - box.left : box.right - text.right };
      });
      assert.ok(gap.start < 2 && gap.end > 20, `the newest line is aligned to the page's start (${JSON.stringify(gap)})`);
      await screenshot(page, `history-dashboard-${lang}`);
    });
  });
}

for (const lang of ['en', 'ar']) {
  test(`${lang}: axe-core finds no violation on the weapon page and the dashboard`, async () => {
    await withPage(browser, `history-axe-${lang}`, async (page) => {
      await signIn(page, lang);
      await go(page, `#/items/${item}`);
      await page.getByTestId('history').getByTestId('event').nth(history.length - 1).waitFor();
      for (const d of await page.getByTestId('history').locator('details').all()) await d.locator('summary').click();
      await assertAxeClean(page, `the weapon page (${lang})`);
      await go(page, '#/');
      await page.locator('ol.history-list').getByTestId('event').first().waitFor();
      await assertAxeClean(page, `the dashboard (${lang})`);
    });
  });
}
