// Sentences the server writes, in the user's language: the console shows a
// weapon's marking reason, an import row's reason and the error of a refused
// import from msg.<message_id> of the chosen catalogue, filled with the args
// the server sent, not the server's English. The French catalogue is served
// with marked msg.* texts (the route below), so what the page shows can only
// have come from it; axe-core finds no violation on the pages seen.
//
// run: node --test --test-reporter=tap web/tests/messages.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { USERS, launchBrowser, screenshot, settle, startServer, wam, withPage, tearDown } from './harness.mjs';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const fr = JSON.parse(readFileSync(join(web, 'i18n', 'fr.json'), 'utf8'));
// every msg.* text marked, its {n} kept in their places
const marked = Object.fromEntries(Object.entries(fr).map(([k, v]) => [k, k.startsWith('msg.') ? `«FR» ${v}` : v]));

const AXE = readFileSync(join(web, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let dir, server, browser, url, item;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wam-messages-'));
  wam(dir, ['init', '--country', 'FR', '--name', 'Messages test registry']);
  const [role, password] = USERS.admin;
  wam(dir, ['user', 'add', 'admin', '--role', role, '--password-stdin'], password + '\n');
  // made in the US, held in France, no import marking: R2
  item = JSON.parse(wam(dir, ['--json', 'item', 'add', '--category', 'SA1', '--make', 'Colt', '--model', '1911',
    '--calibre', '.45 ACP', '--serial', 'MSG-2291', '--country', 'US']));
  item = item.id ?? item.item?.id;
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

async function signInFrench(page) {
  await page.route('**/i18n/fr.json', (r) => r.fulfill({ contentType: 'application/json', body: JSON.stringify(marked) }));
  await page.goto(`${url}/`);
  await page.getByLabel('User name', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(USERS.admin[1]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
  await page.getByLabel('Language', { exact: true }).selectOption('fr');
  await page.waitForFunction(() => document.documentElement.lang === 'fr');
}

async function noAxeViolations(page, what) {
  // evaluated by the driver: the console's Content-Security-Policy refuses an injected <script>
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run());
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), [],
    `axe-core on ${what}`);
}

test('a marking reason is said from the chosen catalogue, with the args the server sent', async () => {
  await withPage(browser, 'messages-marking', async (page) => {
    await signInFrench(page);
    await page.goto(`${url}/#/items/${item}`);
    const reason = page.locator('.reason-text[data-said="server"]');
    await reason.waitFor();
    const want = marked['msg.registry.r2_made_but_no_import'].replace('{1}', 'US').replace('{2}', 'FR');
    assert.equal((await reason.textContent()).trim(), want);
    await settle(page);
    await screenshot(page, 'messages-marking');
    await noAxeViolations(page, 'a weapon, in French');
  });
});

test("an import's row reasons and its error are said from the chosen catalogue", async () => {
  await withPage(browser, 'messages-import', async (page) => {
    await signInFrench(page);
    await page.goto(`${url}/#/import`);
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'category,make,model,calibre,serial,country\nSA1,Colt,1911,.45 ACP,MSG-1,XX\n');
    await page.locator('#import-file').setInputFiles(csv);
    await page.locator('button[type="submit"]').click();
    const cell = page.locator('table.list td[data-said="server"]').first();
    await cell.waitFor();
    const text = (await cell.textContent()).trim();
    assert.ok(text.startsWith('«FR» ') && text.includes('XX') && !text.includes('{'),
      `the row's reason comes from the French catalogue, filled: ${text}`);
    const alert = page.getByRole('alert').first();
    await alert.waitFor();
    assert.match(await alert.textContent(), /«FR» 1 /, "the refused import's error comes from the catalogue too");
    await settle(page);
    await screenshot(page, 'messages-import');
    await noAxeViolations(page, 'the import report, in French');
  });
});
