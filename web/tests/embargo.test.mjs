// Arms embargoes and sanctions in the console, in Debian's Chromium against
// a real `wam serve` on the demo registry (which imports the regimes of the
// reference file and the fictitious Consolidated List, and raises screening
// alerts: one open, one cleared, one confirmed; an exemption with its
// decision; notices due and sent): every page of the Embargoes menu opens
// in English and Arabic with no axe-core violation and no raw code; the
// screening page marks the matched parts of a listed name given in Arabic
// script; clearing an alert with a reason takes it out of the open ones; a
// viewer sees the pages and no form.
//
// run: node --test --test-reporter=tap web/tests/embargo.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAbsent, axeViolations, launchBrowser, makeRegistry, screenshot, settle, signInAs, startServer, tearDown,
  withPage,
} from './harness.mjs';

let dir, server, browser, url;

before(async () => {
  dir = makeRegistry();
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
  await signInAs(page, url, name);
}

const go = (page, route) => page.evaluate((r) => { window.location.hash = r; }, route);
const get = (page, path) =>
  page.evaluate((p) => fetch('/api/v1' + p).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) })), path);
const must = async (page, path) => {
  const r = await get(page, path);
  assert.equal(r.status, 200, `GET ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const enc = encodeURIComponent;
const ARABIC = /[\u0600-\u06FF]/;

// What the demo holds, read through the API once signed in.
async function demo(page) {
  const regimes = await must(page, '/regimes');
  const entries = await must(page, '/sanctions/entries');
  const alerts = await must(page, '/sanctions/alerts');
  const exemptions = await must(page, '/exemptions');
  const notices = await must(page, '/notices');
  assert.ok(regimes.length > 0, 'the demo has regimes');
  assert.ok(regimes.some((r) => r.in_force), 'a regime is in force today');
  assert.ok(entries.length > 0, "the demo has the fictitious list's entries");
  assert.ok(alerts.length > 0, 'the demo has screening alerts');
  const arabic = entries.find((e) => ARABIC.test(e.name_original_script || '') || (e.names || []).some((n) => ARABIC.test(n.name)));
  assert.ok(arabic, 'the fictitious list has a name in Arabic script');
  return { regimes, entries, alerts, exemptions, notices, arabic };
}

// The name of an entry in Arabic script.
const arabicName = (e) => (ARABIC.test(e.name_original_script || '') ? e.name_original_script : e.names.find((n) => ARABIC.test(n.name)).name);

// Waits for the page's heading and the data under it; no raw code, no
// catalogue key, no actor id; axe-core finds nothing.
async function pageIsClean(page, route, what, lang) {
  await go(page, route);
  await page.locator('main h1').waitFor();
  await page.locator('main .loading').first().waitFor({ state: 'detached' }).catch(() => {});
  await settle(page);
  const main = await page.locator('main').evaluate((m) => {
    const copy = m.cloneNode(true);
    for (const el of copy.querySelectorAll('[translate="no"]')) el.remove();
    return copy.innerText;
  });
  assert.ok(main.trim().length > 0, `${what} shows something`);
  const raw = main.match(/(?<![\p{L}\p{N}_.@/-])(?:[a-z]+_[a-z_]+|(?:emb|nav|msg|todo)\.[a-z_.]+|(?:regime_target|regime_scope|exemption_procedure|exemption_state|notice_kind|notice_state|alert_state|entry_kind|match_how|list_source)\.[a-z_-]+)(?![\p{L}\p{N}_])/gu);
  assert.equal(raw, null, `${what} (${lang}) shows codes: ${raw}`);
  const actor = main.match(/\b(?:cli|user|os|token):[\p{L}\w.-]+/gu);
  assert.equal(actor, null, `${what} (${lang}) shows who as a code: ${actor}`);
  assert.ok(!/\b[0-9A-HJKMNP-TV-Z]{26}\b/.test(main), `${what} (${lang}) shows a record id`);
  const found = await axeViolations(page);
  assert.deepEqual(found, [], `axe-core on ${what} (${lang})`);
  assert.deepEqual(page.errors, [], `errors in the page on ${what}`);
}

function routesOf(d) {
  const inForce = d.regimes.find((r) => r.in_force);
  const country = inForce.territories?.[0];
  const routes = [
    ['#/regimes', 'the regimes in force today'],
    ['#/regimes?on=2005-06-01', 'the regimes on a past date'],
    [`#/regimes/${enc(inForce.id)}`, 'a regime'],
    ['#/embargo-check', 'the destination check'],
    ['#/screening', 'the screening form'],
    [`#/screening?name=${enc(arabicName(d.arabic))}`, 'the candidates for a name in Arabic script'],
    ['#/screening-alerts', 'the screening alerts'],
    [`#/screening-alerts/${enc(d.alerts[0].id)}`, 'a screening alert'],
    ['#/sanctions', 'the sanctions list'],
    [`#/sanctions/${enc(d.arabic.id)}`, 'a list entry'],
    ['#/exemptions', 'the exemptions'],
    ['#/notices', 'the notices'],
  ];
  if (country) routes.push([`#/embargo-check?country=${enc(country)}&name=${enc(d.arabic.name)}`, 'a destination under an embargo, with a listed party']);
  if (d.exemptions.length) routes.push([`#/exemptions/${enc(d.exemptions[0].id)}`, 'an exemption']);
  if (d.notices.length) routes.push([`#/notices/${enc(d.notices[0].id)}`, 'a notice']);
  return routes;
}

for (const lang of ['en', 'ar']) {
  test(`every page of the Embargoes menu passes axe-core in ${lang === 'en' ? 'English' : 'Arabic'}, with no raw code`, async () => {
    await withPage(browser, `embargo-pages-${lang}`, async (page) => {
      await signIn(page, 'admin', lang);
      const d = await demo(page);
      if (lang === 'ar') assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      const routes = routesOf(d);
      routes.push(['#/exemptions/new', 'the new exemption form']);
      for (const [route, what] of routes) await pageIsClean(page, route, what, lang);
      // the menu's group holds the seven pages
      await page.locator('#nav-b-embargoes').click();
      const links = await page.locator('#nav-l-embargoes a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(links, ['#/regimes', '#/embargo-check', '#/screening', '#/screening-alerts', '#/sanctions', '#/exemptions', '#/notices']);
      await screenshot(page, `90-embargo-${lang}`);
    });
  });
}

test('the screening page marks the parts of a listed name given in Arabic script', async () => {
  await withPage(browser, 'embargo-screening', async (page) => {
    await signIn(page, 'admin');
    const d = await demo(page);
    const name = arabicName(d.arabic);
    await go(page, '#/screening');
    await page.locator('#sc-name').fill(name);
    await page.locator('form[data-testid="screening"] button[type="submit"]').click();
    const first = page.locator('.emb-candidate').first();
    await first.waitFor();
    // the listed entry is among the candidates
    const ids = await page.locator('.emb-candidate h3 a').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href').split('/').pop())));
    assert.ok(ids.includes(d.arabic.id), `the entry ${d.arabic.name} is a candidate for ${name}: ${ids}`);
    const card = page.locator('.emb-candidate').nth(ids.indexOf(d.arabic.id));
    // the name asked, in its own script, with its matched parts marked
    const marks = await card.locator('.emb-name mark').allInnerTexts();
    assert.ok(marks.length > 0, 'a part of the name is marked');
    for (const m of marks) assert.ok(ARABIC.test(m) && name.includes(m), `the marked part "${m}" is of the name asked`);
    const shown = await card.locator('.emb-name').innerText();
    assert.equal(shown.replace(/\s+/g, ' ').trim(), name.replace(/\s+/g, ' ').trim(), 'the whole name is shown, cut nowhere');
    // the score as a meter and a percentage; how each part matched in words
    const meter = await card.locator('meter').first().getAttribute('value');
    assert.ok(Number(meter) > 0 && Number(meter) <= 1, `the score is a share: ${meter}`);
    assert.match(await card.innerText(), /\d+\s?%/);
    const how = await card.locator('.emb-explain tbody td:nth-child(3)').allInnerTexts();
    assert.ok(how.length > 0 && how.every((h) => h && !/_/.test(h)), `each part says how it matched, in words: ${how}`);
    await screenshot(page, '91-embargo-screening');
  });
});

test("the dashboard's to-do links to the open screening alerts and the notices due", async () => {
  await withPage(browser, 'embargo-todo', async (page) => {
    await signIn(page, 'admin');
    const d = await demo(page);
    await go(page, '#/dashboard');
    await page.locator('[data-testid="todo"] .todo-list').waitFor();
    if (d.alerts.some((a) => a.state === 'open')) {
      const alerts = page.locator('[data-testid="todo"] li[data-kind="screening_alerts"] a.todo-link');
      assert.equal(await alerts.getAttribute('href'), '#/screening-alerts?state=open');
    }
    const due = d.notices.filter((n) => n.state === 'due');
    if (due.length) {
      const links = await page.locator('[data-testid="todo"] li[data-kind^="notices_"] a.todo-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(links.length > 0 && links.every((h) => h === '#/notices?state=due'), `the notices due are in the to-do: ${links}`);
    }
    assert.ok(!(await page.locator('[data-testid="todo"]').innerText()).includes(' other work'), 'no kind of work is left unnamed');
  });
});

test('clearing a screening alert with a reason takes it out of the open ones', async () => {
  await withPage(browser, 'embargo-clear', async (page) => {
    await signIn(page, 'admin');
    const open = await must(page, '/sanctions/alerts?state=open');
    assert.ok(open.length > 0, 'the demo has an open screening alert to clear');
    const alert = open[0];
    await go(page, '#/screening-alerts?state=open');
    await page.locator('table.list').waitFor();
    const row = page.locator('table.list tbody tr').filter({ has: page.locator(`a[href="#/screening-alerts/${enc(alert.id)}"]`) });
    await row.locator('[data-testid="decide"]').click();
    // the decision box has its own words, not the generic "Change the state"
    const box = page.locator('.xfer-change');
    assert.equal((await box.locator('h2').innerText()).trim(), 'Decide this alert');
    assert.match(await box.locator('.hint').innerText(), /false positive/);
    assert.match(await page.locator('[data-testid="ad-clear"]').innerText(), /false positive/);
    await page.locator('[data-testid="ad-clear"]').click();
    await page.locator('#ad-reason').fill('a different date of birth and nationality');
    await page.locator('.xfer-change button[type="submit"]').click();
    await page.locator('main .success', { hasText: /\S/ }).first().waitFor();
    await settle(page);
    await assertAbsent(page.locator(`table.list a[href="#/screening-alerts/${enc(alert.id)}"]`), 'the cleared alert among the open ones', 500);
    const after = await must(page, `/sanctions/alerts/${enc(alert.id)}`);
    assert.equal(after.state, 'cleared');
    assert.equal(after.decided?.reason, 'a different date of birth and nationality');
    // its page says so, with the reason, and offers no decision any more
    await go(page, `#/screening-alerts/${enc(alert.id)}`);
    await page.locator('main [data-state="cleared"]').waitFor();
    assert.match(await page.locator('main').innerText(), /a different date of birth and nationality/);
    await assertAbsent(page.locator('[data-testid="ad-clear"]'), 'the decision form on a cleared alert', 300);
  });
});

test("why an exemption does not fit is a message of the catalogue, worded in the reader's language", async () => {
  await withPage(browser, 'embargo-why', async (page) => {
    await signIn(page, 'admin', 'fr');
    const { csrf } = await must(page, '/session');
    const made = await page.evaluate(([token]) => fetch('/api/v1/exemptions', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ regime: 'sudan', procedure: 'prior_approval', notifying_state: 'HT', supplier: 'Arsenal National',
        end_user: { name: 'Police nationale', country: 'SD' }, items: [{ description: 'gilets pare-balles', quantity: 10 }] }),
    }).then(async (r) => ({ status: r.status, body: await r.json() })), [csrf]);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const x = await must(page, `/exemptions/${enc(made.body.id)}`);
    assert.equal(x.fits, false);
    assert.ok(x.why_id, `why has its message id: ${JSON.stringify(x)}`);
    assert.deepEqual(x.why_args, [made.body.id]);
    await go(page, `#/exemptions/${enc(made.body.id)}`);
    const why = page.locator('[data-testid="why"]');
    await why.waitFor();
    // worded from the catalogue, not the server's English sentence
    await assertAbsent(why.locator('[data-said="server"]'), "the server's English sentence", 300);
    assert.ok((await why.innerText()).includes(made.body.id), 'the sentence names the exemption');
  });
});

test('a viewer sees the Embargoes pages read-only', async () => {
  await withPage(browser, 'embargo-viewer', async (page) => {
    await signIn(page, 'viewer');
    const d = await demo(page);
    await page.locator('#nav-b-embargoes').waitFor();
    for (const [route, what] of routesOf(d)) {
      await go(page, route);
      await page.locator('main h1').waitFor();
      await page.locator('main .loading').first().waitFor({ state: 'detached' }).catch(() => {});
      await settle(page);
      assert.ok((await page.locator('main').innerText()).trim().length > 0, `${what} shows something to a viewer`);
    }
    for (const [route, sel, what] of [
      ['#/screening-alerts', '[data-testid="decide"]', 'the decision buttons of the alerts'],
      [`#/screening-alerts/${enc(d.alerts.find((a) => a.state === 'open')?.id || d.alerts[0].id)}`, '[data-testid="ad-clear"]', "an alert's decision form"],
      ['#/sanctions', '[data-testid="import-list"]', 'the list import form'],
      ['#/exemptions', 'a[href^="#/exemptions/new"]', 'the new exemption link'],
      ['#/notices', '[data-testid="mark-sent"]', 'the mark-sent buttons'],
    ]) {
      await go(page, route);
      await page.locator('main h1').waitFor();
      await settle(page);
      await assertAbsent(page.locator(sel), `${what} for a viewer`, 300);
    }
    if (d.exemptions.length) {
      await go(page, `#/exemptions/${enc(d.exemptions[0].id)}`);
      await page.locator('[data-testid="notice-link"]').waitFor();
      await assertAbsent(page.locator('#xd-decision'), "an exemption's decision form for a viewer", 300);
    }
  });
});
