// The transfers room in the console, in Debian's Chromium against a real
// `wam serve` on the demo registry (which holds exports to several states,
// an import, a denial and a certificate with a weapon a post-shipment check
// did not find): every page of the room — licences, a licence, a new
// licence, certificates, a certificate, shipments, a shipment, a new
// shipment, brokers, a broker, diversion alerts, an alert — opens in English
// and Arabic with no axe-core violation and no raw code; a licence's page
// shows each line's remaining quantity as the API computes it; a diversion
// alert's "Open trace request" makes the trace request and opens it; a
// viewer has no transfers menu.
//
// run: node --test --test-reporter=tap web/tests/transfers.test.mjs   (WAM=build/wam)
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

// Signs in (harness.mjs), in language `lang` when given.
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

// What the demo holds, read through the API once signed in.
async function demo(page) {
  const licences = await must(page, '/licences');
  const eucs = await must(page, '/eucs');
  const shipments = await must(page, '/shipments');
  const brokers = await must(page, '/brokers');
  const alerts = await must(page, '/diversions');
  assert.ok(licences.length > 0, 'the demo has licences');
  assert.ok(eucs.length > 0, 'the demo has end-user certificates');
  assert.ok(shipments.length > 0, 'the demo has shipments');
  // a licence something was shipped under, with something left
  let shippedUnder = null;
  for (const l of licences.filter((x) => x.shipped > 0)) {
    const full = await must(page, `/licences/${encodeURIComponent(l.id)}`);
    if (full.lines.some((ln) => ln.shipped > 0)) {
      shippedUnder = full;
      if (full.lines.some((ln) => ln.remaining > 0)) break;
    }
  }
  assert.ok(shippedUnder, 'the demo has a licence with goods shipped under it');
  return { licences, eucs, shipments, brokers, alerts, shippedUnder };
}

// Waits for the page's heading and for the data under it, then runs axe-core.
async function pageIsClean(page, route, what, lang) {
  await go(page, route);
  await page.locator('main h1').waitFor();
  await page.locator('main .loading').first().waitFor({ state: 'detached' }).catch(() => {});
  await settle(page);
  const main = await page.locator('main').innerText();
  assert.ok(main.trim().length > 0, `${what} shows something`);
  // no raw code of the room's vocabularies where words belong
  const raw = main.match(/(?<![\p{L}\p{N}_.@/-])(?:end_user|not_seen|seen_elsewhere|licence_state|xfer\.[a-z_.]+|[a-z]+_[a-z_]+\.[a-z_]+)(?![\p{L}\p{N}_])/gu);
  assert.equal(raw, null, `${what} (${lang}) shows codes: ${raw}`);
  assert.ok(!/\bxfer\./.test(main), `${what} (${lang}) shows a catalogue key`);
  // what screening found is said in the page's language, not the server's English
  if (lang !== 'en') assert.ok(!/under an arms embargo/.test(main), `${what} (${lang}) shows screening's English sentence`);
  const actor = main.match(/\b(?:cli|user|os|token):[\p{L}\w.-]+/gu);
  assert.equal(actor, null, `${what} (${lang}) shows who as a code: ${actor}`);
  const found = await axeViolations(page);
  assert.deepEqual(found, [], `axe-core on ${what} (${lang})`);
  assert.deepEqual(page.errors, [], `errors in the page on ${what}`);
}

for (const lang of ['en', 'ar']) {
  test(`every page of the transfers room passes axe-core in ${lang === 'en' ? 'English' : 'Arabic'}`, async () => {
    await withPage(browser, `transfers-pages-${lang}`, async (page) => {
      await signIn(page, 'admin', lang);
      const d = await demo(page);
      if (lang === 'ar') assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      const enc = encodeURIComponent;
      const routes = [
        ['#/licences', 'the licences'],
        [`#/licences/${enc(d.shippedUnder.id)}`, 'a licence with shipments'],
        ['#/licences/new', 'the new licence form'],
        ['#/eucs', 'the certificates'],
        [`#/eucs/${enc(d.eucs[0].id)}`, 'a certificate'],
        ['#/shipments', 'the shipments'],
        [`#/shipments/${enc(d.shipments[0].id)}`, 'a shipment'],
        ['#/shipments/new', 'the new shipment form'],
        ['#/brokers', 'the brokers'],
        ['#/diversions', 'the diversion alerts'],
      ];
      const draft = d.licences.find((l) => l.state === 'draft');
      if (draft) routes.push([`#/licences/${enc(draft.id)}`, 'a draft licence with its assessment form']);
      const denied = d.licences.find((l) => l.state === 'denied');
      if (denied) routes.push([`#/licences/${enc(denied.id)}`, 'a denied licence']);
      if (d.brokers.length) routes.push([`#/brokers/${enc(d.brokers[0].id)}`, 'a broker']);
      if (d.alerts.length) {
        routes.push([`#/diversions/${enc(d.alerts[0].id)}`, 'a diversion alert']);
        routes.push([`#/eucs/${enc(d.alerts[0].euc_id)}`, 'the certificate of an alert']);
      }
      let n = 0;
      for (const [route, what] of routes) {
        await pageIsClean(page, route, what, lang);
        await screenshot(page, `8${lang === 'en' ? 0 : 5}-transfers-${String(n++).padStart(2, '0')}-${lang}`);
      }
      // the new licence form's rows come and go, each with its country picker
      await go(page, '#/licences/new');
      const form = page.getByTestId('new-licence');
      await form.waitFor();
      const rows = form.locator('.marking-row');
      const before = await rows.count();
      await form.locator('fieldset').nth(1).locator(':scope > button').click();
      assert.equal(await rows.count(), before + 1, 'a party row is added');
      assert.ok(await form.locator('[role="combobox"]').count() >= 3, 'each party has a country picker');
      const found = await axeViolations(page);
      assert.deepEqual(found, [], `axe-core on the new licence form with a row added (${lang})`);
    });
  });
}

test('a licence page shows each line\'s quantity, shipped and remaining as the API counts them', async () => {
  await withPage(browser, 'transfers-remaining', async (page) => {
    await signIn(page, 'admin');
    const { shippedUnder: lic } = await demo(page);
    await go(page, `#/licences/${encodeURIComponent(lic.id)}`);
    const cells = page.getByTestId('remaining');
    await cells.first().waitFor();
    const shown = await cells.allInnerTexts();
    assert.deepEqual(shown, lic.lines.map((l) => l.remaining.toLocaleString('en')), 'the remaining column is the API\'s');
    assert.ok(lic.lines.some((l) => l.remaining < l.quantity), 'something was shipped under it');
    // the header and the row of a shipped line: quantity, shipped and remaining side by side
    const line = lic.lines.find((l) => l.shipped > 0);
    const row = page.locator('table.list tbody tr').filter({ has: page.getByTestId('remaining') }).nth(lic.lines.indexOf(line));
    const text = await row.innerText();
    for (const v of [line.quantity, line.shipped, line.remaining]) assert.ok(text.includes(v.toLocaleString('en')), `${v} in "${text}"`);
    // the list says how much of it was shipped
    await go(page, '#/licences');
    await page.locator('table.list').waitFor();
    const listed = page.locator('table.list tbody tr').filter({ hasText: lic.number });
    assert.match(await listed.innerText(), new RegExp(`${lic.lines.reduce((s, l) => s + l.shipped, 0).toLocaleString('en')} of ${lic.lines.reduce((s, l) => s + l.quantity, 0).toLocaleString('en')}`));
    await screenshot(page, '90-transfers-licence-list');
  });
});

test('a diversion alert\'s "Open trace request" makes the trace request and opens it', async () => {
  await withPage(browser, 'transfers-trace', async (page) => {
    await signIn(page, 'admin');
    const alerts = (await must(page, '/diversions?state=open'));
    assert.ok(alerts.length > 0, 'the demo has an open diversion alert (a weapon a post-shipment check did not find)');
    const alert = alerts[0];
    const tracesBefore = await must(page, '/traces');
    // the dashboard's to-do links to the alerts
    await go(page, '#/dashboard');
    const todo = page.locator('[data-kind="diversion_alerts"] a.todo-link');
    await todo.waitFor();
    assert.equal(await todo.getAttribute('href'), '#/diversions?state=open');
    await todo.click();
    await page.waitForFunction(() => location.hash.startsWith('#/diversions'));
    // open first: the first row's alert is open
    const first = page.locator('table.list tbody tr').first();
    await first.waitFor();
    assert.ok(await first.locator('[data-state="open"]').count(), 'the open alerts come first');
    const row = page.locator('table.list tbody tr').filter({ hasText: alert.serial });
    await row.getByTestId('open-trace').first().click();
    await page.waitForFunction(() => /^#\/traces\/[^/]+$/.test(location.hash));
    const traceId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2]);
    await page.locator('main h1').waitFor();
    const now = await must(page, `/diversions/${encodeURIComponent(alert.id)}`);
    assert.equal(now.state, 'traced');
    assert.equal(now.trace_request_id, traceId, 'the page opened is the alert\'s trace request');
    const trace = await must(page, `/traces/${encodeURIComponent(traceId)}`);
    assert.equal((await must(page, '/traces')).length, tracesBefore.length + 1, 'one trace request more');
    assert.ok(JSON.stringify(trace).includes(alert.serial), 'the request is about the alert\'s weapon');
    await settle(page);
    await screenshot(page, '91-transfers-trace-opened');
    // back on the list, the alert links to its request and has no trace button
    await go(page, '#/diversions');
    const traced = page.locator('table.list tbody tr').filter({ hasText: alert.serial }).first();
    await traced.locator('[data-state="traced"]').waitFor();
    assert.equal(await traced.getByTestId('open-trace').count(), 0);
  });
});

test('a licence drafted in the form is screened, and its assessment recorded in the form denies it', async () => {
  await withPage(browser, 'transfers-draft', async (page) => {
    await signIn(page, 'admin');
    await go(page, '#/licences/new');
    const form = page.getByTestId('new-licence');
    await form.waitFor();
    const byId = (id) => page.locator(`[id="${id}"]`);
    await byId('nl-number').fill('HT-EXP-2026-T01');
    await byId('nl-authority').fill('Direction des licences d\'armes');
    await byId('nl-valid_until').fill('2027-12-31');
    // two parties shown at first: the exporter and the end user; a third added, then removed
    await byId('nl-parties.0.name').fill('Police nationale d\'Haïti');
    await byId('nl-parties.0.country').fill('Haiti');
    await byId('nl-parties.1.name').fill('Société de sécurité de Bangui');
    await byId('nl-parties.1.country').fill('Central African Republic');
    await form.getByRole('button', { name: 'Add a party' }).click();
    await byId('nl-parties.2.name').waitFor();
    await form.getByRole('button', { name: 'Remove party 3' }).click();
    await assertAbsent(byId('nl-parties.2.name'), 'the removed party', 200);
    assert.equal(await byId('nl-parties.1.country').getAttribute('data-code'), 'CF', 'the country picker holds the code');
    await byId('nl-lines.0.category').selectOption({ index: 1 });
    await byId('nl-lines.0.quantity').fill('5');
    await form.getByRole('button', { name: 'Draft the licence' }).click();
    await page.waitForFunction(() => /^#\/licences\/[0-9A-Z]{26}$/.test(location.hash));
    await page.locator('main h1').filter({ hasText: 'HT-EXP-2026-T01' }).waitFor();
    await page.locator('.subtitle [data-state="draft"]').waitFor();
    // the end user in an embargoed state: screening says so, in words
    const parties = await page.locator('table.list').first().innerText();
    assert.match(parties, /under an arms embargo since/);
    assert.match(parties, /end user Société de sécurité de Bangui is in Central African Republic/);
    // the assessment: nothing chosen beforehand, every criterion answered
    const assess = page.getByTestId('assess-form');
    await assess.waitFor();
    assert.equal(await byId('as-decision').inputValue(), '', 'no decision chosen beforehand');
    for (const p of ['embargo', 'international_obligations', 'atrocity_crimes']) await byId(`as-prohibitions.${p}.finding`).selectOption(p === 'embargo' ? 'applies' : 'clear');
    await byId('as-prohibitions.embargo.evidence').fill('S/RES/2127 (2013)');
    for (const r of ['peace_security', 'ihl', 'human_rights', 'terrorism', 'organised_crime', 'gender_based_violence', 'diversion']) await byId(`as-risks.${r}.finding`).selectOption('none');
    // approving what an embargo forbids is refused by the server, in words, at the form
    await byId('as-decision').selectOption('approve');
    await byId('as-reasons').fill('The end user is under an arms embargo.');
    await assess.getByRole('button', { name: 'Record the assessment' }).click();
    await assess.locator('[role="alert"]').first().waitFor();
    await page.locator('.subtitle [data-state="draft"]').waitFor();
    await byId('as-decision').selectOption('deny');
    await assess.getByRole('button', { name: 'Record the assessment' }).click();
    await page.locator('.subtitle [data-state="denied"]').waitFor();
    const shown = await page.getByTestId('assessment').innerText();
    assert.match(shown, /Arms embargo \(Security Council\)\s+prohibition\s+applies/);
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the denied licence');
    await screenshot(page, '92-transfers-denied');
  });
});

test('a licence\'s end-user certificate is recorded in its form, then its verification', async () => {
  await withPage(browser, 'transfers-euc', async (page) => {
    await signIn(page, 'admin');
    const lic = (await must(page, '/licences?kind=export')).find((l) => ['draft', 'assessed'].includes(l.state) && l.number !== 'HT-EXP-2026-T01');
    assert.ok(lic, 'the demo has a pending export licence');
    assert.equal((await must(page, `/licences/${lic.id}`)).euc, null, 'with no certificate yet');
    await go(page, `#/licences/${lic.id}`);
    await page.getByTestId('euc-open').click();
    const form = page.getByTestId('euc-form');
    await form.waitFor();
    const byId = (id) => page.locator(`[id="ne-${id}"]`);
    // what the licence says is there already
    assert.ok((await byId('exporter.name').inputValue()).length > 0, 'the exporter comes from the licence');
    assert.equal(await byId('destination').getAttribute('data-code'), lic.destination);
    await byId('number').fill('EUC-T-2026-001');
    await byId('issued').fill('2026-11-02');
    await byId('expires').fill('2027-11-01');
    await byId('authority.name').fill('Ministry of Defence');
    await byId('authority.signatory').fill('J. Doe');
    await byId('authority.position').fill('Director of Armament');
    await byId('authority.authentication').fill('embossed seal');
    await byId('authority.stamp').check();
    await byId('end_user.position').fill('Commander');
    await byId('end_user.signed').check();
    await byId('goods.0.description').fill('self-loading pistols');
    await byId('contract.reference').fill('CT-2026-77');
    await byId('contract.date').fill('2026-10-01');
    await byId('end_use').fill('Police patrols');
    await byId('sole_use_assurance').check();
    // the undertaking not to re-export left unticked: refused at its field, in words
    await form.getByRole('button', { name: 'Record the certificate' }).click();
    await page.locator('[id="ne-no_reexport_undertaking-error"]').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'ne-no_reexport_undertaking');
    await byId('no_reexport_undertaking').check();
    await form.getByRole('button', { name: 'Record the certificate' }).click();
    await page.waitForFunction(() => /^#\/eucs\/[0-9A-Z]{26}$/.test(location.hash));
    await page.locator('main h1').filter({ hasText: 'EUC-T-2026-001' }).waitFor();
    await page.locator('.subtitle [data-state="received"]').waitFor();
    // its verification, then the certificate is verified and the timeline shows it
    await page.locator('[id="ev-channel"]').fill('note verbale 2026/200');
    await page.locator('[id="ev-result"]').selectOption('authentic');
    await page.getByRole('button', { name: 'Record the verification' }).click();
    await page.locator('.subtitle [data-state="verified"]').waitFor();
    assert.match(await page.getByTestId('verifications').innerText(), /note verbale 2026\/200/);
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the new certificate');
  });
});

test('a shipment made in the form exports the weapon chosen by serial; its delivery and a post-shipment check are recorded in their forms', async () => {
  await withPage(browser, 'transfers-ship', async (page) => {
    await signIn(page, 'admin');
    // an issued export licence with a verified certificate and weapons left to ship
    let lic = null;
    for (const l of (await must(page, '/licences?kind=export&state=issued'))) {
      const full = await must(page, `/licences/${encodeURIComponent(l.id)}`);
      if (full.euc?.state === 'verified' && full.lines.some((x) => x.goods === 'weapons' && x.remaining > 0)) lic = full;
    }
    assert.ok(lic, 'the demo has an issued export licence with a verified certificate and weapons left');
    const line = lic.lines.find((x) => x.goods === 'weapons' && x.remaining > 0);
    const { items } = await must(page, `/items?category=${line.category}&status=in_store&limit=50`);
    const weapon = items.find((i) => /^[A-Z0-9-]{5,}$/.test(i.serial || ''));
    assert.ok(weapon, `a weapon of category ${line.category} in store`);
    // from the licence's page to the form, the licence chosen
    await go(page, `#/licences/${encodeURIComponent(lic.id)}`);
    await page.locator('main a[href^="#/shipments/new"]').click();
    const form = page.getByTestId('new-shipment');
    await form.waitFor();
    await page.getByTestId('chosen-licence').filter({ hasText: lic.euc.number }).waitFor();
    await page.locator('[id="ns-items"]').fill(weapon.serial);
    await page.getByTestId('weapon-choices').getByRole('button').filter({ hasText: weapon.serial }).first().click();
    await page.getByTestId('weapons-chosen').filter({ hasText: weapon.serial }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the new shipment form with a weapon chosen');
    await form.getByRole('button', { name: 'Record the shipment' }).click();
    await page.waitForFunction(() => /^#\/shipments\/[0-9A-Z]{26}$/.test(location.hash));
    const shipmentId = (await page.evaluate(() => location.hash)).split('/')[2];
    // the shipment's weapon links to the weapon, now exported
    await page.locator(`main a[href="#/items/${weapon.id}"]`).waitFor();
    assert.equal((await must(page, `/items/${weapon.id}`)).status, 'exported');
    const after = await must(page, `/licences/${encodeURIComponent(lic.id)}`);
    assert.equal(after.lines[lic.lines.indexOf(line)].remaining, line.remaining - 1, 'one fewer remains on the licence');
    // the delivery, with its DVC
    await page.locator('[id="sd-dvc"]').fill('DO-DVC-2026-T01');
    await page.getByRole('button', { name: 'Record the delivery' }).click();
    await page.getByTestId('dvc').filter({ hasText: 'DO-DVC-2026-T01' }).waitFor();
    await page.locator('.subtitle [data-state="delivered"]').waitFor();
    assert.equal((await must(page, `/shipments/${shipmentId}`)).state, 'delivered');
    // a post-shipment check on the certificate: the weapon seen elsewhere raises an alert
    const alertsBefore = (await must(page, '/diversions')).length;
    await go(page, `#/eucs/${encodeURIComponent(lic.euc.id)}`);
    const check = page.getByTestId('check-form');
    await check.waitFor();
    await check.locator('[id="pc-inspectors"]').fill('Inspector One\nInspector Two');
    await check.locator(`[id="pc-items.${weapon.id}.result"]`).selectOption('seen_elsewhere');
    await check.locator(`[id="pc-items.${weapon.id}.location"]`).fill('a private armoury in Santiago');
    await check.getByRole('button', { name: 'Record the check' }).click();
    await check.getByRole('status').filter({ hasText: 'Post-shipment check recorded.' }).waitFor();
    const alerts = await must(page, '/diversions');
    assert.equal(alerts.length, alertsBefore + 1, 'one alert more');
    const raised = alerts.find((a) => a.item_id === weapon.id);
    assert.equal(raised?.result, 'seen_elsewhere');
    await page.locator('main table.list').filter({ hasText: 'a private armoury in Santiago' }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the certificate after its check');
    await screenshot(page, '93-transfers-checked');
    // the weapon's page links to its shipment and its alert
    await go(page, `#/items/${weapon.id}`);
    await page.getByTestId('links-shipments').locator(`a[href="#/shipments/${shipmentId}"]`).waitFor();
    await page.getByTestId('links-diversions').locator(`a[href="#/diversions/${raised.id}"]`).waitFor();
    assert.match(await page.getByTestId('links-diversions').innerText(), /seen elsewhere/);
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the weapon page with its transfers');
  });
});

// The demo's import licence: issued, Glock 17 pistols, 50 allowed, 10 arrived.
async function importLicence(page) {
  const lic = (await must(page, '/licences?kind=import')).find((l) => l.number === 'HT-IMP-2026-0003');
  assert.ok(lic, 'the demo has the import licence HT-IMP-2026-0003');
  return must(page, `/licences/${encodeURIComponent(lic.id)}`);
}

test('an arrival recorded on an import licence\'s page registers each weapon with the import mark of HT', async () => {
  await withPage(browser, 'transfers-arrival-ar', async (page) => {
    await signIn(page, 'admin', 'ar');
    const lic = await importLicence(page);
    await go(page, `#/licences/${encodeURIComponent(lic.id)}`);
    const form = page.getByTestId('arrival-form');
    await form.waitFor();
    await form.locator('fieldset > button').click();
    assert.equal(await form.getByTestId('arrival-row').count(), 2, 'a weapon row is added');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.ok(!/\bxfer\./.test(await form.innerText()), 'the arrival form (ar) shows a catalogue key');
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the arrival form (ar)');
    await form.scrollIntoViewIfNeeded();
    await screenshot(page, '94-transfers-arrival-form-ar');
  });
  await withPage(browser, 'transfers-arrival', async (page) => {
    await signIn(page, 'admin');
    const lic = await importLicence(page);
    assert.equal(lic.state, 'issued');
    assert.equal(lic.lines.length, 1);
    const line = lic.lines[0];
    assert.equal(line.remaining, 40, '50 allowed, 10 arrived');
    await go(page, `#/licences/${encodeURIComponent(lic.id)}`);
    const form = page.getByTestId('arrival-form');
    await form.waitFor();
    assert.equal(await form.locator('h2').innerText(), 'Record an arrival');
    // the licence's one line fills in each row, the first and one added
    await form.getByRole('button', { name: 'Add a weapon' }).click();
    const rows = form.getByTestId('arrival-row');
    assert.equal(await rows.count(), 2);
    for (let i = 0; i < 2; i++) {
      const row = rows.nth(i);
      assert.equal(await row.getByLabel('Category').inputValue(), 'SA1');
      assert.equal(await row.getByLabel('Make').inputValue(), 'Glock');
      assert.equal(await row.getByLabel('Model').inputValue(), '17');
      assert.equal(await row.getByLabel('Calibre').inputValue(), '9x19mm');
    }
    assert.equal(await form.getByLabel('Date of arrival').inputValue(), new Date().toISOString().slice(0, 10));
    // a row added and removed again
    await form.getByRole('button', { name: 'Add a weapon' }).click();
    assert.equal(await rows.count(), 3);
    await form.getByRole('button', { name: 'Remove weapon 3' }).click();
    assert.equal(await rows.count(), 2);
    const serials = ['BXK-T-901', 'BXK-T-902'];
    for (let i = 0; i < 2; i++) {
      const row = rows.nth(i);
      await row.getByLabel('Serial').fill(serials[i]);
      const country = row.getByRole('combobox', { name: 'Country of manufacture' });
      await country.pressSequentially('Austria', { delay: 20 });
      await page.locator('[role="listbox"]:not([hidden]) [role="option"]').filter({ hasText: 'Austria' }).first().click();
      assert.equal(await country.getAttribute('data-code'), 'AT');
    }
    await form.locator('[id="ar-carrier"]').fill('Air France Cargo');
    // a year the registry refuses: its message under that weapon's year, focused
    await rows.nth(1).getByLabel('Year').fill('1700');
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the arrival form (en)');
    await form.getByRole('button', { name: 'Record the arrival' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'ar-weapons.1.year');
    assert.match(await form.innerText(), /year/);
    assert.equal((await must(page, `/licences/${encodeURIComponent(lic.id)}`)).lines[0].remaining, 40, 'nothing arrived');
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the arrival form with its error (en)');
    await rows.nth(1).getByLabel('Year').fill('2025');
    await form.getByRole('button', { name: 'Record the arrival' }).click();
    await page.waitForFunction(() => /^#\/shipments\/[0-9A-Z]{26}$/.test(location.hash));
    const id = (await page.evaluate(() => location.hash)).split('/')[2];
    const shipment = await must(page, `/shipments/${id}`);
    assert.equal(shipment.direction, 'import');
    assert.equal(shipment.carrier, 'Air France Cargo');
    assert.deepEqual(shipment.items.map((i) => i.serial).sort(), serials);
    // the shipment's page lists both, each a link to its weapon, marked HT on import
    for (const item of shipment.items) {
      await page.locator(`main a[href="#/items/${item.item_id}"]`).filter({ hasText: item.serial }).waitFor();
      const w = await must(page, `/items/${item.item_id}`);
      assert.ok((w.import_marks || []).some((m) => m.country === 'HT'), `${item.serial} bears the import mark of HT`);
      assert.equal(w.country, 'AT');
    }
    assert.equal((await must(page, `/licences/${encodeURIComponent(lic.id)}`)).lines[0].remaining, 38, 'two fewer remain');
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the arrival\'s shipment');
    await screenshot(page, '95-transfers-arrival');
  });
});

test('a broker registered in the form is suspended with a reason, and a diversion alert is closed with one', async () => {
  await withPage(browser, 'transfers-broker', async (page) => {
    await signIn(page, 'admin');
    await go(page, '#/brokers');
    const byId = (id) => page.locator(`[id="${id}"]`);
    await byId('br-name').fill('Caraïbes Courtage SA');
    await byId('br-country').fill('Haiti');
    await byId('br-registration').fill('HT-BRK-2026-T01');
    await page.getByLabel('brokering', { exact: true }).check();
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.waitForFunction(() => /^#\/brokers\/[0-9A-Z]{26}$/.test(location.hash));
    await page.locator('.subtitle [data-state="registered"]').waitFor();
    await page.getByTestId('bs-suspended').click();
    await byId('bs-reason').fill('registration papers under review');
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.locator('.subtitle [data-state="suspended"]').waitFor();
    await page.getByText('registration papers under review').first().waitFor();
    const id = (await page.evaluate(() => location.hash)).split('/')[2];
    assert.equal((await must(page, `/brokers/${id}`)).state, 'suspended');
    // an alert closed from the list, with its reason
    const open = await must(page, '/diversions?state=open');
    assert.ok(open.length > 0, 'an open alert to close');
    await go(page, '#/diversions');
    const row = page.locator('table.list tbody tr').filter({ hasText: open[0].serial }).first();
    await row.getByRole('button', { name: /^Close/ }).click();
    await byId('dc-reason').fill('the weapon was found in the armoury of the end user');
    await page.getByRole('button', { name: 'Close the alert' }).click();
    await page.getByRole('status').filter({ hasText: 'The alert is closed.' }).waitFor();
    await row.locator('[data-state="closed"]').waitFor();
    assert.equal((await must(page, `/diversions/${open[0].id}`)).state, 'closed');
  });
});

test('a viewer has no transfers menu, and the pages say so', async () => {
  await withPage(browser, 'transfers-viewer', async (page) => {
    await signIn(page, 'viewer');
    await assertAbsent(page.locator('#nav-b-transfers'), 'the transfers group for a viewer', 300);
    await go(page, '#/licences');
    await page.locator('main h1').waitFor();
    await assertAbsent(page.locator('main table.list'), 'the licences for a viewer', 300);
  });
});
