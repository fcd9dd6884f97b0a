// The web console in Debian's Chromium, against a real `wam serve` on a
// 3000-weapon demo registry: signing in, finding a weapon from a misread
// serial, registering a weapon, what a viewer may not see, roles and lists
// taken from the server, and Arabic turning the page right-to-left. Each
// page seen is saved as a screenshot (harness.mjs: SCREENSHOTS). One browser
// and one server serve all the tests; each test has its own browser context,
// so its own session.
//
// run: node --test --test-reporter=tap web/tests/   (WAM=build/wam)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  USERS, assertAbsent, clearScreenshots, launchBrowser, makeRegistry, pickMisreadWeapon, screenshot, setField,
  settle, startServer, withPage, tearDown, wam
} from './harness.mjs';

let dir, server, browser, url, target;

before(async () => {
  clearScreenshots();
  dir = makeRegistry();
  target = pickMisreadWeapon(dir);
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

const NAV = ['Dashboard', 'Search', 'Weapons', 'Register', 'Sites', 'Import', 'Users'];
// a link of the menu, shown or behind its group's button
const nav = (page, name) => page.locator('nav').getByRole('link', { name, exact: true, includeHidden: true });
const signOut = (page) => page.getByRole('button', { name: 'Sign out', exact: true });

/** Signs in as `name` from the sign-in form; resolves once the console shows the user signed in. */
async function signIn(page, name, password = USERS[name][1]) {
  if (!page.url().startsWith(url)) await page.goto(`${url}/`);
  await page.getByLabel('User name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await signOut(page).waitFor();
}

/** Goes to a route of the console without reloading it (the session stays). */
async function go(page, route) {
  await page.evaluate((r) => { window.location.hash = r; }, route);
}

/** The hash the console shows, which is where sign-in lands: the dashboard. */
async function assertOnDashboard(page) {
  const hash = await page.evaluate(() => window.location.hash);
  assert.ok(['', '#/', '#/dashboard'].includes(hash), `after signing in the console is at ${hash}, not #/dashboard`);
}

/** A candidate of the search results that links to the weapon `id`. */
function candidateFor(page, id) {
  return page.getByTestId('candidate').filter({ has: page.locator(`a[href$="#/items/${id}"]`) });
}

/** Searches for `serial` as read on the search page. */
async function search(page, serial) {
  await go(page, '#/search');
  await page.getByLabel('Serial as read', { exact: true }).fill(serial);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

test('before signing in, every route shows the sign-in form; a wrong password is refused in an alert', async () => {
  await withPage(browser, 'sign-in', async (page) => {
    await page.goto(`${url}/#/register`);
    await page.getByLabel('User name', { exact: true }).waitFor();
    await page.getByLabel('Password', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await assertAbsent(page.getByTestId('register-form'), 'the register form, before signing in', 300);
    await screenshot(page, '01-sign-in');

    await page.getByLabel('User name', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    await alert.first().waitFor();
    await assertAbsent(signOut(page), 'the Sign out button after a wrong password', 300);
  });
});

test('an admin signs in and lands on the dashboard, with their name, Sign out and every page in the menu', async () => {
  await withPage(browser, 'dashboard', async (page) => {
    await signIn(page, 'admin');
    await assertOnDashboard(page);
    assert.match(await page.locator('body').innerText(), /\badmin\b/, 'the signed-in user is named on the page');
    for (const name of NAV) await nav(page, name).first().waitFor({ state: 'attached' });
    // a weapon's share of a chart is never rounded to nothing
    await page.locator('.chart table.numbers').first().waitFor({ state: 'attached' }); // folded under the chart
    for (const row of await page.locator('.chart table.numbers tbody tr').all()) {
      const cells = await row.locator('td').allInnerTexts();
      if (cells.length === 2 && !/^0$/.test(cells[0].trim())) assert.notEqual(cells[1].trim(), '0%', `a share of ${cells[0]} weapons reads 0%`);
    }
    await screenshot(page, '02-dashboard');
  });
});

test('every page of the menu opens without an error in the page, and the weapons list lists weapons', async () => {
  await withPage(browser, 'every-page', async (page) => {
    await signIn(page, 'admin');
    await assertOnDashboard(page);
    const hrefs = await page.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length >= NAV.length, `the menu has its pages: ${JSON.stringify(hrefs)}`);
    for (const href of hrefs) {
      await page.goto(`${url}/${href}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await settle(page);
      assert.deepEqual(page.errors, [], `no error in the page at ${href}`);
    }
    await page.goto(`${url}/#/items`);
    await page.locator('table a[href^="#/items/"]').first().waitFor();
  });
});

test('a serial typed with two misread characters finds the weapon, its differences marked', async () => {
  await withPage(browser, 'search', async (page) => {
    await signIn(page, 'registrar');
    await search(page, target.typed);
    const found = candidateFor(page, target.id);
    await found.first().waitFor();
    assert.equal(await found.count(), 1, `one candidate links to #/items/${target.id}`);
    const serial = (await found.getByTestId('candidate-serial').textContent()).trim();
    assert.equal(serial, target.serial, `the candidate for "${target.typed}" shows the serial as registered`);
    const marked = await found.locator('mark').allTextContents();
    assert.ok(marked.length > 0, `the candidate marks the characters that differ from "${target.typed}"`);
    assert.equal(marked.join('').length, 2, `two characters marked, not ${JSON.stringify(marked)}`);
    await screenshot(page, '03-search-results');

    await found.locator(`a[href$="#/items/${target.id}"]`).first().click();
    await page.waitForURL(`**/#/items/${target.id}`);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: target.serial }).waitFor();
    await page.getByTestId('history').getByTestId('event').first().waitFor();
    await page.getByTestId('integrity').waitFor();
    await screenshot(page, '04-weapon');
  });
});

test('the register form shows the API\'s field error next to the field and registers nothing', async () => {
  await withPage(browser, 'register-errors', async (page) => {
    await signIn(page, 'registrar');
    await go(page, '#/register');
    const form = page.getByTestId('register-form');
    await form.waitFor();
    await setField(page, 'Category', 'SA1');
    await setField(page, 'Make', 'Glock');
    await setField(page, 'Model', '17');
    await setField(page, 'Calibre', '9x19mm');
    await setField(page, 'Serial', '');
    await setField(page, 'Country', 'AT');
    await setField(page, 'Year', '3000'); // the API: 422, field "year" (1800 to next year)
    await form.getByRole('button', { name: 'Register', exact: true }).click();
    const yearError = page.locator('#year-error');
    await page.waitForFunction(() => document.getElementById('year-error')?.textContent.trim(), null,
      { timeout: 7000 }).catch(() => {
      throw new Error('no error shown in #year-error after registering with year 3000');
    });
    assert.ok(await yearError.isVisible(), 'the year error is visible');
    assert.equal(await page.evaluate(() => window.location.hash), '#/register', 'the page stays on the form');
    await screenshot(page, '05-register-errors');
  });
});

test('a registered weapon is on its own page with its registration in its history, and search finds it', async () => {
  const serial = `WT${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`;
  await withPage(browser, 'register', async (page) => {
    await signIn(page, 'registrar');
    await go(page, '#/register');
    const form = page.getByTestId('register-form');
    await form.waitFor();
    await setField(page, 'Category', 'SA1');
    await setField(page, 'Make', 'Glock');
    await setField(page, 'Model', '17');
    await setField(page, 'Calibre', '9x19mm');
    await setField(page, 'Serial', serial);
    await setField(page, 'Country', 'AT');
    await setField(page, 'Year', '2015');
    await form.getByRole('button', { name: 'Register', exact: true }).click();
    await page.waitForURL(/#\/items\/[0-9A-HJKMNP-TV-Z]{26}$/);
    const id = page.url().split('#/items/')[1];
    await page.getByRole('heading', { level: 1 }).filter({ hasText: serial }).waitFor();
    await page.getByTestId('history').getByTestId('event').filter({ hasText: `serial ${serial}` }).first().waitFor();
    await screenshot(page, '06-registered-weapon');

    await search(page, serial);
    const found = candidateFor(page, id);
    await found.first().waitFor();
    assert.equal((await found.getByTestId('candidate-serial').textContent()).trim(), serial);
  });
});

test('disabling a user asks first: one click disables no one, and Keep leaves the user active', async () => {
  await withPage(browser, 'disable-asks', async (page) => {
    await signIn(page, 'admin');
    await go(page, '#/users');
    const row = page.locator('table.list tr', { has: page.getByRole('rowheader', { name: 'viewer', exact: true }) });
    await row.getByRole('button', { name: 'Disable viewer', exact: true }).click();
    await row.getByText('Disable viewer? They can no longer sign in until enabled again.').waitFor();
    await row.getByRole('button', { name: 'Keep viewer', exact: true }).click();
    await row.getByRole('button', { name: 'Disable viewer', exact: true }).waitFor();
    assert.match(await row.innerText(), /\bactive\b/, 'the viewer is still active');
    await signOut(page).waitFor();
  });
});

test('a viewer has no Register, Import or Users in the menu and no register form, even at its route', async () => {
  await withPage(browser, 'viewer', async (page) => {
    await signIn(page, 'viewer');
    await assertOnDashboard(page);
    for (const name of ['Dashboard', 'Search', 'Weapons', 'Sites']) await nav(page, name).first().waitFor({ state: 'attached' });
    for (const name of ['Register', 'Import', 'Users']) assert.equal(await nav(page, name).count(), 0, `the ${name} link is in the menu`);
    await assertAbsent(page.getByTestId('register-form'), 'the register form on the dashboard', 200);
    await screenshot(page, '07-viewer-dashboard');

    await go(page, '#/register');
    await assertAbsent(page.getByTestId('register-form'), 'the register form at #/register for a viewer', 1500);
    await assertAbsent(page.getByRole('button', { name: 'Register', exact: true }), 'a Register button', 200);
    await signOut(page).waitFor();
  });
});

test('the console takes roles and lists from the server, asked once: without register for the admin, no Register; the custody and trace filters offer what it sent', async () => {
  await withPage(browser, 'vocabulary', async (page) => {
    let asked = 0;
    await page.route('**/api/v1/vocabulary', async (route) => {
      asked++;
      const response = await route.fetch();
      const v = await response.json();
      for (const r of v.roles) if (r.role === 'admin') r.actions = r.actions.filter((a) => a !== 'register');
      v.categories = v.categories.filter((c) => c.code === 'SA1' || c.code === 'SA2');
      v.custody_states = ['returned', 'open'];
      v.trace_states = ['closed', 'draft'];
      await route.fulfill({ response, json: v });
    });
    await signIn(page, 'admin');
    await assertOnDashboard(page);
    for (const name of ['Dashboard', 'Search', 'Weapons', 'Users']) await nav(page, name).first().waitFor({ state: 'attached' });
    assert.equal(await nav(page, 'Register').count(), 0, 'the Register link is in the menu');
    await go(page, '#/items');
    const categories = page.locator('select:has(option[value="SA1"]) option');
    await categories.nth(2).waitFor({ state: 'attached' });
    assert.deepEqual(await categories.evaluateAll((os) => os.map((o) => o.value)), ['', 'SA1', 'SA2'],
      'the category filter offers the categories the server sent');
    await go(page, '#/custody');
    const custody = page.locator('select:has(option[value="returned"]) option');
    await custody.nth(1).waitFor({ state: 'attached' });
    assert.deepEqual(await custody.evaluateAll((os) => os.map((o) => o.value)), ['returned', 'open'],
      'the custody filter offers the custody states the server sent');
    await go(page, '#/traces');
    const states = page.locator('select:has(option[value="closed"]) option');
    await states.nth(2).waitFor({ state: 'attached' });
    assert.deepEqual(await states.evaluateAll((os) => os.map((o) => o.value)), ['', 'closed', 'draft'],
      'the trace state filter offers the trace states the server sent');
    await go(page, '#/sites');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    assert.equal(asked, 1, 'the console asked for the vocabulary once');
  });
});

test('choosing Arabic turns the page right-to-left; English turns it back', async () => {
  await withPage(browser, 'arabic', async (page) => {
    await signIn(page, 'admin');
    const language = page.getByLabel('Language', { exact: true });
    const values = await language.locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual([...values].sort(), ['ar', 'en', 'es', 'fr', 'ru', 'zh'], 'the six UN languages');
    await language.selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl').catch(() => {
      throw new Error('after choosing ar, <html dir> is not rtl');
    });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    await screenshot(page, '08-arabic-dashboard');

    // the select's label is now Arabic: find it by its options
    await page.locator('select:has(option[value="ar"]):has(option[value="en"])').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr').catch(() => {
      throw new Error('after choosing en again, <html dir> is not ltr');
    });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await signOut(page).waitFor();
  });
});

test('a named verifier, signed in as themselves, confirms a destruction batch; the status form offers no destroyed', async () => {
  const pw = 'verifier: a long enough password';
  for (const name of ['vera.one', 'vera.two'])
    wam(dir, ['user', 'add', name, '--role', 'auditor', '--password-stdin'], pw + '\n');
  const { items } = JSON.parse(wam(dir, ['--json', 'item', 'list', '--status', 'in_store', '--limit', '1']));
  const weapon = items[0];
  const batch = JSON.parse(wam(dir, ['--json', 'destruction', 'open', '--method', 'CUT', '--site', 'Range', '--date', '2026-11-20']));
  wam(dir, ['destruction', 'add', batch.id, '--item', weapon.id, '--verifier', 'vera.one', '--verifier', 'vera.two']);
  wam(dir, ['destruction', 'verify', batch.id, weapon.serial || weapon.id]);
  await withPage(browser, 'verifier', async (page) => {
    await signIn(page, 'vera.one', pw);
    await go(page, `#/destructions/${batch.id}`);
    const states = page.getByTestId('verifier-states');
    await states.getByText('not confirmed yet').first().waitFor();
    await page.getByRole('button', { name: 'I confirm', exact: true }).click();
    await states.locator('li').filter({ hasText: 'vera.one' }).getByText(/^confirmed /).waitFor();
    await states.locator('li').filter({ hasText: 'vera.two' }).getByText('not confirmed yet').waitFor();
    // whose account each verifier's is: who made it, who last set its password
    const account = await states.locator('li').filter({ hasText: 'vera.one' }).getByTestId('verifier-account').textContent();
    assert.match(account, /^account created by os:\S+ on .+; password last set by os:\S+ on .+$/, 'the verifier\'s account is shown');
    await assertAbsent(page.getByRole('button', { name: 'I confirm', exact: true }), 'a second confirm button', 500);
    await screenshot(page, '09-verifier-confirmed');
    await signOut(page).click();
  });
  const after = JSON.parse(wam(dir, ['--json', 'destruction', 'show', batch.id]));
  assert.deepEqual(after.verifier_states.map((v) => v.confirmed), [true, false], 'the confirmation is vera.one\'s only');
  await withPage(browser, 'no-destroyed', async (page) => {
    await signIn(page, 'registrar');
    await go(page, `#/items/${weapon.id}`);
    // the status form waits behind its button
    await page.getByTestId('status-open').click();
    const form = page.getByTestId('status-form');
    await form.waitFor();
    const options = await form.locator('select option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(options.includes('in_service'), `the form offers the statuses allowed: ${options}`);
    assert.ok(!options.includes('destroyed') && !options.includes('exported'), `no destroyed or exported: ${options}`);
    await page.getByTestId('exports').getByRole('heading', { name: 'Propose an export', exact: true }).waitFor();
  });
});
