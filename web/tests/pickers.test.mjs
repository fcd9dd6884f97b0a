// Choosing instead of typing codes (components/pickers.js), safe defaults on
// the users page and the user's own account, in Debian's Chromium against
// `wam serve`: a French registrar finds the USSR by typing "urss" and the
// weapon is recorded with SUHH; makes are suggested as they are typed; a
// photo chosen on the trace form is uploaded and its hash fills in;
// disabling a user asks first and a user form refuses "no site chosen";
// the account page changes the password and signs out everywhere. axe-core
// finds no violation on these pages in English and Arabic.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { USERS, launchBrowser, makeRegistry, screenshot, settle, startServer, tearDown, wam, withPage } from './harness.mjs';

const AXE = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'axe-core', 'axe.min.js');
// a 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const CHANGER = ['changer', 'changer: the first long password', 'changer: the second long password'];

let dir, server, browser, url;

before(async () => {
  dir = makeRegistry();
  wam(dir, ['user', 'add', CHANGER[0], '--role', 'viewer', '--password-stdin'], CHANGER[1] + '\n');
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

const signOutButton = (page) => page.locator('header .who button');

async function signIn(page, name, password = USERS[name][1]) {
  await page.goto(`${url}/`);
  await page.locator('#name').fill(name);
  await page.locator('#password').fill(password);
  await page.locator('form button[type="submit"]').click();
  await signOutButton(page).waitFor();
}

async function go(page, route) {
  await page.evaluate((r) => { window.location.hash = r; }, route);
}

async function language(page, code) {
  await page.locator('#lang').selectOption(code);
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
}

/** GET under /api/v1 with the page's session; resolves to {status, body}. */
function get(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch('/api/v1' + p, { credentials: 'same-origin' });
    return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : null, type: r.headers.get('content-type') };
  }, path);
}

/** Runs axe-core on the page as it is; fails on any violation. */
async function axe(page, what) {
  await settle(page);
  // the console's CSP allows no inline script: axe-core goes in through the debugger
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const found = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  assert.deepEqual(found, [], `axe-core on ${what}`);
}

/** The suggestions of the combobox whose list is open. */
const suggestions = (page) => page.locator('[role="listbox"]:not([hidden]) [role="option"]');

/** Types into a combobox and waits for a suggestion holding `hasText`. */
async function suggest(page, input, typed, hasText) {
  await input.fill('');
  await input.pressSequentially(typed, { delay: 20 });
  const option = suggestions(page).filter({ hasText });
  await option.first().waitFor();
  return option;
}

test('a French registrar types "urss" and chooses the USSR: the weapon is recorded with SUHH; makes are suggested', async () => {
  await withPage(browser, 'pickers-register', async (page) => {
    await signIn(page, 'registrar');
    await language(page, 'fr');
    await go(page, '#/register');
    const country = page.locator('#country');
    await country.waitFor();
    assert.equal(await country.getAttribute('role'), 'combobox');

    // names in the user's language, found without accents or case
    await suggest(page, country, 'allemagne', 'Allemagne');
    assert.equal(await suggestions(page).filter({ hasText: 'Allemagne' }).first().textContent().then((s) => s.includes('DE')), true,
      'Allemagne is offered with its code DE');
    await suggest(page, country, 'etats-u', 'États-Unis');
    await page.keyboard.press('Escape');
    assert.equal(await country.getAttribute('aria-expanded'), 'false', 'Escape closes the list');

    // the former state, by its French name
    await suggest(page, country, 'urss', 'SUHH');
    await country.press('ArrowDown');
    assert.ok(await country.getAttribute('aria-activedescendant'), 'the arrow makes a suggestion active');
    await country.press('Enter');
    assert.equal(await country.inputValue(), 'Union soviétique');
    assert.equal(await country.getAttribute('data-code'), 'SUHH');

    // makes from the registry and the reference data, as they are typed
    const make = page.locator('#make');
    await suggest(page, make, 'izhm', 'Izhmash');
    const first = (await suggestions(page).first().textContent()).trim();
    await make.press('ArrowDown');
    await make.press('Enter');
    assert.equal(await make.inputValue(), first, 'Enter takes the suggestion');
    const model = page.locator('#model');
    await suggest(page, model, 'a', 'AK');
    await model.fill('AKM');
    await page.keyboard.press('Escape');
    await screenshot(page, 'pickers-register-fr');

    await page.locator('#category').selectOption('SA4');
    await page.locator('#serial').fill('PK-URSS-0001');
    await page.getByTestId('register-form').locator('button[type="submit"]').click();
    await page.waitForFunction(() => /^#\/items\/\w{26}$/.test(window.location.hash));
    const id = await page.evaluate(() => window.location.hash.split('/')[2]);
    const { body } = await get(page, `/items/${id}`);
    assert.equal(body.country, 'SUHH', 'the weapon is recorded as made in the USSR');
    assert.equal(body.make, first);
  });
});

test('a photo chosen on the trace form is uploaded, and its SHA-256 fills in', async () => {
  await withPage(browser, 'pickers-photo', async (page) => {
    await signIn(page, 'registrar');
    await go(page, '#/traces/new');
    const file = page.locator('[id="tr-item.photos-file"]');
    await file.setInputFiles({ name: 'markings.png', mimeType: 'image/png', buffer: PNG });
    const hash = createHash('sha256').update(PNG).digest('hex');
    const list = page.locator('[id="tr-item.photos"]');
    await page.waitForFunction((h) => document.getElementById('tr-item.photos').value.includes(h), hash);
    assert.equal((await list.inputValue()).trim(), hash);
    await page.locator('.photo-thumbs img').first().waitFor();
    const back = await get(page, `/photos/${hash}`);
    assert.equal(back.status, 200);
    assert.equal(back.type, 'image/png');
    for (const lang of ['en', 'ar']) {
      await language(page, lang);
      await axe(page, `the new trace request form (${lang})`);
    }
  });
});

test('disabling a user asks first; a user form refuses "no site chosen" unless all sites is chosen', async () => {
  await withPage(browser, 'pickers-users', async (page) => {
    await signIn(page, 'admin');
    await go(page, '#/users');
    await page.getByRole('button', { name: 'Disable viewer' }).click();
    const ask = page.getByRole('group', { name: /Disable viewer\?/ });
    await ask.waitFor();
    let users = (await get(page, '/users')).body;
    assert.equal(users.find((u) => u.name === 'viewer').disabled, false, 'one click disables no one');
    await ask.getByRole('button', { name: /Keep/ }).click();
    users = (await get(page, '/users')).body;
    assert.equal(users.find((u) => u.name === 'viewer').disabled, false, 'Keep keeps the user');

    // the form is behind its button; with no choice of sites it is refused
    await page.getByRole('button', { name: 'Add a user' }).click();
    await page.locator('#user-name').fill('newcomer');
    await page.locator('#user-password').fill('newcomer: a long password');
    await page.getByRole('button', { name: 'Add user', exact: true }).click();
    await page.locator('#user-sites-error').waitFor();
    assert.equal((await get(page, '/users')).body.some((u) => u.name === 'newcomer'), false, 'no user without a choice of sites');
    // "only these sites" with none chosen: the server refuses it too
    await page.locator('#user-sites-some').check();
    await page.getByRole('button', { name: 'Add user', exact: true }).click();
    await page.locator('#user-sites-error').waitFor();
    assert.equal((await get(page, '/users')).body.some((u) => u.name === 'newcomer'), false, 'no user with an empty list of sites');
    await page.locator('#user-sites').check();
    await page.getByRole('button', { name: 'Add user', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'newcomer' }).first().waitFor();
    const made = (await get(page, '/users')).body.find((u) => u.name === 'newcomer');
    assert.deepEqual(made.sites, [], 'all sites, chosen on purpose');
    await page.getByRole('button', { name: 'Disable viewer' }).click();
    for (const lang of ['en', 'ar']) {
      await language(page, lang);
      await axe(page, `the users page (${lang})`);
    }
  });
});

test('the account page: sign out everywhere ends another session; a new password signs in, the old no longer', async () => {
  const other = await browser.newContext();
  try {
    const elsewhere = await other.newPage();
    await signIn(elsewhere, CHANGER[0], CHANGER[1]);
    assert.equal((await get(elsewhere, '/session')).status, 200);
    await withPage(browser, 'pickers-account', async (page) => {
      await signIn(page, CHANGER[0], CHANGER[1]);
      await page.locator('header a[href="#/account"]').click();
      await page.locator('#acc-current').waitFor();
      for (const lang of ['en', 'ar']) {
        await language(page, lang);
        await axe(page, `the account page (${lang})`);
      }
      await language(page, 'en');

      await page.getByRole('button', { name: 'Sign out everywhere…' }).click();
      await page.getByRole('button', { name: 'Yes, sign out everywhere' }).click();
      await page.getByRole('button', { name: 'Sign in again' }).waitFor();
      assert.equal((await get(elsewhere, '/session')).status, 401, 'the other browser is signed out');
      assert.equal((await get(page, '/session')).status, 401, 'and so is this one');

      await signIn(page, CHANGER[0], CHANGER[1]);
      await go(page, '#/account');
      await page.locator('#acc-current').fill(CHANGER[1]);
      await page.locator('#acc-password').fill(CHANGER[2]);
      await page.locator('#acc-again').fill(CHANGER[2] + ' typo');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.locator('#acc-again-error').waitFor();
      await page.locator('#acc-again').fill(CHANGER[2]);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('button', { name: 'Sign in again' }).waitFor();
      await screenshot(page, 'pickers-account-changed');
      assert.equal((await get(page, '/session')).status, 401, 'changing the password ends the session');
    });
    // the new password signs in; the old one is refused
    const signin = (password) => elsewhere.evaluate(async ([n, p]) => (await fetch('/api/v1/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: n, password: p }) })).status,
    [CHANGER[0], password]);
    assert.equal(await signin(CHANGER[1]), 401, 'the old password is refused');
    await signIn(elsewhere, CHANGER[0], CHANGER[2]);
  } finally {
    await other.close();
  }
});

test('the register page and its open suggestions have no axe violation in English and Arabic', async () => {
  await withPage(browser, 'pickers-axe', async (page) => {
    await signIn(page, 'registrar');
    await go(page, '#/register');
    for (const lang of ['en', 'ar']) {
      await language(page, lang);
      await suggest(page, page.locator('#country'), 'ge', /\w|\p{L}/u);
      await axe(page, `the register page with suggestions open (${lang})`);
      await page.keyboard.press('Escape');
    }
  });
});
