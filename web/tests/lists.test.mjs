// The grouped menu, phones and lists, in Debian's Chromium against a real
// `wam serve` on a 3000-weapon demo registry: the menu is one row on a
// 1366 px laptop and one "Menu" button on a 390 px phone, where no page of
// it scrolls sideways; the weapons list shows its total, sorts, changes its
// page size and pages; serials stay on one line; "Download CSV" gives what
// is shown with a guard against formulas; axe-core finds nothing on the
// pages this touches, in English and in Arabic.
//
// run: node --test --test-reporter=tap web/tests/lists.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { USERS, launchBrowser, makeRegistry, screenshot, settle, startServer, tearDown, wam, withPage } from './harness.mjs';

const AXE = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'axe-core', 'axe.min.js');
const LAPTOP = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };
// the pages whose lists, menu or layout this work changed
const TOUCHED = ['#/dashboard', '#/items', '#/lots', '#/checks', '#/custody', '#/recoveries', '#/destructions', '#/inbox',
  '#/losses', '#/traces', '#/traces/new', '#/sites'];
// a site whose name a spreadsheet would run as a formula
const EVIL = '=HYPERLINK("http://x","y")';

let dir, server, browser, url, evilSite;

before(async () => {
  dir = makeRegistry();
  evilSite = JSON.parse(wam(dir, ['--json', 'site', 'add', EVIL, '--kind', 'armoury'])).id;
  wam(dir, ['item', 'add', '--category', 'SA4', '--make', 'Norinco', '--model', 'Type 56', '--calibre', '7.62x39mm',
    '--serial', '-56,7"01', '--country', 'CN', '--site', evilSite]);
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

async function signIn(page, name = 'admin') {
  await page.goto(`${url}/`);
  await page.getByLabel('User name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(USERS[name][1]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor({ state: 'attached' });
}

async function open(page, route) {
  await page.evaluate((r) => { window.location.hash = r; }, route);
  await page.locator('main h1').first().waitFor();
  await settle(page);
}

async function axe(page, what) {
  // evaluated, not added as a <script>: the console's CSP allows no inline script
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const { violations } = await page.evaluate(() => window.axe.run());
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on ${what}`);
}

async function language(page, code) {
  await page.locator('#lang').selectOption(code);
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
  await settle(page);
}

const rowsOf = (page) => page.locator('main table.list tbody tr');

test('on a 1366 px laptop the menu is one row of groups; a group opens from the keyboard and Escape closes it', async () => {
  await withPage(browser, 'lists-nav', async (page) => {
    await page.setViewportSize(LAPTOP);
    await signIn(page);
    const tops = await page.locator('.nav-groups > li').evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
    assert.ok(tops.length >= 6, `the menu has its groups: ${tops.length}`);
    assert.equal(new Set(tops).size, 1, `every entry of the menu on one row: tops ${tops}`);
    assert.ok((await page.locator('nav.nav').boundingBox()).height < 60, 'the menu is one row high');
    assert.equal(await page.getByRole('button', { name: 'Menu', exact: true }).isVisible(), false, 'no Menu button on a laptop');

    const stock = page.getByRole('button', { name: 'Stock', exact: true });
    await stock.focus();
    await page.keyboard.press('Enter');
    assert.equal(await stock.getAttribute('aria-expanded'), 'true');
    const custody = page.getByRole('link', { name: 'Custody', exact: true });
    assert.ok(await custody.isVisible(), 'the open group shows its pages');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    assert.equal(await stock.getAttribute('aria-expanded'), 'false', 'Escape closes the group');
    assert.equal(await custody.isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), await stock.textContent(), 'the focus is back on its button');

    await stock.click();
    await custody.click();
    await page.waitForFunction(() => location.hash === '#/custody');
    assert.equal(await stock.getAttribute('aria-expanded'), 'false', 'following a link closes the group');
    assert.match(await stock.getAttribute('class'), /here/, 'the group of the page shown is marked');
    await screenshot(page, 'lists-01-nav-laptop');
  });
});

test('on a 390 px phone the menu is one button and no page of it scrolls sideways', async () => {
  await withPage(browser, 'lists-phone', async (page) => {
    await page.setViewportSize(PHONE);
    await signIn(page);
    const menu = page.getByRole('button', { name: 'Menu', exact: true });
    await menu.waitFor();
    assert.ok((await page.locator('nav.nav').boundingBox()).height < 60, 'the closed menu takes one row');
    assert.equal(await page.getByRole('button', { name: 'Stock', exact: true }).isVisible(), false);
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await page.getByRole('button', { name: 'Stock', exact: true }).waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'Escape closes the menu');

    const hrefs = await page.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length >= 14, `the menu lists the pages: ${hrefs}`);
    for (const lang of ['en', 'ar']) {
      await language(page, lang);
      for (const href of [...hrefs, '#/traces/new']) {
        await open(page, href);
        const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
        assert.ok(scroll <= width, `${href} in ${lang} is ${scroll} px wide on a ${width} px screen`);
      }
    }
    await language(page, 'en');
    // the trace request's quality stays on screen while its first fields are typed
    await open(page, '#/traces/new');
    await page.getByTestId('trace-score').waitFor();
    await page.getByLabel('Make', { exact: true }).fill('Norinco');
    const box = await page.getByTestId('trace-quality').boundingBox();
    assert.ok(box.y < PHONE.height && box.y + box.height <= PHONE.height + 1, `the quality panel is on screen: ${JSON.stringify(box)}`);
    const more = page.getByRole('button', { name: 'Show findings', exact: true });
    await more.click();
    assert.equal(await page.getByRole('button', { name: 'Hide findings', exact: true }).getAttribute('aria-expanded'), 'true');
    await page.getByTestId('trace-missing').waitFor();
    await screenshot(page, 'lists-02-trace-phone');
  });
});

test('the weapons list shows its total, sorts on a column, changes its page size and pages; serials stay on one line', async () => {
  await withPage(browser, 'lists-items', async (page) => {
    await page.setViewportSize(LAPTOP);
    await signIn(page);
    await open(page, '#/items');
    const total = page.getByTestId('list-total');
    await assertText(total, /^1–50 of 3,001$/);
    assert.equal(await rowsOf(page).count(), 50);

    const serial = page.locator('th', { has: page.getByRole('button', { name: /^Serial/ }) });
    await serial.getByRole('button').click();
    await page.waitForFunction(() => location.hash.includes('sort=serial'));
    await settle(page);
    assert.equal(await serial.getAttribute('aria-sort'), 'ascending');
    const api = async (q) => (await page.evaluate((qq) => fetch('/api/v1/items?' + qq).then((r) => r.json()), q)).items.map((i) => i.id);
    const shown = () => rowsOf(page).locator('th a').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href').split('/').pop())));
    assert.deepEqual(await shown(), await api('sort=serial&limit=50'), 'the page is the server\'s first 50 by serial');
    await serial.getByRole('button').click();
    await page.waitForFunction(() => location.hash.includes('sort=-serial'));
    await settle(page);
    assert.equal(await serial.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await shown(), await api('sort=-serial&limit=50'));

    await page.getByLabel('Rows per page', { exact: true }).selectOption('25');
    await settle(page);
    assert.equal(await rowsOf(page).count(), 25);
    await assertText(total, /^1–25 of 3,001$/);
    await page.getByRole('button', { name: 'Next page', exact: true }).click();
    await settle(page);
    await assertText(total, /^26–50 of 3,001$/);
    assert.deepEqual(await shown(), await api('sort=-serial&limit=25&offset=25'));
    await page.getByRole('button', { name: 'First page', exact: true }).click();
    await settle(page);
    await assertText(total, /^1–25 of 3,001$/);

    // every serial on one line, at a laptop's width and a phone's
    for (const size of [LAPTOP, PHONE]) {
      await page.setViewportSize(size);
      const tall = await page.locator('main table .ref').evaluateAll((els) => els
        .filter((el) => el.getBoundingClientRect().height > parseFloat(getComputedStyle(el).lineHeight) * 1.5)
        .map((el) => el.textContent));
      assert.deepEqual(tall, [], `serials wrapped at ${size.width} px`);
    }
    const ref = page.locator('main table .ref').first();
    assert.equal(await ref.getAttribute('title'), (await ref.textContent()).trim(), 'the whole serial is its title');
    await screenshot(page, 'lists-03-items');
  });
});

test('Download CSV gives the rows and columns shown, quoted, formulas disarmed, with a byte order mark', async () => {
  await withPage(browser, 'lists-csv', async (page) => {
    await page.setViewportSize(LAPTOP);
    await signIn(page);
    await open(page, `#/items?site=${evilSite}`);
    await assertText(page.getByTestId('list-total'), /^1–1 of 1$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV', exact: true }).click()]);
    assert.equal(download.suggestedFilename(), 'weapons.csv');
    const bytes = readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte order mark');
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    assert.equal(lines[0], 'Serial,Make,Model,Category,Country,Status,Marking,Site');
    assert.equal(lines.length, 3, 'the header, one weapon and the last line break');
    const row = lines[1];
    assert.ok(row.startsWith(`"'-56,7""01",Norinco,Type 56,SA4,CN,`), `the serial quoted and disarmed: ${row}`);
    assert.ok(row.endsWith(`,"'=HYPERLINK(""http://x"",""y"")"`), `the site disarmed: ${row}`);
  });
});

test('axe-core finds no violation on the pages of the menu and lists, in English and in Arabic, laptop and phone', async () => {
  await withPage(browser, 'lists-axe', async (page) => {
    await page.setViewportSize(LAPTOP);
    await signIn(page);
    for (const lang of ['en', 'ar']) {
      if (lang === 'ar') await language(page, 'ar');
      for (const route of TOUCHED) {
        await open(page, route);
        await axe(page, `${route} (${lang})`);
      }
      // a group open, and the phone's menu open
      await page.locator('.nav-group > button').first().click();
      await axe(page, `an open group (${lang})`);
      await page.setViewportSize(PHONE);
      await open(page, '#/items');
      await page.locator('.nav-menu').click();
      await axe(page, `the phone's menu (${lang})`);
      await page.locator('.nav-menu').click();
      await page.setViewportSize(LAPTOP);
    }
  });
});

async function assertText(locator, re) {
  const deadline = Date.now() + 5000;
  let text;
  do {
    text = (await locator.textContent())?.trim();
    if (re.test(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  assert.match(text, re);
}
